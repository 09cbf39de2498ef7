"""The HTML a person sees: the site index (with feed autodiscovery), section pages and
one plain page per article, so that every item link resolves when output/ is served.

Links between pages are relative (issue 11), so output/ works opened from disk, under
``syndicate serve`` and behind any host: a URL under the site's base URL becomes a path
from the page's own folder, a folder URL its ``index.html``. The head keeps absolute
URLs where machines read them (feed autodiscovery, ``rel=canonical``), like the feeds.

Dates are shown in ``site.timezone`` and formatted for ``site.language`` with Babel;
an article published at midnight (a page that gave the date alone) shows the date
alone. ``<time datetime>`` stays UTC ISO 8601.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Sequence
from datetime import date, datetime, time
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from ..model import Entry, FeedFormat, FeedInfo
from .body import body_html, clean, summary_text

_STYLE = (
    "body{font:17px/1.55 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;color:#222}"
    "h1,h2{font-family:system-ui,sans-serif;line-height:1.25}a{color:#0645ad}"
    ".meta{color:#666;font:14px system-ui,sans-serif}ul.feeds li{margin:.3em 0}"
)
_LABEL = {FeedFormat.RSS: "RSS", FeedFormat.ATOM: "Atom", FeedFormat.JSON: "JSON Feed"}
# What serve (and the nginx config) look for to answer 410 Gone.
WITHDRAWN_MARK = b'<meta name="syndicate-status" content="withdrawn">'
PICK_ONE = (
    "Subscribe to the combined feed or to the section feeds, not both: every section item is"
    " also in the combined feed with the same id, and readers that key items by id"
    " (newsboat) then show one of them empty."
)


def _e(text: str) -> str:
    return escape(clean(text))


def _page(title: str, lang: str, head: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
    ).encode()


def relative(url: str, here: str, base: str) -> str:
    """``url`` as a link from the page at ``here`` (a path under output/): relative when
    it is under ``base``, a folder as its index.html; other URLs unchanged."""
    if not url.startswith(base):
        return url
    target = url[len(base) :].split("#", 1)[0]
    if target == "" or target.endswith("/"):
        target += "index.html"
    return _relpath(target, posixpath.dirname(here) or ".")


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for two paths under output/, without its ``os.getcwd()`` per
    call (42,000 system calls in a cold 10k publish, issue 12)."""
    t, s = posixpath.normpath(target), posixpath.normpath(start)
    if t.startswith(("/", "..")) or s.startswith(("/", "..")):
        return posixpath.relpath(target, start)
    tp = [] if t == "." else t.split("/")
    sp = [] if s == "." else s.split("/")
    common = 0
    while common < min(len(tp), len(sp)) and tp[common] == sp[common]:
        common += 1
    return "/".join([".."] * (len(sp) - common) + tp[common:]) or "."


@functools.lru_cache(maxsize=64)
def _locale(language: str) -> Any:
    from babel import Locale, UnknownLocaleError  # on first use: a run with no page to
    # render (nothing changed) does not pay babel's ~30 ms import

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


# A day and a clock time are worded once per language (a cold 10k publish words 11,000
# dates, ~0.6 s of babel when each was formatted whole): the long date depends only on
# the local day, the short time only on the wall-clock time (CLDR's short time patterns
# carry no zone; the zone name is added here).
@functools.lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    from babel.dates import format_date

    return str(format_date(day, "long", locale=_locale(language)))


@functools.lru_cache(maxsize=4096)
def _clock(clock: time, language: str) -> str:
    from babel.dates import format_time

    return str(format_time(clock, "short", locale=_locale(language)))


def show_date(
    when: datetime, *, timezone: str = "UTC", language: str = "en", with_time: bool = True
) -> str:
    """A date for people: in ``timezone``, worded for ``language``; the time and zone
    only when ``with_time`` and the moment is not midnight there (a date-only article)."""
    local = when.astimezone(ZoneInfo(timezone))
    day = _day(local.date(), language)
    if not with_time or (local.hour, local.minute, local.second) == (0, 0, 0):
        return day
    return f"{day}, {_clock(local.time().replace(microsecond=0), language)} {local.tzname()}"


@functools.lru_cache(maxsize=256)  # one per feed; every article page of a section repeats it
def _alternates(info: FeedInfo) -> str:
    return "".join(
        f'<link rel="alternate" type="{fmt.media_type}" title="{_e(info.title)} ({_LABEL[fmt]})"'
        f' href="{_e(url)}">\n'
        for fmt, url in info.self_urls.items()
    )


class _Links:
    """Links from one page, relative to it."""

    def __init__(self, site: FeedInfo, here: str, timezone: str):
        self.site, self.here, self.timezone = site, here, timezone
        self.language = site.language or "en"

    def href(self, url: str) -> str:
        return _e(relative(url, self.here, self.site.home_url))

    def feeds(self, info: FeedInfo) -> str:
        return " · ".join(
            f'<a href="{self.href(url)}">{_LABEL[fmt]}</a>' for fmt, url in info.self_urls.items()
        )

    def entry_li(self, e: Entry) -> str:
        date = show_date(
            e.published, timezone=self.timezone, language=self.language, with_time=False
        )
        return (
            f'<li><a href="{self.href(e.link)}">{_e(e.article.title)}</a> '
            f'<span class="meta">{_e(e.article.section)} · <time datetime="{e.published.isoformat()}">'
            f"{_e(date)}</time></span></li>\n"
        )


def render_index(
    site: FeedInfo,
    sections: Sequence[FeedInfo],
    latest: Sequence[Entry],
    opml_url: str,
    *,
    timezone: str = "UTC",
) -> bytes:
    ln = _Links(site, "index.html", timezone)
    head = _alternates(site) + "".join(_alternates(s) for s in sections)
    feeds = "".join(
        f'<li><a href="{ln.href(s.home_url)}">{_e(s.title)}</a> — {ln.feeds(s)}</li>\n'
        for s in sections
    )
    body = (
        f"<h1>{_e(site.title)}</h1>\n<p>{_e(site.description)}</p>\n"
        f'<h2>Feeds</h2>\n<p class="meta">{_e(PICK_ONE)}</p>\n'
        f'<ul class="feeds">\n<li><strong>Everything</strong> — {ln.feeds(site)}</li>\n'
        f'{feeds}<li><a href="{ln.href(opml_url)}">All feeds as OPML</a>'
        " (two groups: the combined feed, and the sections)</li>\n</ul>\n"
        f"<h2>Latest</h2>\n<ul>\n{''.join(ln.entry_li(e) for e in latest)}</ul>\n"
    )
    return _page(site.title, ln.language, head, body)


def render_section(
    site: FeedInfo, section: FeedInfo, entries: Sequence[Entry], *, timezone: str = "UTC"
) -> bytes:
    ln = _Links(site, f"{section.key}/index.html", timezone)
    body = (
        f'<p class="meta"><a href="{ln.href(site.home_url)}">{_e(site.title)}</a></p>\n'
        f"<h1>{_e(section.title)}</h1>\n<p>{ln.feeds(section)}</p>\n"
        f"<ul>\n{''.join(ln.entry_li(e) for e in entries)}</ul>\n"
    )
    return _page(section.title, ln.language, _alternates(section), body)


def article_path(entry: Entry) -> str:
    """Where an article's own page goes under output/."""
    return f"{entry.section_slug}/{entry.slug}.html"


def render_article(
    site: FeedInfo, section: FeedInfo, entry: Entry, *, timezone: str = "UTC"
) -> bytes:
    a = entry.article
    ln = _Links(site, article_path(entry), timezone)
    authors = ", ".join(x.name for x in a.authors)
    byline = f" · {_e(authors)}" if authors else ""
    shown = show_date(entry.published, timezone=timezone, language=ln.language)
    body = (
        f'<p class="meta"><a href="{ln.href(site.home_url)}">{_e(site.title)}</a> › '
        f'<a href="{ln.href(section.home_url)}">{_e(a.section)}</a></p>\n'
        f"<article>\n<h1>{_e(a.title)}</h1>\n"
        f'<p class="meta"><time datetime="{entry.published.isoformat()}">'
        f"{_e(shown)}</time>{byline}</p>\n"
        f"{body_html(a)}\n</article>\n"
    )
    # an edit's date, so that `syndicate recover` finds it on items past every feed's limit
    edited = (
        f'<meta property="article:modified_time" content="{entry.updated.isoformat()}">\n'
        if entry.updated != entry.published
        else ""
    )
    head = (
        f'<meta name="description" content="{_e(summary_text(a))}">\n'
        f'<link rel="canonical" href="{_e(entry.link)}">\n{edited}' + _alternates(section)
    )
    return _page(a.title, ln.language, head, body)


def render_withdrawn(site: FeedInfo, section: FeedInfo, entry: Entry) -> bytes:
    """What a withdrawn article's page becomes: a short notice search engines drop
    (``noindex``), marked so that ``serve`` answers 410 Gone for it."""
    ln = _Links(site, article_path(entry), "UTC")
    head = f'<meta name="robots" content="noindex">\n{WITHDRAWN_MARK.decode()}\n'
    body = (
        f'<p class="meta"><a href="{ln.href(site.home_url)}">{_e(site.title)}</a> › '
        f'<a href="{ln.href(section.home_url)}">{_e(section.title)}</a></p>\n'
        "<h1>This article has been withdrawn</h1>\n"
        f"<p>{_e(site.title)} no longer publishes this article.</p>\n"
    )
    return _page("Withdrawn", ln.language, head, body)
