"""What every publish step shares: ledger rows as entries, the feed infos of the known
sections, the render fingerprint, and article pages rendered from entries. No I/O
besides reading the state store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from .codec import article_from_dict
from .config import Config
from .model import Entry
from .plan import entry_link
from .render import RENDER_VERSION
from .render.pages import article_path, render_article, render_withdrawn
from .sections import SectionMap, combined_feed_info, section_feed_info
from .state import LedgerRecord, StateStore

OPML_PATH = "feeds.opml"
INDEX_PATH = "index.html"
INDEX_LATEST = 30
# Articles per batch: parse, plan, commit and write a batch before reading the next, so
# memory stays flat with corpus size (a 50k cold publish holds ~2k articles at a time).
BATCH_ARTICLES = 2000


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


class Sections:
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
    sections: Sections, entries: Iterable[Entry], *, withdrawn: bool = False
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


__all__ = [
    "BATCH_ARTICLES",
    "INDEX_LATEST",
    "INDEX_PATH",
    "OPML_PATH",
    "Sections",
    "entry_from_row",
    "render_fingerprint",
    "render_pages",
]
