"""Atom 1.0 (RFC 4287) with feedgen.

feedgen sets feed and entry ``updated`` to now when unset and prepends entries: both are
always set here (``Feed.updated`` is the newest entry's), entries appended in order.
Atom allows any number of feed links, so rel=hub goes through feedgen unchanged.

Timestamps are whole seconds, like RSS and JSON Feed, and entry ``updated`` values are
distinct within a feed (issue 11): an edit and a new article in one run share a second,
which the W3C validator flags (DuplicateUpdated), so :func:`free_updated` moves the
older of two equal values back a second (walking newest first, as render_chunks streams
the feed). The feed's ``updated`` is the newest of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape

from feedgen.feed import FeedGenerator
from lxml import etree

from ..model import Author, Entry, Feed, FeedFormat
from .archive import history_elements
from .body import EPOCH, clean, entry_body, entry_summary
from .media import MEDIA_NS, add_atom_media, declare, has_media, serialize
from .rss import ATOM_NS, TAG_LIKE

_SECOND = timedelta(seconds=1)


def free_updated(entry: Entry, taken: set[datetime]) -> datetime:
    """``entry.updated`` in whole seconds, moved off the values in ``taken``: back a second
    at a time, never before ``published``; forward only when no earlier second is free.
    Walking a feed newest first, the newest value keeps its place, so the feed's
    ``updated`` (the newest entry's) does not move."""
    when = entry.updated.replace(microsecond=0)
    floor = entry.published.replace(microsecond=0)
    back = when
    while back in taken and back - _SECOND >= floor:
        back -= _SECOND
    if back not in taken:
        return back
    while when in taken:
        when += _SECOND
    return when


def distinct_entries(entries: Iterable[Entry]) -> Iterator[Entry]:
    """The entries in feed order, each ``updated`` made distinct by :func:`free_updated`;
    a stream, so that render_chunks() gives the same values as one whole render."""
    taken: set[datetime] = set()
    for entry in entries:
        when = free_updated(entry, taken)
        taken.add(when)
        yield entry if entry.updated == when else replace(entry, updated=when)


def distinct_updated(entries: Iterable[Entry]) -> list[datetime]:
    """Each entry's ``updated`` in whole seconds, distinct within the feed. Pure."""
    return [e.updated.replace(microsecond=0) for e in distinct_entries(entries)]


def render_atom(feed: Feed) -> bytes:
    info = feed.info
    updated = distinct_updated(feed.entries)
    fg = FeedGenerator()
    fg.id(info.self_urls[FeedFormat.ATOM])
    fg.title(clean(info.title))
    if info.description:
        fg.subtitle(clean(info.description))
    fg.link(href=info.home_url, rel="alternate", type="text/html")
    fg.link(href=info.self_urls[FeedFormat.ATOM], rel="self", type=FeedFormat.ATOM.media_type)
    for hub in info.hubs:
        fg.link(href=hub, rel="hub")
    if info.language:
        fg.language(info.language)
    # RFC 4287 4.1.1: an entry needs an author unless the feed has one: every feed has one
    # (the feed's title when the config names none), so no entry's bytes depend on its feed
    # (render/items.py reuses them across feeds and archive pages)
    author = info.author if info.author is not None else Author(name=info.title)
    fg.author(
        {
            k: v
            for k, v in (
                ("name", clean(author.name)),
                ("email", author.email),
                ("uri", author.uri),
            )
            if v
        }
    )
    fg.generator(info.generator)
    # the newest entry's (a shell for render_chunks has no entries: its ``at``)
    fg.updated(max([(feed.updated or EPOCH).replace(microsecond=0), *updated]))
    xml: bytes = fg.atom_str(pretty=True)
    # always through the tree and with xmlns:media on the root (see render_rss)
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    for entry, entry_updated in zip(feed.entries, updated, strict=True):
        add_entry(root, entry, entry_updated)  # where feedgen puts them: last in the feed
    if has_media(feed.entries):  # feedgen's Atom enclosures are broken: render/media.py
        add_atom_media(root, feed.entries)
    if feed.history is not None:  # feedgen refuses link relations it does not know
        history_elements(
            root,
            feed.history,
            FeedFormat.ATOM,
            atom_prefixed=False,
            before=root.find(f"{{{ATOM_NS}}}entry"),
        )
    return serialize(declare(root, {"media": MEDIA_NS}))


def _text(parent: etree._Element, name: str, text: str, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
    node.text = text or None  # empty: <x/>, as feedgen's (reparsed) output spells it
    return node


def add_entry(root: etree._Element, entry: Entry, updated: datetime) -> etree._Element:
    """``entry``'s ``<entry>`` (its distinct ``updated`` given), appended to ``root``: the
    elements, order and spelling feedgen 1.0's ``FeedEntry.atom_entry`` gives them, built
    with lxml directly (see rss.add_item for why). An entry title holding tag-like text
    is ``type="html"``, escaped: readers (and the W3C validator) sniff a text title with
    a closing tag as undeclared HTML (issue 8, §5)."""
    a = entry.article
    node = etree.SubElement(root, f"{{{ATOM_NS}}}entry")
    _text(node, "id", entry.guid)
    title = clean(a.title)
    if TAG_LIKE.search(title):
        _text(node, "title", escape(title, quote=False), type="html")
    else:
        _text(node, "title", title)
    _text(node, "updated", updated.isoformat())
    for author in a.authors:
        if name := clean(author.name):
            _text(etree.SubElement(node, f"{{{ATOM_NS}}}author"), "name", name)
    _html(node, "content", entry_body(entry))
    # href only, as feedgen writes it (its rel and type never reach the element); no rel
    # means rel="alternate" (RFC 4287 4.2.7.2)
    etree.SubElement(node, f"{{{ATOM_NS}}}link", href=entry.link)
    _html(node, "summary", escape(entry_summary(entry), quote=False))
    for term in (a.section, *a.tags):
        etree.SubElement(node, f"{{{ATOM_NS}}}category", term=clean(term))
    _text(node, "published", entry.published.replace(microsecond=0).isoformat())
    return node


def _html(parent: etree._Element, name: str, text: str) -> None:
    node = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}")
    if text:  # feedgen leaves an empty one without text
        node.text = text
    node.set("type", "html")
