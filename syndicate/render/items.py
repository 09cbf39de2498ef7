"""Each item's RSS and Atom bytes rendered once a run, and reused by every document that
holds the item: its section feed, the combined feed and their RFC 5005 archive pages
(issue 12: a cold publish rendered every item four times a format). Pure but for a
bounded cache.

A document is assembled as render_chunks assembles one: the head and foot of the feed
rendered with no entries (but the whole feed's ``updated`` and history), then its items'
bytes. That is exact because an item's bytes depend only on the item and on the few
feed fields named in :func:`_context` (the contract suite in
tests/render/test_item_cache.py checks it against the renderers for every kind of feed).
Items missing from the cache are rendered together, in one entry-only document, and
sliced apart.

The cache is keyed by everything an item's bytes are made of (guid, link, dates, the
article itself, and the feed context), so an edit is never served stale; it holds
:data:`MAX_ITEMS` items, dropping the least recently used, and is emptied at the start
of every publish run (:func:`clear`). Archive pages are rendered in ledger order across
feeds (syndicate/history.py), so an item's section page and combined page come close
together and the reuse fits in that bound.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..model import Entry, Feed, FeedFormat, FeedInfo, History
from . import atom, jsonfeed, rss

# ~15 MB of RSS and Atom items at ~3.5 KB articles. Archive pages are rendered in ledger
# order across feeds, so the items a page needs were mostly rendered for the page before:
# a cold 10k publish renders 22,000 items with 2,048 kept and 21,466 with 8,192, and
# peaks at 109 MB instead of 144 MB.
MAX_ITEMS = 2048

_TAGS = {FeedFormat.RSS: (b"<item>", b"</item>"), FeedFormat.ATOM: (b"<entry>", b"</entry>")}
_FOOTS = {FeedFormat.RSS: b"</channel>", FeedFormat.ATOM: b"</feed>"}
_RENDER = {FeedFormat.RSS: rss.render_rss, FeedFormat.ATOM: atom.render_atom}

_cache: OrderedDict[Hashable, bytes] = OrderedDict()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Shell(Feed):
    """A feed with some (or none) of its entries but a given ``updated``."""

    at: datetime | None = None

    @property
    def updated(self) -> datetime | None:
        return self.at


def clear() -> None:
    """Forget every item (a new run: its config may render items otherwise)."""
    _cache.clear()


def _context(fmt: FeedFormat, info: FeedInfo, entry: Entry) -> Hashable:
    """The feed fields an item's bytes depend on: a podcast's item tags (RSS)."""
    return info.podcast if fmt is FeedFormat.RSS else None


def _key(fmt: FeedFormat, info: FeedInfo, e: Entry) -> Hashable:
    # the article itself, not only its content hash: a hash made otherwise (a test's, a
    # future version's) can never serve another article's bytes
    return (fmt, _context(fmt, info, e), e.guid, e.link, e.published, e.updated, e.article)


def _line_start(doc: bytes, i: int) -> int:
    return doc.rfind(b"\n", 0, i) + 1


def _split_items(fmt: FeedFormat, doc: bytes) -> list[bytes]:
    """The whole lines of each item of a rendered document, in order (text never holds a
    literal ``<item>`` or ``<entry>``: feedgen escapes it)."""
    start, end = _TAGS[fmt]
    starts = []
    i = doc.find(start)
    while i >= 0:
        starts.append(_line_start(doc, i))
        i = doc.find(start, i + len(start))
    if not starts:
        return []
    last = doc.rfind(end) + len(end)
    bounds = [*starts, doc.find(b"\n", last) + 1]
    return [doc[bounds[k] : bounds[k + 1]] for k in range(len(starts))]


def item_bytes(fmt: FeedFormat, info: FeedInfo, entries: Sequence[Entry]) -> list[bytes]:
    """Each entry's item bytes as ``RENDERERS[fmt]`` writes them in a feed of ``info``
    (Atom entries already made distinct: atom.distinct_entries); from the cache where it
    has them, the rest rendered together in one document."""
    keys = [_key(fmt, info, e) for e in entries]
    out: list[bytes | None] = []
    for k in keys:
        got = _cache.get(k)
        if got is not None:
            _cache.move_to_end(k)
        out.append(got)
    missing = [n for n, got in enumerate(out) if got is None]
    if missing:
        todo = tuple(entries[n] for n in missing)
        doc = _RENDER[fmt](_Shell(info=info, entries=todo, at=None))
        parts = _split_items(fmt, doc)
        assert len(parts) == len(missing), "an item's bytes could not be told apart"
        for n, part in zip(missing, parts, strict=True):
            out[n] = part
            _cache[keys[n]] = part
        while len(_cache) > MAX_ITEMS:
            _cache.popitem(last=False)
    return [b for b in out if b is not None]


def render_feed(fmt: FeedFormat, feed: Feed) -> bytes:
    """``RENDERERS[fmt](feed)`` for RSS and Atom, the items from the cache."""
    if fmt is FeedFormat.JSON:  # orjson is cheap: rendered whole
        return jsonfeed.render_jsonfeed(feed)
    if not feed.entries:
        return _RENDER[fmt](feed)
    entries: Sequence[Entry] = feed.entries
    updated = max(e.updated for e in entries)  # Feed.updated
    if fmt is FeedFormat.ATOM:  # render_atom's: the newest of the distinct values
        entries = list(atom.distinct_entries(entries))
        updated = max(updated.replace(microsecond=0), *(e.updated for e in entries))
    head, foot = shell(fmt, feed.info, updated, feed.history)
    return b"".join([head, *item_bytes(fmt, feed.info, entries), foot])


def shell(
    fmt: FeedFormat, info: FeedInfo, updated: datetime | None, history: History | None
) -> tuple[bytes, bytes]:
    """The bytes before the first item and after the last, of a feed with these fields."""
    doc = _RENDER[fmt](_Shell(info=info, entries=(), at=updated, history=history))
    cut = _line_start(doc, doc.rfind(_FOOTS[fmt]))
    return doc[:cut], doc[cut:]


def joined(fmt: FeedFormat, info: FeedInfo, entries: Iterable[Entry]) -> bytes:
    """The items of ``entries`` (Atom: already distinct), joined: render_chunks' body."""
    return b"".join(item_bytes(fmt, info, list(entries)))


__all__ = ["MAX_ITEMS", "clear", "item_bytes", "joined", "render_feed", "shell"]
