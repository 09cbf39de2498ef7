"""Dates written with the month names and digits of languages beyond those
:mod:`syndicate.dates` reads: one case per language, and a name that is a person's
("Maja", "Nisan") is left alone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.sources import SourceContext
from syndicate.sources.html import parse
from syndicate.sources.html.months import to_english

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Line {i} of a story about the river ferry and its new timetable.</p>" for i in range(12)
)


@pytest.mark.parametrize(
    ("shown", "english"),
    [
        pytest.param("12 марта 2024 г., 14:05", "12 March 2024, 14:05", id="russian"),
        pytest.param("12 березня 2024 р., 14:05", "12 March 2024, 14:05", id="ukrainian"),
        pytest.param("12 marca 2024 r., 14:05", "12 March 2024, 14:05", id="polish"),
        pytest.param("12. března 2024 14:05", "12. March 2024 14:05", id="czech"),
        pytest.param("12 Mart 2024 14:05", "12 March 2024 14:05", id="turkish"),
        pytest.param("12 maj 2024 kl. 14:05", "12 May 2024 kl. 14:05", id="swedish-danish"),
        pytest.param("12 martie 2024, 14:05", "12 March 2024, 14:05", id="romanian"),
        pytest.param("2024. március 12. 14:05", "2024. March 12. 14:05", id="hungarian"),
        pytest.param("12 Μαρτίου 2024, 14:05", "12 March 2024, 14:05", id="greek"),
        pytest.param("12 Maret 2024 14:05", "12 March 2024 14:05", id="indonesian"),
        pytest.param("12 tháng 3, 2024 14:05", "12 March, 2024 14:05", id="vietnamese"),
        pytest.param("١٢ مارس ٢٠٢٤", "12 March 2024", id="arabic-egyptian-names-indic-digits"),
        pytest.param("12 آذار 2024", "12 March 2024", id="arabic-levantine"),
        pytest.param("12 تشرين الأول 2024", "12 October 2024", id="arabic-two-word-name"),
        pytest.param("१२ मार्च २०२४, 14:05", "12 March 2024, 14:05", id="hindi"),
    ],
)
def test_a_month_name_is_put_into_english(shown: str, english: str) -> None:
    assert to_english(shown) == english


@pytest.mark.parametrize(
    "text", ["Maja Kowalska, 12 March 2024", "Nisan Yılmaz reports", "October 3, 2016"]
)
def test_a_name_away_from_any_number_and_english_text_are_kept(text: str) -> None:
    assert to_english(text) == text


@pytest.mark.parametrize(
    ("byline", "lang"),
    [
        pytest.param("<p>12 марта 2024, 14:05</p>", "ru", id="russian"),
        pytest.param("<p>Anna Nowak, 12 marca 2024, 14:05</p>", "pl", id="polish"),
        pytest.param("<p>12 Mart 2024 14:05</p>", "tr", id="turkish"),
        pytest.param("<p>١٢ مارس ٢٠٢٤ 14:05</p>", "ar", id="arabic"),
    ],
)
def test_a_byline_in_another_language_dates_the_page(byline: str, lang: str) -> None:
    page = (
        f"<html lang='{lang}'><head><title>River ferry</title></head><body><article>"
        f"<h1>River ferry timetable</h1>{byline}{PROSE}</article></body></html>"
    )
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"), base_url="https://a.example/s"
    )
    assert parse(page, ctx).articles[0].published == datetime(2024, 3, 12, 14, 5, tzinfo=UTC)
