"""Identity rules: which parsed articles are "the same item", and their fixed ids. Pure.

- An article with a canonical URL is identified by that URL (scheme and host
  lower-cased, fragment dropped).
- An article without one (text pages) is identified by its section and normalised
  title (case, quotes, dashes and spacing ignored) plus the *day* of its page date
  when the page printed one. So the same story on another page, or in a later capture,
  is the same item; a recurring title ("Morning Briefing") on different days is not.
- A dated capture of an article first seen undated (or the reverse) is the same item:
  :func:`match_record` falls back to the section + title key.
- A text-page capture and the HTML page of the same article are one item when their
  section and title agree: whichever came first keeps its id, and the item takes the
  canonical URL once it is known.
- The guid is a UUID derived from the site URL and the key when the article is first
  seen; it is stored and never recomputed, so later config changes do not move it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .model import Article
from .text import slugify, title_key

if TYPE_CHECKING:
    from .state import LedgerRecord


def normalize_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def title_base(section_slug: str, title: str) -> str:
    """The key prefix shared by every dated or undated capture of one titled article."""
    return f"text:{section_slug}|{title_key(title)}|"


def article_key(article: Article, section_slug: str) -> str:
    if article.url:
        return "url:" + normalize_url(article.url)
    day = article.published.date().isoformat() if article.published else ""
    return title_base(section_slug, article.title) + day


def match_record(key: str, candidates: Sequence[tuple[LedgerRecord, str | None, str]]) -> LedgerRecord | None:
    """The ledger record an article belongs to, among ``(record, its url, its title
    base)`` candidates that share the article's key prefix or title base:

    1. the exact key;
    2. for an article with a URL: a text-page record of the same section and title that
       has no URL yet (the HTML page of an article first read from a text dump);
    3. for a text-page article: an undated record of the same title; when the article
       itself is undated, the newest dated one; else a URL record of the same section
       and title (the text dump of an article first read from its HTML page).
    """
    for record, _url, _base in candidates:
        if record.key == key:
            return record
    if key.startswith("url:"):
        texts = [r for r, url, _b in candidates if r.key.startswith("text:") and not url]
        return max(texts, key=lambda r: r.published) if texts else None
    base = key[: key.rindex("|") + 1]
    same_title = [r for r, _u, _b in candidates if r.key.startswith(base)]
    for r in same_title:
        if r.key == base:
            return r
    if key == base and same_title:
        return max(same_title, key=lambda r: r.published)
    if not same_title:
        urls = [r for r, _u, b in candidates if r.key.startswith("url:") and b == base]
        return max(urls, key=lambda r: r.published) if urls else None
    return None


def make_guid(site_url: str, key: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, site_url + "#" + key))


def unique_slug(title: str, taken: Iterable[str], *, day: str | None = None) -> str:
    """A slug for a new article not in ``taken``: the title's, then with the day, then -2, -3..."""
    used = set(taken)
    base = slugify(title)
    if base not in used:
        return base
    if day:
        dated = f"{base}-{day}"
        if dated not in used:
            return dated
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"
