"""Pages with no date metadata: the date printed near the headline is found ("12.03.2024,
14:05 Uhr", "vor 3 Stunden", a Spanish byline), read in the input's zone; a date in a
related-article block or a rail inside the article is another article's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from .parsed import published_of

BERLIN = ZoneInfo("Europe/Berlin")
PROSE = "".join(
    f"<p>Line {i} of a story about the new tram line and its first week.</p>" for i in range(12)
)
SHOWN = datetime(2024, 3, 12, 14, 5, tzinfo=BERLIN)


def _published(body: str) -> datetime | None:
    page = (
        "<html><head><title>Tram line opens</title></head><body><article>"
        f"<h1>Tram line opens</h1>{body}{PROSE}</article></body></html>"
    )
    return published_of(page, BERLIN)


@pytest.mark.parametrize(
    "byline",
    [
        pytest.param("<p>12.03.2024, 14:05 Uhr</p>", id="german-numeric"),
        pytest.param("<p>12. März 2024, 14:05 Uhr</p>", id="german-month-name"),
        pytest.param("<p>Publicado el 12 de marzo de 2024 a las 14:05</p>", id="spanish"),
        pytest.param("<p>Par Léa Roux</p><p>12 mars 2024 à 14h05</p>", id="french-after-author"),
    ],
)
def test_a_date_shown_only_under_the_headline_is_found(byline: str) -> None:
    assert _published(byline) == SHOWN


def test_a_relative_date_under_the_headline_counts_back_from_the_capture() -> None:
    got = _published("<p>Von Anna Berg</p><p>vor 3 Stunden</p>")
    assert got == datetime(2026, 11, 24, 21, 30, tzinfo=UTC)


def test_a_related_block_before_the_byline_does_not_date_the_article() -> None:
    related = (
        "<div class='related'><ul><li><a href='/older'>An older story</a>"
        "<span class='date'>01.02.2023</span></li></ul></div>"
    )
    assert _published(f"{related}<p class='meta'>12.03.2024, 14:05 Uhr</p>") == SHOWN


def test_a_time_in_a_rail_inside_the_article_does_not_date_it() -> None:
    rail = (
        "<aside><ul><li><a href='/older'>An older story</a>"
        "<time datetime='2023-02-01T10:00:00Z'>1 Feb</time></li></ul></aside>"
    )
    assert _published(f"{rail}<p>12.03.2024 | 14:05</p>") == SHOWN
