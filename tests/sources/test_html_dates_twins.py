"""A zoneless date and a zoned one for the same instant, in any order and format: the
zoned one wins (the zoneless one was read in a guessed zone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.dates import parse_date
from syndicate.sources.html.twins import carries_zone, printed_clock, zoned_twin

from .parsed import CAPTURED, published_of

PROSE = "".join(
    f"<p>Line {i} of a story about the lock gates and their repair this spring.</p>"
    for i in range(12)
)
WANT = datetime(2024, 3, 12, 13, 5, tzinfo=UTC)  # 14:05 in Berlin, winter time


def _published(head: str, body: str = "") -> datetime | None:
    page = (
        f"<html><head><title>Lock gates</title>{head}</head><body><article>"
        f"<h1>Lock gates repaired</h1>{body}{PROSE}</article></body></html>"
    )
    return published_of(page)


def test_a_zoneless_declared_date_gives_way_to_a_zoned_one_in_another_format() -> None:
    head = (
        "<meta property='article:published_time' content='12 March 2024 14:05'>"
        "<meta itemprop='datePublished' content='2024-03-12T14:05:00+01:00'>"
    )
    assert _published(head) == WANT


def test_a_zoneless_declared_date_gives_way_to_a_byline_that_names_the_zone() -> None:
    head = "<meta property='article:published_time' content='2024-03-12T14:05'>"
    assert _published(head, "<span class='date'>12.03.2024, 14:05 Uhr MEZ</span>") == WANT


def test_the_modification_time_can_tell_the_zone_of_an_unedited_page() -> None:
    head = (
        "<meta property='article:published_time' content='2024-03-12T14:05:00'>"
        "<meta property='article:modified_time' content='2024-03-12T14:05:00+01:00'>"
    )
    assert _published(head) == WANT


def test_a_zoned_date_at_another_clock_time_is_no_twin() -> None:
    head = (
        "<meta property='article:published_time' content='2024-03-12T14:05:00'>"
        "<meta property='article:modified_time' content='2024-03-12T16:40:00+01:00'>"
    )
    assert _published(head) == datetime(2024, 3, 12, 14, 5, tzinfo=UTC)


def _read(raw: str, tz: ZoneInfo) -> datetime | None:
    return parse_date(raw, tz=tz, now=CAPTURED)


@pytest.mark.parametrize(
    ("raw", "clock"),
    [("2024-03-12T14:05:00Z", (14, 5)), ("March 12, 2024 2:05 PM", (14, 5)), ("14h05", (14, 5))],
)
def test_the_printed_clock_is_read_on_24_hours(raw: str, clock: tuple[int, int]) -> None:
    assert printed_clock(raw) == clock


def test_a_text_carries_its_zone_when_it_reads_alike_in_any_zone() -> None:
    assert carries_zone("2024-03-12T14:05:00+01:00", _read)
    assert not carries_zone("2024-03-12T14:05:00", _read)


def test_a_zoned_date_is_its_own_answer_and_seeks_no_twin() -> None:
    others = ["2024-03-12T14:05:00+09:00"]
    assert zoned_twin("2024-03-12T14:05:00Z", others, _read, ZoneInfo("UTC")) is None
