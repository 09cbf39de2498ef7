"""Losing the state must never change an id (issue 8, section 4).

- :func:`refuse_fresh_start`: a missing or 0-byte state beside an output folder that
  already holds feeds is not a first run; publishing would announce every article again
  and give undated ones new dates. publish refuses and names ``syndicate recover``.
- :func:`recover_state` rebuilds the ledger from what was published (feeds in every
  format and article pages, read by :mod:`syndicate.recover_read`): guids, dates, links,
  slugs, sections, the newest content and its content hash, the feed versions and the
  render fingerprint, so that the next publish of the same inputs changes no byte and
  announces nothing.
- :func:`require_usable_state`: a corrupt state is one clean error for every command.

Content hashes: the feeds show the rendered article, not the parsed one (a Markdown
paragraph and a text paragraph render alike; author e-mails are not shown), so a
hash computed from the feeds alone would differ from the publisher's and the next run
would count every item as edited. Recover therefore reads the inputs too: an input
article that renders exactly as its published item (title, link, content, summary,
categories, authors, image) gives the stored article and hash; one that renders
otherwise was edited after the last publish and stays an edit for the next run.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .codec import content_hash
from .config import Config
from .errors import StateError
from .identity import make_guid, normalize_url, title_base, unique_slug
from .model import (
    Article,
    Author,
    Block,
    BulletList,
    Entry,
    FeedFormat,
    Heading,
    Html,
    Paragraph,
    SourceSpan,
)
from .plan import entry_link
from .recover_read import AUTHOR_RANK, PublishedItem, read_published
from .render.body import body_html, clean, summary_text
from .sections import SectionMap
from .state import (
    SCHEMA_VERSION,
    StateStore,
    check_state,
    open_state,
    read_only_state,
    state_location,
)

UNPUBLISHED_CHOICES = ("new", "withdrawn")


def _has_feeds(out_dir: Path) -> bool:
    return any(
        (out_dir / fmt.filename).is_file() and (out_dir / fmt.filename).stat().st_size > 0
        for fmt in FeedFormat
    )


def refuse_fresh_start(config: Config) -> None:
    """Raise StateError when the state is missing or empty but output/ holds feeds."""
    path = config.state_path
    if config.state_url:
        store = read_only_state(state_location(config))
        if store is not None:
            try:
                if store.last_run(ok_only=False) is not None or store.count_articles():
                    return
            finally:
                store.close()
        _refuse(config, config.state_url.split("@")[-1], "empty")
        return
    try:
        if path.stat().st_size > 0:
            return
        what = "empty (0 bytes)"
    except FileNotFoundError:
        what = "missing"
    _refuse(config, str(path), what)


def _refuse(config: Config, path: str, what: str) -> None:
    out = config.output.dir
    if _has_feeds(out):
        raise StateError(
            f"cannot publish: {path}: the state is {what}, but {out} already holds published feeds;"
            " a fresh start would announce every article again and give undated ones new dates;"
            f" run `syndicate recover` to rebuild the state from {out} (or empty {out} to start over)"
        )


def require_usable_state(path: Path) -> None:
    """Raise StateError when an existing state file is corrupt or from a newer syndicate."""
    if not path.exists() or path.stat().st_size == 0:
        return
    store = read_only_state(path)
    if store is None:
        return
    try:
        check_state(store.conn, path, full=True)
        version = store.schema_version()
    finally:
        store.close()
    if version > SCHEMA_VERSION:
        raise StateError(
            f"cannot use state: {path}: written by a newer syndicate (schema {version},"
            f" this one knows {SCHEMA_VERSION}); upgrade syndicate"
        )


# --- content HTML -> body blocks (the inverse of render.body.body_html) -------------
_P = re.compile(r"<p>([^<]*)</p>")
_H = re.compile(r"<h2>([^<]*)</h2>")
_UL = re.compile(r"<ul>((?:<li>[^<]*</li>)+)</ul>")
_LI = re.compile(r"<li>([^<]*)</li>")


def blocks_from_html(content: str) -> tuple[Block, ...]:
    """Text blocks where a line is exactly what body_html writes for one; else Html."""
    blocks: list[Block] = []
    raw: list[str] = []

    def flush() -> None:
        if raw:
            blocks.append(Html(html="\n".join(raw)))
            raw.clear()

    for line in content.split("\n") if content else ():
        if m := _P.fullmatch(line):
            flush()
            blocks.append(Paragraph(text=html.unescape(m.group(1))))
        elif m := _H.fullmatch(line):
            flush()
            blocks.append(Heading(text=html.unescape(m.group(1))))
        elif m := _UL.fullmatch(line):
            flush()
            blocks.append(
                BulletList(items=tuple(html.unescape(i) for i in _LI.findall(m.group(1))))
            )
        else:
            raw.append(line)
    flush()
    return tuple(blocks)


@dataclass(slots=True, kw_only=True)
class RecoverReport:
    items: int = 0
    page_only: int = 0  # found only as an article page (beyond every feed's item limit)
    keys_guessed: int = 0  # no guid matched a candidate key (site URL changed?)
    confirmed: int = 0  # an input renders exactly as published: its article and hash kept
    edited_since: int = 0  # an input renders otherwise: the next publish announces the edit
    unpublished: int = 0  # input articles found in no published file
    unpublished_as: str = "new"
    skipped: int = 0  # published items too incomplete to rebuild
    sections: int = 0
    feeds: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"recovered {self.items} items ({self.page_only} from article pages only) in {self.sections}"
            f" sections and {self.feeds} feed versions; {self.confirmed} match their input,"
            f" {self.edited_since} were edited since; {self.unpublished} input articles were never published"
            f" (recorded as {self.unpublished_as}); {self.keys_guessed} keys guessed, {self.skipped} skipped"
        )


def _is_page_link(link: str | None, base_url: str) -> bool:
    """A link to one of our article pages (``<base>/<section>/<slug>.html``): the article had no URL."""
    if not link or not link.startswith(base_url):
        return False
    return re.fullmatch(r"[^/]+/[^/]+\.html", link[len(base_url) :]) is not None


def _candidate_keys(item: PublishedItem, section_slug: str, url: str | None) -> list[str]:
    assert item.title is not None and item.published is not None
    base = title_base(section_slug, item.title)
    keys = ["url:" + normalize_url(url)] if url else []
    return [*keys, base, base + item.published.date().isoformat()]


def _pick_key(
    item: PublishedItem, candidates: list[str], base_url: str, input_keys: set[str]
) -> tuple[str, bool]:
    """The ledger key whose guid the item carries; else one the inputs use; else a guess."""
    for key in candidates:
        if item.guid and make_guid(base_url, key) == item.guid:
            return key, False
    for key in candidates:
        if key in input_keys:
            return key, item.guid is not None
    if candidates[0].startswith("url:"):
        return candidates[0], True
    # A text article first seen undated was dated "now" to the microsecond; a page's own
    # date rarely has microseconds.
    assert item.published is not None
    return candidates[0 if item.published.microsecond else -1], True


def _article(
    item: PublishedItem, *, section: str, url: str | None, dated: bool, origin: str
) -> Article:
    assert item.title is not None
    cats = item.categories or (section,)
    authors = (
        ()
        if item.authors is None or item._ranks.get("authors") == AUTHOR_RANK["atom"]
        else item.authors
    )
    article = Article(
        origin=SourceSpan(path=origin),
        section=section,
        title=item.title,
        body=blocks_from_html(item.content_html or ""),
        published=item.published if dated else None,
        authors=tuple(Author(name=n) for n in authors),
        url=url,
        tags=tuple(cats[1:]),
        image=item.image or None,
    )
    if item.summary is not None and summary_text(article) != item.summary:
        article = replace(article, summary=item.summary)  # an explicit excerpt
    return article


def shows_as(entry: Entry, item: PublishedItem) -> bool:
    """Whether ``entry`` renders exactly as the published item (every field it showed)."""
    a = entry.article
    checks: list[tuple[object, object]] = [
        (item.title, clean(a.title)),
        (item.link, entry.link),
        (item.content_html, body_html(a)),
        (item.summary, summary_text(a)),
        (item.categories, (clean(a.section), *(clean(t) for t in a.tags))),
        (item.image, a.image or ""),
    ]
    if item.authors is not None and item._ranks.get("authors") != AUTHOR_RANK["atom"]:
        checks.append((item.authors, tuple(clean(x.name) for x in a.authors)))
    return all(seen is None or seen == rendered for seen, rendered in checks)


def _order(item: PublishedItem) -> tuple[int, int, str]:
    """Feed order among items of equal date: the feeds list them by ledger order (seq)."""
    if "" in item.positions:
        return 0, item.positions[""], ""
    if item.positions:
        return 1, min(item.positions.values()), ""
    return 2, 0, item.page or ""


def _input_keys(config: Config) -> set[str]:
    from .identity import article_key
    from .inputs import iter_batches

    smap = SectionMap(config)
    return {
        article_key(a, smap.slug_for(a.section))
        for batch in iter_batches(config)
        for a in batch.articles
    }


def build_entries(
    config: Config, items: list[PublishedItem], input_keys: set[str], report: RecoverReport
) -> tuple[list[Entry], dict[str, PublishedItem], dict[str, str]]:
    """Ledger entries for the published items (pages' slugs first, so others avoid them)."""
    smap = SectionMap(config)
    base_url = config.site.base_url
    usable = [i for i in items if i.title and i.section and i.published is not None]
    report.skipped = len(items) - len(usable)
    usable.sort(key=lambda i: (i.page is None, i.published, _order(i)))
    taken: dict[str, set[str]] = {}
    sections: dict[str, str] = {}
    built: list[tuple[PublishedItem, Entry]] = []
    for item in usable:
        assert item.section is not None and item.title is not None and item.published is not None
        section_slug = smap.slug_for(item.section)
        sections.setdefault(section_slug, item.section)
        url = None if item.page or _is_page_link(item.link, base_url) else item.link
        key, guessed = _pick_key(
            item, _candidate_keys(item, section_slug, url), base_url, input_keys
        )
        report.keys_guessed += guessed
        report.page_only += item.guid is None
        used = taken.setdefault(section_slug, set())
        slug = (
            item.page.split("/", 1)[1].removesuffix(".html")
            if item.page
            else unique_slug(item.title, used)
        )
        used.add(slug)
        article = _article(
            item,
            section=item.section,
            url=url,
            dated=key != title_base(section_slug, item.title),
            origin=item.page or "recovered",
        )
        built.append(
            (
                item,
                Entry(
                    article=article,
                    key=key,
                    guid=item.guid or make_guid(base_url, key),
                    slug=slug,
                    section_slug=section_slug,
                    link=entry_link(config, article, section_slug, slug),
                    first_seen=item.published,
                    published=item.published,
                    updated=max(item.updated or item.published, item.published),
                    content_hash=content_hash(article),
                ),
            )
        )
    built.sort(key=lambda pair: (pair[1].published, _order(pair[0])))
    entries = [replace(e, seq=n) for n, (_i, e) in enumerate(built, start=1)]
    return entries, {e.key: i for e, (i, _e) in zip(entries, built, strict=True)}, sections


def _confirm_from_inputs(
    store: StateStore,
    config: Config,
    by_key: dict[str, PublishedItem],
    recorded: dict[str, Entry],
    report: RecoverReport,
    *,
    now: datetime,
    unpublished: str,
) -> None:
    """Replace reconstructed articles by the input articles that render exactly as published."""
    from .inputs import iter_batches
    from .plan import lookup_bases, make_plan

    smap = SectionMap(config, known=store.sections())
    for batch in iter_batches(config):
        report.problems += [str(p) for p in batch.problems]
        known = store.records_with_base(lookup_bases(batch.articles, smap))
        sections = {smap.slug_for(a.section) for a in batch.articles}
        plan = make_plan(
            batch.articles,
            known,
            {s: store.section_slugs(s) for s in sections},
            next_seq=store.next_seq(),
            config=config,
            sections=smap,
            now=now,
            first_seen_offset=report.unpublished,
        )
        confirmed = [
            replace(e, updated=recorded[e.key].updated)
            for e in plan.updated
            if e.key in by_key and shows_as(e, by_key[e.key])
        ]
        report.confirmed += len(confirmed) + plan.unchanged
        report.edited_since += len(plan.updated) - len(confirmed)
        report.unpublished += len(plan.new)
        with store.transaction():
            store.upsert_entries(confirmed)
            if unpublished == "withdrawn" and plan.new:
                store.upsert_entries(plan.new)
                store.record_sections(plan.sections.items())
                for e in plan.new:
                    store.set_withdrawn(e.key)


def recover_state(config: Config, *, now: datetime, unpublished: str = "new") -> RecoverReport:
    """Rebuild a missing or empty state file from output/ (and the inputs); see the module doc."""
    from .publish import render_fingerprint

    path, out = config.state_path, config.output.dir
    if path.exists() and path.stat().st_size > 0:
        raise StateError(
            f"cannot recover: {path}: the state file exists; recover never overwrites a ledger"
            " (move the file away first if it is damaged)"
        )
    if unpublished not in UNPUBLISHED_CHOICES:
        raise StateError(
            f"cannot recover: --unpublished {unpublished}: choose one of {UNPUBLISHED_CHOICES}"
        )
    published = read_published(out, config.site.base_url)
    items = published.items()
    if not items:
        raise StateError(
            f"cannot recover: {out}: no feeds or article pages of syndicate found;"
            " nothing to rebuild from (run `syndicate publish` for a fresh start)"
        )
    report = RecoverReport(unpublished_as=unpublished)
    entries, by_key, sections = build_entries(config, items, _input_keys(config), report)
    report.items, report.sections, report.feeds = (
        len(entries),
        len(sections),
        len(published.feed_files),
    )
    with open_state(path) as store:
        with store.transaction():
            run_id = store.start_run("recover", now)
            store.upsert_entries(entries)
            store.record_sections(sections.items())
        _confirm_from_inputs(
            store,
            config,
            by_key,
            {e.key: e for e in entries},
            report,
            now=now,
            unpublished=unpublished,
        )
        with store.transaction():
            store.record_feeds(
                (
                    rel,
                    config.site.base_url + rel,
                    hashlib.sha256((out / rel).read_bytes()).hexdigest(),
                    now,
                )
                for rel in published.feed_files
            )
            store.set_meta("render_fingerprint", render_fingerprint(config))
            store.finish_run(
                run_id,
                now,
                "ok",
                {
                    "items": report.items,
                    "confirmed": report.confirmed,
                    "edited_since": report.edited_since,
                    "unpublished": report.unpublished,
                },
            )
    return report


__all__ = [
    "RecoverReport",
    "blocks_from_html",
    "recover_state",
    "refuse_fresh_start",
    "require_usable_state",
    "shows_as",
]
