"""Relative dates as cards and bylines print them, one case per language of the major
news markets (issue 9: "1 día ago" and "2 días ago" gave nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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
        pytest.param("an hour ago", HOUR, id="english-spelled-one"),
        pytest.param("hace una hora", HOUR, id="spanish-spelled-one"),
        pytest.param("há uma hora", HOUR, id="portuguese-spelled-one"),
        pytest.param("uma semana atrás", WEEK, id="portuguese-spelled-one-atras"),
        pytest.param("il y a une heure", HOUR, id="french-spelled-one"),
        pytest.param("vor einem Tag", DAY, id="german-spelled-one"),
        pytest.param("un'ora fa", HOUR, id="italian-elided-one"),
        pytest.param("un giorno fa", DAY, id="italian-spelled-one"),
        pytest.param("een uur geleden", HOUR, id="dutch-spelled-one"),
        pytest.param("час назад", HOUR, id="russian-no-count"),
        pytest.param("минуту назад", timedelta(minutes=1), id="russian-no-count-minute"),
        pytest.param("2 дня назад", 2 * DAY, id="russian-days"),
        pytest.param("منذ ساعة", HOUR, id="arabic-no-count"),
        pytest.param("منذ يومين", 2 * DAY, id="arabic-dual"),
        pytest.param("एक घंटा पहले", HOUR, id="hindi-spelled-one"),
        pytest.param("3日前", 3 * DAY, id="japanese-days"),
        pytest.param("2天前", 2 * DAY, id="chinese-days"),
        pytest.param("vor 2 Std.", 2 * HOUR, id="german-short-unit"),
        pytest.param("3h ago", 3 * HOUR, id="english-card-hours"),
        pytest.param("2d ago", 2 * DAY, id="english-card-days"),
        pytest.param("5m ago", timedelta(minutes=5), id="english-card-minutes"),
    ],
)
def test_a_relative_date_is_now_minus_the_span_it_names(text: str, ago: timedelta) -> None:
    assert parse_relative(text, NOW) == NOW - ago


@pytest.mark.parametrize("text", ["2 Tagen", "3 minggu depan", "Seite 3 von 12", "12 horas"])
def test_a_count_and_a_unit_without_ago_is_no_date(text: str) -> None:
    assert parse_relative(text, NOW) is None


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "days_back", "clock"),
    [
        pytest.param("ontem às 14:05", 1, (14, 5), id="portuguese"),
        pytest.param("gisteren 14:05", 1, (14, 5), id="dutch"),
        pytest.param("вчера в 14:05", 1, (14, 5), id="russian"),
        pytest.param("昨天 14:05", 1, (14, 5), id="chinese"),
        pytest.param("昨日 14時05分", 1, (14, 5), id="japanese"),
        pytest.param("어제 14:05", 1, (14, 5), id="korean"),
        pytest.param("أمس 14:05", 1, (14, 5), id="arabic"),
        pytest.param("hoje às 09:30", 0, (9, 30), id="portuguese-today"),
        pytest.param("сегодня, 09:30", 0, (9, 30), id="russian-today"),
        pytest.param("gisteren", 1, (0, 0), id="dutch-word-alone"),
    ],
)
def test_a_day_word_with_a_clock_time_is_that_day_in_the_page_zone(
    text: str, days_back: int, clock: tuple[int, int]
) -> None:
    day = NOW.astimezone(BERLIN).date() - timedelta(days=days_back)
    want = datetime(day.year, day.month, day.day, *clock, tzinfo=BERLIN)
    assert parse_relative(text, NOW, BERLIN) == want


@pytest.mark.parametrize(
    "text",
    [
        "今日の天気は晴れ",
        "a while ago",
        "2 months ago",
        "vor 3 Monaten",
        "Titan 3h",
        "Satan hours ago",
    ],
)
def test_a_day_word_in_a_sentence_or_a_span_of_months_is_no_date(text: str) -> None:
    assert parse_relative(text, NOW) is None
