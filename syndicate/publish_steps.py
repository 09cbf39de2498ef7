"""The steps of one publish run (:func:`syndicate.publish.publish` runs them): read
and commit the inputs batch by batch, withdraw, rebuild pages, write the feeds, record
and enqueue. Every file goes through an :class:`~syndicate.output.Output` (a folder or a
bucket), so each backend runs the same code in the same order (publish.py's docstring).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .codec import article_from_dict
from .config import Config
from .errors import StateError
from .faults import crash_point
from .inputs import InputFile, iter_batches
from .model import Entry, Feed, FeedChange, FeedFormat, FeedInfo, ItemNotice, RunChanges
from .output import Output, open_output
from .plan import entry_link, lookup_bases, make_plan
from .render import RENDER_VERSION, RENDERERS
from .render.body import summary_text
from .render.opml import render_opml
from .render.pages import render_article, render_index, render_section
from .sections import SectionMap, combined_feed_info, feed_paths, section_feed_info
from .state import LedgerRecord, StateStore
from .text import slugify

if TYPE_CHECKING:
    from .model import Problem
    from .publish import Report

OPML_PATH = "feeds.opml"
INDEX_PATH = "index.html"
INDEX_LATEST = 30
# Articles per batch: parse, plan, commit and write a batch before reading the next, so
# memory stays flat with corpus size (a 50k cold publish holds ~2k articles at a time).
BATCH_ARTICLES = 2000


def render_fingerprint(config: Config) -> str:
    """Everything besides the ledger that shapes output bytes: a change re-renders all."""
    parts = [RENDER_VERSION, repr(config.site), repr(config.sections), repr([h.url for h in config.hubs]),
             repr([f.value for f in config.output.formats]), str(config.output.item_limit),
             str(config.output.article_pages)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def entry_from_row(config: Config, record: LedgerRecord, data: dict[str, Any]) -> Entry:
    article = article_from_dict(data)
    return Entry(article=article, key=record.key, guid=record.guid, slug=record.slug,
                 section_slug=record.section_slug,
                 link=entry_link(config, article, record.section_slug, record.slug),
                 first_seen=record.first_seen, published=record.published, updated=record.updated,
                 content_hash=record.content_hash, seq=record.seq)


def _notice(e: Entry) -> ItemNotice:
    return ItemNotice(id=e.guid, title=e.article.title, link=e.link, section=e.article.section,
                      published=e.published, updated=e.updated, summary=summary_text(e.article, 200))


@dataclass(slots=True)
class _Site:
    """Files to write, in write order, and which of them are feeds."""

    files: dict[str, bytes] = field(default_factory=dict)
    feeds: dict[str, tuple[FeedInfo, FeedFormat]] = field(default_factory=dict)

    def add_feed(self, info: FeedInfo, entries: Sequence[Entry], formats: Iterable[FeedFormat]) -> None:
        feed = Feed(info=info, entries=tuple(entries))
        for fmt, rel in feed_paths(info.key, formats).items():
            self.files[rel] = RENDERERS[fmt](feed)
            self.feeds[rel] = (info, fmt)


class _Sections:
    """Feed infos of every known section, refreshed when a run adds sections."""

    def __init__(self, store: StateStore, config: Config):
        self.store = store
        self.config = config
        self.site = combined_feed_info(config)
        self.refresh()

    def refresh(self) -> None:
        smap = SectionMap(self.config)
        self.infos = {s.slug: section_feed_info(self.config, s) for s in smap.ordered(self.store.sections())}


def render_pages(sections: _Sections, entries: Iterable[Entry]) -> dict[str, bytes]:
    """One plain HTML page per article without a URL of its own."""
    pages = {}
    for e in entries:
        if not e.article.url and e.section_slug in sections.infos:
            pages[f"{e.section_slug}/{e.slug}.html"] = render_article(sections.site, sections.infos[e.section_slug], e)
    return pages


def render_feeds(store: StateStore, config: Config, sections: _Sections, touched: set[str]) -> _Site:
    """Feeds, section pages, the index and the OPML list for the touched sections."""
    infos = sections.infos
    limit = config.output.item_limit
    formats = config.output.formats
    out = _Site()
    for slug in sorted(touched & set(infos)):
        entries = [entry_from_row(config, r, d) for r, d in store.top_entries(slug, limit)]
        out.add_feed(infos[slug], entries, formats)
        if config.output.article_pages:
            out.files[f"{slug}/{INDEX_PATH}"] = render_section(sections.site, infos[slug], entries)
    if touched:
        latest = [entry_from_row(config, r, d) for r, d in store.top_entries(None, limit)]
        out.add_feed(sections.site, latest, formats)
        out.files[INDEX_PATH] = render_index(sections.site, list(infos.values()), latest[:INDEX_LATEST],
                                             config.site.base_url + OPML_PATH)
        newest = max((e.updated for e in latest), default=None)
        out.files[OPML_PATH] = render_opml(config.site.title, [sections.site, *infos.values()], updated=newest)
    return out


def _taken_slugs(store: StateStore, plan_input: Sequence[Any], smap: SectionMap) -> dict[str, set[str]]:
    """Slugs already used in the ledger that a new article's slug could collide with."""
    wanted: dict[str, set[str]] = {}
    for a in plan_input:
        wanted.setdefault(smap.slug_for(a.section), set()).add(slugify(a.title))
    # few new articles: look up each title's slugs; many (a cold start): read the section's slugs once
    return {section: store.slugs_with_prefixes(section, bases) if len(bases) < 50 else store.section_slugs(section)
            for section, bases in wanted.items()}


# Articles per batch: parse, plan, commit and write a batch before reading the next, so
# memory stays flat with corpus size (a 50k cold publish holds ~2k articles at a time).
BATCH_ARTICLES = 2000


class Run:
    """One publish run as named steps (module docstring): read and commit the inputs
    batch by batch, withdraw, rebuild pages, write the feeds, record and enqueue."""

    def __init__(self, store: StateStore, config: Config, report: Report, *, now: datetime, dry_run: bool,
                 run_id: int = 0, started: float = 0.0, output: Output | None = None):
        self.store, self.config, self.report, self.now = store, config, report, now
        self.dry_run, self.run_id, self.started = dry_run, run_id, started
        self.output = output if output is not None else open_run_output(store, config)
        self.announce = bool(config.webhooks)   # announcements are only worth recording for webhooks
        self.sections = _Sections(store, config)
        self.touched: set[str] = set()
        self.in_run: set[str] = set()         # ledger keys written by this run (pages already rendered)
        self.pages_written = 0
        self.marked = False

    def tx(self) -> contextlib.AbstractContextManager[Any]:
        return contextlib.nullcontext() if self.dry_run else self.store.transaction()

    def run(self, *, rebuild: bool, withdraw: Sequence[str], restore: bool,
            on_file: Callable[[InputFile], None] | None) -> None:
        fingerprint = render_fingerprint(self.config)
        stale = self.store.get_meta("render_fingerprint") != fingerprint   # config changed, or a run died
        if stale and not self.dry_run:
            self.output.sweep()                  # only a run that did not finish leaves temp files
        full = rebuild or stale or not self.output.exists(INDEX_PATH)
        if not self.dry_run:
            self.output.start(takeover=rebuild)
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
        return self.output.out_of_place(self.store.recorded_files())

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
            self.report.files_written += self.output.changed(files)
        elif pages:
            # Article pages: each in place whole, the batch made durable by one flush()
            # before the feeds go out (see syndicate/output/local.py)
            done = self.output.write(files, batch=True)
            self.pages_written += len(done)
            self.report.files_written += done
            crash_point("pages-written")
        else:
            self.report.files_written += self.output.write(files)

    def read_and_commit(self, on_file: Callable[[InputFile], None] | None) -> None:
        """Inputs batch by batch: plan, commit to the ledger with what must be announced,
        then write the batch's article pages."""
        store, report, smap = self.store, self.report, SectionMap(self.config)
        problems: list[Problem] = []
        for batch in iter_batches(self.config, known=store.input_fingerprints(), on_file=on_file,
                                  chunk=BATCH_ARTICLES):
            problems.extend(batch.problems)
            report.inputs_read += len(batch.read)
            report.inputs_unchanged += batch.skipped_unchanged
            known = store.records_with_base(lookup_bases(batch.articles, smap))
            plan = make_plan(batch.articles, known, _taken_slugs(store, batch.articles, smap),
                             next_seq=store.next_seq(), config=self.config, sections=smap, now=self.now,
                             first_seen_offset=report.new)
            report.new += len(plan.new)
            report.updated += len(plan.updated)
            report.unchanged += plan.unchanged
            report.withdrawn += plan.withdrawn_seen
            changed = (*plan.new, *plan.updated)
            with self.tx():
                if changed:
                    self.mark_incomplete()       # in the same transaction as the ledger change
                store.upsert_entries(changed)
                store.record_sections(plan.sections.items())
                store.record_inputs((str(f.path), f.size, f.mtime_ns, digest) for f, digest in batch.read)
                if self.announce and changed:
                    store.record_announcements(
                        [*_announcements("new", plan.new), *_announcements("updated", plan.updated)], self.now)
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
        restored: list[Entry] = []
        config, store = self.config, self.store
        with self.tx():
            if idents:
                self.mark_incomplete()
            for ident in idents:
                rec = store.set_withdrawn(ident, not restore)
                if rec is None:
                    raise StateError(f"cannot withdraw: {ident}: no such item (give its id or slug;"
                                     " `syndicate items` lists them)")
                self.touched.add(rec.section_slug)
                entries = [entry_from_row(config, r, d) for r, d in store.rows_by_keys([rec.key])]
                if self.announce:
                    store.record_announcements(_announcements("updated" if restore else "withdrawn", entries),
                                               self.now)
                if restore:
                    restored += entries
                else:
                    removed.append(f"{rec.section_slug}/{rec.slug}.html")
        # pages after the ledger's transaction (an Output may record what it wrote in the state)
        if restored and config.output.article_pages:
            self.write(render_pages(self.sections, restored), pages=True)
        if removed and not self.dry_run:
            self.report.files_written += self.output.remove(removed)

    def rebuild_pages(self) -> None:
        """A full rebuild (first run, config change, --rebuild): every other page too, in batches."""
        pending: list[Entry] = []
        for r, d in self.store.all_entries(skip=self.in_run):
            pending.append(entry_from_row(self.config, r, d))
            if len(pending) >= BATCH_ARTICLES:
                self.write(render_pages(self.sections, pending), pages=True)
                pending = []
        self.write(render_pages(self.sections, pending), pages=True)

    def write_feeds_and_enqueue(self, fingerprint: str) -> None:
        """Feeds, section pages, index, OPML; then record versions, files and notices together."""
        store, config, report = self.store, self.config, self.report
        if self.pages_written:
            self.output.flush()    # every page durable before a feed that links to it
        site = render_feeds(store, config, self.sections, self.touched)
        self.write(site.files)
        report.sections = len(self.sections.infos)
        report.articles_total = store.count_articles()
        recorded = store.feed_hashes()
        versions = []
        changes = []
        for rel, (info, fmt) in site.feeds.items():
            digest = hashlib.sha256(site.files[rel]).hexdigest()
            if recorded.get(rel) != digest:
                versions.append((rel, info.self_urls[fmt], digest, self.now))
                changes.append(FeedChange(feed_key=info.key, title=info.title, format=fmt,
                                          url=info.self_urls[fmt], path=rel))
        report.feeds_changed = [c.path for c in changes]
        if self.dry_run:
            return
        in_place = self.output.in_place(site.files)
        with store.transaction():
            store.record_feeds(versions)
            # every section rendered: the files recorded are exactly these (a section or
            # format dropped from the config is not looked for again)
            store.record_files(in_place, replace=self.touched >= set(self.sections.infos))
            store.set_meta("render_fingerprint", fingerprint)
            if has_targets(config):
                report.notices_queued = _enqueue(store, config, RunChanges(feeds=tuple(changes)), self.now)
            report.seconds = time.monotonic() - self.started
            store.finish_run(self.run_id, datetime.now(UTC), "problems" if report.errors else "ok",
                             report.summary())
        crash_point("outbox-commit")


def _announcements(kind: str, entries: Iterable[Entry]) -> list[tuple[str, str, dict[str, Any]]]:
    from .push.outbox import item_payload
    return [(e.guid, kind, item_payload(_notice(e))) for e in entries]


def has_targets(config: Config) -> bool:
    return bool(config.hubs or config.webhooks or config.pings)


def _enqueue(store: StateStore, config: Config, changes: RunChanges, now: datetime) -> int:
    from .push.outbox import enqueue
    return enqueue(store, config, changes, now)


class MetaRecords:
    """:class:`~syndicate.output.ObjectRecords` kept in the state's meta table, one JSON
    value per output and folder (``output-objects:<url>:<folder>``), each saved in its
    own transaction after the uploads it describes returned."""

    def __init__(self, store: StateStore, where: str):
        self.store = store
        self.where = where

    def _key(self, group: str) -> str:
        return f"output-objects:{self.where}:{group}"

    def load(self, group: str) -> dict[str, list[str]]:
        value = self.store.get_meta(self._key(group))
        return dict(json.loads(value)) if value else {}

    def save(self, group: str, records: Mapping[str, list[str]]) -> None:
        with self.store.transaction():
            self.store.set_meta(self._key(group), json.dumps(records, sort_keys=True, separators=(",", ":")))


def refuse_fresh_bucket(store: StateStore, config: Config, output: Output) -> None:
    """A bucket's refuse_fresh_start (syndicate/recover.py): raise StateError when the
    state has never published but the bucket already holds feeds (a lost state), since a
    fresh start would announce every article again. One HEAD, on a fresh state only."""
    if config.output.s3 is None or store.get_meta("render_fingerprint") is not None or store.count_articles():
        return
    feed = config.output.formats[0].filename
    if output.exists(feed):
        raise StateError(f"cannot publish: {output.where}: the state has never published, but the bucket already"
                         f" holds {feed}; a fresh start would announce every article again; restore the state,"
                         " or copy the bucket to a folder and run `syndicate recover` on it, or empty the"
                         " prefix to start over")


def open_run_output(store: StateStore, config: Config) -> Output:
    where = config.output.s3.url if config.output.s3 is not None else str(config.output.dir)
    return open_output(config, MetaRecords(store, where))
