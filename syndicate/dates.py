"""Dates as pages print them, parsed to aware UTC. Pure: ``now`` is a parameter.

One entry point, :func:`parse_date`, shared by every source. It accepts what news
pages and exports actually carry:

- ISO 8601 / RFC 3339 (``2024-11-24T10:15:00+01:00``, ``2024-11-24 10:15``, ``20241124T1015Z``)
- RFC 822 / 2822 (``Sun, 24 Nov 2024 10:15:00 GMT``), as feeds and HTTP headers print them
- month names in English, German, French, Spanish, Italian, Dutch and Portuguese
  (``November 24, 2024``, ``Nov 24, 2024 at 10:15 am``, ``24. November 2024, 10:15 Uhr``,
  ``24 novembre 2024``)
- numeric dates (``24/11/2024``, ``24.11.2024``, ``2024/11/24``); day first unless the
  numbers say otherwise (``11/24/2024``) or the caller passes ``dayfirst=False``
- relative dates (``2 hours ago``, ``yesterday``, ``vor 3 Stunden``, ``il y a 2 jours``),
  counted back from ``now``

A date printed without a zone is read in ``tz`` (the site's zone from the config);
a date without a time is midnight in ``tz``. Anything else gives ``None``: callers
turn that into a Problem, this module never raises on bad text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_tz
from zoneinfo import ZoneInfo

__all__ = ["parse_date", "parse_date_format"]

# Pages print dates inside prose ("Published on ...", "Updated: ..."); a date longer
# than this is not a date but a paragraph that happens to hold one.
_MAX_LEN = 200

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janv janvier enero ene gennaio genn gen januari janeiro",
        "february feb februar fev fevr février fevrier febrero febbraio febr februari fevereiro",
        "march mar mär märz maerz mars marzo maart março marco",
        "april apr avr avril abril aprile",
        "may mai mayo maggio mei maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juil juillet julio luglio lug julho",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre settembre setembro",
        "october oct okt oktober octobre octubre ottobre ott outubro",
        "november nov novembre noviembre novembro",
        "december dec dez dezember déc décembre decembre diciembre dic dicembre desember dezembro",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

# Abbreviations news sites print after a time. Ambiguous ones (IST, CST) take the
# reading most common on English-language news pages.
_ZONES: dict[str, timedelta] = {
    "utc": timedelta(0),
    "gmt": timedelta(0),
    "z": timedelta(0),
    "wet": timedelta(0),
    "bst": timedelta(hours=1),
    "cet": timedelta(hours=1),
    "mez": timedelta(hours=1),
    "west": timedelta(hours=1),
    "cest": timedelta(hours=2),
    "mesz": timedelta(hours=2),
    "eet": timedelta(hours=2),
    "eest": timedelta(hours=3),
    "msk": timedelta(hours=3),
    "ist": timedelta(hours=5, minutes=30),
    "jst": timedelta(hours=9),
    "kst": timedelta(hours=9),
    "aest": timedelta(hours=10),
    "aedt": timedelta(hours=11),
    "est": timedelta(hours=-5),
    "edt": timedelta(hours=-4),
    "cst": timedelta(hours=-6),
    "cdt": timedelta(hours=-5),
    "mst": timedelta(hours=-7),
    "mdt": timedelta(hours=-6),
    "pst": timedelta(hours=-8),
    "pdt": timedelta(hours=-7),
}

_UNITS: dict[str, timedelta] = {}
for _delta, _words in [
    (
        timedelta(seconds=1),
        "second seconds sec secs sekunde sekunden seconde secondes segundo segundos",
    ),
    (timedelta(minutes=1), "minute minutes min mins minuten minuto minutos minuti"),
    (timedelta(hours=1), "hour hours hr hrs h stunde stunden heure heures hora horas ora ore"),
    (timedelta(days=1), "day days tag tagen tage jour jours día días dia dias giorno giorni"),
    (
        timedelta(weeks=1),
        "week weeks woche wochen semaine semaines semana semanas settimana settimane",
    ),
]:
    for _word in _words.split():
        _UNITS[_word] = _delta

_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "einer": 1, "einem": 1, "un": 1, "une": 1, "una": 1}

_ISO = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.h](\d{2}))(?::(\d{2}))?(?!\d)\s*(?:uhr\s*)?"
    r"(a\.?\s?m\.?|p\.?\s?m\.?)?"
    r"|(?<![\d:])(\d{1,2})\s*(a\.?m\.?|p\.?m\.?)(?![a-z])",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?(?!\d)", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})(?![\d])")
_RELATIVE_AGO = re.compile(r"(\d+|an?|one)\s+([a-zé]+?)\s+ago\b", re.IGNORECASE)
_RELATIVE_BEFORE = re.compile(
    r"(?:vor|il y a|hace|há)\s+(\d+|einer|einem|une?|una)\s+([a-zéí]+)", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_NUMBER = re.compile(r"(?<![\d:.])(\d{1,4})(?:st|nd|rd|th|er|e|º|\.)?(?![\d:])", re.IGNORECASE)


def parse_date(text: str, *, tz: ZoneInfo, now: datetime, dayfirst: bool = True) -> datetime | None:
    """Read one date from ``text``; aware UTC, or ``None`` when there is no date in it.

    ``now`` (aware) anchors relative dates; ``tz`` reads dates printed without a zone.
    """
    text = " ".join(text.split())
    if not text or len(text) > _MAX_LEN:
        return None
    plain = _read_plain(text, tz, dayfirst)
    if plain is not None:
        return plain.astimezone(UTC)
    return _read_general(text, tz, now, dayfirst)


# The forms most pages print, read without the general readers' searches (issue 12: ~50 µs
# a date): "November 24, 2024", "Nov 24, 2024 at 10:15 am", "24/11/2024". Same result
# as the general readers (tests/test_dates.py compares them); anything else goes there.
_PLAIN_WORDS = re.compile(
    r"([a-z]{3,9})\.? (\d{1,2}),? (\d{4})(?:,? (?:at )?(\d{1,2}):(\d{2}) ?([ap])\.?m\.?)?",
    re.IGNORECASE,
)
_PLAIN_NUMBERS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _read_plain(text: str, tz: ZoneInfo, dayfirst: bool) -> datetime | None:
    try:
        words = _PLAIN_WORDS.fullmatch(text)
        if words is not None:
            name, day, year, hour, minute, meridiem = words.groups()
            month = _MONTHS.get(name.lower())
            if month is None:
                return None
            if hour is None:
                return datetime(int(year), month, int(day), tzinfo=tz)
            h, m = int(hour), int(minute)
            if not 1 <= h <= 12 or m > 59:
                return None
            h = h % 12 + (12 if meridiem.lower() == "p" else 0)
            return datetime(int(year), month, int(day), h, m, tzinfo=tz)
        numbers = _PLAIN_NUMBERS.fullmatch(text)
        if numbers is not None:
            a, b, year = (int(g) for g in numbers.groups())
            day, month = (a, b) if a > 12 or (dayfirst and b <= 12) else (b, a)
            return datetime(year, month, day, tzinfo=tz)
    except ValueError:  # 30 February: the general readers decide
        return None
    return None


def _read_general(text: str, tz: ZoneInfo, now: datetime, dayfirst: bool) -> datetime | None:
    for reader in (_read_iso, _read_rfc822, _read_relative, _read_words, _read_numeric):
        try:
            found = reader(text, tz, now, dayfirst)
        except (ValueError, OverflowError):
            found = None
        if found is not None:
            return found.astimezone(UTC)
    return None


def parse_date_format(text: str, fmt: str, *, tz: ZoneInfo) -> datetime | None:
    """Read ``text`` with an explicit ``strptime`` format (a site rule's ``date_format``)."""
    try:
        found = datetime.strptime(" ".join(text.split()), fmt)
    except ValueError:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=tz)
    return found.astimezone(UTC)


def _read_iso(text: str, tz: ZoneInfo, now: datetime, dayfirst: bool) -> datetime | None:
    match = _ISO.match(text)
    if match is None:
        return None
    rest = text[match.end() :].strip()
    # "2024-11-24 10:15 am" or trailing words: let the word reader handle those.
    if rest and not re.fullmatch(r"\(?[a-z]{2,5}\)?", rest, re.IGNORECASE):
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    moment = datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
    )
    zone = zone or (rest.strip("()") if rest else None)
    return _attach_zone(moment, zone, tz)


def _read_rfc822(text: str, tz: ZoneInfo, now: datetime, dayfirst: bool) -> datetime | None:
    if not re.match(
        r"(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}", text, re.IGNORECASE
    ):
        return None
    parts = parsedate_tz(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    offset = parts[9]
    moment = datetime(year, month, day, hour, minute, second)
    if offset is None:
        return moment.replace(tzinfo=tz)
    return moment.replace(tzinfo=timezone(timedelta(seconds=offset)))


def _read_relative(text: str, tz: ZoneInfo, now: datetime, dayfirst: bool) -> datetime | None:
    lower = text.lower()
    for pattern in (_RELATIVE_AGO, _RELATIVE_BEFORE):
        match = pattern.search(lower)
        if match:
            count_text, unit = match.groups()
            count = _COUNT_WORDS.get(count_text, 0) or int(count_text)
            step = _UNITS.get(unit) or _UNITS.get(unit.rstrip("s"))
            if step is None:
                return None
            return (now - count * step).replace(second=0, microsecond=0)
    if re.fullmatch(r"(?:posted\s+|updated\s+)?(?:just now|now|gerade eben|à l'instant)", lower):
        return now.replace(second=0, microsecond=0)
    days_back = None
    if re.search(r"\b(?:yesterday|gestern|hier|ayer|ieri)\b", lower):
        days_back = 1
    elif re.search(r"\b(?:today|heute|aujourd'hui|hoy|oggi)\b", lower):
        days_back = 0
    if days_back is None:
        return None
    local_day = now.astimezone(tz).date() - timedelta(days=days_back)
    clock = _find_time(lower)
    hour, minute, second = clock[:3] if clock else (0, 0, 0)
    moment = datetime.combine(local_day, time(hour, minute, second))
    return _attach_zone(moment, clock[3] if clock else _find_zone(lower), tz)


def _read_words(text: str, tz: ZoneInfo, now: datetime, dayfirst: bool) -> datetime | None:
    lower = text.lower()
    month = None
    month_end = 0
    month_start = 0
    for word in _WORD.finditer(lower):
        key = word.group().rstrip(".")
        if key in _MONTHS:
            month = _MONTHS[key]
            month_start, month_end = word.start(), word.end()
            break
    if month is None:
        return None
    clock_match = _TIME.search(lower)
    masked = lower
    if clock_match:  # keep the time's digits out of the day/year search
        masked = (
            lower[: clock_match.start()]
            + " " * (clock_match.end() - clock_match.start())
            + lower[clock_match.end() :]
        )
    masked = _OFFSET.sub(lambda m: " " * len(m.group()), masked) if clock_match else masked
    numbers = [(int(m.group(1)), m.start()) for m in _NUMBER.finditer(masked)]
    year = next((n for n, _ in numbers if 1900 <= n <= 2200), None)
    if year is None:
        return None
    days = [(n, pos) for n, pos in numbers if 1 <= n <= 31 and n != year]
    if not days:
        return None
    # The day sits next to the month name: "24 November" or "November 24".
    day = min(days, key=lambda item: min(abs(item[1] - month_end), abs(item[1] - month_start)))[0]
    moment = datetime.combine(date(year, month, day), time())
    clock = _find_time(lower)
    if clock:
        moment = moment.replace(hour=clock[0], minute=clock[1], second=clock[2])
        return _attach_zone(moment, clock[3], tz)
    return moment.replace(tzinfo=tz)


def _read_numeric(text: str, tz: ZoneInfo, now: datetime, dayfirst: bool) -> datetime | None:
    match = _NUMERIC_DATE.search(text)
    if match is None:
        return None
    first, _, second, third = match.groups()
    a, b, c = int(first), int(second), int(third)
    if len(first) == 4:  # 2024/11/24
        year, month, day = a, b, c
    else:
        year = c + 2000 if len(third) == 2 else c
        if a > 12 or (dayfirst and b <= 12):
            day, month = a, b
        else:
            month, day = a, b
    moment = datetime.combine(date(year, month, day), time())
    rest = text[match.end() :].lower()
    clock = _find_time(rest)
    if clock:
        moment = moment.replace(hour=clock[0], minute=clock[1], second=clock[2])
        return _attach_zone(moment, clock[3], tz)
    return moment.replace(tzinfo=tz)


def _find_time(text: str) -> tuple[int, int, int, str | None] | None:
    """The first clock time in ``text`` and the zone printed after it, if any."""
    match = _TIME.search(text)
    if match is None:
        return None
    if match.group(1) is not None:
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        meridiem = match.group(4)
    else:
        hour, minute, second = int(match.group(5)), 0, 0
        meridiem = match.group(6)
    if meridiem:
        pm = meridiem.lower().startswith("p")
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second, _find_zone(text[match.end() :])


def _find_zone(text: str) -> str | None:
    offset = _OFFSET.match(text.strip())
    if offset:
        return offset.group().strip()
    for word in [m.group() for m in re.finditer(r"[a-z]+", text.lower())][:3]:
        if word in _ZONES and word != "z":
            return word
    return None


def _attach_zone(moment: datetime, zone: str | None, tz: ZoneInfo) -> datetime:
    if not zone:
        return moment.replace(tzinfo=tz)
    key = zone.strip().lower()
    if key in _ZONES:
        return moment.replace(tzinfo=timezone(_ZONES[key]))
    offset = _OFFSET.fullmatch(key)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return moment.replace(tzinfo=timezone(-delta if sign == "-" else delta))
    return moment.replace(tzinfo=tz)
