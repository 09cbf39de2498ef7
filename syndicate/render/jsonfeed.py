"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), rendered by hand: it is a dict."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..model import Enclosure, Feed, FeedFormat
from .body import body_html, clean, summary_text


def _rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def render_jsonfeed(feed: Feed) -> bytes:
    info = feed.info
    doc: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": clean(info.title),
        "home_page_url": info.home_url,
        "feed_url": info.self_urls[FeedFormat.JSON],
    }
    if feed.history is not None and FeedFormat.JSON in feed.history.prev_archive:
        doc["next_url"] = feed.history.prev_archive[FeedFormat.JSON]   # older items (RFC 5005 in JSON)
    if info.description:
        doc["description"] = clean(info.description)
    if info.language:
        doc["language"] = info.language
    if info.author is not None:
        doc["authors"] = [{k: v for k, v in (("name", info.author.name), ("url", info.author.uri)) if v}]
    if info.hubs:
        doc["hubs"] = [{"type": "WebSub", "url": hub} for hub in info.hubs]
    items = []
    for entry in feed.entries:
        a = entry.article
        item: dict[str, Any] = {
            "id": entry.guid,
            "url": entry.link,
            "title": clean(a.title),
            "content_html": body_html(a),
            "summary": summary_text(a),
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
        items.append(item)
    doc["items"] = items
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _attachment(enc: Enclosure) -> dict[str, Any]:
    d: dict[str, Any] = {"url": enc.url, "mime_type": enc.type}
    if enc.title:
        d["title"] = clean(enc.title)
    if enc.length:
        d["size_in_bytes"] = enc.length
    if enc.duration is not None:
        d["duration_in_seconds"] = enc.duration
    return d
