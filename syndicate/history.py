"""RFC 5005 archive pages for a publish run: the ledger edge of render/archive.py.

Renders only the pages whose bytes the run can have changed (issue 12): pages holding
an item written or withdrawn by this run, pages its new items filled and the page before
the first of those (its ``next-archive`` link moves on), pages missing on disk, and every
page on a full rebuild. Which pages those are comes from the state's slot counts and
positions (syndicate/state/sql_slots.py), not from a read of the whole ledger; a full
rebuild reads every slot once. Archive pages are numbered from the oldest, so a run that
only adds items changes no full page but, when it fills one, the one before it.
"""

from __future__ import annotations

import os
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """What a run changed in the ledger, for choosing the archive pages to render."""

    keys: Collection[str] = ()  # ledger keys written or withdrawn by the run
    added: Collection[str] = ()  # of those, the new ones (the newest slots of their feeds)
    full: bool = False  # a full rebuild: every page
    repair: bool = False  # a published file was found out of place: look for every page on disk


Job = tuple[str, int, Sequence[Slot], FeedInfo, int]  # feed key, page number, slots, info, pages


def build_archives(
    store: StateStore,
    *,
    feeds: Mapping[str, FeedInfo],
    formats: Sequence[FeedFormat],
    page_size: int,
    base_url: str,
    out_dir: Path,
    change: Change,
    entry_from_row: EntryFromRow,
    flush: Callable[[dict[str, bytes]], None] | None = None,
) -> Archives:
    """Archive pages of the given feeds (feed key -> info) that ``change`` can have
    changed. With ``flush``, pages are handed over every FLUSH_PAGES files instead of
    kept (a full rebuild of a 50k ledger renders ~6,000)."""
    archives = Archives(store=store, entry_from_row=entry_from_row)
    if page_size < 1:
        return archives
    if change.full:
        jobs = _every_page(store, archives, feeds, page_size, base_url)
    else:
        jobs = []
        for key, info in feeds.items():
            jobs += _changed_pages(
                store, archives, key, info, page_size, base_url, change, out_dir, formats
            )
    for key, number, page, info, count in jobs:
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


def _every_page(
    store: StateStore,
    archives: Archives,
    feeds: Mapping[str, FeedInfo],
    page_size: int,
    base_url: str,
) -> list[Job]:
    """A full rebuild: every page of every feed, from one read of the ledger's slots."""
    slots = ledger_slots(store)
    position = {s.key: n for n, s in enumerate(slots[""])}
    jobs: list[tuple[int, Job]] = []
    for key, info in feeds.items():
        pages = full_pages(slots.get(key, []), page_size)
        if not _note_feed(archives, key, info, len(pages), base_url):
            continue
        archives.open_keys[key] = [s.key for s in slots[key][len(pages) * page_size :] if s.live]
        jobs += [
            (position[page[-1].key], (key, n, page, info, len(pages)))
            for n, page in enumerate(pages, start=1)
        ]
    # in ledger order across feeds: a section's page comes soon after the combined pages
    # holding its items, so their item bytes are still in render/items.py's bounded cache
    jobs.sort(key=lambda job: (job[0], job[1][0]))
    return [job for _end, job in jobs]


def _changed_pages(
    store: StateStore,
    archives: Archives,
    key: str,
    info: FeedInfo,
    size: int,
    base_url: str,
    change: Change,
    out_dir: Path,
    formats: Sequence[FeedFormat],
) -> list[Job]:
    """An incremental run: the feed's pages whose bytes the run changed, read from the
    state's slot indexes (no whole-ledger read): pages holding an item the run wrote or
    withdrew; pages the run's new items filled, and the page before the first of those
    (its ``next-archive`` moves from the subscription document to the new page); pages
    missing on disk. Every other page holds the same items and links as when written."""
    count = store.feed_slot_count(key)
    pages = count // size
    if not _note_feed(archives, key, info, pages, base_url):
        return []
    archives.open_keys[key] = [
        k
        for k, withdrawn in store.feed_slots(key, pages * size, count - pages * size)
        if not withdrawn
    ]
    positions = store.slot_positions(key, change.keys) if change.keys else {}
    numbers = changed_page_numbers(count, size, positions, change.added)
    numbers.update(_missing_pages(out_dir, key, pages, formats, every_file=change.repair))
    return [
        (
            key,
            n,
            [Slot(key=k, live=not w) for k, w in store.feed_slots(key, (n - 1) * size, size)],
            info,
            pages,
        )
        for n in sorted(numbers)
    ]


def changed_page_numbers(
    count: int, size: int, positions: Mapping[str, int], added: Collection[str]
) -> set[int]:
    """The full pages (numbered from 1, the oldest) of a feed of ``count`` slots whose
    bytes change when the items at ``positions`` (key -> 0-based slot) were written or
    withdrawn, ``added`` being the new ones (appended: the newest slots): each page
    holding one of them, and once new items fill pages, the page before the first of
    those too (its ``next-archive`` moves on from the subscription document)."""
    pages = count // size
    before = (count - len(positions.keys() & set(added))) // size  # full pages before the run
    numbers = {p // size + 1 for p in positions.values() if p < pages * size}
    if pages > before:
        numbers.update(range(max(before, 1), pages + 1))
    return numbers


def _note_feed(archives: Archives, key: str, info: FeedInfo, pages: int, base_url: str) -> bool:
    """Record the subscription document's links; False when the feed has no full page."""
    history = subscription_history(info, pages, base_url)
    if history is None:
        return False
    archives.histories[key] = history
    return True


def _missing_pages(
    out_dir: Path, key: str, pages: int, formats: Sequence[FeedFormat], *, every_file: bool
) -> set[int]:
    """Pages 1..pages not on disk: their folders, from one listing of the feed's archive
    folder; with ``every_file``, each page's files too (a stat each)."""
    folder = out_dir / page_path(key, 1, formats[0]).rsplit("/", 2)[0]
    try:
        present = {int(n) for n in os.listdir(folder) if n.isdigit()}
    except FileNotFoundError:
        present = set()
    missing = set(range(1, pages + 1)) - present
    if every_file:
        missing.update(
            n
            for n in range(1, pages + 1)
            if any(not (out_dir / page_path(key, n, f)).exists() for f in formats)
        )
    return missing
