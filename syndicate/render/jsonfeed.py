"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), rendered by hand: it is a dict.

:func:`iter_jsonfeed` writes it an item at a time (the same bytes as ``json.dumps`` of the
whole document with ``indent=2``), so that a feed of every article is never held whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from ..model import Enclosure, Entry, Feed, FeedFormat, FeedInfo, History
from .body import clean, entry_body, entry_summary


def _rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _head(info: FeedInfo, history: History | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": clean(info.title),
        "home_page_url": info.home_url,
        "feed_url": info.self_urls[FeedFormat.JSON],
    }
    if history is not None and FeedFormat.JSON in history.prev_archive:
        doc["next_url"] = history.prev_archive[FeedFormat.JSON]  # older items (RFC 5005 in JSON)
    if info.description:
        doc["description"] = clean(info.description)
    if info.language:
        doc["language"] = info.language
    if info.author is not None:
        doc["authors"] = [
            {k: v for k, v in (("name", info.author.name), ("url", info.author.uri)) if v}
        ]
    if info.hubs:
        doc["hubs"] = [{"type": "WebSub", "url": hub} for hub in info.hubs]
    return doc


def _item(entry: Entry) -> dict[str, Any]:
    a = entry.article
    item: dict[str, Any] = {
        "id": entry.guid,
        "url": entry.link,
        "title": clean(a.title),
        "content_html": entry_body(entry),
        "summary": entry_summary(entry),
        "date_published": _rfc3339(entry.published),
        "date_modified": _rfc3339(entry.updated),
        "tags": [clean(a.section), *(clean(t) for t in a.tags)],
    }
    if a.authors:
        item["authors"] = [{"name": clean(x.name)} for x in a.authors]
    if a.image:
        item["image"] = a.image
    if a.enclosures:
        item["attachments"] = [_attachment(x) for x in a.enclosures]
    return item


def _attachment(enc: Enclosure) -> dict[str, Any]:
    d: dict[str, Any] = {"url": enc.url, "mime_type": enc.type}
    if enc.title:
        d["title"] = clean(enc.title)
    if enc.length:
        d["size_in_bytes"] = enc.length
    if enc.duration is not None:
        d["duration_in_seconds"] = enc.duration
    return d


def _dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``, spelt by orjson (the json module's
    indenting encoder is pure Python: 1.5 s for a 10k-item feed). Only strings, lists and
    dicts reach here, which both spell alike (the streaming contract test compares)."""
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode("utf-8")


def iter_jsonfeed(
    info: FeedInfo, entries: Iterable[Entry], history: History | None = None
) -> Iterator[bytes]:
    """The document as pieces: the head, one piece per item (the ``items`` key last)."""
    yield (_dumps(_head(info, history))[:-2] + ',\n  "items": [').encode("utf-8")
    sep = "\n"
    for entry in entries:
        yield (sep + "\n".join("    " + line for line in _dumps(_item(entry)).split("\n"))).encode(
            "utf-8"
        )
        sep = ",\n"
    yield ("]\n}\n" if sep == "\n" else "\n  ]\n}\n").encode("utf-8")


def render_jsonfeed(feed: Feed) -> bytes:
    return b"".join(iter_jsonfeed(feed.info, feed.entries, feed.history))
