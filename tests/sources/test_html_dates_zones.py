"""Visible dates with a zone named without its season ("PT", "ET"): read in that zone,
standard or daylight time by the zone's own rules; date elements whose zoned value sits
in a ``data-*`` attribute."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Sentence {i} of a story long enough to be an article page.</p>" for i in range(12)
)


@pytest.mark.parametrize(
    ("shown", "want"),
    [
        ("Dec. 22, 2016 5:00 a.m. PT", datetime(2016, 12, 22, 13, 0, tzinfo=UTC)),  # PST, -8
        ("July 4, 2016 5:00 p.m. PT", datetime(2016, 7, 5, 0, 0, tzinfo=UTC)),  # PDT, -7
        ("December 16, 2016, 4:19 PM ET", datetime(2016, 12, 16, 21, 19, tzinfo=UTC)),  # EST, -5
        ("June 1, 2019 8:34 PM ET", datetime(2019, 6, 2, 0, 34, tzinfo=UTC)),  # EDT, -4
        ("March 3, 2020 10:15 a.m. CT", datetime(2020, 3, 3, 16, 15, tzinfo=UTC)),  # CST, -6
    ],
)
def test_a_visible_date_with_a_generic_us_zone_is_read_in_that_zone(
    shown: str, want: datetime
) -> None:
    page = (
        f"<html><head><title>Story</title></head><body><article><h1>A story about the harbour wall</h1>"
        f'<span class="byline-date">{shown}</span>{PROSE}</article></body></html>'
    )
    ctx = SourceContext(
        path="p.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("Europe/London"),
        base_url="https://paper.example/a",
    )
    assert parse(page, ctx).articles[0].published == want


def test_a_visible_date_without_a_zone_is_read_in_the_input_zone() -> None:
    page = (
        "<html><head><title>Story</title></head><body><article><h1>A story about the harbour wall</h1>"
        f'<span class="date">12 March 2024 14:05</span>{PROSE}</article></body></html>'
    )
    ctx = SourceContext(
        path="p.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("Europe/London"),
        base_url="https://paper.example/a",
    )
    assert parse(page, ctx).articles[0].published == datetime(
        2024, 3, 12, 14, 5, tzinfo=ZoneInfo("Europe/London")
    )


def test_a_date_inside_a_layout_wrapper_named_for_its_sidebar_is_not_a_rail_date() -> None:
    # "sidebar-right" on the block that holds both the story and its sidebar is a layout
    # switch; the sidebar itself (an <aside> here) is still a rail.
    page = (
        "<html><head><title>Story</title></head><body>"
        '<div class="wrap sidebar-right"><div class="content"><h1>A story about the harbour wall</h1>'
        f'<span class="date">12 March 2024 14:05</span>{PROSE}</div>'
        '<div class="sidebar"><span class="date">1 March 2024 08:00</span></div></div>'
        "</body></html>"
    )
    ctx = SourceContext(
        path="p.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url="https://paper.example/a",
    )
    assert parse(page, ctx).articles[0].published == datetime(2024, 3, 12, 14, 5, tzinfo=UTC)


def test_a_byline_with_links_inside_under_the_headline_gives_the_date_and_zone() -> None:
    page = (
        "<html><head><title>Story</title></head><body><div class='main'>"
        "<h1>Ferry numbers tick up for the month of May</h1>"
        '<div class="author">Written by <a href="/ann">Ann Quay</a> in <a href="/ferries">'
        'Ferries</a> on 1 June 2019 at 08:34 PM EDT. <a href="#c">51 Comments</a></div>'
        f"{PROSE}</div></body></html>"
    )
    ctx = SourceContext(
        path="p.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url="https://paper.example/a",
    )
    assert parse(page, ctx).articles[0].published == datetime(2019, 6, 2, 0, 34, tzinfo=UTC)


def test_a_time_element_that_keeps_its_value_in_a_data_attribute_gives_the_minute() -> None:
    page = (
        "<html><head><title>Story</title>"
        '<meta property="article:published_time" content="2016-12-09"></head><body><article>'
        "<h1>A story about the harbour wall</h1>"
        f'<time data-published="2016-12-09 09:13:00Z"></time>{PROSE}</article></body></html>'
    )
    ctx = SourceContext(
        path="p.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url="https://paper.example/a",
    )
    assert parse(page, ctx).articles[0].published == datetime(2016, 12, 9, 9, 13, tzinfo=UTC)


def test_a_date_element_filled_by_a_script_is_read_from_its_data_attribute() -> None:
    page = (
        "<html><head><title>Story</title></head><body><article><h1>A story about the harbour wall</h1>"
        '<span class="date smart-date" data-origindate="2017-03-01 14:27:02 +0800"></span>'
        f'<span class="date">3 days ago</span>{PROSE}</article></body></html>'
    )
    ctx = SourceContext(path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"))
    [article] = parse(page, ctx).articles
    assert article.published == datetime(2017, 3, 1, 6, 27, 2, tzinfo=UTC)


def test_a_data_attribute_that_is_no_date_is_not_read_as_one() -> None:
    page = (
        "<html><head><title>Story</title></head><body><article><h1>A story about the harbour wall</h1>"
        '<span class="date" data-date-format="dd.mm.yyyy">12.03.2024, 14:05 Uhr</span>'
        f"{PROSE}</article></body></html>"
    )
    ctx = SourceContext(path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"))
    [article] = parse(page, ctx).articles
    assert article.published == datetime(2024, 3, 12, 14, 5, tzinfo=UTC)
