"""The durable outbox: notifications are rows in the state store before any is sent.

``enqueue`` runs inside the publish transaction that records the new feed versions,
so a run's notifications exist exactly when its files do; a process killed before
delivery leaves them pending for the next ``deliver_due``. Delivery is therefore
at least once: a webhook whose answer was lost is sent again with the same
``webhook-id``, and receivers deduplicate on it (Standard Webhooks, "Idempotency").

Collapsing (issue 3, "Superseded notifications collapse"):

* WebSub and pings: a new notice supersedes the pending one for the same endpoint
  and topic (feed URL; the site for pings), so a hub that was down for three
  changes gets one ping.
* Webhooks: the pending run notices of an endpoint are merged with the new run into
  one new message (new ``webhook-id``) carrying every feed and item of all of them,
  the newest version of each item winning. The merged-away messages are marked
  superseded, never edited: one that was sent but whose answer was lost keeps its
  id and body, so receiver deduplication stays sound. Merging stops at
  ``MAX_MERGED_ITEMS`` items, and never takes in a message the endpoint may have
  seen (``offered``, or answered): that one is resent as it is, same webhook-id.
  A run with more than ``MAX_MESSAGE_ITEMS`` items sends several messages in order
  (payload.py).

Delivery (claims, leases, the thread pool) is in :mod:`.delivery`.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from typing import Any

from ..codec import dumps
from ..config import Config
from ..model import RunChanges
from ..state import StateStore, iso
from .activitypub import enqueue_activities
from .delivery import (  # delivery and the retry schedule; names kept here for callers
    KEEP_DONE,
    DeliveryReport,
    check_endpoints,
    deliver_due,
    make_session,
    next_attempt,
)
from .payload import (
    MAX_MERGED_ITEMS,
    MAX_MESSAGE_ITEMS,
    item_count,
    item_payload,
    merge_payloads,
    ping_payload,
    unique_feeds,
    webhook_messages,
)
from .status import (  # the operators' side
    EndpointStatus,
    OutboxStatus,
    discard,
    outbox_status,
    replay,
)

log = logging.getLogger(__name__)

# --- enqueue (inside the publish transaction) ------------------------------------


def enqueue(store: StateStore, config: Config, changes: RunChanges, now: datetime) -> int:
    """Write the notifications of one publish run; returns how many were created.

    Call it inside the transaction that records the feeds (it neither begins nor
    commits). The items webhooks announce are ``changes.new``/``changes.updated``
    plus every announcement the ledger recorded since the last enqueue
    (``StateStore.take_announcements``, consumed here, in the same transaction).
    Disabled endpoints (they answered 410) get nothing.
    """
    announced = store.take_announcements() if config.webhooks or config.activitypub.enabled else []
    if not changes.feeds and not announced:
        return 0
    check_endpoints(config)
    conn = store.conn  # inside the caller's transaction
    disabled = store.disabled_endpoints()
    feeds = unique_feeds(changes.feeds)
    created = 0

    for hub in config.hubs:
        endpoint = f"hub:{hub.url}"
        if endpoint in disabled:
            continue
        for feed in feeds:
            _supersede(conn, endpoint, feed.url, now)
            _insert(conn, endpoint, "websub", feed.url, {"topic": feed.url}, now)
            created += 1

    if config.webhooks:
        parts = webhook_messages(config, changes, announced, now)
        for hook in config.webhooks:
            endpoint = f"webhook:{hook.name}"
            if endpoint not in disabled:
                created += _enqueue_webhook(conn, endpoint, parts, now)

    if config.pings and feeds:
        ping = ping_payload(config, feeds)
        for service in config.pings:
            endpoint = f"ping:{service.name}"
            if endpoint in disabled:
                continue
            _supersede(conn, endpoint, "site", now)
            _insert(conn, endpoint, "ping", "site", ping, now)
            created += 1
    return created + enqueue_activities(store, config, announced, now)


def _enqueue_webhook(conn: Any, endpoint: str, parts: list[dict[str, Any]], now: datetime) -> int:
    """Queue a run's messages for one endpoint, the first merged into the endpoint's
    pending run messages when the result stays within ``MAX_MERGED_ITEMS``."""
    pending = conn.execute(
        "SELECT id, payload FROM notices WHERE endpoint = ? AND topic = 'run' AND status = 'pending'"
        " AND offered = 0 ORDER BY id",
        (endpoint,),
    ).fetchall()
    first = parts[0]
    if pending:
        merged = merge_payloads([json.loads(p) for _, p in pending] + [first])
        if item_count(merged) <= MAX_MERGED_ITEMS:
            first = merged
            conn.executemany(
                "UPDATE notices SET status = 'superseded', done_at = ? WHERE id = ?",
                [(iso(now), i) for i, _ in pending],
            )
    for payload in (first, *parts[1:]):
        _insert(conn, endpoint, "webhook", "run", payload, now)
    return len(parts)


def _supersede(conn: Any, endpoint: str, topic: str, now: datetime) -> None:
    conn.execute(
        "UPDATE notices SET status = 'superseded', done_at = ? WHERE endpoint = ? AND topic = ?"
        " AND status = 'pending'",
        (iso(now), endpoint, topic),
    )


def _insert(
    conn: Any, endpoint: str, kind: str, topic: str, payload: dict[str, Any], now: datetime
) -> None:
    conn.execute(
        "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status, attempts, next_attempt)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
        (f"msg_{uuid.uuid4().hex}", endpoint, kind, topic, dumps(payload), iso(now), iso(now)),
    )


__all__ = [
    "KEEP_DONE",
    "MAX_MERGED_ITEMS",
    "MAX_MESSAGE_ITEMS",
    "DeliveryReport",
    "EndpointStatus",
    "OutboxStatus",
    "deliver_due",
    "discard",
    "enqueue",
    "item_payload",
    "make_session",
    "merge_payloads",
    "next_attempt",
    "outbox_status",
    "replay",
]
