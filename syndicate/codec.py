"""Articles <-> plain JSON-able dicts, for the ledger and for content hashes. Pure.

Empty and default fields are left out, so a field added later does not change the
hash of articles that do not use it (the trick of lemon24/reader's _hash_utils).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson

from .model import (
    Article,
    Author,
    Block,
    BulletList,
    Enclosure,
    Heading,
    Html,
    Paragraph,
    SourceSpan,
)

HASH_VERSION = "1"


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"p": block.text}
    if isinstance(block, Heading):
        return {"h": block.text}
    if isinstance(block, BulletList):
        return {"ul": list(block.items)}
    return {"html": block.html}


def block_from_dict(d: dict[str, Any]) -> Block:
    if "p" in d:
        return Paragraph(text=d["p"])
    if "h" in d:
        return Heading(text=d["h"])
    if "ul" in d:
        return BulletList(items=tuple(d["ul"]))
    return Html(html=d["html"])


def article_to_dict(article: Article, *, with_origin: bool = True) -> dict[str, Any]:
    d: dict[str, Any] = {
        "section": article.section,
        "title": article.title,
        "body": [block_to_dict(b) for b in article.body],
        "published": _dt(article.published),
        "updated": _dt(article.updated),
        "authors": [
            {k: v for k, v in (("name", a.name), ("email", a.email), ("uri", a.uri)) if v}
            for a in article.authors
        ],
        "url": article.url,
        "summary": article.summary,
        "tags": list(article.tags),
        "image": article.image,
        "enclosures": [enclosure_to_dict(e) for e in article.enclosures],
    }
    if with_origin:
        d["origin"] = [article.origin.path, article.origin.line]
    return {k: v for k, v in d.items() if v not in (None, [], "")}


def article_from_dict(d: dict[str, Any]) -> Article:
    origin = d.get("origin") or ["", 0]
    return Article(
        origin=SourceSpan(path=origin[0], line=origin[1]),
        section=d["section"],
        title=d["title"],
        body=tuple(block_from_dict(b) for b in d.get("body", ())),
        published=datetime.fromisoformat(d["published"]) if d.get("published") else None,
        updated=datetime.fromisoformat(d["updated"]) if d.get("updated") else None,
        authors=tuple(Author(**a) for a in d.get("authors", ())),
        url=d.get("url"),
        summary=d.get("summary"),
        tags=tuple(d.get("tags", ())),
        image=d.get("image"),
        enclosures=tuple(Enclosure(**e) for e in d.get("enclosures", ())),
    )


def enclosure_to_dict(enclosure: Enclosure) -> dict[str, Any]:
    """Only the fields set: an enclosure without a title or duration hashes as before."""
    d: dict[str, Any] = {
        "url": enclosure.url,
        "type": enclosure.type,
        "length": enclosure.length,
        "title": enclosure.title,
        "duration": enclosure.duration,
    }
    return {k: v for k, v in d.items() if v is not None}


def dumps(obj: Any) -> str:
    """Canonical JSON: sorted keys, compact separators, UTF-8 (no ASCII escaping).

    orjson is ~10x faster than the json module here, which matters at 10k+ articles a
    run (measured: 1.5 s of json.dumps in a cold 10k publish under cProfile)."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def content_hash(article: Article) -> str:
    """A versioned hash of what readers see.

    Where the article was read from and its dates are left out: dates are fixed when an
    item is first seen, and a relative date ("2 hours ago") re-read later is no edit.
    """
    d = article_to_dict(article, with_origin=False)
    d.pop("published", None)
    d.pop("updated", None)
    digest = hashlib.sha256(orjson.dumps(d, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"{HASH_VERSION}:{digest[:32]}"
