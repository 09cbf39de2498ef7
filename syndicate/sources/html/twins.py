"""The same instant told twice: a zoneless date and a zoned one for it.

Pages often declare their publication time twice, once without a zone (JSON-LD
``"2024-03-12T14:05:00"``, a byline "12.03.2024, 14:05 Uhr") and once with one
(``article:published_time`` with ``+01:00``, a ``<time>`` with ``Z``, "14:05 Uhr MEZ"),
in any order and any format. The zoneless one is read in a guessed zone (the input's, or
the page language's); the zoned one says which. They are the same instant when both
print the same clock time on the same day, whatever their formats (issue 9).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["carries_zone", "printed_clock", "zoned_twin"]

Reader = Callable[[str, ZoneInfo], "datetime | None"]

_CLOCK = re.compile(
    r"(?<![\d:])([01]?\d|2[0-3])\s*[:hH時时시]\s*([0-5]\d)(?:\s*[:分]\s*[0-5]\d)?"
    r"(?:\.\d+)?(?:\s*([ap])\.?\s?m\b\.?)?",
    re.IGNORECASE,
)
# Two zones no page is read in together, to tell whether a text carries its own zone.
_PROBES = (ZoneInfo("Pacific/Honolulu"), ZoneInfo("Asia/Tokyo"))
# Clocks in offsets in use lie within this of each other for one day's date.
_SPAN = timedelta(hours=26)


def printed_clock(raw: str) -> tuple[int, int] | None:
    """The first clock time printed in ``raw`` as (hour, minute) on 24 hours."""
    match = _CLOCK.search(raw)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    meridiem = (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    return hour, minute


def carries_zone(raw: str, read: Reader) -> bool:
    """Whether ``raw`` names its own zone: it reads as one instant whatever zone the
    reader assumes."""
    first, second = (read(raw, zone) for zone in _PROBES)
    return first is not None and first == second


def zoned_twin(raw: str, others: Iterable[str], read: Reader, tz: ZoneInfo) -> datetime | None:
    """The instant of the first of ``others`` that names a zone and prints the same clock
    time as the zoneless ``raw``, within a day of it; None when ``raw`` has its zone, or
    no twin is found."""
    clock = printed_clock(raw)
    if clock is None or carries_zone(raw, read):
        return None
    guess = read(raw, tz)
    if guess is None:
        return None
    for other in others:
        if printed_clock(other) != clock or not carries_zone(other, read):
            continue
        moment = read(other, tz)
        if moment is not None and abs(moment - guess) < _SPAN and _same_minute(moment, guess):
            return moment
    return None


def _same_minute(moment: datetime, guess: datetime) -> bool:
    """Same wall clock in some offset: they differ by whole quarter hours."""
    return (moment - guess) % timedelta(minutes=15) == timedelta(0)
