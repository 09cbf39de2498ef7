"""Publish step 3 (syndicate/publish.py): the RFC 5005 archive pages, then every touched
feed in each format, the section pages, the index and the OPML list, streamed to temp
files in the local folder, checked there by the churn guard and the publish gate, made
durable and renamed at once, then uploaded in that order (feeds before the index that
lists them)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .config import Config
from .docscan import Doc
from .gate import gate_run
from .history import Archives, Change, build_archives
from .model import Entry, Feed, FeedFormat, FeedInfo, History
from .publish_entries import INDEX_LATEST, INDEX_PATH, OPML_PATH, Sections, entry_from_row
from .publish_run import Run
from .render import render_chunks
from .render.opml import render_opml
from .render.pages import render_index, render_section
from .sections import feed_paths
from .state import StateStore
from .writer import Staged, changed_files, commit_staged, discard_staged, stage_streams

FeedJob = tuple[
    FeedInfo, Iterable[Entry], "datetime | None", "History | None"
]  # a feed, its entries, updated, archive links
FeedFiles = dict[str, tuple[FeedInfo, FeedFormat, str]]  # rel -> (info, format, sha256)


@dataclass(slots=True)
class Site:
    """Feeds to render and write one at a time (``feeds``: a generator that reads each
    feed's entries when its turn comes and, as it goes on, adds the section pages, index
    and OPML to ``files``), then those files, in write order."""

    files: dict[str, bytes] = field(default_factory=dict)
    feeds: Iterator[FeedJob] = field(default_factory=lambda: iter(()))


def render_feeds(
    store: StateStore,
    config: Config,
    sections: Sections,
    touched: set[str],
    archives: Archives | None = None,
) -> Site:
    """Feeds, section pages, the index and the OPML list for the touched sections;
    ``archives`` gives each feed's RFC 5005 links and open-page items (syndicate/history.py)."""
    out = Site()
    out.feeds = _feed_jobs(store, config, sections, touched, out.files, archives or Archives())
    return out


def _feed_jobs(
    store: StateStore,
    config: Config,
    sections: Sections,
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
        yield _combined_job(store, config, sections, archives)
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


def _combined_job(
    store: StateStore, config: Config, sections: Sections, archives: Archives
) -> FeedJob:
    limit = config.output.item_limit
    extra = archives.extra("", store.iter_top_keys(None, limit))  # open-page items the feed lacks
    top = (entry_from_row(config, r, d) for r, d in store.iter_top_entries(None, limit))
    newest = max(
        [*(e.updated for e in extra), *filter(None, [store.top_updated(None, limit)])],
        default=None,
    )
    return (
        sections.site,
        heapq.merge(top, extra, key=_feed_order),
        newest,
        archives.history(""),
    )


def _feed_order(e: Entry) -> tuple[float, int]:
    return (-e.published.timestamp(), e.seq)  # store.top_entries' order: newest first, then seq


def _kept(pieces: Iterable[bytes], into: list[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        into.append(piece)
        yield piece


class Lazy(Mapping[str, bytes]):
    """rel -> a dry run's feed bytes, joined from its pieces when asked: one feed in
    memory at a time. (Uploads stream from the staged files: Run.upload.)"""

    def __init__(self, sources: Mapping[str, list[bytes]]):
        self.sources = sources

    def __getitem__(self, rel: str) -> bytes:
        return b"".join(self.sources[rel])

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


def write_archives(run: Run) -> Archives:
    """RFC 5005 archive pages of the touched feeds (syndicate/history.py), gated and
    written a batch at a time (flush_archives) in the page phase: no subscription
    document links to a new page until the feeds are written after them."""
    if not run.touched:
        return Archives()
    feeds = {k: v for k, v in run.sections.infos.items() if k in run.touched} | {
        "": run.sections.site
    }
    return build_archives(
        run.store,
        feeds=feeds,
        formats=run.config.output.formats,
        page_size=run.config.output.archive_page_size,
        base_url=run.config.site.base_url,
        out_dir=run.out_dir,
        change=Change(keys=run.in_run, added=run.added, full=run.full, repair=run.repair),
        entry_from_row=lambda r, d: entry_from_row(run.config, r, d),
        flush=lambda files: _flush_archives(run, files),
    )


def _flush_archives(run: Run, files: dict[str, bytes]) -> None:
    """A batch of archive pages: those whose bytes differ from the file in place gated,
    then written like article pages (made durable by the os.sync() before the feeds). A
    page rendered again with the same bytes was gated when it was written; a full
    rebuild hands every page on all the same (a bucket gets the ones it lacks)."""
    fresh = {rel: files[rel] for rel in changed_files(run.out_dir, files)}
    run.report.problems += tuple(
        gate_run(
            fresh,
            {},
            fresh,
            base_url=run.config.site.base_url,
            now=max(run.now, datetime.now(UTC)),
            future_dates=run.config.output.future_dates,
        )
    )
    run.write(files if run.full else fresh)


def write_feeds(run: Run, archives: Archives) -> tuple[FeedFiles, Site]:
    """Every page durable first; then each feed in every format, streamed to temp files
    chunk by chunk (the formats of a feed advance together, so each body renders once:
    render/body.py), then the section pages, index and OPML; the changed feeds go through
    the churn guard and the publish gate, read back one staged temp at a time; then all
    are made durable at once and renamed in that order (a refusal discards the temps:
    every old file stays), and uploaded in that order. Returns the feeds and the site."""
    run.commit_pages()  # every page durable and in place before a feed that links to it
    site = render_feeds(run.store, run.config, run.sections, run.touched, archives)
    if run.config.activitypub.enabled:
        # imported when on: activitypub/ and cryptography were ~0.05 s of every start-up
        from .activitypub.files import activitypub_files

        site.files.update(
            activitypub_files(
                run.store, run.config, run.sections.infos, run.sections.site, run.touched, run.now
            )
        )
    out: FeedFiles = {}
    staged: Staged = []
    changed: dict[str, tuple[FeedInfo, FeedFormat]] = {}
    try:
        for info, entries, updated, history in site.feeds:
            paths = feed_paths(info.key, run.config.output.formats)
            got, temps = _stage_feed(run, paths, info, entries, updated, history)
            staged += temps
            for rel, (is_changed, digest) in got.items():
                fmt = next(f for f, r in paths.items() if r == rel)
                out[rel] = (info, fmt, digest)
                if is_changed:
                    changed[rel] = (info, fmt)
            run.report.files_written += [rel for rel, (c, _d) in got.items() if c]
        check_staged(run, changed, staged)
        if site.files:
            run.mark_incomplete()
            got, temps = stage_streams(
                run.out_dir,
                {rel: (data,) for rel, data in site.files.items()},
                dry_run=run.dry_run,
            )
            staged += temps
            run.report.files_written += [rel for rel, (c, _d) in got.items() if c]
    except BaseException:
        discard_staged(staged)
        raise
    commit_staged(run.out_dir, staged)
    run.upload([*out, *site.files], batch=False)  # streamed from the spool, in this order
    return out, site


def _stage_feed(
    run: Run,
    paths: Mapping[FeedFormat, str],
    info: FeedInfo,
    entries: Iterable[Entry],
    updated: datetime | None,
    history: History | None,
) -> tuple[dict[str, tuple[bool, str]], Staged]:
    copies = itertools.tee(entries, len(paths))
    streams = {
        rel: render_chunks(fmt, info, it, updated=updated, history=history)
        for (fmt, rel), it in zip(paths.items(), copies, strict=True)
    }
    if run.dry_run:  # nothing is written: keep the pieces for --diff
        streams = {
            rel: _kept(stream, run.dry_feeds.setdefault(rel, [])) for rel, stream in streams.items()
        }
    run.mark_incomplete()
    return stage_streams(run.out_dir, streams, dry_run=run.dry_run)


def check_staged(run: Run, changed: dict[str, tuple[FeedInfo, FeedFormat]], staged: Staged) -> None:
    """The churn guard's loss check and the publish gate over the changed feeds, before
    any replaces a published one (raises ChurnError or RenderError)."""
    if not changed:
        return
    docs: Mapping[str, Doc]
    if run.dry_run:
        docs = Lazy({rel: run.dry_feeds[rel] for rel in changed})
    else:  # the staged temp files: the gate and the guard read them as a stream (docscan.py)
        temps = {target.relative_to(run.out_dir).as_posix(): tmp for tmp, target in staged}
        docs = {rel: temps[rel] for rel in changed if rel in temps}
    if run.guard is not None:
        run.guard.check_loss(docs, changed, run.out_dir)
    # "the future" is the clock's: a run given an earlier `now` (tests, replays) may carry
    # dates up to the real time its inputs were captured at
    run.report.problems += tuple(
        gate_run(
            docs,
            changed,
            (),
            base_url=run.config.site.base_url,
            now=max(run.now, datetime.now(UTC)),
            future_dates=run.config.output.future_dates,
        )
    )


__all__ = ["Lazy", "Site", "check_staged", "render_feeds", "write_archives", "write_feeds"]
