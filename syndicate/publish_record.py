"""Publish step 4 (syndicate/publish.py): once every file is in place (written, and
uploaded where the Output is a bucket), the new feed versions, the files in place and the
notifications are recorded in one transaction; delivery comes after it."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import Config
from .faults import crash_point
from .model import FeedChange, RunChanges
from .publish_feeds import FeedFiles, Site
from .publish_run import Run
from .state import StateStore


def feed_changes(
    run: Run, feeds: FeedFiles
) -> tuple[list[tuple[str, str, str, datetime]], list[FeedChange]]:
    """The feeds whose bytes differ from the version recorded (not from the file in
    place, so a run killed before recording announces them next time): their new
    versions and their changes."""
    recorded = run.store.feed_hashes()
    versions = []
    changes = []
    for rel, (info, fmt, digest) in feeds.items():
        if recorded.get(rel) != digest:
            versions.append((rel, info.self_urls[fmt], digest, run.now))
            changes.append(
                FeedChange(
                    feed_key=info.key,
                    title=info.title,
                    format=fmt,
                    url=info.self_urls[fmt],
                    path=rel,
                )
            )
    return versions, changes


def record_and_enqueue(run: Run, feeds: FeedFiles, site: Site, fingerprint: str) -> None:
    """Record versions, files and notices together (a dry run: count what would be queued)."""
    store, config, report = run.store, run.config, run.report
    report.sections = len(run.sections.infos)
    report.articles_total = store.count_articles()
    versions, changes = feed_changes(run, feeds)
    report.feeds_changed = [c.path for c in changes]
    if run.dry_run:
        _dry_enqueue(run, changes)
        return
    in_place = _stat_files(run.out_dir, [*feeds, *site.files])
    with store.transaction():
        store.record_feeds(versions)
        # every section rendered: the files recorded are exactly these (a section or
        # format dropped from the config is not looked for again)
        store.record_files(in_place, replace=run.touched >= set(run.sections.infos))
        store.set_meta("render_fingerprint", fingerprint)
        if has_targets(config):
            report.notices_queued = _enqueue(
                store, config, RunChanges(feeds=tuple(changes)), run.now
            )
        report.seconds = time.monotonic() - run.started
        store.finish_run(
            run.run_id,
            datetime.now(UTC),
            "problems" if report.errors else "ok",
            report.summary(),
        )
    crash_point("outbox-commit")


def _dry_enqueue(run: Run, changes: list[FeedChange]) -> None:
    """Enqueue inside the dry run's transaction (rolled back) to count what would be queued."""
    store, config, report = run.store, run.config, run.report
    report.feed_bytes = {c.path: b"".join(run.dry_feeds.get(c.path, ())) for c in changes}
    if not has_targets(config):
        return
    before = store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM notices").fetchone()[0]
    report.notices_queued = _enqueue(store, config, RunChanges(feeds=tuple(changes)), run.now)
    report.notices_by_endpoint = dict(
        store.conn.execute(
            "SELECT endpoint, COUNT(*) FROM notices WHERE id > ? GROUP BY endpoint",
            (before,),
        )
    )


def _stat_files(out_dir: Path, rels: Iterable[str]) -> list[tuple[str, int, int]]:
    """(path, size, mtime_ns) of the feed-level files now in place."""
    out = []
    for rel in rels:
        try:
            st = (out_dir / rel).stat()
        except OSError:
            continue
        out.append((rel, st.st_size, st.st_mtime_ns))
    return out


def has_targets(config: Config) -> bool:
    return bool(config.hubs or config.webhooks or config.pings or config.activitypub.enabled)


def _enqueue(store: StateStore, config: Config, changes: RunChanges, now: datetime) -> int:
    from .push.outbox import enqueue

    return enqueue(store, config, changes, now)


def deliver(store: StateStore, config: Config) -> Any:
    from .push.outbox import deliver_due

    return deliver_due(store, config)


__all__ = ["deliver", "feed_changes", "has_targets", "record_and_enqueue"]
