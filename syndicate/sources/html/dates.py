"""The publication date of an article page: declared first, then visible near the headline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from lxml.html import HtmlElement

from ...dates import parse_date, parse_date_format
from .dom import in_rail, text_of
from .page import Page

HAS_TIME = re.compile(r"\d{1,2}[:h]\d{2}|\d\s*[ap]\.?m\b", re.IGNORECASE)


def find_published(page: Page, scope: HtmlElement, title_el: HtmlElement | None = None) -> datetime | None:
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
    times = list(scope.iter("time"))
    if title_el is not None and times:
        near: list[HtmlElement] = []
        for ancestor in title_el.iterancestors():
            near.extend(e for e in ancestor.iter("time") if e not in near and not in_rail(e))
            if near or ancestor is scope:
                break
        times = near + [e for e in times if e not in near]
    for time_el in times:
        value = time_el.get("datetime") or text_of(time_el)
        if value:
            candidates.append(value)
    for element in scope.xpath(".//*[contains(@class, 'date') or contains(@class, 'time')]"
                               "[not(*) or count(*) < 3]")[:10]:
        value = text_of(element)
        if value:
            candidates.append(value)
    return date_from(page, candidates)


def date_from(page: Page, candidates: Iterable[str]) -> datetime | None:
    """The first readable candidate; if it has no time of day, a later one that
    agrees on the day and has a time (JSON-LD dates are often day-only while
    ``<time datetime>`` keeps the minute)."""
    first: datetime | None = None
    for raw in candidates:
        found = read_date(page, raw, None)
        if found is None:
            continue
        if first is None:
            first = found
            if HAS_TIME.search(raw):
                return found
            continue
        local_first = first.astimezone(page.ctx.tz).date()
        if HAS_TIME.search(raw) and found.astimezone(page.ctx.tz).date() == local_first:
            return found
    return first


def read_date(page: Page, raw: str, fmt: str | None) -> datetime | None:
    if fmt:
        found = parse_date_format(raw, fmt, tz=page.ctx.tz)
        if found is not None:
            return found
    dayfirst = bool(page.ctx.options.get("dayfirst", page.rule.dayfirst if page.rule else True))
    return parse_date(raw, tz=page.ctx.tz, now=page.ctx.captured_at, dayfirst=dayfirst)


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
