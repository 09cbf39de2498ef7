"""The publication date of an article page: declared first, then visible near the headline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.html import HtmlElement

from ...dates import parse_date, parse_date_format
from .dom import in_rail, text_of
from .page import Page
from .relative import parse_relative

HAS_TIME = re.compile(r"\d{1,2}[:h]\d{2}|\d\s*[ap]\.?m\b|\d\s*[時时시]\s*\d", re.IGNORECASE)


def find_published(
    page: Page, scope: HtmlElement, anchors: tuple[HtmlElement, ...] = ()
) -> datetime | None:
    """The declared date, else the visible one nearest the headline: ``anchors`` are the
    elements the headline is shown in, best first."""
    candidates: list[str] = []
    rule = page.rule
    if rule and rule.date:
        # A rule's date goes first, but a day-only or relative one ("6 hours ago")
        # still gives way to a same-day candidate that keeps the minute.
        values = [date_value(e) for e in rule.date(scope) or rule.date(page.root)]
        values.sort(key=lambda v: not HAS_TIME.search(v))
        for value in values:
            found = read_date(page, value, rule.date_format) if rule.date_format else None
            if found is not None:
                return found
        candidates.extend(v for v in values if v)
    candidates.extend(page.meta.published)
    # Undeclared: the visible dates nearest the headline first (the byline under it),
    # so a "latest news" ticker or a sidebar above the article does not win.
    times = list(scope.iter(*_TIME_TAGS))
    if anchors and times:
        near: list[HtmlElement] = []
        for anchor in anchors:
            near.extend(e for e in _times_near(anchor, scope) if e not in near)
        times = near + [e for e in times if e not in near]
    for time_el in times:
        value = _time_value(time_el)
        if value:
            candidates.append(value)
    for element in scope.xpath(
        ".//*[contains(@class, 'date') or contains(@class, 'time')][not(*) or count(*) < 3]"
    )[:10]:
        if in_rail(element):
            continue  # a related-article block's date is another article's
        value = _data_date(element) or text_of(element)
        if value:
            candidates.append(value)
    for anchor in anchors:
        candidates.extend(_near_headline(anchor))
    return date_from(page, candidates)


# <time>, and the custom elements GitHub-style pages print instead (``<relative-time
# datetime="..." title="Jul 7, 2020">on Jul 7</relative-time>``).
_TIME_TAGS = ("time", "relative-time", "time-ago", "local-time")


def _times_near(anchor: HtmlElement, scope: HtmlElement) -> list[HtmlElement]:
    """The <time> elements in the smallest block around ``anchor`` that has any."""
    for ancestor in anchor.iterancestors():
        near = [e for e in ancestor.iter(*_TIME_TAGS) if not in_rail(e)]
        if near or ancestor is scope:
            return near
    return []


# The short texts printed after the headline (kicker, byline, "12.03.2024, 14:05 Uhr",
# "vor 3 Stunden"): where a page with no metadata and no <time> shows its date.
_FOLLOWING = etree.XPath("following::*[not(*) or self::p][position() <= 12]")
_DIGIT = re.compile(r"\d")


# Then the first blocks after it whole: a byline with links inside ("Written by <a>Ann
# Quay</a> in <a>Harbour</a> on 1 June 2019 at 08:34 PM EDT. <a>51 Comments</a>").
_FOLLOWING_BLOCKS = etree.XPath(
    "following::*[self::div or self::p or self::span or self::small or self::li][position() <= 3]"
)
_MAX_BYLINE = 200


def _near_headline(title_el: HtmlElement) -> list[str]:
    out = []
    for element in _FOLLOWING(title_el):
        value = text_of(element)
        if 4 <= len(value) <= 80 and _DIGIT.search(value) and not in_rail(element):
            out.append(value)
    for element in _FOLLOWING_BLOCKS(title_el):
        value = text_of(element)
        if (
            len(element)
            and 4 <= len(value) <= _MAX_BYLINE
            and _DIGIT.search(value)
            and not in_rail(element)
        ):
            out.append(value)
    return out


def date_from(page: Page, candidates: Iterable[str]) -> datetime | None:
    """The first readable candidate; if it has no time of day, a later one that
    agrees on the day and has a time (JSON-LD dates are often day-only while
    ``<time datetime>`` keeps the minute); if it has no zone, a later one with the same
    wall-clock time and a zone."""
    first: datetime | None = None
    candidates = list(candidates)
    for index, raw in enumerate(candidates):
        found = read_date(page, raw, None)
        if found is None:
            continue
        if first is None:
            first = found
            if HAS_TIME.search(raw):
                return _zoned_twin(raw, candidates[index + 1 :], page) or found
            continue
        local_first = first.astimezone(page.ctx.tz).date()
        if HAS_TIME.search(raw) and found.astimezone(page.ctx.tz).date() == local_first:
            return found
    return first


def _zoned_twin(raw: str, candidates: list[str], page: Page) -> datetime | None:
    """A later candidate with the same wall-clock time as a zoneless ``raw`` and a zone:
    the same instant, told fully (the zoneless one was read in the site's zone, a guess)."""
    wall = _WALL.search(raw)
    if wall is None or _ZONE.search(raw[wall.end() :]):
        return None
    for other in candidates:
        twin = _WALL.search(other)
        if twin and twin.group(1, 2) == wall.group(1, 2) and _ZONE.search(other[twin.end() :]):
            return read_date(page, other, None)
    return None


_WALL = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2})?(?:\.\d+)?")
_ZONE = re.compile(r"^\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)", re.IGNORECASE)


# US newsrooms print the zone without the season ("5:00 a.m. PT", "4:19 PM ET"): the
# zone's own rules say whether that was standard or daylight time.
_GENERIC_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
_GENERIC_ZONE = re.compile(r"(?<=\d|[MmPp]|\.)\s*\b(ET|CT|MT|PT)\b\.?")


def read_date(page: Page, raw: str, fmt: str | None) -> datetime | None:
    if fmt:
        found = parse_date_format(raw, fmt, tz=page.ctx.tz)
        if found is not None:
            return found
    dayfirst = bool(page.ctx.options.get("dayfirst", page.rule.dayfirst if page.rule else True))
    tz = page.ctx.tz
    raw = _cjk_to_iso(raw)
    zone = _GENERIC_ZONE.search(raw)
    if zone is not None:
        raw, tz = raw[: zone.start()] + raw[zone.end() :], ZoneInfo(_GENERIC_ZONES[zone.group(1)])
    found = parse_date(raw, tz=tz, now=page.ctx.captured_at, dayfirst=dayfirst)
    return found if found is not None else parse_relative(raw, page.ctx.captured_at)


# Chinese and Japanese pages print "2019年04月21日 12時00分更新", "2019年4月4日（木）",
# Korean ones "2019년 4월 4일 오후 3:05"; often with words around (a section name before,
# "updated" or "published" after), so the date is searched for, not matched whole.
_CJK_DATE = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:\s*(?:[（(][^）)]{1,3}[）)])?\s*(오전|오후|午前|午後)?\s*(\d{1,2})\s*(?:[時时시:：])\s*(\d{1,2}))?"
)
_AFTERNOON = ("오후", "午後")


def _cjk_to_iso(raw: str) -> str:
    """An ISO form of the first CJK-written date in ``raw``; ``raw`` when it has none."""
    match = _CJK_DATE.search(raw)
    if match is None:
        return raw
    year, month, day, half, hour, minute = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        h = int(hour) + (12 if half in _AFTERNOON and int(hour) < 12 else 0)
        iso += f"T{h:02d}:{int(minute):02d}"
    return iso


# Where a <time> without datetime= keeps the machine-readable value (247Sports-style
# ``<time data-published="2016-12-09 09:13:00Z">``).
_TIME_ATTRIBUTES = ("datetime", "data-published", "data-datetime", "data-date", "data-time")


def _time_value(element: HtmlElement) -> str:
    for attribute in _TIME_ATTRIBUTES:
        value = (element.get(attribute) or "").strip()
        if value and _DIGIT.search(value):
            return value
    return text_of(element)


def _data_date(element: HtmlElement) -> str:
    """A machine-readable date kept in a ``data-*`` attribute of a date element
    (``<span class="date" data-origindate="2017-03-01 14:27:02 +0800">``, the visible
    text filled in by a script)."""
    for name, raw in element.attrib.items():
        if str(name).startswith("data-") and ("date" in name or "time" in name):
            value = str(raw).strip()
            if _MACHINE_DATE.match(value):
                return value
    return ""


_MACHINE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_value(element: HtmlElement) -> str:
    """The machine-readable date of an element if it has one, else its text."""
    for attribute in ("datetime", "content", "data-date", "title"):
        value = element.get(attribute)
        if value and any(ch.isdigit() for ch in value):
            return str(value).strip()
    inner = element.find(".//time[@datetime]")
    if inner is not None:
        return str(inner.get("datetime", "")).strip()
    return text_of(element)
