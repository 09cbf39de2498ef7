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

Delivery runs one task per endpoint on a thread pool (``delivery.concurrency``
workers), so a slow endpoint holds one worker and never the others. Within an
endpoint notices go in creation order; after a retryable failure the rest of that
endpoint's notices wait behind it (they are "held", not attempted, attempts
unchanged) instead of each burning a timeout. Results are written to SQLite from
the calling thread as each endpoint finishes.
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter

from ..codec import dumps
from ..config import Config, DeliveryConfig
from ..errors import ConfigError, PushError
from ..faults import crash_point
from ..model import RunChanges
from ..state import StateStore, iso
from .activitypub import activitypub_targets, enqueue_activities
from .base import Notice, Target, endpoint_label
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
from .ping import PingTarget
from .status import (  # the operators' side
    EndpointStatus,
    OutboxStatus,
    discard,
    outbox_status,
    replay,
)
from .webhook import WebhookTarget
from .websub import WebSubTarget

log = logging.getLogger(__name__)

# Delivered and superseded notices are pruned after this long; dead ones are kept.
KEEP_DONE = timedelta(days=30)
# Jitter: each backoff delay is scaled by a uniform factor in this range, so that
# endpoints that failed together do not retry in lockstep.
JITTER = (0.8, 1.2)


class Random(Protocol):
    def uniform(self, a: float, b: float) -> float: ...


# --- pure: the retry schedule ----------------------------------------------------


def next_attempt(
    attempts: int, now: datetime, schedule: Sequence[float], retry_after: float | None, rng: Random
) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, or None to give up.

    ``schedule[i]`` is the delay before attempt ``i + 1`` (the Standard Webhooks
    default: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h), so a notice
    gets ``len(schedule)`` attempts. Delays are jittered by ``JITTER``; a
    Retry-After (seconds) is a floor, never shortened by jitter.
    """
    if attempts < 1 or attempts >= len(schedule):
        return None
    delay = schedule[attempts] * rng.uniform(*JITTER)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=max(delay, 0.0))


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
    conn = store.conn
    disabled = {r[0] for r in conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")}
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


def check_endpoints(config: Config) -> None:
    """Webhook and ping names key the outbox, so they must be unique."""
    for kind, names in (
        ("webhooks", [h.name for h in config.webhooks]),
        ("pings", [p.name for p in config.pings]),
    ):
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                raise ConfigError(
                    f"duplicate name {name!r}: each needs its own name (it keys the outbox)",
                    path=str(config.path),
                    key=f"{kind}[{i}].name",
                )
            seen.add(name)


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


# --- deliver ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryReport:
    """What one ``deliver_due`` pass did."""

    due: int = 0  # notices that were due
    delivered: int = 0
    retrying: int = 0  # failed, another attempt is scheduled
    dead: int = 0  # gave up: permanent failure, schedule exhausted, endpoint gone
    held: int = 0  # not attempted: queued behind a failure at the same endpoint
    disabled: tuple[str, ...] = ()  # endpoints disabled in this pass (410), as labels
    errors: tuple[str, ...] = ()  # one redacted line per failed attempt
    seconds: float = 0.0

    def __str__(self) -> str:
        text = (
            f"{self.due} due: {self.delivered} delivered, {self.retrying} retrying, {self.dead} dead,"
            f" {self.held} held in {self.seconds:.2f}s"
        )
        return text + (f"; disabled (410): {', '.join(self.disabled)}" if self.disabled else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Outcome:
    notice: Notice
    error: PushError | None = None
    held: bool = False


def make_session(delivery: DeliveryConfig) -> requests.Session:
    """A session whose pool keeps a connection per worker (requests' default is 10 per
    host, which with 32 workers would discard and reopen connections) and that never
    retries on its own: retries belong to the outbox."""
    session = requests.Session()
    adapter = HTTPAdapter(
        pool_connections=max(10, delivery.concurrency),
        pool_maxsize=max(10, delivery.concurrency),
        max_retries=0,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def build_targets(config: Config, session: requests.Session) -> dict[str, Target]:
    """Every configured endpoint key -> its target."""
    check_endpoints(config)
    targets: dict[str, Target] = {}
    for hub in config.hubs:
        targets[f"hub:{hub.url}"] = WebSubTarget(hub, session, config.delivery)
    for hook in config.webhooks:
        targets[f"webhook:{hook.name}"] = WebhookTarget(hook, session, config.delivery)
    for service in config.pings:
        targets[f"ping:{service.name}"] = PingTarget(service, session, config.delivery)
    return targets


def _utcnow() -> datetime:
    return datetime.now(UTC)


def deliver_due(
    store: StateStore,
    config: Config,
    *,
    now: Callable[[], datetime] | None = None,
    session: requests.Session | None = None,
    limit: int | None = None,
    rng: Random | None = None,
) -> DeliveryReport:
    """Send every pending notice that is due, and record the outcomes."""
    clock = now or _utcnow
    rng = rng or random.Random()
    started = time.monotonic()
    at = clock()
    schedule = config.delivery.retry_schedule
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM notices WHERE status IN ('delivered', 'superseded', 'discarded') AND done_at < ?",
            (iso(at - KEEP_DONE),),
        )
    # Due, and not queued behind an older pending notice of the same endpoint that is
    # waiting for its retry: a newer message must never overtake an older one (a receiver
    # would then end with the older version of an item; seen in the outage run, issue 8).
    q = (
        "SELECT id, msg_id, endpoint, kind, topic, payload, attempts FROM notices"
        " WHERE status = 'pending' AND next_attempt <= ? AND NOT EXISTS (SELECT 1 FROM notices AS older"
        " WHERE older.endpoint = notices.endpoint AND older.status = 'pending' AND older.id < notices.id"
        " AND older.next_attempt > ?) ORDER BY endpoint, id"
    )
    args: list[Any] = [iso(at), iso(at)]
    if limit is not None:
        q = q.replace("ORDER BY endpoint, id", "ORDER BY next_attempt, id LIMIT ?")
        args.append(limit)
    rows = store.conn.execute(q, args).fetchall()
    if not rows:
        return DeliveryReport(seconds=time.monotonic() - started)

    own_session = session is None
    http = session if session is not None else make_session(config.delivery)
    targets = build_targets(config, http)
    targets.update(activitypub_targets(store, config, http, {r[2] for r in rows}))
    disabled = {
        r[0] for r in store.conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")
    }
    groups: dict[str, list[Notice]] = {}
    orphans: list[tuple[int, str]] = []
    ids: dict[str, int] = {}
    for row_id, msg_id, endpoint, kind, topic, payload, attempts in rows:
        if endpoint not in targets or endpoint in disabled:
            why = (
                "endpoint is disabled (it answered 410)"
                if endpoint in disabled
                else "endpoint is no longer in the config"
            )
            orphans.append((row_id, why))
            continue
        ids[msg_id] = row_id
        groups.setdefault(endpoint, []).append(
            Notice(
                msg_id=msg_id,
                endpoint=endpoint,
                kind=kind,
                topic=topic,
                payload=payload,
                attempts=attempts,
            )
        )

    for notices in groups.values():  # creation order within an endpoint, whatever the query order
        notices.sort(key=lambda n: ids[n.msg_id])
    tally = _Tally(due=len(rows))
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE notices SET status = 'dead', done_at = ?, last_error = ? WHERE id = ?",
            [(iso(at), why, i) for i, why in orphans],
        )
        # In flight from here until the outcome is recorded: a process killed meanwhile may
        # have sent it, so a later run must not merge it away under a new webhook-id.
        conn.executemany(
            "UPDATE notices SET offered = 1 WHERE id = ?", [(i,) for i in ids.values()]
        )
    tally.dead += len(orphans)

    try:
        if groups:
            workers = min(config.delivery.concurrency, len(groups))
            with ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="syndicate-push"
            ) as pool:
                futures = {
                    pool.submit(_drain, targets[ep], notices): ep for ep, notices in groups.items()
                }
                waiting = set(futures)
                while waiting:
                    # Write whatever has finished in one transaction: a commit per endpoint
                    # made SQLite 75% of the time at 1,000 endpoints (bench/bench_push.py).
                    done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                    at = clock()
                    with store.transaction() as conn:
                        for fut in done:
                            _record(conn, futures[fut], fut.result(), ids, at, schedule, rng, tally)
    finally:
        if own_session:
            http.close()
    report = tally.report(time.monotonic() - started)
    log.info(
        "delivered due=%d delivered=%d retrying=%d dead=%d held=%d seconds=%.2f",
        report.due,
        report.delivered,
        report.retrying,
        report.dead,
        report.held,
        report.seconds,
    )
    return report


def _drain(target: Target, notices: list[Notice]) -> list[_Outcome]:
    """Send an endpoint's due notices in order (worker thread: no SQLite here)."""
    out: list[_Outcome] = []
    for i, notice in enumerate(notices):
        try:
            target.send(notice)
        except PushError as err:
            out.append(_Outcome(notice=notice, error=err))
            if not err.permanent or err.status == 410:
                out.extend(_Outcome(notice=n, held=True) for n in notices[i + 1 :])
                break
        except Exception as err:  # a bug in a target must not wedge the whole outbox
            log.exception("push target failed unexpectedly target=%s", target.label)
            out.append(
                _Outcome(
                    notice=notice,
                    error=PushError(f"internal error ({type(err).__name__})", target=target.label),
                )
            )
            out.extend(_Outcome(notice=n, held=True) for n in notices[i + 1 :])
            break
        else:
            crash_point("delivered-2xx")  # answered 2xx, not yet recorded: sent again, same id
            out.append(_Outcome(notice=notice))
    return out


class _Tally:
    def __init__(self, due: int):
        self.due = due
        self.delivered = self.retrying = self.dead = self.held = 0
        self.disabled: list[str] = []
        self.errors: list[str] = []

    def report(self, seconds: float) -> DeliveryReport:
        return DeliveryReport(
            due=self.due,
            delivered=self.delivered,
            retrying=self.retrying,
            dead=self.dead,
            held=self.held,
            disabled=tuple(self.disabled),
            errors=tuple(self.errors),
            seconds=seconds,
        )


def _record(
    conn: Any,
    endpoint: str,
    outcomes: list[_Outcome],
    ids: dict[str, int],
    at: datetime,
    schedule: Sequence[float],
    rng: Random,
    tally: _Tally,
) -> None:
    """Write one endpoint's outcomes (calling thread, inside a transaction). Only rows
    still pending change: a publish may have superseded one while it was in flight."""
    label = endpoint_label(endpoint)
    # Outcome known: a held notice, or one that surely never reached the endpoint, may be
    # merged into a later message again; one the endpoint may have seen (it answered, or
    # the answer was lost) keeps offered = 1, so it is resent as it is, same webhook-id.
    conn.executemany(
        "UPDATE notices SET offered = 0 WHERE id = ?",
        [(ids[o.notice.msg_id],) for o in outcomes if o.held or (o.error and not o.error.reached)],
    )
    hold_until: datetime | None = None
    last_error: PushError | None = None
    succeeded = False
    for o in outcomes:
        row_id = ids[o.notice.msg_id]
        if o.held:
            tally.held += 1
            if hold_until is not None:
                conn.execute(
                    "UPDATE notices SET next_attempt = CASE WHEN next_attempt > ? THEN next_attempt ELSE ? END WHERE id = ?"
                    " AND status = 'pending'",
                    (iso(hold_until), iso(hold_until), row_id),
                )
            continue
        attempts = o.notice.attempts + 1
        err = o.error
        if err is None:
            succeeded = True
            tally.delivered += 1
            conn.execute(
                "UPDATE notices SET status = 'delivered', attempts = ?, done_at = ?, last_error = NULL,"
                " last_status = NULL WHERE id = ? AND status = 'pending'",
                (attempts, iso(at), row_id),
            )
            log.debug("pushed target=%s msg=%s attempt=%d", label, o.notice.msg_id, attempts)
            continue
        last_error = err
        message = str(err)
        tally.errors.append(message)
        when = None if err.permanent else next_attempt(attempts, at, schedule, err.retry_after, rng)
        if when is None:
            tally.dead += 1
            conn.execute(
                "UPDATE notices SET status = 'dead', attempts = ?, done_at = ?, last_error = ?,"
                " last_status = ? WHERE id = ? AND status = 'pending'",
                (attempts, iso(at), message, err.status, row_id),
            )
            log.warning(
                "push gave up target=%s msg=%s attempts=%d error=%s",
                label,
                o.notice.msg_id,
                attempts,
                message,
            )
        else:
            tally.retrying += 1
            hold_until = when
            conn.execute(
                "UPDATE notices SET attempts = ?, next_attempt = ?, last_error = ?, last_status = ?"
                " WHERE id = ? AND status = 'pending'",
                (attempts, iso(when), message, err.status, row_id),
            )
            log.info(
                "push failed, will retry target=%s msg=%s attempt=%d retry_at=%s error=%s",
                label,
                o.notice.msg_id,
                attempts,
                iso(when),
                message,
            )
        if err.status == 410:
            tally.disabled.append(label)
            reason = f"answered HTTP 410 Gone at {iso(at)}"
            conn.execute(
                "INSERT INTO endpoints (endpoint, disabled, reason) VALUES (?, 1, ?) ON CONFLICT"
                " (endpoint) DO UPDATE SET disabled = 1, reason = excluded.reason",
                (endpoint, reason),
            )
            killed = conn.execute(
                "UPDATE notices SET status = 'dead', done_at = ?, last_error = ?"
                " WHERE endpoint = ? AND status = 'pending'",
                (iso(at), "endpoint disabled: " + reason, endpoint),
            ).rowcount
            tally.dead += killed
            log.warning(
                "push endpoint disabled target=%s reason=%s pending_killed=%d",
                label,
                reason,
                killed,
            )
            break
    conn.execute(
        "INSERT INTO endpoints (endpoint, last_attempt, last_success, last_error, last_status)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET last_attempt = excluded.last_attempt,"
        " last_success = COALESCE(excluded.last_success, last_success),"
        " last_error = CASE WHEN excluded.last_error IS NOT NULL THEN excluded.last_error"
        " WHEN excluded.last_success IS NOT NULL THEN NULL ELSE last_error END,"
        " last_status = excluded.last_status",
        (
            endpoint,
            iso(at),
            iso(at) if succeeded else None,
            str(last_error) if last_error else None,
            last_error.status if last_error else None,
        ),
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
