"""The publication date, not the update time: an element that names itself the update
("updated", ``itemprop="dateModified"``) is not the publication date, and a declared
``datePublished`` restamped with the modification time gives way to an earlier one."""

from __future__ import annotations

from datetime import UTC, datetime

from .parsed import prose, published_of

PROSE = prose("the ferry timetable")


_published = published_of


def test_a_byline_update_span_gives_way_to_the_time_printed_before_it() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title></head><body>"
        "<div><h1>Ferry timetable changes</h1><div class='byline'>By <a href='/ann'>Ann Quay</a>"
        "<br/>on March 3, 2021 at 9:15 AM, updated <span class='updated'>March 3, 2021 at"
        " 11:40 AM</span></div>"
        f"{PROSE}</div></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 3, 9, 15, tzinfo=UTC)


def test_a_time_marked_as_the_modification_is_not_the_publication() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title></head><body><article>"
        "<h1>Ferry timetable changes</h1>"
        "<time itemprop='dateModified' datetime='2021-03-04T08:00:00Z'>4 March</time>"
        "<time class='published' datetime='2021-03-03T09:15:00Z'>3 March</time>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 3, 9, 15, tzinfo=UTC)


def test_a_declared_publication_equal_to_the_modification_gives_way_to_an_earlier_one() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title>"
        "<meta property='article:published_time' content='2021-03-03T11:40:00Z'>"
        "<meta itemprop='datePublished' content='2021-03-03T09:15:00Z'>"
        "<meta itemprop='dateModified' content='2021-03-03T11:40:00Z'>"
        "</head><body><article><h1>Ferry timetable changes</h1>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 3, 9, 15, tzinfo=UTC)


def test_a_page_never_updated_keeps_its_declared_publication() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title>"
        "<meta property='article:published_time' content='2021-03-03T09:15:00Z'>"
        "<meta property='article:modified_time' content='2021-03-03T09:15:00Z'>"
        "</head><body><article><h1>Ferry timetable changes</h1>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 3, 9, 15, tzinfo=UTC)


def test_a_time_marked_both_published_and_updated_is_the_publication() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title></head><body><article>"
        "<h1>Ferry timetable changes</h1><span class='posted-on'>"
        "<time class='entry-date published updated' datetime='2021-03-03T09:15:00Z'>"
        f"3 March</time></span>{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 3, 9, 15, tzinfo=UTC)


def test_a_page_that_shows_only_its_update_time_is_dated_by_it() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title></head><body><article>"
        "<h1>Ferry timetable changes</h1>"
        "<time class='updated' datetime='2021-03-04T08:00:00Z'>4 March</time>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 4, 8, 0, tzinfo=UTC)


def test_a_declared_date_days_earlier_than_the_restamped_one_is_not_taken() -> None:
    page = (
        "<html><head><title>Ferry timetable changes</title>"
        "<meta property='article:published_time' content='2021-03-03T11:40:00Z'>"
        "<meta itemprop='datePublished' content='2020-06-01T09:15:00Z'>"
        "<meta itemprop='dateModified' content='2021-03-03T11:40:00Z'>"
        "</head><body><article><h1>Ferry timetable changes</h1>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2021, 3, 3, 11, 40, tzinfo=UTC)
