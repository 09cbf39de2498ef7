"""What was published, read back from output/: every item of every feed (JSON Feed,
Atom, RSS) and every article page, merged by guid. Used by :mod:`syndicate.recover`.

Each source is read with a plain parser (json, lxml), never with a feed reader that
sanitises: the content must come back as the exact string the renderer wrote. Fields
are taken from the most exact source that has them: dates from Atom and article pages
(microseconds) before JSON Feed and RSS (seconds); authors from JSON Feed and RSS
(Atom names the feed as author when an entry has none). A new kind of published file
(archives, once they exist) is one more reader feeding :class:`Published`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import StateError
from .model import FeedFormat
from .render.rss import TAG_LIKE

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

# Precedence of sources per field: lower is more exact.
RANK = {"atom": 0, "page": 1, "json": 2, "rss": 3}
AUTHOR_RANK = {"json": 0, "rss": 1, "page": 2, "atom": 3}


@dataclass(slots=True, kw_only=True)
class PublishedItem:
    """One item as readers saw it; None means no source showed the field."""

    guid: str | None = None
    title: str | None = None
    link: str | None = None
    categories: tuple[str, ...] | None = None  # section name first, then tags
    section: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    content_html: str | None = None
    summary: str | None = None
    authors: tuple[str, ...] | None = None
    image: str | None = None
    page: str | None = None  # "<section>/<slug>.html", when a page exists
    positions: dict[str, int] = field(default_factory=dict)  # feed key -> index in that feed
    _ranks: dict[str, int] = field(default_factory=dict)

    def take(self, source: str, **values: Any) -> None:
        """Set each field not yet set by a more exact source."""
        for name, value in values.items():
            if value is None:
                continue
            rank = (AUTHOR_RANK if name == "authors" else RANK)[source]
            if name not in self._ranks or rank < self._ranks[name]:
                setattr(self, name, value)
                self._ranks[name] = rank


@dataclass(slots=True)
class Published:
    """Items by guid, plus page-only items (no guid anywhere) by page path."""

    by_guid: dict[str, PublishedItem] = field(default_factory=dict)
    pages: dict[str, PublishedItem] = field(default_factory=dict)
    feed_files: list[str] = field(default_factory=list)  # relative paths of the feeds read

    def item(self, guid: str) -> PublishedItem:
        return self.by_guid.setdefault(guid, PublishedItem(guid=guid))

    def items(self) -> list[PublishedItem]:
        by_page = {i.page for i in self.by_guid.values() if i.page}
        return [
            *self.by_guid.values(),
            *(i for p, i in sorted(self.pages.items()) if p not in by_page),
        ]


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = parsedate_to_datetime(text)
    return value.astimezone(UTC)


def _text(el: Any, path: str) -> str | None:
    found = el.find(path)
    return None if found is None else (found.text or "")


def _unescaped(summary_html: str | None) -> str | None:
    """RSS and Atom carry the plain summary escaped as HTML (render.body.summary_html)."""
    return None if summary_html is None else html.unescape(summary_html)


def _rss_title_text(raw: str | None) -> str | None:
    """The inverse of render.rss.rss_title: tag-like titles were escaped as HTML."""
    if raw is None:
        return None
    text = html.unescape(raw)
    return text if TAG_LIKE.search(text) and html.escape(text, quote=False) == raw else raw


def read_json_feed(pub: Published, data: bytes, key: str) -> None:
    doc = json.loads(data)
    for n, it in enumerate(doc.get("items", [])):
        item = pub.item(it["id"])
        item.positions[key] = n
        tags = tuple(it.get("tags", ()))
        item.take(
            "json",
            title=it.get("title"),
            link=it.get("url"),
            categories=tags or None,
            section=tags[0] if tags else None,
            published=_dt(it.get("date_published")),
            updated=_dt(it.get("date_modified")),
            content_html=it.get("content_html"),
            summary=it.get("summary"),
            authors=tuple(a["name"] for a in it.get("authors", ())),
            image=it.get("image", ""),
        )


def read_atom(pub: Published, data: bytes, key: str) -> None:
    root = etree.fromstring(data)
    for n, entry in enumerate(root.iter(f"{ATOM}entry")):
        item = pub.item(_text(entry, f"{ATOM}id") or "")
        item.positions[key] = n
        link = next(
            (
                x.get("href")
                for x in entry.iter(f"{ATOM}link")
                if x.get("rel", "alternate") == "alternate"
            ),
            None,
        )
        cats = tuple(c.get("term", "") for c in entry.iter(f"{ATOM}category"))
        title = entry.find(f"{ATOM}title")
        item.take(
            "atom",
            title=None
            if title is None
            else _unescaped(title.text or "")
            if title.get("type") == "html"
            else title.text or "",
            link=link,
            categories=cats or None,
            section=cats[0] if cats else None,
            published=_dt(_text(entry, f"{ATOM}published")),
            updated=_dt(_text(entry, f"{ATOM}updated")),
            content_html=_text(entry, f"{ATOM}content"),
            summary=_unescaped(_text(entry, f"{ATOM}summary")),
            authors=tuple(a.findtext(f"{ATOM}name") or "" for a in entry.iter(f"{ATOM}author")),
        )


def read_rss(pub: Published, data: bytes, key: str) -> None:
    root = etree.fromstring(data)
    for n, it in enumerate(root.iter("item")):
        item = pub.item(_text(it, "guid") or "")
        item.positions[key] = n
        cats = tuple(c.text or "" for c in it.iter("category"))
        item.take(
            "rss",
            title=_rss_title_text(_text(it, "title")),
            link=_text(it, "link"),
            categories=cats or None,
            section=cats[0] if cats else None,
            published=_dt(_text(it, "pubDate")),
            content_html=_text(it, CONTENT),
            summary=_unescaped(_text(it, "description")),
            authors=tuple(c.text or "" for c in it.iter(DC_CREATOR)),
        )


# The article page as syndicate.render.pages.render_article writes it.
_PAGE = re.compile(
    r'<meta name="description" content="(?P<summary>[^"]*)">\n<link rel="canonical" href="(?P<link>[^"]*)">\n'
    r'(?:<meta property="article:modified_time" content="(?P<updated>[^"]*)">\n)?.*?'
    r'<p class="meta"><a href="[^"]*">[^<]*</a> › <a href="[^"]*">(?P<section>[^<]*)</a></p>\n'
    r"<article>\n<h1>(?P<title>[^<]*)</h1>\n"
    r'<p class="meta"><time datetime="(?P<published>[^"]*)">[^<]*</time>(?: · (?P<byline>[^<]*))?</p>\n'
    r"(?P<body>.*)\n</article>\n</body>",
    re.S,
)


def read_page(pub: Published, data: bytes, rel: str) -> None:
    m = _PAGE.search(data.decode("utf-8"))
    if m is None:
        return  # not an article page of ours (or one written by an older renderer)
    u = html.unescape
    byline = m.group("byline")
    item = pub.pages.setdefault(rel, PublishedItem(page=rel))
    item.take(
        "page",
        title=u(m.group("title")),
        link=u(m.group("link")),
        section=u(m.group("section")),
        published=_dt(m.group("published")),
        updated=_dt(m.group("updated")),
        content_html=m.group("body"),
        summary=u(m.group("summary")),
        authors=tuple(u(byline).split(", ")) if byline else (),
    )


READERS = {FeedFormat.JSON: read_json_feed, FeedFormat.ATOM: read_atom, FeedFormat.RSS: read_rss}


def read_published(out_dir: Path, base_url: str) -> Published:
    """Every feed (the combined one and one folder down) and article page in out_dir."""
    pub = Published()
    if not out_dir.is_dir():
        return pub
    dirs = [("", out_dir)] + [
        (d.name, d) for d in sorted(out_dir.iterdir()) if d.is_dir() and not d.name.startswith(".")
    ]
    for key, folder in dirs:
        for fmt, reader in READERS.items():
            path = folder / fmt.filename
            if not path.is_file():
                continue
            rel = path.relative_to(out_dir).as_posix()
            try:
                reader(pub, path.read_bytes(), key)
            except (ValueError, etree.XMLSyntaxError, KeyError, TypeError) as err:
                raise StateError(
                    f"cannot recover: {path}: not a feed syndicate wrote ({err}); move it away"
                    " and run `syndicate recover` again"
                ) from err
            pub.feed_files.append(rel)
        if key:
            for page in sorted(folder.glob("*.html")):
                if page.name != "index.html":
                    read_page(pub, page.read_bytes(), page.relative_to(out_dir).as_posix())
    # a feed item whose link is one of our pages takes the page's fields (and its path)
    by_link = {base_url + rel: item for rel, item in pub.pages.items()}
    for item in pub.by_guid.values():
        found = by_link.get(item.link or "")
        if found is not None:
            item.page = found.page
            _merge(item, found)
    return pub


def _merge(item: PublishedItem, page: PublishedItem) -> None:
    for name in page._ranks:
        item.take("page", **{name: getattr(page, name)})


__all__ = ["Published", "PublishedItem", "read_published"]
