"""Article body blocks -> an HTML fragment, and plain summaries. Pure.

Text blocks are escaped; :class:`~syndicate.model.Html` blocks were sanitized by their
source and are passed through. Characters XML forbids are removed everywhere.
Summaries are plain text (:func:`summary_text`: JSON Feed ``summary``, webhooks) or
that text escaped as HTML (:func:`summary_html`: RSS and Atom), never markup.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from ..model import Article, BulletList, Entry, Heading, Html, Paragraph
from ..text import strip_tags, summarize, xml_safe

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # "updated" of a feed with no entries

# Body HTML and summary of the entries rendered lately, keyed by guid and content hash
# (an edit changes the hash, so nothing stale is served): a publish renders each body
# once for its three formats and the combined feed (issue 12). Bounded: the oldest half
# goes when it is full, so a feed of every article does not keep every body.
_CACHE_MAX = 1024
_cache: dict[tuple[str, str], tuple[str, str]] = {}


def _parts(entry: Entry) -> tuple[str, str]:
    key = (entry.guid, entry.content_hash)
    got = _cache.get(key)
    if got is None:
        if len(_cache) >= _CACHE_MAX:
            for old in list(_cache)[: _CACHE_MAX // 2]:
                del _cache[old]
        got = _cache[key] = (body_html(entry.article), summary_text(entry.article))
    return got


def entry_body(entry: Entry) -> str:
    """:func:`body_html` of the entry's article, rendered once while it is in the cache."""
    return _parts(entry)[0]


def entry_summary(entry: Entry) -> str:
    """:func:`summary_text` of the entry's article (at the default limit), cached likewise."""
    return _parts(entry)[1]


def body_html(article: Article) -> str:
    parts: list[str] = []
    for block in article.body:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text, quote=False)}</p>")
        elif isinstance(block, Heading):
            parts.append(f"<h2>{escape(block.text, quote=False)}</h2>")
        elif isinstance(block, BulletList):
            items = "".join(f"<li>{escape(i, quote=False)}</li>" for i in block.items)
            parts.append(f"<ul>{items}</ul>")
        elif isinstance(block, Html):
            parts.append(block.html)
    if not parts and article.summary:
        parts.append(f"<p>{escape(article.summary, quote=False)}</p>")
    return "\n".join(xml_safe(p) for p in parts)  # one line a part, mostly: xml_safe's fast path


def summary_text(article: Article, limit: int = 280) -> str:
    """A plain summary: the article's own excerpt, else the start of its first paragraph."""
    if article.summary:
        return xml_safe(summarize(article.summary, limit))
    for block in article.body:
        if isinstance(block, Paragraph):
            return xml_safe(summarize(block.text, limit))
        if isinstance(block, Html):
            text = strip_tags(block.html)
            if text.strip():
                return xml_safe(summarize(text, limit))
    return xml_safe(article.title)


def summary_html(article: Article, limit: int = 280) -> str:
    """The plain summary as an HTML fragment, for the places that hold HTML by convention
    (RSS ``<description>``, Atom ``<summary type="html">``): text that looks like a tag
    (``<img src=x onerror=...>`` in a text page) stays text in every reader (issue 8, §5)."""
    return escape(summary_text(article, limit), quote=False)


def clean(text: str) -> str:
    return xml_safe(text)
