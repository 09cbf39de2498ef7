"""The publication date of an article page: declared first, then visible near the headline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.html import HtmlElement

from ...dates import parse_date, parse_date_format
from .dom import in_rail, marks, text_of
from .elsewhere import in_card, other_story
from .months import to_english
from .page import Page
from .relative import parse_relative
from .twins import zoned_twin

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
    candidates.extend(declared_published(page))
    # Undeclared: the visible dates nearest the headline first (the byline under it),
    # so a "latest news" ticker or a sidebar above the article does not win.
    times = [e for e in scope.iter(*_TIME_TAGS) if not is_update(e) and not other_story(e, scope)]
    if anchors and times:
        near: list[HtmlElement] = []
        for anchor in anchors:
            near.extend(e for e in _times_near(anchor, scope) if e not in near)
        times = near + [e for e in times if e not in near]
    for time_el in times:
        value = _time_value(time_el)
        if value:
            candidates.append(value)
    for element in _DATE_ELEMENTS(scope)[:10]:
        if other_story(element, scope):
            continue  # a related-article block's date is another article's
        if is_update(element):
            # "on Dec 27 at 12:06 PM, updated <span class="updated">...</span>"
            value = _before_update(element)
        else:
            value = _data_date(element) or text_of(element)
        if value:
            candidates.append(value)
    for anchor in [a for a in anchors if text_of(a)] or _titled_heading(page, scope):
        candidates.extend(_near_headline(anchor, scope))
    found = date_from(page, candidates)
    if found is None:
        found = date_from(page, _lone_rail_dates(scope))
    if found is None:  # only an update time is shown: the publication was no later
        found = date_from(page, [_time_value(e) for e in _shown_updates(scope)])
    return found


# Elements a theme names for a date ("date", "time", "posted", "dateline", "pubdate"),
# with at most two children ("<span class="date"><b>12</b> March</span>").
_DATE_ELEMENTS = etree.XPath(
    ".//*[contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'posted')]"
    "[not(*) or count(*) < 3]"
)
_UPDATE = re.compile(r"updat|modif|edited|aktualisiert|actualiz|mis-?a-?jour|geändert", re.I)


def is_update(element: HtmlElement) -> bool:
    """An element that names itself the update time (``class="updated"``,
    ``itemprop="dateModified"``): another moment than the publication. Not one that
    names itself both (WordPress prints ``class="entry-date published updated"`` on a
    post never edited)."""
    named = marks(element, ("class", "itemprop", "id"))
    return _UPDATE.search(named) is not None and _PUBLISHED.search(named) is None


_PUBLISHED = re.compile(r"publi|pubdate|created|entry-date|posted", re.IGNORECASE)


def _shown_updates(scope: HtmlElement) -> list[HtmlElement]:
    elements = [*scope.iter(*_TIME_TAGS), *_DATE_ELEMENTS(scope)[:10]]
    return [e for e in elements if is_update(e) and not other_story(e, scope)]


def _before_update(element: HtmlElement) -> str:
    """The text just before an update element in its parent: where a byline prints
    the publication time ("Posted 27 Dec 2014 at 12:06 PM, updated <span>...")."""
    parent = element.getparent()
    if parent is None:
        return ""
    parts = [parent.text or ""]
    for child in parent:
        if child is element:
            break
        parts.extend((text_of(child), child.tail or ""))
    text = " ".join(" ".join(parts).split())
    return text[-_MAX_BEFORE:] if _DIGIT.search(text[-_MAX_BEFORE:]) else ""


_MAX_BEFORE = 60


def _titled_heading(page: Page, scope: HtmlElement) -> list[HtmlElement]:
    """When the headline is shown in no element found: the first heading outside the
    rails that ``<title>`` repeats (a theme that sets the story's title in an h3)."""
    title = " ".join((page.meta.page_title or "").split()).casefold()
    for element in scope.iter("h1", "h2", "h3"):
        text = text_of(element).casefold()
        if len(text) >= 4 and text in title and not in_rail(element):
            return [element]
    return []


def declared_published(page: Page) -> list[str]:
    """The declared publication dates, less those that are really the update time: a
    ``datePublished`` equal to the declared ``dateModified`` while another declared
    publication date is earlier the same day or so (CMSs that restamp one field on each
    edit)."""
    published = list(page.meta.published)
    modified = {read_date(page, raw, None) for raw in page.meta.modified} - {None}
    read = [(raw, read_date(page, raw, None)) for raw in published]
    timed = [m for raw, m in read if m is not None and HAS_TIME.search(raw)]
    if not modified or len(set(timed)) < 2 or min(timed) in modified:
        return published
    if max(timed) - min(timed) > _RESTAMP:
        return published  # days apart: another article's date, not a restamp
    return [raw for raw, moment in read if moment is None or moment not in modified]


_RESTAMP = timedelta(days=1)


def _rail_only(element: HtmlElement, scope: HtmlElement) -> bool:
    return in_rail(element) and not in_card(element, scope)


def _lone_rail_dates(scope: HtmlElement) -> list[str]:
    """Last: the one date element of the page's rails, when they hold only one (a
    meta column set in an ``<aside>`` beside the text: "Hintergrund · 19.07.2022");
    rails with several are lists of other articles."""
    dated = [e for e in _DATE_ELEMENTS(scope) if _rail_only(e, scope) and _DIGIT.search(text_of(e))]
    dated += [e for e in scope.iter(*_TIME_TAGS) if _rail_only(e, scope) and e not in dated]
    dated = [e for e in dated if not any(a in dated for a in e.iterancestors())]
    if len(dated) != 1 or is_update(dated[0]):
        return []
    element = dated[0]
    if element.tag in _TIME_TAGS:
        return [_time_value(element)]
    return [_data_date(element) or text_of(element)]


# <time>, and the custom elements GitHub-style pages print instead (``<relative-time
# datetime="..." title="Jul 7, 2020">on Jul 7</relative-time>``).
_TIME_TAGS = ("time", "relative-time", "time-ago", "local-time")


def _times_near(anchor: HtmlElement, scope: HtmlElement) -> list[HtmlElement]:
    """The <time> elements in the smallest block around ``anchor`` that has any."""
    for ancestor in anchor.iterancestors():
        near = [
            e for e in ancestor.iter(*_TIME_TAGS) if not other_story(e, scope) and not is_update(e)
        ]
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
    "following::*[self::div or self::p or self::span or self::small or self::li"
    " or self::h4 or self::h5 or self::h6][position() <= 3]"
)
_MAX_BYLINE = 200


def _near_headline(title_el: HtmlElement, scope: HtmlElement) -> list[str]:
    out = []
    for element in _FOLLOWING(title_el):
        if is_update(element):
            continue
        value = _time_value(element) if element.tag in _TIME_TAGS else text_of(element)
        if 4 <= len(value) <= 80 and _DIGIT.search(value) and not other_story(element, scope):
            out.append(value)
    for element in _FOLLOWING_BLOCKS(title_el):
        value = text_of(element)
        if (
            len(element)
            and 4 <= len(value) <= _MAX_BYLINE
            and _DIGIT.search(value)
            and not other_story(element, scope)
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
            return _zoned_twin(raw, candidates[index + 1 :], page) or found
    return first


def _zoned_twin(raw: str, candidates: list[str], page: Page) -> datetime | None:
    """A later candidate, or a declared modification time, for the same instant as a
    zoneless ``raw`` that names its zone (the zoneless one was read in a guessed zone)."""

    def read(value: str, tz: ZoneInfo) -> datetime | None:
        return read_date(page, value, None, tz)

    return zoned_twin(raw, [*candidates, *page.meta.modified], read, page.ctx.tz)


# US newsrooms print the zone without the season ("5:00 a.m. PT", "4:19 PM ET"): the
# zone's own rules say whether that was standard or daylight time.
_GENERIC_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
_GENERIC_ZONE = re.compile(r"(?<=\d|[MmPp]|\.)\s*\b(ET|CT|MT|PT)\b\.?")


def read_date(
    page: Page, raw: str, fmt: str | None, zone: ZoneInfo | None = None
) -> datetime | None:
    """``raw`` read as a date, zoneless ones in ``zone`` (the page's zone if None)."""
    tz = zone or page.ctx.tz
    if fmt:
        found = parse_date_format(raw, fmt, tz=tz)
        if found is not None:
            return found
    dayfirst = bool(page.ctx.options.get("dayfirst", page.rule.dayfirst if page.rule else True))
    raw = _cjk_to_iso(to_english(raw))
    us = _GENERIC_ZONE.search(raw)
    if us is not None:
        raw, tz = raw[: us.start()] + raw[us.end() :], ZoneInfo(_GENERIC_ZONES[us.group(1)])
    found = parse_date(raw, tz=tz, now=page.ctx.captured_at, dayfirst=dayfirst)
    return found if found is not None else parse_relative(raw, page.ctx.captured_at, tz)


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
