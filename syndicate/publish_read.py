"""Publish steps 1 and 2 (syndicate/publish.py): read the inputs batch by batch, plan,
commit each batch to the ledger with what must be announced, then write (and upload) the
batch's article pages; the withdrawals asked for on the command line; a full rebuild's
other pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .errors import StateError
from .faults import crash_point
from .inputs import InputFile, iter_batches
from .model import Entry, ItemNotice, Problem
from .plan import lookup_bases, make_plan
from .publish_entries import BATCH_ARTICLES, entry_from_row, render_pages
from .publish_run import Run
from .render.body import summary_text
from .sections import SectionMap
from .state import LedgerRecord, StateStore
from .text import slugify
from .writer import remove_files


def read_and_commit(run: Run, on_file: Callable[[InputFile], None] | None) -> None:
    """Inputs batch by batch: plan, commit to the ledger with what must be announced,
    then write the batch's article pages."""
    store, report = run.store, run.report
    smap = SectionMap(run.config, known=store.sections())  # known names keep their slugs
    problems: list[Problem] = []
    for batch in iter_batches(
        run.config,
        known=store.input_fingerprints(),
        on_file=on_file,
        chunk=BATCH_ARTICLES,
        now=run.now,
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
            config=run.config,
            sections=smap,
            now=run.now,
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
        if run.guard is not None:
            run.guard.check_new(plan.new)  # before the ledger takes the batch
        with run.tx():
            if changed:
                run.mark_incomplete()  # in the same transaction as the ledger change
            store.upsert_entries(changed)
            store.record_sections(plan.sections.items())
            store.record_inputs(
                (f.location, f.size, f.mtime_ns, digest) for f, digest in batch.read
            )
            if run.announce and changed:
                store.record_announcements(
                    [*announcements("new", plan.new), *announcements("updated", plan.updated)],
                    run.now,
                )
        if not run.dry_run:
            crash_point("ledger-commit")
        if set(plan.sections) - set(run.sections.infos):
            run.sections.refresh()
        run.touched |= plan.touched_sections
        run.in_run.update(e.key for e in changed)
        run.added.update(e.key for e in plan.new)
        if run.config.output.article_pages:
            run.write(render_pages(run.sections, changed))
    report.problems = tuple(problems)


def withdraw(run: Run, idents: Sequence[str], restore: bool) -> None:
    """Withdrawals (and their undoing) asked for on the command line, announced as
    withdrawn (or updated) in the same transaction; the pages are uploaded after it."""
    removed: list[str] = []
    pages: dict[str, bytes] = {}
    config, store = run.config, run.store
    with run.tx():
        if idents:
            run.mark_incomplete()
        for ident in idents:
            rec = store.set_withdrawn(ident, not restore)
            if rec is None:
                raise StateError(
                    f"cannot withdraw: {ident}: no such item (give its id or slug;"
                    " `syndicate items` lists them)"
                )
            run.touched.add(rec.section_slug)
            run.in_run.add(rec.key)  # its archive page changes
            entries = [entry_from_row(config, r, d) for r, d in store.rows_by_keys([rec.key])]
            run.report.changes += [
                ("restored" if restore else "withdrawn", e.article.section, e.article.title)
                for e in entries
            ]
            if run.announce:
                store.record_announcements(
                    announcements("updated" if restore else "withdrawn", entries), run.now
                )
            # ActivityPub objects: a Tombstone (410 in serve), or the object again (imported
            # here: activitypub/ and cryptography were ~0.05 s of every run's start-up)
            from .activitypub.files import withdrawn_objects

            files = _kept_tombstones(
                run, withdrawn_objects(config, entries, restore=restore, now=run.now), rec, restore
            )
            if config.output.article_pages:
                # restored: the page again; withdrawn: a notice (410 in serve)
                files.update(render_pages(run.sections, entries, withdrawn=not restore))
            elif not restore:
                removed.append(f"{rec.section_slug}/{rec.slug}.html")
            run.write(files, upload=False)
            pages.update(files)
    run.upload(pages, batch=True)
    if removed and not run.dry_run:
        run.report.files_removed = remove_files(run.out_dir, removed)
        run.report.files_written += run.report.files_removed
        run.output.remove(removed)
    elif removed:
        run.report.files_removed = [rel for rel in removed if (run.out_dir / rel).exists()]


def _kept_tombstones(
    run: Run, files: dict[str, bytes], rec: LedgerRecord, restore: bool
) -> dict[str, bytes]:
    """An item withdrawn again keeps the Tombstones it has (and their ``deleted`` date)."""
    if restore or not rec.withdrawn:
        return files
    return {rel: data for rel, data in files.items() if not (run.out_dir / rel).exists()}


def rebuild_pages(run: Run) -> None:
    """A full rebuild (first run, config change, --rebuild) or a repair: every other
    page too, in batches (a page whose bytes are on disk already is left as it is); a
    withdrawn item's notice page as well, as its withdrawal wrote it (issue 12: a
    rebuild into an empty folder writes what the runs before it left)."""
    pending: dict[bool, list[Entry]] = {False: [], True: []}
    for r, d in run.store.all_entries(include_withdrawn=True, skip=run.in_run):
        pending[r.withdrawn].append(entry_from_row(run.config, r, d))
        for withdrawn, entries in pending.items():
            if len(entries) >= BATCH_ARTICLES:
                run.write(render_pages(run.sections, entries, withdrawn=withdrawn))
                entries.clear()
    for withdrawn, entries in pending.items():
        run.write(render_pages(run.sections, entries, withdrawn=withdrawn))


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


def announcements(kind: str, entries: Iterable[Entry]) -> list[tuple[str, str, dict[str, Any]]]:
    from .push.outbox import item_payload

    return [(e.guid, kind, item_payload(_notice(e))) for e in entries]


__all__ = ["announcements", "read_and_commit", "rebuild_pages", "withdraw"]
