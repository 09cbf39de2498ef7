"""One publish run's shared context (:class:`Run`): the state store, the Output, what the
run has touched so far, and the two ways every step changes files: :meth:`Run.write`
(atomic writes into the local folder, then :meth:`Run.upload`) and the marker that makes
a killed run's successor a full rebuild.

The local folder (``output.dir``) is where every file is rendered, checked by the
publish gate and made durable, whatever the Output: for a folder output it *is* the
output; for a bucket it is the spool the uploads are read from, and the copy the next
run compares against (docs/scale.md, "Output to S3-compatible storage")."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .churn import Guard
from .config import Config
from .errors import StateError
from .faults import crash_point
from .output import Output
from .page_writer import PageWriter
from .publish_entries import Sections, entry_from_row
from .state import StateStore
from .writer import changed_files, write_files

if TYPE_CHECKING:
    from .publish import Report


class Run:
    """The context the publish steps share (syndicate/publish.py runs them in order)."""

    def __init__(
        self,
        store: StateStore,
        config: Config,
        report: Report,
        *,
        output: Output,
        now: datetime,
        dry_run: bool,
        run_id: int = 0,
        started: float = 0.0,
        accept_churn: bool = False,
    ):
        self.store, self.config, self.report, self.now = store, config, report, now
        self.output = output
        self.dry_run, self.run_id, self.started = dry_run, run_id, started
        self.out_dir = config.output.dir  # the local folder (a bucket's spool)
        # announcements are only worth recording for webhooks and ActivityPub followers
        self.announce = bool(config.webhooks or config.activitypub.enabled)
        self.sections = Sections(store, config)
        self.touched: set[str] = set()
        self.in_run: set[str] = set()  # ledger keys written by this run (pages already rendered)
        self.added: set[str] = set()  # of those, the new items (syndicate/history.py)
        self.repair = False  # a feed-level file was out of place: look for every file on disk
        self.pages_written = 0
        # pages of a run into the local folder are staged as temps (page_writer.py) and
        # renamed all at once (commit_pages); a bucket's spool renames per batch, since
        # each batch is uploaded from it at once
        self.pages = PageWriter(self.out_dir)
        self.defer_pages = config.output.s3 is None
        self.marked = False
        self.dry_feeds: dict[str, list[bytes]] = {}  # dry run: each feed's pieces, for --diff
        self.full = False
        self.guard = (
            None
            if accept_churn
            else Guard(store, config, lambda r, d: entry_from_row(config, r, d))
        )

    def tx(self) -> contextlib.AbstractContextManager[Any]:
        return contextlib.nullcontext() if self.dry_run else self.store.transaction()

    def mark_incomplete(self) -> None:
        """From the first ledger change or file write until the last step records the
        fingerprint again, the output may be behind the ledger or hold temp files: a run
        killed in between makes the next one a full rebuild (and a temp-file sweep)."""
        if not self.dry_run and not self.marked:
            self.store.set_meta("render_fingerprint", "incomplete")
            self.marked = True

    def write(self, files: dict[str, bytes], *, upload: bool = True) -> None:
        """Article or archive pages: atomic (temp + rename) but not synced one batch at a
        time; one os.sync() before the feeds go out makes them all durable. Syncing per
        batch stalled file creation on the journal: 4.3 s instead of 1.3 s of open() for
        a cold 10k publish (cProfile, this machine). Then uploaded, unless ``upload`` is
        false (inside a transaction: the caller uploads after it)."""
        if not files:
            return
        self.mark_incomplete()
        if self.dry_run:
            self.report.files_written += changed_files(self.out_dir, files)
            return
        if self.defer_pages:
            done = self.pages.stage(files)
        else:
            done = write_files(self.out_dir, files, durable=False)
        self.pages_written += len(done)
        self.report.files_written += done
        crash_point("pages-written")
        if upload:
            self.upload(files, batch=True)

    def commit_pages(self) -> None:
        """Every page written so far durable and in place (before a feed can link to one)."""
        if self.defer_pages:
            self.pages.commit()
        elif self.pages_written:
            os.sync()

    def discard_pages(self) -> None:
        """A failed run: the pages not yet renamed go, their old files stay."""
        self.pages.discard()

    def upload(self, rels: Iterable[str], *, batch: bool) -> None:
        """Hand files now in the local folder to the Output, by path: a bucket streams
        each from its file (issue 10), a PUT per file whose bytes it does not hold yet;
        nothing to do for the folder itself. Every file, not only those the folder
        lacked: a run that failed half way left the folder ahead of the bucket. Never
        inside a transaction (a bucket records its uploads in the state, each in its
        own)."""
        files = {rel: self.out_dir / rel for rel in rels}
        if files and not self.dry_run:
            self.report.files_uploaded += self.output.upload(files, batch=batch)


def refuse_fresh_bucket(store: StateStore, config: Config, output: Output) -> None:
    """A bucket's refuse_fresh_start (syndicate/recover.py): raise StateError when the
    state has never published but the bucket already holds feeds (a lost state), since a
    fresh start would announce every article again. One HEAD, on a fresh state only."""
    if (
        config.output.s3 is None
        or store.get_meta("render_fingerprint") is not None
        or store.count_articles()
    ):
        return
    feed = config.output.formats[0].filename
    if output.exists(feed):
        raise StateError(
            f"cannot publish: {output.where}: the state has never published, but the bucket"
            f" already holds {feed}; a fresh start would announce every article again; restore"
            " the state, or copy the bucket to a folder and run `syndicate recover` on it, or"
            " empty the prefix to start over"
        )


__all__ = ["Run", "refuse_fresh_bucket"]
