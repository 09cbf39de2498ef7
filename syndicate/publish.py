"""The publish run: inputs -> ledger -> feeds in output/ -> outbox. The I/O shell
around the pure core (sources, plan, render).

Order of effects, chosen so that a kill at any moment loses nothing (each step has a
named crash point, syndicate/faults.py; docs/push.md, "Crash points"):

1. (tx per batch) the ledger takes the new and edited articles and the inputs read,
   and, in the same transaction, one announcement row per new or edited item (when
   webhooks are configured). From here on ids, first-seen dates and what must be
   announced are fixed, whatever happens next.
2. Changed files are written atomically (pages first, then feeds, then the index).
3. (last tx) the new feed versions, the files in place, and the notifications are
   recorded together; the announcement rows become webhook messages there. A feed
   counts as changed when its bytes differ from the version recorded, not from the
   file on disk, so a run killed between 2 and 3 announces it next time.
4. Due notifications are delivered (the outbox retries the rest later).

``publish()`` runs ``_Run``'s named steps: read_and_commit, withdraw, rebuild_pages,
write_feeds_and_enqueue.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import itertools
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .activitypub.files import activitypub_files
from .churn import Guard
from .codec import article_from_dict
from .config import Config
from .errors import StateError
from .faults import crash_point
from .gate import gate_run
from .history import Archives, build_archives
from .inputs import InputFile, iter_batches
from .model import (
    Entry,
    Feed,
    FeedChange,
    FeedFormat,
    FeedInfo,
    History,
    ItemNotice,
    Problem,
    RunChanges,
)
from .plan import entry_link, lookup_bases, make_plan
from .recover import refuse_fresh_start
from .render import RENDER_VERSION, render_chunks
from .render.body import summary_text
from .render.opml import render_opml
from .render.pages import (
    article_path,
    render_article,
    render_index,
    render_section,
    render_withdrawn,
)
from .sections import SectionMap, combined_feed_info, feed_paths, section_feed_info
from .state import (
    LedgerRecord,
    StateLock,
    StateStore,
    is_postgres,
    lock_path,
    open_state,
    state_location,
)
from .text import slugify
from .writer import (
    Staged,
    changed_files,
    clean_temps,
    commit_staged,
    discard_staged,
    remove_files,
    stage_streams,
    write_files,
)

log = logging.getLogger(__name__)

EXIT_OK = 0  # published (or checked), no problems
EXIT_FAILED = 1  # nothing published: an error stopped the run
EXIT_USAGE = 2  # bad command line or config
EXIT_PROBLEMS = 3  # published, but some inputs or articles were skipped
EXIT_BUSY = 4  # another process holds the state lock
EXIT_DEAD = 5  # (status) notifications are dead or stuck

OPML_PATH = "feeds.opml"
INDEX_PATH = "index.html"
INDEX_LATEST = 30


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
        }


def render_fingerprint(config: Config) -> str:
    """Everything besides the ledger that shapes output bytes: a change re-renders all."""
    parts = [
        RENDER_VERSION,
        repr(config.site),
        repr(config.sections),
        repr([h.url for h in config.hubs]),
        repr([f.value for f in config.output.formats]),
        str(config.output.item_limit),
        str(config.output.article_pages),
        str(config.output.archive_page_size),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def entry_from_row(config: Config, record: LedgerRecord, data: dict[str, Any]) -> Entry:
    article = article_from_dict(data)
    return Entry(
        article=article,
        key=record.key,
        guid=record.guid,
        slug=record.slug,
        section_slug=record.section_slug,
        link=entry_link(config, article, record.section_slug, record.slug),
        first_seen=record.first_seen,
        published=record.published,
        updated=record.updated,
        content_hash=record.content_hash,
        seq=record.seq,
    )


def _notice(e: Entry) -> ItemNotice:
    return ItemNotice(
        id=e.guid,
        title=e.article.title,
        link=e.link,
        section=e.article.section,
        published=e.published,
        updated=e.updated,
        summary=summary_text(e.article, 200),
    )


FeedJob = tuple[
    FeedInfo, Iterable[Entry], "datetime | None", "History | None"
]  # a feed, its entries, updated, archive links


@dataclass(slots=True)
class _Site:
    """Feeds to render and write one at a time (``feeds``: a generator that reads each
    feed's entries when its turn comes and, as it goes on, adds the section pages, index
    and OPML to ``files``), then those files, in write order."""

    files: dict[str, bytes] = field(default_factory=dict)
    feeds: Iterator[FeedJob] = field(default_factory=lambda: iter(()))


class _Sections:
    """Feed infos of every known section, refreshed when a run adds sections."""

    def __init__(self, store: StateStore, config: Config):
        self.store = store
        self.config = config
        self.site = combined_feed_info(config)
        self.refresh()

    def refresh(self) -> None:
        smap = SectionMap(self.config)
        self.infos = {
            s.slug: section_feed_info(self.config, s) for s in smap.ordered(self.store.sections())
        }


def render_pages(
    sections: _Sections, entries: Iterable[Entry], *, withdrawn: bool = False
) -> dict[str, bytes]:
    """One plain HTML page per article without a URL of its own (a withdrawn notice for
    withdrawn ones)."""
    pages = {}
    tz = sections.config.site.timezone
    for e in entries:
        if not e.article.url and e.section_slug in sections.infos:
            info = sections.infos[e.section_slug]
            pages[article_path(e)] = (
                render_withdrawn(sections.site, info, e)
                if withdrawn
                else render_article(sections.site, info, e, timezone=tz)
            )
    return pages


def render_feeds(
    store: StateStore,
    config: Config,
    sections: _Sections,
    touched: set[str],
    archives: Archives | None = None,
) -> _Site:
    """Feeds, section pages, the index and the OPML list for the touched sections;
    ``archives`` gives each feed's RFC 5005 links and open-page items (syndicate/history.py)."""
    out = _Site()
    out.feeds = _feed_jobs(store, config, sections, touched, out.files, archives or Archives())
    return out


def _feed_jobs(
    store: StateStore,
    config: Config,
    sections: _Sections,
    touched: set[str],
    files: dict[str, bytes],
    archives: Archives,
) -> Iterator[FeedJob]:
    """One feed at a time, so that at item limit "all" no more than one section's entries
    are held, and the combined feed's are read as it renders (issue 12)."""
    infos = sections.infos
    limit = config.output.item_limit
    for slug in sorted(touched & set(infos)):
        entries = archives.complete(
            slug, [entry_from_row(config, r, d) for r, d in store.top_entries(slug, limit)]
        )
        yield (
            infos[slug],
            entries,
            Feed(info=infos[slug], entries=tuple(entries)).updated,
            archives.history(slug),
        )
        if config.output.article_pages:
            files[f"{slug}/{INDEX_PATH}"] = render_section(
                sections.site, infos[slug], entries, timezone=config.site.timezone
            )
    if touched:
        extra = archives.extra(
            "", store.iter_top_keys(None, limit)
        )  # open-page items the feed lacks (few)
        top = (entry_from_row(config, r, d) for r, d in store.iter_top_entries(None, limit))
        newest = max(
            [*(e.updated for e in extra), *filter(None, [store.top_updated(None, limit)])],
            default=None,
        )
        yield (
            sections.site,
            heapq.merge(top, extra, key=_feed_order),
            newest,
            archives.history(""),
        )
        latest = [
            entry_from_row(config, r, d)
            for r, d in store.top_entries(None, min(limit, INDEX_LATEST))
        ]
        files[INDEX_PATH] = render_index(
            sections.site,
            list(infos.values()),
            latest,
            config.site.base_url + OPML_PATH,
            timezone=config.site.timezone,
        )
        files[OPML_PATH] = render_opml(
            config.site.title,
            sections.site,
            list(infos.values()),
            updated=store.top_updated(None, limit),
        )


def _feed_order(e: Entry) -> tuple[float, int]:
    return (-e.published.timestamp(), e.seq)  # store.top_entries' order: newest first, then seq


def _kept(pieces: Iterable[bytes], into: list[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        into.append(piece)
        yield piece


class _Lazy(Mapping[str, bytes]):
    """rel -> a document's bytes, read when asked (a staged temp file, or a dry run's
    pieces): one feed in memory at a time."""

    def __init__(self, sources: Mapping[str, Path | list[bytes]]):
        self.sources = sources

    def __getitem__(self, rel: str) -> bytes:
        src = self.sources[rel]
        return src.read_bytes() if isinstance(src, Path) else b"".join(src)

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


class _DryRun(Exception):
    """Raised to roll back a dry run's transaction."""


def _taken_slugs(
    store: StateStore, plan_input: Sequence[Any], smap: SectionMap
) -> dict[str, set[str]]:
    """Slugs already used in the ledger that a new article's slug could collide with."""
    wanted: dict[str, set[str]] = {}
    for a in plan_input:
        wanted.setdefault(smap.slug_for(a.section), set()).add(slugify(a.title))
    # few new articles: look up each title's slugs; many (a cold start): read the section's slugs once
    return {
        section: store.slugs_with_prefixes(section, bases)
        if len(bases) < 50
        else store.section_slugs(section)
        for section, bases in wanted.items()
    }


# Articles per batch: parse, plan, commit and write a batch before reading the next, so
# memory stays flat with corpus size (a 50k cold publish holds ~2k articles at a time).
BATCH_ARTICLES = 2000


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
    when the churn guard refuses the run and ``accept_churn`` is false)."""
    started = time.monotonic()
    # whole seconds: what every feed format can carry, so the ledger and the feeds agree (issue 11)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    refuse_fresh_start(config)  # a lost state must not re-announce everything (issue 8)
    where = state_location(config)
    if dry_run:
        # SQLite: on a snapshot of the state, in one transaction rolled back at the end:
        # nothing written, not even the open-time integrity check's timestamp or the lock.
        # PostgreSQL: in one transaction rolled back at the end.
        report = Report(dry_run=True)
        scratch_or_url = (
            contextlib.nullcontext(where)
            if is_postgres(where)
            else _scratch_state(config.state_path, wait=wait)
        )
        with scratch_or_url as scratch, open_state(scratch, wait=wait) as store:
            try:
                with store.transaction():
                    _Run(
                        store, config, report, now=now, dry_run=True, accept_churn=accept_churn
                    ).run(rebuild=rebuild, withdraw=withdraw, restore=restore, on_file=on_file)
                    raise _DryRun()
            except _DryRun:
                pass
        report.seconds = time.monotonic() - started
        return report
    with open_state(where, wait=wait) as store:
        run_id = store.start_run("publish", now)
        report = Report()
        try:
            _Run(
                store,
                config,
                report,
                now=now,
                dry_run=False,
                run_id=run_id,
                started=started,
                accept_churn=accept_churn,
            ).run(rebuild=rebuild, withdraw=withdraw, restore=restore, on_file=on_file)
        except BaseException as err:
            try:
                store.finish_run(run_id, datetime.now(UTC), "failed", {"error": str(err)[:500]})
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            raise
        log.info(
            "published new=%d updated=%d unchanged=%d files=%d feeds_changed=%d queued=%d seconds=%.2f",
            report.new,
            report.updated,
            report.unchanged,
            len(report.files_written),
            len(report.feeds_changed),
            report.notices_queued,
            report.seconds,
        )
        if deliver and _has_targets(config):
            report.delivery = _deliver(store, config)
    report.seconds = time.monotonic() - started
    return report


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


class _Run:
    """One publish run as named steps (module docstring): read and commit the inputs
    batch by batch, withdraw, rebuild pages, write the feeds, record and enqueue."""

    def __init__(
        self,
        store: StateStore,
        config: Config,
        report: Report,
        *,
        now: datetime,
        dry_run: bool,
        run_id: int = 0,
        started: float = 0.0,
        accept_churn: bool = False,
    ):
        self.store, self.config, self.report, self.now = store, config, report, now
        self.dry_run, self.run_id, self.started = dry_run, run_id, started
        self.out_dir = config.output.dir
        # announcements are only worth recording for webhooks and ActivityPub followers
        self.announce = bool(config.webhooks or config.activitypub.enabled)
        self.sections = _Sections(store, config)
        self.touched: set[str] = set()
        self.in_run: set[str] = set()  # ledger keys written by this run (pages already rendered)
        self.pages_written = 0
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

    def run(
        self,
        *,
        rebuild: bool,
        withdraw: Sequence[str],
        restore: bool,
        on_file: Callable[[InputFile], None] | None,
    ) -> None:
        fingerprint = render_fingerprint(self.config)
        stale = (
            self.store.get_meta("render_fingerprint") != fingerprint
        )  # config changed, or a run died
        if stale and not self.dry_run:
            clean_temps(self.out_dir)  # only a run that did not finish leaves temp files
        full = rebuild or stale or not (self.out_dir / INDEX_PATH).exists()
        self.full = full
        if full or self.files_out_of_place():
            self.touched = set(self.sections.infos)
        self.read_and_commit(on_file)
        self.withdraw(withdraw, restore)
        if full and self.config.output.article_pages:
            self.rebuild_pages()
        self.write_feeds_and_enqueue(fingerprint)

    def files_out_of_place(self) -> bool:
        """A feed, section page, index or OPML file recorded by an earlier run is missing,
        or its size or mtime differ (deleted or edited by hand): rewrite the feed level."""
        for rel, (size, mtime_ns) in self.store.recorded_files().items():
            try:
                st = (self.out_dir / rel).stat()
            except OSError:
                return True
            if st.st_size != size or st.st_mtime_ns != mtime_ns:
                return True
        return False

    def mark_incomplete(self) -> None:
        """From the first ledger change or file write until the last step records the
        fingerprint again, the output may be behind the ledger or hold temp files: a run
        killed in between makes the next one a full rebuild (and a temp-file sweep)."""
        if not self.dry_run and not self.marked:
            self.store.set_meta("render_fingerprint", "incomplete")
            self.marked = True

    def write(self, files: dict[str, bytes], *, pages: bool = False) -> None:
        if not files:
            return
        self.mark_incomplete()
        if self.dry_run:
            self.report.files_written += changed_files(self.out_dir, files)
        elif pages:
            # Article pages: atomic (temp + rename) but not synced one batch at a time;
            # one os.sync() before the feeds go out makes them all durable. Syncing per
            # batch stalled file creation on the journal: 4.3 s instead of 1.3 s of
            # open() for a cold 10k publish (cProfile, this machine).
            done = write_files(self.out_dir, files, durable=False)
            self.pages_written += len(done)
            self.report.files_written += done
            crash_point("pages-written")
        else:
            self.report.files_written += write_files(self.out_dir, files)

    def read_and_commit(self, on_file: Callable[[InputFile], None] | None) -> None:
        """Inputs batch by batch: plan, commit to the ledger with what must be announced,
        then write the batch's article pages."""
        store, report = self.store, self.report
        smap = SectionMap(self.config, known=store.sections())  # known names keep their slugs
        problems: list[Problem] = []
        for batch in iter_batches(
            self.config,
            known=store.input_fingerprints(),
            on_file=on_file,
            chunk=BATCH_ARTICLES,
            now=self.now,
        ):
            problems.extend(batch.problems)
            report.inputs_read += len(batch.read)
            report.inputs_unchanged += batch.skipped_unchanged
            known = store.records_with_base(lookup_bases(batch.articles, smap))
            plan = make_plan(
                batch.articles,
                known,
                _taken_slugs(store, batch.articles, smap),
                next_seq=store.next_seq(),
                config=self.config,
                sections=smap,
                now=self.now,
                first_seen_offset=report.new,
            )
            report.new += len(plan.new)
            report.updated += len(plan.updated)
            report.unchanged += plan.unchanged
            report.withdrawn += plan.withdrawn_seen
            report.changes += [
                (kind, e.article.section, e.article.title)
                for kind, es in (("new", plan.new), ("updated", plan.updated))
                for e in es
            ]
            changed = (*plan.new, *plan.updated)
            if self.guard is not None:
                self.guard.check_new(plan.new)  # before the ledger takes the batch
            with self.tx():
                if changed:
                    self.mark_incomplete()  # in the same transaction as the ledger change
                store.upsert_entries(changed)
                store.record_sections(plan.sections.items())
                store.record_inputs(
                    (str(f.path), f.size, f.mtime_ns, digest) for f, digest in batch.read
                )
                if self.announce and changed:
                    store.record_announcements(
                        [
                            *_announcements("new", plan.new),
                            *_announcements("updated", plan.updated),
                        ],
                        self.now,
                    )
            if not self.dry_run:
                crash_point("ledger-commit")
            if set(plan.sections) - set(self.sections.infos):
                self.sections.refresh()
            self.touched |= plan.touched_sections
            self.in_run.update(e.key for e in changed)
            if self.config.output.article_pages:
                self.write(render_pages(self.sections, changed), pages=True)
        report.problems = tuple(problems)

    def withdraw(self, idents: Sequence[str], restore: bool) -> None:
        """Withdrawals (and their undoing) asked for on the command line, announced as
        withdrawn (or updated) in the same transaction."""
        removed: list[str] = []
        config, store = self.config, self.store
        with self.tx():
            if idents:
                self.mark_incomplete()
            for ident in idents:
                rec = store.set_withdrawn(ident, not restore)
                if rec is None:
                    raise StateError(
                        f"cannot withdraw: {ident}: no such item (give its id or slug;"
                        " `syndicate items` lists them)"
                    )
                self.touched.add(rec.section_slug)
                self.in_run.add(rec.key)  # its archive page changes
                entries = [entry_from_row(config, r, d) for r, d in store.rows_by_keys([rec.key])]
                self.report.changes += [
                    ("restored" if restore else "withdrawn", e.article.section, e.article.title)
                    for e in entries
                ]
                if self.announce:
                    store.record_announcements(
                        _announcements("updated" if restore else "withdrawn", entries), self.now
                    )
                if restore:
                    if config.output.article_pages:
                        self.write(render_pages(self.sections, entries), pages=True)
                elif (
                    config.output.article_pages
                ):  # the page becomes a "withdrawn" notice (410 in serve)
                    self.write(render_pages(self.sections, entries, withdrawn=True), pages=True)
                else:
                    removed.append(f"{rec.section_slug}/{rec.slug}.html")
        if removed and not self.dry_run:
            self.report.files_removed = remove_files(self.out_dir, removed)
            self.report.files_written += self.report.files_removed
        elif removed:
            self.report.files_removed = [rel for rel in removed if (self.out_dir / rel).exists()]

    def rebuild_pages(self) -> None:
        """A full rebuild (first run, config change, --rebuild): every other page too, in batches."""
        pending: list[Entry] = []
        for r, d in self.store.all_entries(skip=self.in_run):
            pending.append(entry_from_row(self.config, r, d))
            if len(pending) >= BATCH_ARTICLES:
                self.write(render_pages(self.sections, pending), pages=True)
                pending = []
        self.write(render_pages(self.sections, pending), pages=True)

    def write_feeds(self, site: _Site) -> dict[str, tuple[FeedInfo, FeedFormat, str]]:
        """Each feed in every format, streamed to temp files chunk by chunk (the formats of
        a feed advance together, so each body renders once: render/body.py), then the
        section pages, index and OPML; the changed feeds go through the churn guard and the
        publish gate, read back one staged temp at a time; then all are made durable at once
        and renamed in that order (a refusal discards the temps: every old file stays).
        Returns rel -> (info, format, sha256) of the feeds."""
        out = {}
        staged: Staged = []
        changed: dict[str, tuple[FeedInfo, FeedFormat]] = {}
        try:
            for info, entries, updated, history in site.feeds:
                paths = feed_paths(info.key, self.config.output.formats)
                copies = itertools.tee(entries, len(paths))
                streams = {
                    rel: render_chunks(fmt, info, it, updated=updated, history=history)
                    for (fmt, rel), it in zip(paths.items(), copies, strict=True)
                }
                if self.dry_run:  # nothing is written: keep the pieces for --diff
                    streams = {
                        rel: _kept(stream, self.dry_feeds.setdefault(rel, []))
                        for rel, stream in streams.items()
                    }
                self.mark_incomplete()
                got, temps = stage_streams(self.out_dir, streams, dry_run=self.dry_run)
                staged += temps
                for rel, (is_changed, digest) in got.items():
                    fmt = next(f for f, r in paths.items() if r == rel)
                    out[rel] = (info, fmt, digest)
                    if is_changed:
                        changed[rel] = (info, fmt)
                self.report.files_written += [
                    rel for rel, (is_changed, _d) in got.items() if is_changed
                ]
            self.check_staged(changed, staged)
            if site.files:
                self.mark_incomplete()
                got, temps = stage_streams(
                    self.out_dir,
                    {rel: (data,) for rel, data in site.files.items()},
                    dry_run=self.dry_run,
                )
                staged += temps
                self.report.files_written += [
                    rel for rel, (is_changed, _d) in got.items() if is_changed
                ]
        except BaseException:
            discard_staged(staged)
            raise
        commit_staged(self.out_dir, staged)
        return out

    def check_staged(self, changed: dict[str, tuple[FeedInfo, FeedFormat]], staged: Staged) -> None:
        """The churn guard's loss check and the publish gate over the changed feeds, before
        any replaces a published one (raises ChurnError or RenderError)."""
        if not changed:
            return
        docs: Mapping[str, bytes]
        if self.dry_run:
            docs = _Lazy({rel: self.dry_feeds[rel] for rel in changed})
        else:
            temps = {target.relative_to(self.out_dir).as_posix(): tmp for tmp, target in staged}
            docs = _Lazy({rel: temps[rel] for rel in changed if rel in temps})
        if self.guard is not None:
            self.guard.check_loss(docs, changed, self.out_dir)
        # "the future" is the clock's: a run given an earlier `now` (tests, replays) may carry
        # dates up to the real time its inputs were captured at
        self.report.problems += tuple(
            gate_run(
                docs,
                changed,
                (),
                base_url=self.config.site.base_url,
                now=max(self.now, datetime.now(UTC)),
                future_dates=self.config.output.future_dates,
            )
        )

    def archives(self) -> Archives:
        """RFC 5005 archive pages of the touched feeds (syndicate/history.py), gated and
        written a batch at a time (flush_archives) in the page phase: no subscription
        document links to a new page until the feeds are written after them."""
        if not self.touched:
            return Archives()
        feeds = {k: v for k, v in self.sections.infos.items() if k in self.touched} | {
            "": self.sections.site
        }
        return build_archives(
            self.store,
            feeds=feeds,
            formats=self.config.output.formats,
            page_size=self.config.output.archive_page_size,
            base_url=self.config.site.base_url,
            out_dir=self.out_dir,
            changed=self.in_run,
            full=self.full,
            entry_from_row=lambda r, d: entry_from_row(self.config, r, d),
            flush=self.flush_archives,
        )

    def flush_archives(self, files: dict[str, bytes]) -> None:
        """A batch of archive pages, gated, then written like article pages (made durable
        by the os.sync() before the feeds)."""
        self.report.problems += tuple(
            gate_run(
                files,
                {},
                files,
                base_url=self.config.site.base_url,
                now=max(self.now, datetime.now(UTC)),
                future_dates=self.config.output.future_dates,
            )
        )
        self.write(files, pages=True)

    def write_feeds_and_enqueue(self, fingerprint: str) -> None:
        """Feeds, section pages, index, OPML; then record versions, files and notices together."""
        store, config, report = self.store, self.config, self.report
        archives = self.archives()  # archive pages first: nothing links to them yet
        if self.pages_written:
            os.sync()  # every page durable before a feed that links to it
        site = render_feeds(store, config, self.sections, self.touched, archives)
        site.files.update(
            activitypub_files(
                store, config, self.sections.infos, self.sections.site, self.touched, self.now
            )
        )
        feeds = self.write_feeds(site)
        report.sections = len(self.sections.infos)
        report.articles_total = store.count_articles()
        recorded = store.feed_hashes()
        versions = []
        changes = []
        for rel, (info, fmt, digest) in feeds.items():
            if recorded.get(rel) != digest:
                versions.append((rel, info.self_urls[fmt], digest, self.now))
                changes.append(
                    FeedChange(
                        feed_key=info.key,
                        title=info.title,
                        format=fmt,
                        url=info.self_urls[fmt],
                        path=rel,
                    )
                )
        report.feeds_changed = [c.path for c in changes]
        if self.dry_run:
            # enqueue inside the dry run's transaction (rolled back) to count what would be queued
            report.feed_bytes = {c.path: b"".join(self.dry_feeds.get(c.path, ())) for c in changes}
            if _has_targets(config):
                before = store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM notices").fetchone()[
                    0
                ]
                report.notices_queued = _enqueue(
                    store, config, RunChanges(feeds=tuple(changes)), self.now
                )
                report.notices_by_endpoint = dict(
                    store.conn.execute(
                        "SELECT endpoint, COUNT(*) FROM notices WHERE id > ? GROUP BY endpoint",
                        (before,),
                    )
                )
            return
        in_place = _stat_files(self.out_dir, [*feeds, *site.files])
        with store.transaction():
            store.record_feeds(versions)
            # every section rendered: the files recorded are exactly these (a section or
            # format dropped from the config is not looked for again)
            store.record_files(in_place, replace=self.touched >= set(self.sections.infos))
            store.set_meta("render_fingerprint", fingerprint)
            if _has_targets(config):
                report.notices_queued = _enqueue(
                    store, config, RunChanges(feeds=tuple(changes)), self.now
                )
            report.seconds = time.monotonic() - self.started
            store.finish_run(
                self.run_id,
                datetime.now(UTC),
                "problems" if report.errors else "ok",
                report.summary(),
            )
        crash_point("outbox-commit")


def _announcements(kind: str, entries: Iterable[Entry]) -> list[tuple[str, str, dict[str, Any]]]:
    from .push.outbox import item_payload

    return [(e.guid, kind, item_payload(_notice(e))) for e in entries]


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


def _has_targets(config: Config) -> bool:
    return bool(config.hubs or config.webhooks or config.pings or config.activitypub.enabled)


def _enqueue(store: StateStore, config: Config, changes: RunChanges, now: datetime) -> int:
    from .push.outbox import enqueue

    return enqueue(store, config, changes, now)


def _deliver(store: StateStore, config: Config) -> Any:
    from .push.outbox import deliver_due

    return deliver_due(store, config)


__all__ = [
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
