"""The inbox: signed activities in, follower changes and queued Accepts out.

Order, so that a bad request never changes state: the signature is checked (key
fetched under keyfetch.py's limits) before the body is even parsed; the activity's
``actor`` must be the key's owner; only then does a transaction record the change and
queue the reply through the outbox (push/activitypub.py), and only after it commits is
the request answered 202. Answers: 401 unsigned or badly signed (or stale), 400 not an
activity, 404 an actor we do not have, 503 with Retry-After when the state is busy.

Handled: ``Follow`` of one of our actors (stores the follower with its shared inbox,
queues an ``Accept``), ``Undo`` of a Follow, ``Delete`` of the signer itself (forgets it
everywhere). Anything else is accepted (202) and ignored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..config import Config
from ..errors import BusyError, SignatureError
from ..push.activitypub import queue_activity
from ..state import StateStore
from . import documents as doc
from .actors import Actors
from .keyfetch import KeyFetcher, KeyGone, SignerKey, check_address
from .keys import ensure_key
from .signatures import key_id_of, verify

log = logging.getLogger(__name__)

OpenStore = Callable[[], Any]  # -> a context manager yielding a StateStore


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    status: str
    body: str = ""
    retry_after: int | None = None
    changed: bool = False  # state changed: deliveries are waiting


def _ok(changed: bool = False) -> Answer:
    return Answer(status="202 Accepted", body="accepted\n", changed=changed)


def receive(
    config: Config,
    *,
    open_store: OpenStore,
    fetcher: KeyFetcher,
    name: str | None,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
) -> Answer:
    """Handle one POST to the shared inbox (``name`` None) or an actor's inbox."""
    actors = Actors.of(config)
    gone = False
    try:
        signer = _verified(config, fetcher, path, headers, body, now)
    except KeyGone as err:
        signer, gone = None, True
        key_id = err.key_id
    except SignatureError as err:
        log.info("inbox refused path=%s why=%s", path, err)
        return Answer(status="401 Unauthorized", body=f"{err.why}\n")
    try:
        activity = json.loads(body)
    except ValueError:
        return Answer(status="400 Bad Request", body="body is not JSON\n")
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return Answer(status="400 Bad Request", body="not an activity\n")
    owner = signer.owner if signer else key_id.split("#", 1)[0]
    if _id(activity.get("actor")) != owner:
        return Answer(status="401 Unauthorized", body="actor is not the signer\n")
    kind = activity["type"]
    if gone:
        # The key's own server says its actor is gone (410): only that actor's Delete of
        # itself is believed, and all it can do is forget that actor.
        if kind == "Delete" and _id(activity.get("object")) == owner:
            return _apply(open_store, lambda s: s.remove_follower(owner) > 0)
        return Answer(status="401 Unauthorized", body="signer's key is gone\n")
    assert signer is not None
    if kind == "Follow":
        return _follow(config, actors, open_store, name, activity, signer, now)
    if kind == "Undo":
        inner = activity.get("object")
        if isinstance(inner, dict) and inner.get("type") == "Follow":
            target = actors.name_of(_id(inner.get("object")))
            return _apply(open_store, lambda s: s.remove_follower(owner, target) > 0)
        return _ok()
    if kind == "Delete" and _id(activity.get("object")) == owner:
        return _apply(open_store, lambda s: s.remove_follower(owner) > 0)
    return _ok()


def _verified(
    config: Config,
    fetcher: KeyFetcher,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
) -> SignerKey:
    key_id = key_id_of(headers)
    skew = float(config.activitypub.max_clock_skew)
    key = fetcher.get(key_id)
    args: dict[str, Any] = dict(method="POST", path=path, body=body, now=now, max_skew=skew)
    try:
        verify(headers, public_pem=key.public_pem, **args)
    except SignatureError as err:
        if "does not match" not in err.why:
            raise
        key = fetcher.get(key_id, fresh=True)  # the signer may have a new key
        verify(headers, public_pem=key.public_pem, **args)
    return key


def _id(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _follow(
    config: Config,
    actors: Actors,
    open_store: OpenStore,
    name: str | None,
    activity: dict[str, Any],
    signer: SignerKey,
    now: datetime,
) -> Answer:
    target = actors.name_of(_id(activity.get("object")))
    if target is None or (name is not None and target != name):
        return Answer(status="404 Not Found", body="no such actor here\n")
    if not isinstance(activity.get("id"), str) or not signer.inbox:
        return Answer(status="400 Bad Request", body="Follow needs an id and an inbox\n")
    try:
        check_address(signer.inbox, config.activitypub.allow_private_addresses)
    except SignatureError as err:
        return Answer(status="400 Bad Request", body=f"{err.why}\n")
    reply = doc.accept(actors, target, activity)
    reply["@context"] = doc.CONTEXT

    def change(store: StateStore) -> bool:
        if not _known_actor(store, config, actors, target):
            return False
        ensure_key(store, now)  # the Accept must be signable even before a first publish
        store.add_follower(target, signer.owner, signer.inbox, activity["id"], now)
        queue_activity(store.conn, signer.inbox, target, reply, now)
        return True

    answer = _apply(open_store, change)
    if answer.status.startswith("2") and not answer.changed:
        return Answer(status="404 Not Found", body="no such actor here\n")
    log.info("follow actor=%s follower=%s", target, signer.owner)
    return answer


def _known_actor(store: StateStore, config: Config, actors: Actors, name: str) -> bool:
    return name == actors.site_name or name in store.sections()


def _apply(open_store: OpenStore, change: Callable[[StateStore], bool]) -> Answer:
    try:
        with open_store() as store, store.transaction():
            changed = change(store)
    except BusyError:
        return Answer(status="503 Service Unavailable", body="busy, try again\n", retry_after=30)
    return _ok(changed)


__all__ = ["Answer", "receive"]
