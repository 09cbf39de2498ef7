"""Relative dates on cards and bylines in the languages of the major news markets,
beyond what :mod:`syndicate.dates` reads ("2 hours ago", "vor 3 Stunden", "il y a 2
jours", "hace 3 horas", "há 2 dias"): Spanish and Portuguese, Italian, Dutch, the
Scandinavian languages, Polish, Russian, Turkish, Indonesian, Vietnamese, Hindi, Arabic,
Chinese, Japanese and Korean. Pure: ``now`` comes in.

Each pattern gives a count and a unit word; the unit's stem decides its length.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

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
    # Polish, Russian, Turkish
    ("sekund", 1),
    ("minut", 60),
    ("godzin", 3600),
    ("dni", 86400),
    ("dzień", 86400),
    ("секунд", 1),
    ("минут", 60),
    ("час", 3600),
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
_PATTERNS = (
    re.compile(
        rf"(\d+)\s+{_WORD}\s+(?:ago|fa|geleden|temu|назад|önce|sedan|siden)\b", re.IGNORECASE
    ),
    re.compile(rf"(?:hace|há|vor|il y a)\s+(\d+)\s+{_WORD}", re.IGNORECASE),
    # (Devanagari vowel signs are not word characters to ``re``: units here are \S+)
    re.compile(r"(\d+)\s+(\S+?)\s+(?:atrás|trước|पहले|yang\s+lalu|lalu)(?!\S)", re.IGNORECASE),
    re.compile(r"منذ\s+(\d+)\s+(\S+)"),
)
_CJK = re.compile(
    r"(\d+)\s*(分钟|分鐘|小时|小時|時間|週間|秒|分|日|天|周|시간|분|일|초)\s*(?:前|전)"
)


def parse_relative(text: str, now: datetime) -> datetime | None:
    """``now`` minus the span a relative date names, or None if ``text`` names none."""
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
                return now - timedelta(seconds=int(match.group(1)) * seconds)
    return None


def _unit_seconds(word: str) -> int | None:
    best: tuple[int, int] | None = None
    for stem, seconds in _UNITS:
        if word.startswith(stem) and (best is None or len(stem) > best[0]):
            best = (len(stem), seconds)
    return best[1] if best else None
