"""Relative dates as cards and bylines print them, one case per language of the major
news markets (issue 9: "1 día ago" and "2 días ago" gave nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syndicate.sources.html.relative import parse_relative

NOW = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
HOUR, DAY, WEEK = timedelta(hours=1), timedelta(days=1), timedelta(weeks=1)


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        pytest.param("14 horas ago", 14 * HOUR, id="spanish-units-english-ago"),
        pytest.param("1 día ago", DAY, id="spanish-day-english-ago"),
        pytest.param("2 días ago", 2 * DAY, id="spanish-days-english-ago"),
        pytest.param("hace 3 horas", 3 * HOUR, id="spanish"),
        pytest.param("há 2 dias", 2 * DAY, id="portuguese"),
        pytest.param("2 semanas atrás", 2 * WEEK, id="portuguese-atras"),
        pytest.param("3 giorni fa", 3 * DAY, id="italian"),
        pytest.param("3 uur geleden", 3 * HOUR, id="dutch"),
        pytest.param("vor 3 Stunden", 3 * HOUR, id="german"),
        pytest.param("il y a 2 jours", 2 * DAY, id="french"),
        pytest.param("3 timmar sedan", 3 * HOUR, id="swedish"),
        pytest.param("3 timer siden", 3 * HOUR, id="danish-norwegian"),
        pytest.param("2 dni temu", 2 * DAY, id="polish"),
        pytest.param("5 минут назад", timedelta(minutes=5), id="russian"),
        pytest.param("3 saat önce", 3 * HOUR, id="turkish"),
        pytest.param("3 jam yang lalu", 3 * HOUR, id="indonesian"),
        pytest.param("2 hari lalu", 2 * DAY, id="indonesian-short"),
        pytest.param("3 giờ trước", 3 * HOUR, id="vietnamese"),
        pytest.param("3 घंटे पहले", 3 * HOUR, id="hindi"),
        pytest.param("2 दिन पहले", 2 * DAY, id="hindi-days"),
        pytest.param("منذ 3 ساعات", 3 * HOUR, id="arabic"),
        pytest.param("منذ 2 أيام", 2 * DAY, id="arabic-days"),
        pytest.param("3小时前", 3 * HOUR, id="chinese"),
        pytest.param("3時間前", 3 * HOUR, id="japanese"),
        pytest.param("3시간 전", 3 * HOUR, id="korean"),
    ],
)
def test_a_relative_date_is_now_minus_the_span_it_names(text: str, ago: timedelta) -> None:
    assert parse_relative(text, NOW) == NOW - ago


@pytest.mark.parametrize("text", ["2 Tagen", "3 minggu depan", "Seite 3 von 12", "12 horas"])
def test_a_count_and_a_unit_without_ago_is_no_date(text: str) -> None:
    assert parse_relative(text, NOW) is None
