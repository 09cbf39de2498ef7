"""The HTML a person sees: the site index (with feed autodiscovery), section pages and
one plain page per article, so that every item link resolves when output/ is served."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape

from ..model import Entry, FeedFormat, FeedInfo
from .body import body_html, clean, summary_text

_STYLE = ("body{font:17px/1.55 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;color:#222}"
          "h1,h2{font-family:system-ui,sans-serif;line-height:1.25}a{color:#0645ad}"
          ".meta{color:#666;font:14px system-ui,sans-serif}ul.feeds li{margin:.3em 0}")
_LABEL = {FeedFormat.RSS: "RSS", FeedFormat.ATOM: "Atom", FeedFormat.JSON: "JSON Feed"}


def _e(text: str) -> str:
    return escape(clean(text))


def _page(title: str, lang: str, head: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
            ).encode()


@functools.lru_cache(maxsize=256)   # one per feed; every article page of a section repeats it
def _alternates(info: FeedInfo) -> str:
    return "".join(f'<link rel="alternate" type="{fmt.media_type}" title="{_e(info.title)} ({_LABEL[fmt]})"'
                   f' href="{_e(url)}">\n' for fmt, url in info.self_urls.items())


def _feed_links(info: FeedInfo) -> str:
    return " · ".join(f'<a href="{_e(url)}">{_LABEL[fmt]}</a>' for fmt, url in info.self_urls.items())


def _entry_li(e: Entry) -> str:
    date = e.published.strftime("%d %b %Y")
    return (f'<li><a href="{_e(e.link)}">{_e(e.article.title)}</a> '
            f'<span class="meta">{_e(e.article.section)} · <time datetime="{e.published.isoformat()}">'
            f"{date}</time></span></li>\n")


def render_index(site: FeedInfo, sections: Sequence[FeedInfo], latest: Sequence[Entry], opml_url: str) -> bytes:
    head = _alternates(site) + "".join(_alternates(s) for s in sections)
    feeds = "".join(f'<li><a href="{_e(s.home_url)}">{_e(s.title)}</a> — {_feed_links(s)}</li>\n'
                    for s in sections)
    body = (f"<h1>{_e(site.title)}</h1>\n<p>{_e(site.description)}</p>\n"
            f'<h2>Feeds</h2>\n<ul class="feeds">\n<li><strong>Everything</strong> — {_feed_links(site)}</li>\n'
            f'{feeds}<li><a href="{_e(opml_url)}">All feeds as OPML</a></li>\n</ul>\n'
            f"<h2>Latest</h2>\n<ul>\n{''.join(_entry_li(e) for e in latest)}</ul>\n")
    return _page(site.title, site.language or "en", head, body)


def render_section(site: FeedInfo, section: FeedInfo, entries: Sequence[Entry]) -> bytes:
    body = (f'<p class="meta"><a href="{_e(site.home_url)}">{_e(site.title)}</a></p>\n'
            f"<h1>{_e(section.title)}</h1>\n<p>{_feed_links(section)}</p>\n"
            f"<ul>\n{''.join(_entry_li(e) for e in entries)}</ul>\n")
    return _page(section.title, site.language or "en", _alternates(section), body)


def render_article(site: FeedInfo, section: FeedInfo, entry: Entry) -> bytes:
    a = entry.article
    authors = ", ".join(x.name for x in a.authors)
    byline = f" · {_e(authors)}" if authors else ""
    body = (f'<p class="meta"><a href="{_e(site.home_url)}">{_e(site.title)}</a> › '
            f'<a href="{_e(section.home_url)}">{_e(a.section)}</a></p>\n'
            f"<article>\n<h1>{_e(a.title)}</h1>\n"
            f'<p class="meta"><time datetime="{entry.published.isoformat()}">'
            f"{entry.published.strftime('%d %B %Y, %H:%M UTC')}</time>{byline}</p>\n"
            f"{body_html(a)}\n</article>\n")
    # an edit's date, so that `syndicate recover` finds it on items past every feed's limit
    edited = (f'<meta property="article:modified_time" content="{entry.updated.isoformat()}">\n'
              if entry.updated != entry.published else "")
    head = (f'<meta name="description" content="{_e(summary_text(a))}">\n'
            f'<link rel="canonical" href="{_e(entry.link)}">\n{edited}' + _alternates(section))
    return _page(a.title, site.language or "en", head, body)
