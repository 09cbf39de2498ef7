"""Webhook and ping payloads: pure functions from a run's changes to JSON bodies.

A webhook message stays small (issue 8): at most ``MAX_MESSAGE_ITEMS`` items, so a run
announcing more sends several messages in order (``data.part`` / ``data.parts``); see
docs/push.md, "Large changes".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from ..config import Config
from ..model import FeedChange, FeedFormat, ItemNotice, RunChanges

# A webhook message stays small (issue 8): a run announcing more items than this sends
# several messages, in order, each with its own webhook-id; and pending messages are
# merged with a new run only while the result stays within this many items. 100 items
# with 500-character summaries are ~80 KB of JSON.
MAX_MESSAGE_ITEMS = 100
MAX_MERGED_ITEMS = MAX_MESSAGE_ITEMS
# Summaries in webhook payloads are cut to this many characters.
MAX_SUMMARY = 500


def unique_feeds(feeds: Iterable[FeedChange]) -> list[FeedChange]:
    out: dict[str, FeedChange] = {}
    for feed in feeds:
        out.setdefault(feed.url, feed)
    return list(out.values())


def rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def item_payload(item: ItemNotice) -> dict[str, Any]:
    """An item as a webhook message carries it (what ``announcements`` rows store)."""
    return _item(item)


def _item(item: ItemNotice) -> dict[str, Any]:
    summary = (
        item.summary if len(item.summary) <= MAX_SUMMARY else item.summary[: MAX_SUMMARY - 1] + "…"
    )
    out = {
        "id": item.id,
        "title": item.title,
        "link": item.link,
        "section": item.section,
        "published": rfc3339(item.published),
        "updated": rfc3339(item.updated),
    }
    if summary:
        out["summary"] = summary
    return out


def _feed(feed: FeedChange) -> dict[str, Any]:
    return {"key": feed.feed_key, "title": feed.title, "format": feed.format.value, "url": feed.url}


def webhook_payload(config: Config, changes: RunChanges, now: datetime) -> dict[str, Any]:
    """The JSON body of one run's webhook (Standard Webhooks' type/timestamp/data shape)."""
    return webhook_messages(config, changes, [], now)[0]


def webhook_messages(
    config: Config,
    changes: RunChanges,
    announced: Sequence[tuple[str, dict[str, Any]]],
    now: datetime,
) -> list[dict[str, Any]]:
    """One run's webhook bodies, in order: every announced item once, at most
    ``MAX_MESSAGE_ITEMS`` items per message; the changed feeds ride in the first."""
    items: dict[str, tuple[str, dict[str, Any]]] = {}
    for kind, it in [
        *(("new", _item(i)) for i in changes.new),
        *(("updated", _item(i)) for i in changes.updated),
        *announced,
    ]:
        _fold(items, kind, it)
    ordered = list(items.values())
    chunks = [
        ordered[i : i + MAX_MESSAGE_ITEMS] for i in range(0, len(ordered), MAX_MESSAGE_ITEMS)
    ] or [[]]
    feeds = [_feed(f) for f in unique_feeds(changes.feeds)]
    out = []
    for n, chunk in enumerate(chunks, 1):
        data: dict[str, Any] = {
            "site": {"title": config.site.title, "url": config.site.base_url},
            "since": rfc3339(now),
            "runs": 1,
            "feeds": feeds if n == 1 else [],
            **_by_kind(chunk),
        }
        if len(chunks) > 1:
            data["part"] = n
            data["parts"] = len(chunks)
        out.append({"type": "feeds.updated", "timestamp": rfc3339(now), "data": data})
    return out


def _fold(items: dict[str, tuple[str, dict[str, Any]]], kind: str, it: dict[str, Any]) -> None:
    """Newest version of an item wins; new-then-updated stays new; withdrawn wins over both,
    and an item withdrawn then put back counts as updated."""
    prev = items.get(it["id"])
    if prev is not None and prev[0] == "new" and kind == "updated":
        kind = "new"
    items[it["id"]] = (kind, it)


def _by_kind(chunk: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"new": [], "updated": []}
    for kind, it in chunk:
        out.setdefault(kind, []).append(it)
    return out


def merge_payloads(payloads: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One payload carrying every feed and item of ``payloads`` (oldest first).

    The newest version of a feed or item wins; an item new in any of the runs
    stays under ``new`` (unless a later run withdrew it).
    """
    feeds: dict[str, Any] = {}
    items: dict[str, tuple[str, dict[str, Any]]] = {}
    runs = 0
    for p in payloads:
        d = p["data"]
        runs += int(d.get("runs", 1))
        for f in d["feeds"]:
            feeds[f["url"]] = f  # first position, newest content
        for key in ("new", "updated", "withdrawn"):
            for it in d.get(key, ()):
                _fold(items, key, it)
    first, last = payloads[0], payloads[-1]
    return {
        "type": last["type"],
        "timestamp": last["timestamp"],
        "data": {
            "site": last["data"]["site"],
            "since": first["data"].get("since", first["timestamp"]),
            "runs": runs,
            "feeds": list(feeds.values()),
            **_by_kind(list(items.values())),
        },
    }


def item_count(payload: dict[str, Any]) -> int:
    d = payload["data"]
    return len(d["new"]) + len(d["updated"]) + len(d.get("withdrawn", ()))


def ping_payload(config: Config, feeds: Sequence[FeedChange]) -> dict[str, Any]:
    """name, url, changes_url, feed_url for weblogUpdates.extendedPing.

    The feed is the combined one when it changed (RSS first: what ping services
    read best), else the first changed feed.
    """
    order = {FeedFormat.RSS: 0, FeedFormat.ATOM: 1, FeedFormat.JSON: 2}
    best = min(feeds, key=lambda f: (f.feed_key != "", order.get(f.format, 9)))
    return {
        "name": config.site.title,
        "url": config.site.base_url,
        "changes_url": config.site.base_url,
        "feed_url": best.url,
    }
