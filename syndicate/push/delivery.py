"""Delivery of the outbox: claim due notices, send them, record each outcome.

Delivery claims endpoints with a lease (push/lease.py), so any number of processes can
run it at once; within a process one task per claimed endpoint runs on a thread pool
(``delivery.concurrency`` slots), so a slow endpoint holds one slot and never the others,
and more endpoints are claimed as slots free up. Within an endpoint notices go in
creation order; after a retryable failure the rest of that endpoint's notices wait
behind it (they are "held", not attempted, attempts unchanged) instead of each burning
a timeout. Results are written to the state from the calling thread as endpoints finish,
and only for rows still leased to this worker.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter

from ..config import Config, DeliveryConfig
from ..errors import ConfigError, PushError
from ..faults import crash_point
from ..state import StateStore, iso
from .activitypub import activitypub_targets
from .base import Notice, Target, endpoint_label
from .lease import claim_due, release, worker_name
from .ping import PingTarget
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
    worker: str | None = None,
) -> DeliveryReport:
    """Send every pending notice that is due, and record the outcomes.

    Safe to run in any number of processes at once (push/lease.py): each claims endpoints
    under a lease as its threads free up, so an endpoint is drained by one of them at a
    time, in order. ``limit``: at most this many notices in this pass."""
    clock = now or _utcnow
    rng = rng or random.Random()
    worker = worker or worker_name()
    started = time.monotonic()
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM notices WHERE status IN ('delivered', 'superseded', 'discarded') AND done_at < ?",
            (iso(clock() - KEEP_DONE),),
        )
    own_session = session is None
    http = session if session is not None else make_session(config.delivery)
    pass_ = _Pass(store, config, clock, rng, worker, build_targets(config, http), http)
    try:
        with ThreadPoolExecutor(
            max_workers=config.delivery.concurrency, thread_name_prefix="syndicate-push"
        ) as pool:
            pass_.run(pool, limit)
    finally:
        if own_session:
            http.close()
    report = pass_.tally.report(time.monotonic() - started)
    if report.due:
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


class _Pass:
    """One deliver_due pass: claim endpoints as threads free up, record as they finish.
    Each endpoint is claimed at most once per pass (a retry waits for the next pass)."""

    def __init__(
        self,
        store: StateStore,
        config: Config,
        clock: Callable[[], datetime],
        rng: Random,
        worker: str,
        targets: dict[str, Target],
        http: requests.Session,
    ):
        self.store, self.config, self.clock, self.rng = store, config, clock, rng
        self.worker, self.targets, self.http = worker, targets, http
        self.tally = _Tally(due=0)
        self.seen: set[str] = set()
        self.ids: dict[str, int] = {}
        self.disabled = store.disabled_endpoints()

    def run(self, pool: ThreadPoolExecutor, limit: int | None) -> None:
        slots = self.config.delivery.concurrency
        running: dict[Future[list[_Outcome]], str] = {}
        exhausted = False
        while True:
            if not exhausted and len(running) < slots and (limit is None or limit > 0):
                groups = self._claim(slots - len(running), limit)
                exhausted = not groups
                for endpoint, notices in groups.items():
                    running[pool.submit(_drain, self.targets[endpoint], notices)] = endpoint
                if limit is not None:
                    limit -= sum(len(n) for n in groups.values())
            if not running:
                return
            # Write whatever has finished in one transaction: a commit per endpoint
            # made SQLite 75% of the time at 1,000 endpoints (bench/bench_push.py).
            done, _ = wait(set(running), return_when=FIRST_COMPLETED)
            at = self.clock()
            with self.store.transaction() as conn:
                for fut in done:
                    endpoint = running.pop(fut)
                    outcomes = fut.result()
                    _record(
                        conn,
                        endpoint,
                        outcomes,
                        self.ids,
                        at,
                        self.config.delivery.retry_schedule,
                        self.rng,
                        self.tally,
                        self.worker,
                    )
                    release(conn, self.worker, [self.ids[o.notice.msg_id] for o in outcomes])

    def _claim(self, endpoints: int, limit: int | None) -> dict[str, list[Notice]]:
        at = self.clock()
        claimed = claim_due(
            self.store,
            worker=self.worker,
            at=at,
            lease=self.config.delivery.lease,
            endpoints=endpoints,
            skip=self.seen,
            limit=limit,
        )
        self.tally.due += len(claimed)
        # ActivityPub endpoints (a follower server's inbox) are not in the config: a target
        # for each one claimed (push/activitypub.py)
        unknown = {c.endpoint for c in claimed} - self.targets.keys()
        if unknown:
            self.targets.update(activitypub_targets(self.store, self.config, self.http, unknown))
        groups: dict[str, list[Notice]] = {}
        orphans: list[tuple[int, str]] = []
        for c in claimed:  # creation order within an endpoint
            self.seen.add(c.endpoint)
            if c.endpoint not in self.targets or c.endpoint in self.disabled:
                why = (
                    "endpoint is disabled (it answered 410)"
                    if c.endpoint in self.disabled
                    else "endpoint is no longer in the config"
                )
                orphans.append((c.id, why))
                continue
            self.ids[c.msg_id] = c.id
            groups.setdefault(c.endpoint, []).append(
                Notice(
                    msg_id=c.msg_id,
                    endpoint=c.endpoint,
                    kind=c.kind,
                    topic=c.topic,
                    payload=c.payload,
                    attempts=c.attempts,
                )
            )
        if orphans:
            with self.store.transaction() as conn:
                conn.executemany(
                    "UPDATE notices SET status = 'dead', done_at = ?, last_error = ?,"
                    " claimed_by = NULL, lease_until = NULL WHERE id = ?",
                    [(iso(at), why, i) for i, why in orphans],
                )
            self.tally.dead += len(orphans)
        return groups


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
    worker: str,
) -> None:
    """Write one endpoint's outcomes (calling thread, inside a transaction). Only rows
    still pending change (a publish may have superseded one while it was in flight), and
    still claimed by this worker (when the lease ran out, another one owns them now)."""
    label = endpoint_label(endpoint)
    # Outcome known: a held notice, or one that surely never reached the endpoint, may be
    # merged into a later message again; one the endpoint may have seen (it answered, or
    # the answer was lost) keeps offered = 1, so it is resent as it is, same webhook-id.
    conn.executemany(
        "UPDATE notices SET offered = 0 WHERE id = ? AND claimed_by = ?",
        [
            (ids[o.notice.msg_id], worker)
            for o in outcomes
            if o.held or (o.error and not o.error.reached)
        ],
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
                    " AND status = 'pending' AND claimed_by = ?",
                    (iso(hold_until), iso(hold_until), row_id, worker),
                )
            continue
        attempts = o.notice.attempts + 1
        err = o.error
        if err is None:
            succeeded = True
            tally.delivered += 1
            conn.execute(
                "UPDATE notices SET status = 'delivered', attempts = ?, done_at = ?, last_error = NULL,"
                " last_status = NULL WHERE id = ? AND status = 'pending' AND claimed_by = ?",
                (attempts, iso(at), row_id, worker),
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
                " last_status = ? WHERE id = ? AND status = 'pending' AND claimed_by = ?",
                (attempts, iso(at), message, err.status, row_id, worker),
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
                " WHERE id = ? AND status = 'pending' AND claimed_by = ?",
                (attempts, iso(when), message, err.status, row_id, worker),
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
        " last_success = COALESCE(excluded.last_success, endpoints.last_success),"
        " last_error = CASE WHEN excluded.last_error IS NOT NULL THEN excluded.last_error"
        " WHEN excluded.last_success IS NOT NULL THEN NULL ELSE endpoints.last_error END,"
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
    "JITTER",
    "KEEP_DONE",
    "DeliveryReport",
    "Random",
    "build_targets",
    "check_endpoints",
    "deliver_due",
    "make_session",
    "next_attempt",
]
