"""RFC 5005 archive pages for a publish run: the ledger edge of render/archive.py.

Reads slot order (key, section, seq, withdrawn) for every feed from the ledger, and
renders only the pages that can have changed: pages holding an item written or
withdrawn by this run, the two newest pages (a page just filled, and the one that now
gains its ``next-archive`` link), pages missing on disk, and every page on a full
rebuild. A page that is rendered again comes out byte for byte the same unless one of
its items changed, so the writer leaves it alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Entry, Feed, FeedFormat, FeedInfo, History
from .render.archive import (
    Slot,
    full_pages,
    page_history,
    page_info,
    page_path,
    subscription_history,
)
from .render.items import render_feed
from .state import LedgerRecord, StateStore

FLUSH_PAGES = 48  # archive files handed over (gated, written) at a time: ~16 pages of 3 formats
EntryFromRow = Callable[[LedgerRecord, dict[str, Any]], Entry]


@dataclass(slots=True)
class Archives:
    """Archive files to write, and the history links of each subscription document."""

    files: dict[str, bytes] = field(default_factory=dict)
    histories: dict[str, History] = field(default_factory=dict)  # feed key -> links
    open_keys: dict[str, list[str]] = field(
        default_factory=dict
    )  # feed key -> live keys past the last full page
    store: StateStore | None = None
    entry_from_row: EntryFromRow | None = None

    def history(self, feed_key: str) -> History | None:
        return self.histories.get(feed_key)

    def complete(self, feed_key: str, entries: list[Entry]) -> list[Entry]:
        """The subscription document's entries plus the items of the page being filled
        that it lacks (items captured out of date order), so that a walk from it misses
        nothing; newest first, as the feed sorts them."""
        have = {e.key for e in entries}
        missing = [k for k in self.open_keys.get(feed_key, ()) if k not in have]
        if not missing or self.store is None or self.entry_from_row is None:
            return entries
        extra = [self.entry_from_row(r, d) for r, d in self.store.rows_by_keys(missing)]
        return sorted([*entries, *extra], key=lambda e: (-e.published.timestamp(), e.seq))

    def extra(self, feed_key: str, top_keys: Iterable[str]) -> list[Entry]:
        """:meth:`complete` for a streamed feed: only the open-page items missing from
        ``top_keys`` (the feed's keys, read as a stream), newest first; at most a page."""
        wanted = set(self.open_keys.get(feed_key, ()))
        if not wanted or self.store is None or self.entry_from_row is None:
            return []
        for key in top_keys:
            wanted.discard(key)
        extra = [self.entry_from_row(r, d) for r, d in self.store.rows_by_keys(sorted(wanted))]
        return sorted(extra, key=lambda e: (-e.published.timestamp(), e.seq))


def ledger_slots(store: StateStore) -> dict[str, list[Slot]]:
    """Every feed's slots in ledger order: per section slug, and "" for the combined feed."""
    out: dict[str, list[Slot]] = {"": []}
    for key, section_slug, withdrawn in store.ledger_slots():
        slot = Slot(key=key, live=not withdrawn)
        out[""].append(slot)
        out.setdefault(section_slug, []).append(slot)
    return out


def build_archives(
    store: StateStore,
    *,
    feeds: Mapping[str, FeedInfo],
    formats: Sequence[FeedFormat],
    page_size: int,
    base_url: str,
    out_dir: Path,
    changed: Collection[str],
    full: bool,
    entry_from_row: EntryFromRow,
    flush: Callable[[dict[str, bytes]], None] | None = None,
) -> Archives:
    """Archive pages of the given feeds (feed key -> info); ``changed``: ledger keys
    written or withdrawn by this run. With ``flush``, pages are handed over every
    FLUSH_PAGES files instead of kept (a full rebuild of a 50k ledger renders ~6,000)."""
    archives = Archives(store=store, entry_from_row=entry_from_row)
    if page_size < 1:
        return archives
    slots = ledger_slots(store)
    jobs: list[tuple[int, str, int, Sequence[Slot], FeedInfo, int]] = []
    position = {s.key: n for n, s in enumerate(slots[""])}
    for key, info in feeds.items():
        pages = full_pages(slots.get(key, []), page_size)
        history = subscription_history(info, len(pages), base_url)
        if history is None:
            continue
        archives.histories[key] = history
        archives.open_keys[key] = [s.key for s in slots[key][len(pages) * page_size :] if s.live]
        for number, page in enumerate(pages, start=1):
            if (
                full
                or number >= len(pages) - 1
                or any(s.key in changed for s in page)
                or _missing(out_dir, key, number, formats)
            ):
                jobs.append((position[page[-1].key], key, number, page, info, len(pages)))
    # in ledger order across feeds: a section's page comes soon after the combined pages
    # holding its items, so their item bytes are still in render/items.py's bounded cache
    jobs.sort(key=lambda job: (job[0], job[1]))
    for _end, key, number, page, info, count in jobs:
        live = [s.key for s in page if s.live]
        entries = [
            entry_from_row(r, d) for r, d in store.rows_by_keys(reversed(live))
        ]  # newest first
        feed = Feed(
            info=page_info(info, number, base_url),
            entries=tuple(entries),
            history=page_history(info, number, count, base_url),
        )
        for fmt in formats:
            archives.files[page_path(key, number, fmt)] = render_feed(fmt, feed)
        if flush is not None and len(archives.files) >= FLUSH_PAGES:
            flush(archives.files)
            archives.files = {}
    if flush is not None and archives.files:
        flush(archives.files)
        archives.files = {}
    return archives


def _missing(out_dir: Path, key: str, number: int, formats: Sequence[FeedFormat]) -> bool:
    return any(not (out_dir / page_path(key, number, f)).exists() for f in formats)
