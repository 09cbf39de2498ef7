"""Renderers: a :class:`~syndicate.model.Feed` (or the site) -> bytes. Pure.

Same feed in, same bytes out: no clock, no randomness; dates come from the entries.

:func:`render_chunks` gives the same bytes as a renderer, in pieces, rendering at most
``chunk`` entries at a time, so that a feed of every article (item limit "all") is never
held whole in memory: the feed's head and foot come from the feed rendered with no
entries (but the whole feed's ``updated``), its items from the feed rendered a chunk of
entries at a time. That is exact because an item's bytes depend only on the item and its
depth: the contract suite checks that the pieces join to the renderer's output.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from ..model import Entry, Feed, FeedFormat, FeedInfo, History
from . import atom, jsonfeed, rss

Renderer = Callable[[Feed], bytes]

RENDERERS: dict[FeedFormat, Renderer] = {
    FeedFormat.RSS: rss.render_rss,
    FeedFormat.ATOM: atom.render_atom,
    FeedFormat.JSON: jsonfeed.render_jsonfeed,
}

# Bump when a renderer's output changes, so that the next publish re-renders everything.
RENDER_VERSION = (
    "4"  # 4: media/podcast namespaces, enclosures, archive links (issue 15); 3: issue 11
)

CHUNK = 200  # entries rendered at a time by render_chunks

# Where the items of a rendered feed start and end (pretty-printed; text never holds a
# literal "<item>": feedgen escapes it, RSS text spells "<" as "&#x3C;").
_ITEM_TAGS = {FeedFormat.RSS: (b"<item>", b"</item>"), FeedFormat.ATOM: (b"<entry>", b"</entry>")}
_FOOTS = {FeedFormat.RSS: b"</channel>", FeedFormat.ATOM: b"</feed>"}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Shell(Feed):
    """A feed with some (or none) of its entries but the whole feed's ``updated``."""

    at: datetime | None = None

    @property
    def updated(self) -> datetime | None:
        return self.at


def _line_start(doc: bytes, i: int) -> int:
    return doc.rfind(b"\n", 0, i) + 1


def _items(fmt: FeedFormat, doc: bytes) -> bytes:
    """The whole lines from the first item's start to the last item's end."""
    start, end = _ITEM_TAGS[fmt]
    i = doc.find(start)
    if i < 0:
        return b""
    j = doc.rfind(end) + len(end)
    return doc[_line_start(doc, i) : doc.find(b"\n", j) + 1]


def render_chunks(
    fmt: FeedFormat,
    info: FeedInfo,
    entries: Iterable[Entry],
    *,
    updated: datetime | None,
    history: History | None = None,
    chunk: int = CHUNK,
) -> Iterator[bytes]:
    """The bytes of ``RENDERERS[fmt](Feed(info=info, entries=tuple(entries), history=history))``,
    in pieces; ``updated`` must be that feed's ``updated`` (the newest entry's). The archive
    links of ``history`` are in the head; the renderers declare every namespace prefix an
    item can use on the root of every document, so that items sliced from a chunk fit the head."""
    if fmt is FeedFormat.JSON:
        pieces = jsonfeed.iter_jsonfeed(info, entries, history)
        while piece := b"".join(
            islice(pieces, chunk)
        ):  # a chunk of items a piece, like the XML ones
            yield piece
        return
    render = RENDERERS[fmt]
    if fmt is FeedFormat.ATOM:
        entries = atom.distinct_entries(entries)  # distinct across chunks, as in one render
    it = iter(entries)
    first = tuple(islice(it, chunk + 1))
    if len(first) <= chunk:  # a small feed (limit 50): one render, no shell
        yield render(_Shell(info=info, entries=first, at=updated, history=history))
        return
    shell = render(_Shell(info=info, entries=(), at=updated, history=history))
    cut = _line_start(shell, shell.rfind(_FOOTS[fmt]))
    yield shell[:cut]
    yield _items(fmt, render(_Shell(info=info, entries=first[:chunk], at=updated, history=history)))
    it = itertools.chain(first[chunk:], it)
    while batch := tuple(islice(it, chunk)):
        yield _items(fmt, render(_Shell(info=info, entries=batch, at=updated, history=history)))
    yield shell[cut:]


__all__ = ["CHUNK", "RENDERERS", "RENDER_VERSION", "Renderer", "render_chunks"]
