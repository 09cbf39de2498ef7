"""Relative dates on cards and bylines in the languages of the major news markets,
beyond what :mod:`syndicate.dates` reads ("2 hours ago", "vor 3 Stunden", "il y a 2
jours", "hace 3 horas", "há 2 dias"): Spanish and Portuguese, Italian, Dutch, the
Scandinavian languages, Polish, Russian, Turkish, Indonesian, Vietnamese, Hindi, Arabic,
Chinese, Japanese and Korean. Pure: ``now`` (and the zone of a day word) come in.

Each pattern gives a count and a unit word; the unit's stem decides its length. A count
may be spelled as the word for one ("una hora", "een uur", "un'ora"), left out where a
language leaves it out ("час назад", "منذ ساعة"), or be the Arabic dual ("منذ يومين");
cards print units short ("3h ago", "vor 2 Std."). Yesterday and today with a clock time
("вчера в 14:05", "昨天 14:05", "ontem às 14:05") are read on the day before or of
``now`` in the page's zone. Months and years are not read: "2 months ago" is no day.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

__all__ = ["parse_relative"]

# unit stem -> seconds. Stems are matched as prefixes of the (casefolded) unit word.
_UNITS: tuple[tuple[str, int], ...] = (
    # English, Spanish, Portuguese, Italian, Dutch, German, French, Swedish/Danish/Norwegian
    ("sec", 1),
    ("seg", 1),
    ("sek", 1),
    ("min", 60),
    ("hour", 3600),
    ("hr", 3600),
    ("hora", 3600),
    ("ora", 3600),
    ("ore", 3600),
    ("uur", 3600),
    ("stund", 3600),
    ("heure", 3600),
    ("tim", 3600),
    ("day", 86400),
    ("día", 86400),
    ("dia", 86400),
    ("giorn", 86400),
    ("dag", 86400),
    ("tag", 86400),
    ("jour", 86400),
    ("døgn", 86400),
    ("week", 604800),
    ("semana", 604800),
    ("settiman", 604800),
    ("woch", 604800),
    ("semaine", 604800),
    ("vecka", 604800),
    ("veck", 604800),
    ("uge", 604800),
    ("uke", 604800),
    ("std", 3600),  # German "Std."
    # Polish, Russian, Turkish
    ("sekund", 1),
    ("minut", 60),
    ("godzin", 3600),
    ("dni", 86400),
    ("dzień", 86400),
    ("секунд", 1),
    ("минут", 60),
    ("час", 3600),
    ("сут", 86400),
    ("дн", 86400),
    ("день", 86400),
    ("недел", 604800),
    ("saniye", 1),
    ("dakika", 60),
    ("saat", 3600),
    ("gün", 86400),
    ("hafta", 604800),
    # Indonesian / Malay, Vietnamese, Hindi, Arabic
    ("detik", 1),
    ("menit", 60),
    ("jam", 3600),
    ("hari", 86400),
    ("minggu", 604800),
    ("giây", 1),
    ("phút", 60),
    ("giờ", 3600),
    ("ngày", 86400),
    ("tuần", 604800),
    ("सेकंड", 1),
    ("मिनट", 60),
    ("घंट", 3600),
    ("दिन", 86400),
    ("सप्ताह", 604800),
    ("हफ्त", 604800),
    ("ثان", 1),
    ("ثوان", 1),
    ("دقيق", 60),
    ("دقائق", 60),
    ("ساع", 3600),
    ("يوم", 86400),
    ("أيام", 86400),
    ("ايام", 86400),
    ("أسبوع", 604800),
    ("أسابيع", 604800),
)
_CJK_UNITS = {
    "秒": 1,
    "分": 60,
    "分钟": 60,
    "分鐘": 60,
    "時間": 3600,
    "小时": 3600,
    "小時": 3600,
    "日": 86400,
    "天": 86400,
    "週間": 604800,
    "周": 604800,
    "시간": 3600,
    "분": 60,
    "일": 86400,
    "초": 1,
}
_WORD = r"([^\W\d_]+)"
# The word for one, in the languages that spell it before a unit.
_ONE = r"(?:an?|one|una?|uno|um|uma|une?|eine[mnr]?|ein|een|één|jeden|jedna|एक)"
_COUNT = rf"(?<!\w)(\d+|{_ONE})"
_PATTERNS = (
    re.compile(
        rf"{_COUNT}\s+{_WORD}\s+(?:ago|fa|geleden|temu|назад|önce|sedan|siden)\b", re.IGNORECASE
    ),
    re.compile(r"(un)'\s*(ora)\s+fa\b", re.IGNORECASE),  # Italian "un'ora fa"
    re.compile(rf"(?:hace|há|vor|il y a)\s+{_COUNT}\s+{_WORD}", re.IGNORECASE),
    # (Devanagari vowel signs are not word characters to ``re``: units here are \S+)
    re.compile(rf"{_COUNT}\s+(\S+?)\s+(?:atrás|trước|पहले|yang\s+lalu|lalu)(?!\S)", re.IGNORECASE),
    re.compile(r"منذ\s+(\d+)\s+(\S+)"),
)
# Cards: "3h ago", "2d ago", "5m ago", "1w ago".
_SHORT = re.compile(r"\b(\d+)\s?(s|m|min|h|hr|d|w)\s+ago\b", re.IGNORECASE)
_SHORT_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "w": 604800}
# A unit with no count: Russian "час назад", "минуту назад"; Arabic "منذ ساعة", and the
# Arabic dual, two of the unit ("منذ ساعتين", "منذ يومين").
_BARE = (
    (re.compile(r"(?<!\d\s)(?<!\d)\b(секунду|минуту|час|день|неделю)\s+назад\b", re.I), 1),
    (re.compile(r"منذ\s+(ثانية|دقيقة|ساعة|يوم|أسبوع)(?!\S)"), 1),
    (re.compile(r"منذ\s+(ثانيتين|دقيقتين|ساعتين|يومين|أسبوعين)(?!\S)"), 2),
)
_BARE_UNITS = {
    "секунду": 1,
    "минуту": 60,
    "час": 3600,
    "день": 86400,
    "неделю": 604800,
    "ثانية": 1,
    "ثانيتين": 1,
    "دقيقة": 60,
    "دقيقتين": 60,
    "ساعة": 3600,
    "ساعتين": 3600,
    "يوم": 86400,
    "يومين": 86400,
    "أسبوع": 604800,
    "أسبوعين": 604800,
}
_CJK = re.compile(
    r"(\d+)\s*(分钟|分鐘|小时|小時|時間|週間|秒|分|日|天|周|시간|분|일|초)\s*(?:前|전)"
)
# Yesterday and today in the languages :mod:`syndicate.dates` does not read them in.
_DAY_WORDS = re.compile(
    r"(?<!\w)(ontem|gisteren|вчера|昨日|昨天|أمس|어제|hoje|vandaag|сегодня|今日|今天|اليوم|오늘)(?!\w)",
    re.IGNORECASE,
)
_YESTERDAY = frozenset({"ontem", "gisteren", "вчера", "昨日", "昨天", "أمس", "어제"})
_CLOCK = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:h時时시]\s*([0-5]\d)(?!\d)")


def parse_relative(text: str, now: datetime, tz: tzinfo | None = None) -> datetime | None:
    """``now`` minus the span a relative date names, or None if ``text`` names none;
    a day word with a clock time is read in ``tz`` (``now``'s own zone if None)."""
    text = " ".join(text.split())
    if len(text) > 80:
        return None
    match = _CJK.search(text)
    if match:
        return now - timedelta(seconds=int(match.group(1)) * _CJK_UNITS[match.group(2)])
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            seconds = _unit_seconds(match.group(2).casefold())
            if seconds:
                return now - timedelta(seconds=_count(match.group(1)) * seconds)
    match = _SHORT.search(text)
    if match:
        unit = _SHORT_UNITS[match.group(2).lower()]
        return now - timedelta(seconds=int(match.group(1)) * unit)
    for bare, count in _BARE:
        match = bare.search(text)
        if match:
            return now - timedelta(seconds=count * _BARE_UNITS[match.group(1).lower()])
    return _day_word(text, now, tz)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else 1


def _day_word(text: str, now: datetime, tz: tzinfo | None) -> datetime | None:
    """ "вчера в 14:05", "昨天 14:05", "hoje às 09:30": that day in ``tz`` at that time;
    the word alone ("gisteren") is that day at midnight; in a sentence, no date."""
    match = _DAY_WORDS.search(text)
    if match is None:
        return None
    zone = tz or now.tzinfo
    day = now.astimezone(zone).date()
    if match.group(1).lower() in _YESTERDAY:
        day -= timedelta(days=1)
    clock = _CLOCK.search(text)
    if clock is None and text.strip(" .,:;").casefold() != match.group(1).casefold():
        return None  # "今日の天気": the word in a sentence, not a date
    at = time(int(clock.group(1)), int(clock.group(2))) if clock else time(0)
    return datetime.combine(day, at, tzinfo=zone)


def _unit_seconds(word: str) -> int | None:
    best: tuple[int, int] | None = None
    for stem, seconds in _UNITS:
        if word.startswith(stem) and (best is None or len(stem) > best[0]):
            best = (len(stem), seconds)
    return best[1] if best else None
