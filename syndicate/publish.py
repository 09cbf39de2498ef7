"""The publish run: inputs -> ledger -> feeds in output/ -> outbox. The I/O shell
around the pure core (sources, plan, render).

Order of effects, chosen so that a kill at any moment loses nothing:

1. (tx 1) the ledger takes the new and edited articles and the inputs read. From here
   on ids and first-seen dates are fixed, whatever happens next.
2. Changed files are written atomically (pages first, then feeds, then the index).
3. (tx 2) the new feed versions and the notifications announcing them are recorded
   together. A feed counts as changed when its bytes differ from the version recorded,
   not from the file on disk, so a run killed between 2 and 3 announces it next time.
4. Due notifications are delivered (the outbox retries the rest later).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .codec import article_from_dict, dumps
from .config import Config
from .errors import StateError
from .inputs import InputFile, read_sources
from .model import Entry, Feed, FeedChange, FeedFormat, FeedInfo, ItemNotice, Problem, RunChanges
from .plan import Plan, entry_link, lookup_bases, make_plan
from .render import RENDER_VERSION, RENDERERS
from .render.body import summary_text
from .render.opml import render_opml
from .render.pages import render_article, render_index, render_section
from .sections import SectionMap, combined_feed_info, feed_paths, section_feed_info
from .state import LedgerRecord, StateStore, open_state
from .text import slugify
from .writer import clean_temps, remove_files, write_files

log = logging.getLogger(__name__)

EXIT_OK = 0            # published (or checked), no problems
EXIT_FAILED = 1        # nothing published: an error stopped the run
EXIT_USAGE = 2         # bad command line or config
EXIT_PROBLEMS = 3      # published, but some inputs or articles were skipped
EXIT_BUSY = 4          # another process holds the state lock
EXIT_DEAD = 5          # (status) notifications are dead or stuck

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
    """The files of one run, in write order, and which of them are feeds."""

    files: dict[str, bytes] = field(default_factory=dict)
    feeds: dict[str, tuple[FeedInfo, FeedFormat]] = field(default_factory=dict)
    pages: dict[str, bytes] = field(default_factory=dict)

    def add_feed(self, info: FeedInfo, entries: Sequence[Entry], formats: Iterable[FeedFormat]) -> None:
        feed = Feed(info=info, entries=tuple(entries))
        for fmt, rel in feed_paths(info.key, formats).items():
            self.files[rel] = RENDERERS[fmt](feed)
            self.feeds[rel] = (info, fmt)

    def ordered(self) -> dict[str, bytes]:
        # article pages first: a hub or reader following a new item's link finds it
        return {**self.pages, **self.files}


def render_site(store: StateStore, config: Config, plan: Plan, *, full: bool,
                force_sections: Iterable[str] = ()) -> _Site:
    smap = SectionMap(config)
    known = store.sections()
    infos = {s.slug: section_feed_info(config, s) for s in smap.ordered(known)}
    site_info = combined_feed_info(config)
    limit = config.output.item_limit
    formats = config.output.formats
    touched = set(infos) if full else (plan.touched_sections | set(force_sections)) & set(infos)
    out = _Site()

    if config.output.article_pages:
        entries: Iterable[Entry] = (*plan.new, *plan.updated)
        if full:   # and every other live entry of the ledger
            planned = {e.key for e in entries}
            rest = (entry_from_row(config, r, d) for r, d in store.all_entries(skip=planned))
            entries = itertools.chain(entries, rest)
        for e in entries:
            if not e.article.url and e.section_slug in infos:
                out.pages[f"{e.section_slug}/{e.slug}.html"] = render_article(site_info, infos[e.section_slug], e)

    for slug in sorted(touched):
        entries = [entry_from_row(config, r, d) for r, d in store.top_entries(slug, limit)]
        out.add_feed(infos[slug], entries, formats)
        if config.output.article_pages:
            out.files[f"{slug}/{INDEX_PATH}"] = render_section(site_info, infos[slug], entries)
    if touched or full:
        latest = [entry_from_row(config, r, d) for r, d in store.top_entries(None, limit)]
        out.add_feed(site_info, latest, formats)
        out.files[INDEX_PATH] = render_index(site_info, list(infos.values()), latest[:INDEX_LATEST],
                                             config.site.base_url + OPML_PATH)
        newest = max((e.updated for e in latest), default=None)
        out.files[OPML_PATH] = render_opml(config.site.title, [site_info, *infos.values()], updated=newest)
    return out


class _DryRun(Exception):
    def __init__(self, site: _Site):
        self.site = site


def _taken_slugs(store: StateStore, plan_input: Sequence[Any], smap: SectionMap) -> dict[str, set[str]]:
    """Slugs already used in the ledger that a new article's slug could collide with."""
    wanted: dict[str, set[str]] = {}
    for a in plan_input:
        wanted.setdefault(smap.slug_for(a.section), set()).add(slugify(a.title))
    # few new articles: look up each title's slugs; many (a cold start): read the section's slugs once
    return {section: store.slugs_with_prefixes(section, bases) if len(bases) < 50 else store.section_slugs(section)
            for section, bases in wanted.items()}


def publish(config: Config, *, now: datetime | None = None, dry_run: bool = False, wait: bool = False,
            rebuild: bool = False, deliver: bool = True, withdraw: Sequence[str] = (), restore: bool = False,
            on_file: Callable[[InputFile], None] | None = None) -> Report:
    """Run one publish. Raises SyndicateError subclasses (BusyError when locked)."""
    started = time.monotonic()
    now = now or datetime.now(timezone.utc)
    out_dir = config.output.dir
    report = Report(dry_run=dry_run)
    with open_state(config.state_path, wait=wait) as store:
        if not dry_run:
            clean_temps(out_dir)
        run_id = store.start_run("publish", now) if not dry_run else 0
        try:
            batch = read_sources(config, known=store.input_fingerprints(), on_file=on_file)
            smap = SectionMap(config)
            known = store.records_with_base(lookup_bases(batch.articles, smap))
            plan = make_plan(batch.articles, known, _taken_slugs(store, batch.articles, smap),
                             next_seq=store.next_seq(), config=config, sections=smap, now=now)
            fingerprint = render_fingerprint(config)
            full = (rebuild or store.get_meta("render_fingerprint") != fingerprint
                    or not (out_dir / INDEX_PATH).exists())
            report.problems = batch.problems
            report.inputs_read = len(batch.read)
            report.inputs_unchanged = batch.skipped_unchanged
            report.new, report.updated, report.unchanged = len(plan.new), len(plan.updated), plan.unchanged
            report.withdrawn = plan.withdrawn_seen
            removed_pages: list[str] = []
            forced: set[str] = set()
            restored: list[str] = []
            try:
                with store.transaction():
                    store.upsert_entries((*plan.new, *plan.updated))
                    store.record_sections(plan.sections.items())
                    store.record_inputs((str(f.path), f.size, f.mtime_ns, digest) for f, digest in batch.read)
                    for ident in withdraw:
                        rec = store.set_withdrawn(ident, not restore)
                        if rec is None:
                            raise StateError(f"cannot withdraw: {ident}: no such item (give its id or slug;"
                                             " `syndicate items` lists them)")
                        forced.add(rec.section_slug)
                        restored.append(rec.key)
                        if not restore:
                            removed_pages.append(f"{rec.section_slug}/{rec.slug}.html")
                    site = render_site(store, config, plan, full=full, force_sections=forced)
                    if restore and config.output.article_pages:   # bring the restored pages back
                        site_info = combined_feed_info(config)
                        for r, d in store.rows_by_keys(restored):
                            e = entry_from_row(config, r, d)
                            if not e.article.url:
                                section = SectionMap(config).info(r.section_slug, e.article.section)
                                site.pages[f"{e.section_slug}/{e.slug}.html"] = render_article(
                                    site_info, section_feed_info(config, section), e)
                    report.sections = len(store.sections())
                    report.articles_total = store.count_articles()
                    if dry_run:
                        raise _DryRun(site)
            except _DryRun as dry:
                from .writer import changed_files
                report.files_written = changed_files(out_dir, dry.site.ordered())
                report.feeds_changed = [p for p in report.files_written if p in dry.site.feeds]
                report.seconds = time.monotonic() - started
                return report

            report.files_written = write_files(out_dir, site.ordered())
            if removed_pages:
                report.files_written += remove_files(out_dir, removed_pages)
            recorded = store.feed_hashes()
            versions = []
            changes = []
            for rel, (info, fmt) in site.feeds.items():
                digest = hashlib.sha256(site.files[rel]).hexdigest()
                if recorded.get(rel) != digest:
                    versions.append((rel, info.self_urls[fmt], digest, now))
                    changes.append(FeedChange(feed_key=info.key, title=info.title, format=fmt,
                                              url=info.self_urls[fmt], path=rel))
            report.feeds_changed = [c.path for c in changes]
            run_changes = RunChanges(feeds=tuple(changes), new=tuple(_notice(e) for e in plan.new),
                                     updated=tuple(_notice(e) for e in plan.updated))
            with store.transaction():
                store.record_feeds(versions)
                store.set_meta("render_fingerprint", fingerprint)
                if run_changes and _has_targets(config):
                    report.notices_queued = _enqueue(store, config, run_changes, now)
                report.seconds = time.monotonic() - started
                store.finish_run(run_id, datetime.now(timezone.utc), "problems" if report.errors else "ok",
                                 report.summary())
        except BaseException as err:
            if not dry_run:
                try:
                    store.finish_run(run_id, datetime.now(timezone.utc), "failed", {"error": str(err)[:500]})
                except Exception:  # noqa: BLE001 - the original error matters more
                    pass
            raise
        log.info("published new=%d updated=%d unchanged=%d files=%d feeds_changed=%d queued=%d seconds=%.2f",
                 report.new, report.updated, report.unchanged, len(report.files_written),
                 len(report.feeds_changed), report.notices_queued, report.seconds)
        if deliver and _has_targets(config):
            report.delivery = _deliver(store, config)
    report.seconds = time.monotonic() - started
    return report


def _has_targets(config: Config) -> bool:
    return bool(config.hubs or config.webhooks or config.pings)


def _enqueue(store: StateStore, config: Config, changes: RunChanges, now: datetime) -> int:
    from .push.outbox import enqueue
    return enqueue(store, config, changes, now)


def _deliver(store: StateStore, config: Config) -> Any:
    from .push.outbox import deliver_due
    return deliver_due(store, config)


def output_path_for(config: Config, rel: str) -> Path:
    return config.output.dir / rel


__all__ = ["publish", "Report", "render_site", "render_fingerprint", "dumps",
           "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_PROBLEMS", "EXIT_BUSY", "EXIT_DEAD"]
