"""The publish run: inputs -> ledger -> feeds in the Output (a folder or a bucket) ->
outbox. The I/O shell around the pure core (sources, plan, render).

Order of effects, chosen so that a kill at any moment loses nothing (each step has a
named crash point, syndicate/faults.py; docs/push.md, "Crash points"):

1. (tx per batch) the ledger takes the new and edited articles and the inputs read,
   and, in the same transaction, one announcement row per new or edited item (when
   webhooks are configured). From here on ids, first-seen dates and what must be
   announced are fixed, whatever happens next.
2. Changed files are written atomically through the Output (pages first, then feeds,
   then the index). In a bucket a file is one PUT: it is in place when the PUT
   returned, and only then is it recorded, so nothing is announced before its file.
3. (last tx) the new feed versions, the files in place, and the notifications are
   recorded together; the announcement rows become webhook messages there. A feed
   counts as changed when its bytes differ from the version recorded, not from the
   file on disk, so a run killed between 2 and 3 announces it next time.
4. Due notifications are delivered (the outbox retries the rest later).

``publish()`` runs :class:`syndicate.publish_steps.Run`'s named steps: read_and_commit,
withdraw, rebuild_pages, write_feeds_and_enqueue, every file through
:class:`syndicate.output.Output`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .config import Config
from .inputs import InputFile
from .model import Problem
from .publish_steps import (
    BATCH_ARTICLES,
    INDEX_PATH,
    OPML_PATH,
    Run,
    has_targets,
    open_run_output,
    refuse_fresh_bucket,
    render_feeds,
    render_fingerprint,
    render_pages,
)
from .recover import refuse_fresh_start
from .state import StateStore, open_state

log = logging.getLogger(__name__)

EXIT_OK = 0            # published (or checked), no problems
EXIT_FAILED = 1        # nothing published: an error stopped the run
EXIT_USAGE = 2         # bad command line or config
EXIT_PROBLEMS = 3      # published, but some inputs or articles were skipped
EXIT_BUSY = 4          # another process holds the state lock
EXIT_DEAD = 5          # (status) notifications are dead or stuck



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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if self.errors else EXIT_OK

    def summary(self) -> dict[str, Any]:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "withdrawn": self.withdrawn, "sections": self.sections, "articles": self.articles_total,
                "inputs_read": self.inputs_read, "inputs_unchanged": self.inputs_unchanged,
                "files_written": len(self.files_written), "feeds_changed": len(self.feeds_changed),
                "notices_queued": self.notices_queued, "errors": len(self.errors),
                "warnings": len(self.problems) - len(self.errors), "seconds": round(self.seconds, 3)}


class _DryRun(Exception):
    """Raised to roll back a dry run's transaction."""


def publish(config: Config, *, now: datetime | None = None, dry_run: bool = False, wait: bool = False,
            rebuild: bool = False, deliver: bool = True, withdraw: Sequence[str] = (), restore: bool = False,
            on_file: Callable[[InputFile], None] | None = None) -> Report:
    """Run one publish. Raises SyndicateError subclasses (BusyError when locked)."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    refuse_fresh_start(config)     # a lost state must not re-announce everything (issue 8)
    with open_state(config.state_path, wait=wait) as store:
        if dry_run:
            # everything in one transaction, rolled back at the end; nothing written
            report = Report(dry_run=True)
            try:
                with store.transaction():
                    Run(store, config, report, now=now, dry_run=True).run(
                        rebuild=rebuild, withdraw=withdraw, restore=restore, on_file=on_file)
                    raise _DryRun()
            except _DryRun:
                pass
            report.seconds = time.monotonic() - started
            return report
        run_id = store.start_run("publish", now)
        report = Report()
        try:
            output = open_run_output(store, config)
            refuse_fresh_bucket(store, config, output)
            Run(store, config, report, now=now, dry_run=False, run_id=run_id, started=started,
                output=output).run(
                rebuild=rebuild, withdraw=withdraw, restore=restore, on_file=on_file)
        except BaseException as err:
            try:
                store.finish_run(run_id, datetime.now(UTC), "failed", {"error": str(err)[:500]})
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            raise
        log.info("published new=%d updated=%d unchanged=%d files=%d feeds_changed=%d queued=%d seconds=%.2f",
                 report.new, report.updated, report.unchanged, len(report.files_written),
                 len(report.feeds_changed), report.notices_queued, report.seconds)
        if deliver and has_targets(config):
            report.delivery = _deliver(store, config)
    report.seconds = time.monotonic() - started
    return report


def _deliver(store: StateStore, config: Config) -> Any:
    from .push.outbox import deliver_due
    return deliver_due(store, config)


__all__ = [
    "BATCH_ARTICLES",
    "INDEX_PATH",
    "OPML_PATH",
    "EXIT_BUSY",
    "EXIT_DEAD",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "Report",
    "publish",
    "render_feeds",
    "render_fingerprint",
    "render_pages",
]
