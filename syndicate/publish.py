"""The publish run: inputs -> ledger -> files in the Output (a folder, or a bucket) ->
outbox. The I/O shell around the pure core (sources, plan, render); the steps live in
small modules and share one :class:`~syndicate.publish_run.Run` over the two seams, the
StateStore (SQLite or PostgreSQL) and the Output (a folder or an S3 bucket), so every
backend pair runs the same code (:func:`run_steps` reads as the pipeline).

Order of effects, chosen so that a kill at any moment loses nothing (each step has a
named crash point, syndicate/faults.py; docs/push.md, "Crash points"):

1. (tx per batch; syndicate/publish_read.py) the ledger takes the new and edited
   articles and the inputs read, and, in the same transaction, one announcement row per
   new or edited item (when webhooks are configured). From here on ids, first-seen
   dates and what must be announced are fixed, whatever happens next.
2. Changed files are written atomically into the local folder, pages first
   (publish_read.py), then archive pages, feeds and the index (publish_feeds.py); the
   publish gate checks the feeds there before any replaces a published one. Where the
   Output is a bucket, the local folder is its spool: each batch is uploaded (one PUT
   per file whose bytes the bucket does not hold) once it is written, pages before
   feeds, feeds before the index.
3. (last tx; publish_record.py) the new feed versions, the files in place, and the
   notifications are recorded together; the announcement rows become webhook messages
   there. A feed counts as changed when its bytes differ from the version recorded, not
   from the file in place, so a run killed (or an upload failed) between 2 and 3
   announces it next time, and nothing is announced before its file is in place.
4. Due notifications are delivered (the outbox retries the rest later).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import Config
from .gate import GATE
from .inputs import InputFile
from .model import Problem
from .output import Output, open_output
from .output.local import LocalOutput
from .output.records import MetaRecords
from .publish_entries import (
    BATCH_ARTICLES,
    INDEX_PATH,
    OPML_PATH,
    render_fingerprint,
    render_pages,
)
from .publish_feeds import render_feeds, write_archives, write_feeds
from .publish_read import read_and_commit, rebuild_pages, withdraw
from .publish_record import deliver as deliver_due
from .publish_record import has_targets, record_and_enqueue
from .publish_run import Run, refuse_fresh_bucket
from .recover import refuse_fresh_start
from .render import items
from .state import StateLock, StateStore, is_postgres, lock_path, open_state, state_location
from .writer import clean_temps

log = logging.getLogger(__name__)

EXIT_OK = 0  # published (or checked), no problems
EXIT_FAILED = 1  # nothing published: an error stopped the run
EXIT_USAGE = 2  # bad command line or config
EXIT_PROBLEMS = 3  # published, but some inputs or articles were skipped
EXIT_BUSY = 4  # another process holds the state lock
EXIT_DEAD = 5  # (status) notifications are dead or stuck
MAX_LISTED = 50  # files / gate warnings kept in a run's summary


@dataclass(slots=True, kw_only=True)
class Report:
    problems: tuple[Problem, ...] = ()
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    sections: int = 0
    articles_total: int = 0
    inputs_read: int = 0
    inputs_unchanged: int = 0
    files_written: list[str] = field(default_factory=list)
    feeds_changed: list[str] = field(default_factory=list)
    notices_queued: int = 0
    delivery: Any = None
    dry_run: bool = False
    seconds: float = 0.0
    # what changed, for `publish --dry-run` (and -v): (kind, section, title), kind new/updated/withdrawn/restored
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    files_uploaded: list[str] = field(default_factory=list)  # PUT to a bucket (none for a folder)
    notices_by_endpoint: dict[str, int] = field(default_factory=dict)
    feed_bytes: dict[str, bytes] = field(
        default_factory=dict
    )  # dry run: each changed feed's new bytes

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if self.errors else EXIT_OK

    def summary(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "sections": self.sections,
            "articles": self.articles_total,
            "inputs_read": self.inputs_read,
            "inputs_unchanged": self.inputs_unchanged,
            "files_written": len(self.files_written),
            "feeds_changed": len(self.feeds_changed),
            "notices_queued": self.notices_queued,
            "errors": len(self.errors),
            "warnings": len(self.problems) - len(self.errors),
            "seconds": round(self.seconds, 3),
            # for status and the health page: which inputs are stale, what the gate said
            "problem_files": sorted({p.path for p in self.errors})[:MAX_LISTED],
            "gate": [p.message for p in self.problems if p.message.startswith(GATE)][:MAX_LISTED],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class _Asked:
    """What the command line asked of one run."""

    rebuild: bool = False
    withdraw: Sequence[str] = ()
    restore: bool = False
    on_file: Callable[[InputFile], None] | None = None
    accept_churn: bool = False


def publish(
    config: Config,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    wait: bool = False,
    rebuild: bool = False,
    deliver: bool = True,
    withdraw: Sequence[str] = (),
    restore: bool = False,
    on_file: Callable[[InputFile], None] | None = None,
    accept_churn: bool = False,
) -> Report:
    """Run one publish. Raises SyndicateError subclasses (BusyError when locked; ChurnError
    when the churn guard refuses the run and ``accept_churn`` is false; OutputError when a
    file cannot be written or uploaded)."""
    started = time.monotonic()
    # whole seconds: what every feed format can carry, so the ledger and the feeds agree (issue 11)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    refuse_fresh_start(config)  # a lost state must not re-announce everything (issue 8)
    asked = _Asked(
        rebuild=rebuild,
        withdraw=withdraw,
        restore=restore,
        on_file=on_file,
        accept_churn=accept_churn,
    )
    if dry_run:
        report = _dry_run(config, asked, now=now, wait=wait)
    else:
        report = _real_run(config, asked, now=now, wait=wait, deliver=deliver, started=started)
    report.seconds = time.monotonic() - started
    return report


class _DryRun(Exception):
    """Raised to roll back a dry run's transaction."""


def _dry_run(config: Config, asked: _Asked, *, now: datetime, wait: bool) -> Report:
    """SQLite: on a snapshot of the state, in one transaction rolled back at the end:
    nothing written, not even the open-time integrity check's timestamp or the lock.
    PostgreSQL: in one transaction rolled back at the end. The local folder stands for
    the Output (a bucket is not asked: the folder is its spool)."""
    where = state_location(config)
    report = Report(dry_run=True)
    scratch_or_url = (
        contextlib.nullcontext(where)
        if is_postgres(where)
        else _scratch_state(config.state_path, wait=wait)
    )
    with scratch_or_url as scratch, open_state(scratch, wait=wait) as store:
        try:
            with store.transaction():
                output = LocalOutput(config.output.dir)
                run = Run(
                    store,
                    config,
                    report,
                    output=output,
                    now=now,
                    dry_run=True,
                    accept_churn=asked.accept_churn,
                )
                run_steps(run, asked)
                raise _DryRun()
        except _DryRun:
            pass
    return report


def _real_run(
    config: Config, asked: _Asked, *, now: datetime, wait: bool, deliver: bool, started: float
) -> Report:
    with open_state(state_location(config), wait=wait) as store:
        run_id = store.start_run("publish", now)
        report = Report()
        try:
            output = open_run_output(store, config)
            refuse_fresh_bucket(store, config, output)
            run = Run(
                store,
                config,
                report,
                output=output,
                now=now,
                dry_run=False,
                run_id=run_id,
                started=started,
                accept_churn=asked.accept_churn,
            )
            run_steps(run, asked)
        except BaseException as err:
            try:
                store.finish_run(run_id, datetime.now(UTC), "failed", {"error": str(err)[:500]})
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            raise
        log.info(
            "published new=%d updated=%d unchanged=%d files=%d uploaded=%d feeds_changed=%d"
            " queued=%d seconds=%.2f",
            report.new,
            report.updated,
            report.unchanged,
            len(report.files_written),
            len(report.files_uploaded),
            len(report.feeds_changed),
            report.notices_queued,
            report.seconds,
        )
        if deliver and has_targets(config):  # after every file is in place and recorded
            report.delivery = deliver_due(store, config)
    return report


def open_run_output(store: StateStore, config: Config) -> Output:
    """The Output ``output.url`` names; a bucket's records of its objects in ``store``."""
    where = config.output.s3.url if config.output.s3 is not None else str(config.output.dir)
    return open_output(config, MetaRecords(store, where))


def run_steps(run: Run, asked: _Asked) -> None:
    """The pipeline: read and commit, withdraw, rebuild pages, archives, feeds, record."""
    fingerprint = render_fingerprint(run.config)
    # config changed, or a run died
    stale = run.store.get_meta("render_fingerprint") != fingerprint
    if stale and not run.dry_run:
        clean_temps(run.out_dir)  # only a run that did not finish leaves temp files
    run.full = asked.rebuild or stale or not (run.out_dir / INDEX_PATH).exists()
    if not run.dry_run:
        run.output.start(takeover=asked.rebuild)
    run.repair = not run.full and run.output.out_of_place(run.store.recorded_files())
    if run.full or run.repair:
        # a feed-level file recorded by an earlier run is missing or was changed: rewrite them
        run.touched = set(run.sections.infos)
    items.clear()  # a run renders with its own config (render/items.py)
    try:
        read_and_commit(run, asked.on_file)
        withdraw(run, asked.withdraw, asked.restore)
        # a repair (a published feed-level file out of place: output/ was edited or
        # partly deleted) renders every page too; unchanged ones are compared, not written
        if (run.full or run.repair) and run.config.output.article_pages:
            rebuild_pages(run)
        archives = write_archives(run)  # archive pages first: nothing links to them yet
        feeds, site = write_feeds(run, archives)
    except BaseException:
        run.discard_pages()
        raise
    record_and_enqueue(run, feeds, site, fingerprint)


@contextlib.contextmanager
def _scratch_state(path: Path, *, wait: bool) -> Iterator[Path]:
    """A copy of the state file (and its WAL) in a temp folder, taken under the state
    lock so no writer is half-way; a path for a new one when there is no state yet."""
    with tempfile.TemporaryDirectory(prefix="syndicate-dry-run-") as tmp:
        scratch = Path(tmp) / path.name
        if path.exists():
            guard = StateLock(lock_path(path))
            guard.acquire(wait=wait)
            try:
                shutil.copyfile(path, scratch)
                wal = path.with_name(path.name + "-wal")
                if wal.exists():
                    shutil.copyfile(wal, scratch.with_name(scratch.name + "-wal"))
            finally:
                guard.release()
        yield scratch


__all__ = [
    "BATCH_ARTICLES",
    "EXIT_BUSY",
    "EXIT_DEAD",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "INDEX_PATH",
    "OPML_PATH",
    "Report",
    "open_run_output",
    "publish",
    "render_feeds",
    "render_fingerprint",
    "render_pages",
    "run_steps",
]
