"""Zoneless dates on HTML pages are read in the zone the page's language names, when it
names one (``timezone = "page"``, the default): an offset on the page always wins, and
a language spoken across zones keeps the input's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.sources import SourceContext
from syndicate.sources.html import parse
from syndicate.sources.html.zone import zone_for_language

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Sentence {i} of a story long enough to be an article page, about the tides.</p>"
    for i in range(12)
)


def page(lang: str, published: str, *, head: str = "", url: bool = True) -> str:
    link = '<link rel="canonical" href="https://tides.example/2024/tables">' if url else ""
    return (
        f'<html lang="{lang}"><head><title>Tide tables</title>{link}{head}'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>The new tide tables for the harbour</h1>{PROSE}</article>"
        "</body></html>"
    )


def read(text: str, *, zone_from_page: bool = True, tz: str = "UTC") -> datetime | None:
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo(tz), zone_from_page=zone_from_page
    )
    [article] = parse(text, ctx).articles
    return article.published


# One page per language, each printing 10:15 local time on 12 March 2024 (winter time
# in Europe, so the offsets are the standard ones).
@pytest.mark.parametrize(
    ("lang", "utc_hour"),
    [
        ("de", 9),  # Berlin, +1
        ("de-AT", 9),  # Vienna keeps Berlin's clock
        ("fr", 9),  # Paris, +1
        ("it-IT", 9),  # Rome, +1
        ("es-ES", 9),  # Madrid, +1
        ("pt-PT", 10),  # Lisbon, +0
        ("en-GB", 10),  # London, +0
        ("pl", 9),  # Warsaw, +1
        ("tr", 7),  # Istanbul, +3
        ("ja", 1),  # Tokyo, +9
        ("ko-KR", 1),  # Seoul, +9
        ("zh-CN", 2),  # Shanghai, +8
        ("zh-Hant-TW", 2),  # Taipei, +8
        ("hi", 4),  # Kolkata, +5:30 (minutes below)
        ("pt-BR", 13),  # Brasília time, -3
    ],
)
def test_a_zoneless_date_is_read_in_the_zone_the_page_language_names(
    lang: str, utc_hour: int
) -> None:
    got = read(page(lang, "2024-03-12T10:15:00"))
    assert got is not None
    assert (got.day, got.hour) == (12, utc_hour)
    assert got.minute == (45 if lang == "hi" else 15)


@pytest.mark.parametrize("lang", ["en", "en-US", "es", "es-MX", "pt", "ru", "ar", "fr-CA", ""])
def test_a_language_spoken_across_zones_keeps_the_input_zone(lang: str) -> None:
    assert read(page(lang, "2024-03-12T10:15:00")) == datetime(2024, 3, 12, 10, 15, tzinfo=UTC)
    lisbon = read(page(lang, "2024-07-12T10:15:00"), tz="Europe/Lisbon")
    assert lisbon == datetime(2024, 7, 12, 9, 15, tzinfo=UTC)


def test_an_offset_printed_on_the_page_wins_over_its_language() -> None:
    got = read(page("ja", "2024-03-12T10:15:00+00:00"))
    assert got == datetime(2024, 3, 12, 10, 15, tzinfo=UTC)


def test_a_configured_zone_wins_over_the_page_language() -> None:
    got = read(page("ja", "2024-03-12T10:15:00"), zone_from_page=False, tz="Europe/Berlin")
    assert got == datetime(2024, 3, 12, 9, 15, tzinfo=UTC)


def test_a_date_without_time_is_midnight_in_the_page_zone() -> None:
    got = read(page("ja", "2024-03-12"))
    assert got == datetime(2024, 3, 11, 15, 0, tzinfo=UTC)


def test_a_page_without_a_url_keeps_the_input_zone() -> None:
    # Its item is keyed by title and day: a guess must not move it into another day.
    got = read(page("ja", "2024-03-12T08:15:00", url=False))
    assert got == datetime(2024, 3, 12, 8, 15, tzinfo=UTC)


def test_og_locale_names_the_region_the_bare_lang_attribute_leaves_open() -> None:
    head = '<meta property="og:locale" content="en_GB">'
    got = read(page("en", "2024-07-12T10:15:00", head=head))
    assert got == datetime(2024, 7, 12, 9, 15, tzinfo=UTC)  # London summer time, +1


def test_a_stock_en_us_locale_does_not_overrule_a_german_page() -> None:
    head = '<meta property="og:locale" content="en_US">'
    got = read(page("de", "2024-03-12T10:15:00", head=head))
    assert got == datetime(2024, 3, 12, 9, 15, tzinfo=UTC)


def test_languages_naming_different_zones_give_no_guess() -> None:
    head = '<meta http-equiv="Content-Language" content="ja">'
    got = read(page("de", "2024-03-12T10:15:00", head=head))
    assert got == datetime(2024, 3, 12, 10, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tag", "zone"),
    [
        ("de_DE", "Europe/Berlin"),
        ("ja-JP", "Asia/Tokyo"),
        ("es-AR", "America/Argentina/Buenos_Aires"),
        ("en-IN", "Asia/Kolkata"),
        ("EN-us", None),
        ("x-klingon", None),
        ("", None),
    ],
)
def test_language_tags_name_one_zone_or_none(tag: str, zone: str | None) -> None:
    found = zone_for_language(tag)
    assert (str(found) if found else None) == zone
