"""Visible dates near the headline: a ``<time>`` outside the article container gives its
machine-readable value, a date set in a small heading under a headline that only
``<title>`` names is found, and a meta column in an ``<aside>`` is used when it is the
only dated element of the rails and nothing else dates the page."""

from __future__ import annotations

from datetime import UTC, datetime

from .parsed import prose, published_of

PROSE = prose("the allotment society")


_published = published_of


def test_a_time_beside_the_headline_outside_the_article_gives_its_datetime() -> None:
    page = (
        "<html><head><title>Allotment society elects a chair</title></head><body>"
        "<div class='top'><h1>Allotment society elects a chair</h1>"
        "<div><span>Town Desk</span><time datetime='2022-05-06T04:00:00Z'>May 6, 2022</time>"
        f"</div></div><article>{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2022, 5, 6, 4, 0, tzinfo=UTC)


def test_a_date_heading_under_a_headline_named_only_by_the_title_is_found() -> None:
    page = (
        "<html><head><title>Allotment society elects a chair: Town notes</title></head><body>"
        "<h1></h1><h2>Notes from a small town</h2><div class='content'>"
        "<h3>Allotment society elects a chair</h3><h4>2022年05月06日<a href='/'>-</a></h4>"
        f"{PROSE}</div></body></html>"
    )
    published = _published(page)
    assert published is not None and published.date() == datetime(2022, 5, 6).date()


def test_the_one_date_of_an_aside_dates_a_page_with_no_other_date() -> None:
    page = (
        "<html><head><title>Allotment society elects a chair</title></head><body><article>"
        "<h1>Allotment society elects a chair</h1>"
        "<aside><ul class='meta'><li class='meta__kind'>Report</li>"
        "<li class='meta__date'>06.05.2022</li></ul></aside>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) == datetime(2022, 5, 6, tzinfo=UTC)


def test_an_aside_listing_several_dated_stories_dates_nothing() -> None:
    cards = "".join(
        f"<li><a href='/s{i}'>Other story {i}</a><span class='date'>0{i}.05.2022</span></li>"
        for i in range(1, 4)
    )
    page = (
        "<html><head><title>Allotment society elects a chair</title></head><body><article>"
        f"<h1>Allotment society elects a chair</h1><aside><ul>{cards}</ul></aside>"
        f"{PROSE}</article></body></html>"
    )
    assert _published(page) is None
