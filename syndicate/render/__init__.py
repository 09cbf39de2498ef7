"""Renderers: a :class:`~syndicate.model.Feed` (or the site) -> bytes. Pure.

Same feed in, same bytes out: no clock, no randomness; dates come from the entries.

:func:`render_chunks` gives the same bytes as a renderer, in pieces, rendering at most
``chunk`` entries at a time, so that a feed of every article (item limit "all") is never
held whole in memory: the feed's head and foot come from the feed rendered with no
entries (but the whole feed's ``updated``), its items' bytes a chunk at a time from
render/items.py, which renders each item once a run for every feed that holds it. That is
exact because an item's bytes depend only on the item and its depth: the contract suites
(tests/render/test_streaming.py, test_item_cache.py) check the joins against the renderers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice

from ..model import Entry, Feed, FeedFormat, FeedInfo, History
from . import atom, items, jsonfeed, rss

Renderer = Callable[[Feed], bytes]

RENDERERS: dict[FeedFormat, Renderer] = {
    FeedFormat.RSS: rss.render_rss,
    FeedFormat.ATOM: atom.render_atom,
    FeedFormat.JSON: jsonfeed.render_jsonfeed,
}

# Bump when a renderer's output changes, so that the next publish re-renders everything.
RENDER_VERSION = (
    "5"  # 5: RSS content:encoded CDATA with hubs too; 4: media, archive links (issue 15)
)

CHUNK = 200  # entries rendered at a time by render_chunks


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
    if fmt is FeedFormat.ATOM:
        entries = atom.distinct_entries(entries)  # distinct across chunks, as in one render
    head, foot = items.shell(fmt, info, updated, history)
    yield head
    it = iter(entries)
    while batch := tuple(islice(it, chunk)):  # item bytes from render/items.py's cache
        yield items.joined(fmt, info, batch)
    yield foot


__all__ = ["CHUNK", "RENDERERS", "RENDER_VERSION", "Renderer", "render_chunks"]
