"""ActivityPub deliveries through the one outbox (issue 13).

Endpoint keys are ``activitypub:<inbox URL>``, one per follower server (its shared
inbox when it has one), so an activity reaches each server once however many of its
users follow. Each notice's payload is ``{"actor": <our actor's name>, "activity": {...}}``;
the activity id is stable across retries, so a receiver that got a resend drops it.

What gets queued:

* ``Accept`` of a Follow, by the inbox (syndicate/activitypub/inbox.py);
* per announced item (the same announcement rows webhooks read, in the publish
  transaction): ``Create`` (new), ``Update`` (edited), ``Delete`` (withdrawn) from the
  item's section actor to that actor's followers, and from the site actor to its own.

Followers only get what is announced after they follow: no flood of old items.
Signing happens at send time (a fresh ``Date``), with the site's key from the state.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import requests

from ..codec import dumps
from ..config import Config, DeliveryConfig
from ..state import LedgerRecord, StateStore, iso
from .base import Notice, Target, check_response, post

KIND = "activitypub"
PREFIX = "activitypub:"
ACTIVITY_TYPES = {"new": "Create", "updated": "Update", "withdrawn": "Delete"}


def endpoint_for(inbox: str) -> str:
    return PREFIX + inbox


def queue_activity(
    conn: Any, inbox: str, name: str, activity: dict[str, Any], now: datetime
) -> bool:
    """One pending notice carrying ``activity`` to ``inbox``; False (nothing queued) when
    that endpoint is disabled (it answered 410) or already has this activity pending."""
    endpoint = endpoint_for(inbox)
    if conn.execute(
        "SELECT 1 FROM endpoints WHERE endpoint = ? AND disabled = 1", (endpoint,)
    ).fetchone():
        return False
    if conn.execute(
        "SELECT 1 FROM notices WHERE endpoint = ? AND topic = ? AND status = 'pending'",
        (endpoint, activity["id"]),
    ).fetchone():
        return False
    conn.execute(
        "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status, attempts,"
        " next_attempt) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
        (
            f"msg_{uuid.uuid4().hex}",
            endpoint,
            KIND,
            activity["id"],
            dumps({"actor": name, "activity": activity}),
            iso(now),
            iso(now),
        ),
    )
    return True


def enqueue_activities(
    store: StateStore,
    config: Config,
    announced: Sequence[tuple[str, dict[str, Any]]],
    now: datetime,
) -> int:
    """Queue the activities of a run's announcements (inside the publish transaction)."""
    from ..activitypub import documents as doc
    from ..activitypub.actors import Actors
    from ..activitypub.files import entry_of

    if not config.activitypub.enabled or not announced:
        return 0
    actors = Actors.of(config)
    object_type = config.activitypub.object_type
    if not any(store.count_followers(n) for n in {actors.site_name, *store.sections()}):
        return 0  # nobody follows: nothing to look up
    latest: dict[str, str] = {}
    for kind, item in announced:  # the last announcement of an item wins
        latest.pop(str(item.get("id")), None)
        latest[str(item.get("id"))] = kind
    rows = _rows_by_guid(store, latest)
    inboxes: dict[str, list[str]] = {}
    created = 0
    for guid, kind in latest.items():
        got = rows.get(guid)
        if got is None:
            continue
        entry = entry_of(config, *got)
        for name in (entry.section_slug, actors.site_name):
            obj = doc.article_object(actors, entry, name, object_type=object_type)
            activity = doc.activity(
                actors,
                name,
                ACTIVITY_TYPES.get(kind, "Update"),
                obj,
                version=entry.content_hash if kind == "updated" else "",
            )
            activity["@context"] = doc.CONTEXT
            if name not in inboxes:
                inboxes[name] = store.follower_inboxes(name)
            for inbox in inboxes[name]:
                created += queue_activity(store.conn, inbox, name, activity, now)
    return created


def _rows_by_guid(
    store: StateStore, guids: Iterable[str]
) -> dict[str, tuple[LedgerRecord, dict[str, Any]]]:
    keys = []
    for guid in guids:
        row = store.conn.execute("SELECT key FROM articles WHERE guid = ?", (guid,)).fetchone()
        if row is not None:
            keys.append(row[0])
    return {record.guid: (record, data) for record, data in store.rows_by_keys(keys)}


class ActivityPubTarget:
    """POSTs a signed activity to one follower server's inbox."""

    def __init__(
        self,
        inbox: str,
        session: requests.Session,
        delivery: DeliveryConfig,
        config: Config,
        private_pem: str,
    ):
        self.inbox = inbox
        self.session = session
        self.timeout = (delivery.connect_timeout, delivery.read_timeout)
        self.config = config
        self.private_pem = private_pem
        from .base import redact_url

        self.label = f"activitypub:{redact_url(inbox)}"

    def send(self, notice: Notice) -> None:
        from ..activitypub.actors import Actors
        from ..activitypub.signatures import sign

        data = notice.data()
        body = json.dumps(data["activity"], ensure_ascii=False, separators=(",", ":")).encode()
        key_id = Actors.of(self.config).key_id(str(data["actor"]))
        headers = sign(self.private_pem, key_id, "POST", self.inbox, body, datetime.now(UTC))
        headers["Content-Type"] = (
            'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
        )
        headers["Accept"] = "application/activity+json"
        resp = post(
            self.session,
            self.inbox,
            label=self.label,
            timeout=self.timeout,
            data=body,
            headers=headers,
        )
        check_response(resp, label=self.label)


def activitypub_targets(
    store: StateStore, config: Config, session: requests.Session, endpoints: Iterable[str]
) -> dict[str, Target]:
    """A target per ``activitypub:`` endpoint among ``endpoints`` (those with due notices)."""
    wanted = [e for e in endpoints if e.startswith(PREFIX)]
    key = store.ap_key() if wanted and config.activitypub.enabled else None
    if key is None:
        return {}
    return {
        e: ActivityPubTarget(e[len(PREFIX) :], session, config.delivery, config, key[0])
        for e in wanted
    }


__all__ = [
    "KIND",
    "ActivityPubTarget",
    "activitypub_targets",
    "endpoint_for",
    "enqueue_activities",
    "queue_activity",
]
