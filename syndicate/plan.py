"""Parsed articles + what the ledger knows + now -> what changes. Pure.

The plan decides, for every parsed article, whether it is new, an edit of a known
item, or unchanged, and fixes the identity of new ones (guid, slug, first-seen and
published dates). Nothing here reads files, the clock or the database: the caller
passes the matching ledger records and ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .codec import article_from_dict, content_hash
from .config import Config
from .identity import article_key, make_guid, match_record, title_base, unique_slug
from .model import Article, Entry
from .sections import SectionMap
from .state import LedgerRecord

# New articles of one run get first-seen times one second apart, in read order, so
# that undated articles keep their page's order in every reader (RSS dates have
# one-second resolution).
FIRST_SEEN_STEP = timedelta(seconds=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    new: tuple[Entry, ...] = ()
    updated: tuple[Entry, ...] = ()
    unchanged: int = 0
    withdrawn_seen: int = 0
    sections: dict[str, str] = field(default_factory=dict)  # slug -> name, of every article read

    @property
    def touched_sections(self) -> set[str]:
        return {e.section_slug for e in (*self.new, *self.updated)}


def lookup_bases(articles: Sequence[Article], sections: SectionMap) -> set[str]:
    """The key prefixes the caller must fetch from the ledger for :func:`make_plan`."""
    out = set()
    for a in articles:
        slug = sections.slug_for(a.section)
        key = article_key(a, slug)
        if key.startswith("url:"):
            out.add(key)
        out.add(title_base(slug, a.title))
    return out


def _richer(a: Article, b: Article) -> Article:
    """Of two captures of one item in one run, the one with more body (a full page beats a card)."""
    return b if len(b.body) > len(a.body) else a


def _merge_card(article: Article, known: Article) -> Article:
    """A listing card (summary, no body) must not wipe the full text read before."""
    if not article.body and known.body:
        return replace(article, body=known.body, summary=article.summary or known.summary)
    return article


def entry_link(config: Config, article: Article, section_slug: str, slug: str) -> str:
    if article.url:
        return article.url
    return f"{config.site.base_url}{section_slug}/{slug}.html"


def make_plan(
    articles: Sequence[Article],
    known: Mapping[str, list[tuple[LedgerRecord, dict[str, Any]]]],
    taken_slugs: Mapping[str, set[str]],
    *,
    next_seq: int,
    config: Config,
    sections: SectionMap,
    now: datetime,
    first_seen_offset: int = 0,
) -> Plan:
    """Decide new / updated / unchanged for each article (in read order).

    ``known`` maps each base from :func:`lookup_bases` to the ledger records (with
    their stored article data) whose key starts with it; ``taken_slugs`` maps a
    section slug to slugs already used there. ``first_seen_offset`` counts the new
    articles of earlier batches of the same run, so first-seen times keep stepping.
    """
    # One item per key in this run: the richest capture, at its first position.
    keyed: dict[str, tuple[str, Article]] = {}
    for a in articles:
        slug = sections.slug_for(a.section)
        key = article_key(a, slug)
        prev = keyed.get(key)
        keyed[key] = (slug, a if prev is None else _richer(prev[1], a))

    new: list[Entry] = []
    updated: list[Entry] = []
    unchanged = withdrawn = 0
    seen_sections: dict[str, str] = {}
    used: dict[str, set[str]] = {s: set(v) for s, v in taken_slugs.items()}
    claimed: set[str] = set()  # ledger keys already matched in this run
    for key, (section_slug, article) in keyed.items():
        seen_sections.setdefault(section_slug, article.section)
        tbase = title_base(section_slug, article.title)
        candidates = (
            [*known.get(key, []), *known.get(tbase, [])]
            if key.startswith("url:")
            else known.get(tbase, [])
        )
        match = match_record(
            key,
            [
                (r, d.get("url"), title_base(r.section_slug, d.get("title", "")))
                for r, d in candidates
                if r.key not in claimed
            ],
        )
        if match is not None:
            claimed.add(match.key)
            if match.withdrawn:
                withdrawn += 1
                continue
            stored = next(d for r, d in candidates if r.key == match.key)
            article = _merge_card(article, article_from_dict(stored))
            if not article.url and stored.get("url"):
                article = replace(article, url=stored["url"])  # keep the canonical URL once known
            digest = content_hash(article)
            if digest == match.content_hash:
                unchanged += 1
                continue
            edited_at = (
                article.updated if article.updated and article.updated > match.updated else now
            )
            updated.append(
                Entry(
                    article=article,
                    key=match.key,
                    guid=match.guid,
                    slug=match.slug,
                    section_slug=match.section_slug,
                    link=entry_link(config, article, match.section_slug, match.slug),
                    first_seen=match.first_seen,
                    published=match.published,
                    updated=max(edited_at, match.updated),
                    content_hash=digest,
                    seq=match.seq,
                )
            )
            continue
        i = len(new)
        first_seen = now - (first_seen_offset + i) * FIRST_SEEN_STEP
        published = article.published or first_seen
        day = article.published.date().isoformat() if article.published else None
        taken = used.setdefault(section_slug, set())
        slug = unique_slug(article.title, taken, day=day)
        taken.add(slug)
        new.append(
            Entry(
                article=article,
                key=key,
                guid=make_guid(config.site.base_url, key),
                slug=slug,
                section_slug=section_slug,
                link=entry_link(config, article, section_slug, slug),
                first_seen=first_seen,
                published=published,
                updated=max(article.updated or published, published),
                content_hash=content_hash(article),
                seq=next_seq + i,
            )
        )
    return Plan(
        new=tuple(new),
        updated=tuple(updated),
        unchanged=unchanged,
        withdrawn_seen=withdrawn,
        sections=seen_sections,
    )
