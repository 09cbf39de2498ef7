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
  ``MAX_MERGED_ITEMS`` items; beyond that runs travel as separate messages.

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
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
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
from ..model import FeedChange, FeedFormat, ItemNotice, RunChanges
from ..state import StateStore, from_iso, iso
from .base import Notice, Target, endpoint_label
from .ping import PingTarget
from .webhook import WebhookTarget
from .websub import WebSubTarget

log = logging.getLogger(__name__)

# A webhook message stays small (issue 8): a run announcing more items than this sends
# several messages, in order, each with its own webhook-id; and pending messages are
# merged with a new run only while the result stays within this many items. 100 items
# with 500-character summaries are ~80 KB of JSON.
MAX_MESSAGE_ITEMS = 100
MAX_MERGED_ITEMS = MAX_MESSAGE_ITEMS
# Summaries in webhook payloads are cut to this many characters.
MAX_SUMMARY = 500
# Delivered and superseded notices are pruned after this long; dead ones are kept.
KEEP_DONE = timedelta(days=30)
# A pending notice overdue by more than this means nobody is draining the outbox.
STUCK_AFTER = timedelta(minutes=15)
# Jitter: each backoff delay is scaled by a uniform factor in this range, so that
# endpoints that failed together do not retry in lockstep.
JITTER = (0.8, 1.2)


class Random(Protocol):
    def uniform(self, a: float, b: float) -> float: ...


# --- pure: the retry schedule ----------------------------------------------------

def next_attempt(attempts: int, now: datetime, schedule: Sequence[float], retry_after: float | None,
                 rng: Random) -> datetime | None:
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
    announced = store.take_announcements() if config.webhooks else []
    if not changes.feeds and not announced:
        return 0
    check_endpoints(config)
    conn = store.conn
    disabled = {r[0] for r in conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")}
    feeds = _unique_feeds(changes.feeds)
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
    return created


def _enqueue_webhook(conn: Any, endpoint: str, parts: list[dict[str, Any]], now: datetime) -> int:
    """Queue a run's messages for one endpoint, the first merged into the endpoint's
    pending run messages when the result stays within ``MAX_MERGED_ITEMS``."""
    pending = conn.execute(
        "SELECT id, payload FROM notices WHERE endpoint = ? AND topic = 'run' AND status = 'pending'"
        " AND offered = 0 ORDER BY id", (endpoint,)).fetchall()
    first = parts[0]
    if pending:
        merged = merge_payloads([json.loads(p) for _, p in pending] + [first])
        if _item_count(merged) <= MAX_MERGED_ITEMS:
            first = merged
            conn.executemany("UPDATE notices SET status = 'superseded', done_at = ? WHERE id = ?",
                             [(iso(now), i) for i, _ in pending])
    for payload in (first, *parts[1:]):
        _insert(conn, endpoint, "webhook", "run", payload, now)
    return len(parts)


def check_endpoints(config: Config) -> None:
    """Webhook and ping names key the outbox, so they must be unique."""
    for kind, names in (("webhooks", [h.name for h in config.webhooks]), ("pings", [p.name for p in config.pings])):
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                raise ConfigError(f"duplicate name {name!r}: each needs its own name (it keys the outbox)",
                                  path=str(config.path), key=f"{kind}[{i}].name")
            seen.add(name)


def _unique_feeds(feeds: Iterable[FeedChange]) -> list[FeedChange]:
    out: dict[str, FeedChange] = {}
    for feed in feeds:
        out.setdefault(feed.url, feed)
    return list(out.values())


def _supersede(conn: Any, endpoint: str, topic: str, now: datetime) -> None:
    conn.execute("UPDATE notices SET status = 'superseded', done_at = ? WHERE endpoint = ? AND topic = ?"
                 " AND status = 'pending'", (iso(now), endpoint, topic))


def _insert(conn: Any, endpoint: str, kind: str, topic: str, payload: dict[str, Any], now: datetime) -> None:
    conn.execute(
        "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status, attempts, next_attempt)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
        (f"msg_{uuid.uuid4().hex}", endpoint, kind, topic, dumps(payload), iso(now), iso(now)))


def _rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def item_payload(item: ItemNotice) -> dict[str, Any]:
    """An item as a webhook message carries it (what ``announcements`` rows store)."""
    return _item(item)


def _item(item: ItemNotice) -> dict[str, Any]:
    summary = item.summary if len(item.summary) <= MAX_SUMMARY else item.summary[:MAX_SUMMARY - 1] + "…"
    out = {"id": item.id, "title": item.title, "link": item.link, "section": item.section,
           "published": _rfc3339(item.published), "updated": _rfc3339(item.updated)}
    if summary:
        out["summary"] = summary
    return out


def _feed(feed: FeedChange) -> dict[str, Any]:
    return {"key": feed.feed_key, "title": feed.title, "format": feed.format.value, "url": feed.url}


def webhook_payload(config: Config, changes: RunChanges, now: datetime) -> dict[str, Any]:
    """The JSON body of one run's webhook (Standard Webhooks' type/timestamp/data shape)."""
    return webhook_messages(config, changes, [], now)[0]


def webhook_messages(config: Config, changes: RunChanges, announced: Sequence[tuple[str, dict[str, Any]]],
                     now: datetime) -> list[dict[str, Any]]:
    """One run's webhook bodies, in order: every announced item once, at most
    ``MAX_MESSAGE_ITEMS`` items per message; the changed feeds ride in the first."""
    items: dict[str, tuple[str, dict[str, Any]]] = {}
    for kind, it in [*(("new", _item(i)) for i in changes.new), *(("updated", _item(i)) for i in changes.updated),
                     *announced]:
        _fold(items, kind, it)
    ordered = list(items.values())
    chunks = [ordered[i:i + MAX_MESSAGE_ITEMS] for i in range(0, len(ordered), MAX_MESSAGE_ITEMS)] or [[]]
    feeds = [_feed(f) for f in _unique_feeds(changes.feeds)]
    out = []
    for n, chunk in enumerate(chunks, 1):
        data: dict[str, Any] = {
            "site": {"title": config.site.title, "url": config.site.base_url},
            "since": _rfc3339(now),
            "runs": 1,
            "feeds": feeds if n == 1 else [],
            **_by_kind(chunk),
        }
        if len(chunks) > 1:
            data["part"] = n
            data["parts"] = len(chunks)
        out.append({"type": "feeds.updated", "timestamp": _rfc3339(now), "data": data})
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
            feeds[f["url"]] = f           # first position, newest content
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


def _item_count(payload: dict[str, Any]) -> int:
    d = payload["data"]
    return len(d["new"]) + len(d["updated"]) + len(d.get("withdrawn", ()))


def ping_payload(config: Config, feeds: Sequence[FeedChange]) -> dict[str, Any]:
    """name, url, changes_url, feed_url for weblogUpdates.extendedPing.

    The feed is the combined one when it changed (RSS first: what ping services
    read best), else the first changed feed.
    """
    order = {FeedFormat.RSS: 0, FeedFormat.ATOM: 1, FeedFormat.JSON: 2}
    best = min(feeds, key=lambda f: (f.feed_key != "", order.get(f.format, 9)))
    return {"name": config.site.title, "url": config.site.base_url, "changes_url": config.site.base_url,
            "feed_url": best.url}


# --- deliver ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryReport:
    """What one ``deliver_due`` pass did."""

    due: int = 0            # notices that were due
    delivered: int = 0
    retrying: int = 0       # failed, another attempt is scheduled
    dead: int = 0           # gave up: permanent failure, schedule exhausted, endpoint gone
    held: int = 0           # not attempted: queued behind a failure at the same endpoint
    disabled: tuple[str, ...] = ()   # endpoints disabled in this pass (410), as labels
    errors: tuple[str, ...] = ()     # one redacted line per failed attempt
    seconds: float = 0.0

    def __str__(self) -> str:
        text = (f"{self.due} due: {self.delivered} delivered, {self.retrying} retrying, {self.dead} dead,"
                f" {self.held} held in {self.seconds:.2f}s")
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
    adapter = HTTPAdapter(pool_connections=max(10, delivery.concurrency),
                          pool_maxsize=max(10, delivery.concurrency), max_retries=0)
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


def deliver_due(store: StateStore, config: Config, *, now: Callable[[], datetime] | None = None,
                session: requests.Session | None = None, limit: int | None = None,
                rng: Random | None = None) -> DeliveryReport:
    """Send every pending notice that is due, and record the outcomes."""
    clock = now or _utcnow
    rng = rng or random.Random()
    started = time.monotonic()
    at = clock()
    schedule = config.delivery.retry_schedule
    with store.transaction() as conn:
        conn.execute("DELETE FROM notices WHERE status IN ('delivered', 'superseded', 'discarded') AND done_at < ?",
                     (iso(at - KEEP_DONE),))
    q = ("SELECT id, msg_id, endpoint, kind, topic, payload, attempts FROM notices"
         " WHERE status = 'pending' AND next_attempt <= ? ORDER BY endpoint, id")
    args: list[Any] = [iso(at)]
    if limit is not None:
        q = q.replace("ORDER BY endpoint, id", "ORDER BY next_attempt, id LIMIT ?")
        args.append(limit)
    rows = store.conn.execute(q, args).fetchall()
    if not rows:
        return DeliveryReport(seconds=time.monotonic() - started)

    own_session = session is None
    http = session if session is not None else make_session(config.delivery)
    targets = build_targets(config, http)
    disabled = {r[0] for r in store.conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")}
    groups: dict[str, list[Notice]] = {}
    orphans: list[tuple[int, str]] = []
    ids: dict[str, int] = {}
    for row_id, msg_id, endpoint, kind, topic, payload, attempts in rows:
        if endpoint not in targets or endpoint in disabled:
            why = ("endpoint is disabled (it answered 410)" if endpoint in disabled
                   else "endpoint is no longer in the config")
            orphans.append((row_id, why))
            continue
        ids[msg_id] = row_id
        groups.setdefault(endpoint, []).append(
            Notice(msg_id=msg_id, endpoint=endpoint, kind=kind, topic=topic, payload=payload, attempts=attempts))

    for notices in groups.values():   # creation order within an endpoint, whatever the query order
        notices.sort(key=lambda n: ids[n.msg_id])
    tally = _Tally(due=len(rows))
    with store.transaction() as conn:
        conn.executemany("UPDATE notices SET status = 'dead', done_at = ?, last_error = ? WHERE id = ?",
                         [(iso(at), why, i) for i, why in orphans])
        # In flight from here until the outcome is recorded: a process killed meanwhile may
        # have sent it, so a later run must not merge it away under a new webhook-id.
        conn.executemany("UPDATE notices SET offered = 1 WHERE id = ?", [(i,) for i in ids.values()])
    tally.dead += len(orphans)

    try:
        if groups:
            workers = min(config.delivery.concurrency, len(groups))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="syndicate-push") as pool:
                futures = {pool.submit(_drain, targets[ep], notices): ep for ep, notices in groups.items()}
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
    log.info("delivered due=%d delivered=%d retrying=%d dead=%d held=%d seconds=%.2f", report.due,
             report.delivered, report.retrying, report.dead, report.held, report.seconds)
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
                out.extend(_Outcome(notice=n, held=True) for n in notices[i + 1:])
                break
        except Exception as err:   # a bug in a target must not wedge the whole outbox
            log.exception("push target failed unexpectedly target=%s", target.label)
            out.append(_Outcome(notice=notice, error=PushError(f"internal error ({type(err).__name__})",
                                                               target=target.label)))
            out.extend(_Outcome(notice=n, held=True) for n in notices[i + 1:])
            break
        else:
            crash_point("delivered-2xx")      # answered 2xx, not yet recorded: sent again, same id
            out.append(_Outcome(notice=notice))
    return out


class _Tally:
    def __init__(self, due: int):
        self.due = due
        self.delivered = self.retrying = self.dead = self.held = 0
        self.disabled: list[str] = []
        self.errors: list[str] = []

    def report(self, seconds: float) -> DeliveryReport:
        return DeliveryReport(due=self.due, delivered=self.delivered, retrying=self.retrying, dead=self.dead,
                              held=self.held, disabled=tuple(self.disabled), errors=tuple(self.errors),
                              seconds=seconds)


def _record(conn: sqlite3.Connection, endpoint: str, outcomes: list[_Outcome], ids: dict[str, int],
            at: datetime, schedule: Sequence[float], rng: Random, tally: _Tally) -> None:
    """Write one endpoint's outcomes (calling thread, inside a transaction). Only rows
    still pending change: a publish may have superseded one while it was in flight."""
    label = endpoint_label(endpoint)
    # Outcome known: a held notice, or one that surely never reached the endpoint, may be
    # merged into a later message again; one the endpoint may have seen (it answered, or
    # the answer was lost) keeps offered = 1, so it is resent as it is, same webhook-id.
    conn.executemany("UPDATE notices SET offered = 0 WHERE id = ?",
                     [(ids[o.notice.msg_id],) for o in outcomes if o.held or (o.error and not o.error.reached)])
    hold_until: datetime | None = None
    last_error: PushError | None = None
    succeeded = False
    for o in outcomes:
        row_id = ids[o.notice.msg_id]
        if o.held:
            tally.held += 1
            if hold_until is not None:
                conn.execute("UPDATE notices SET next_attempt = MAX(next_attempt, ?) WHERE id = ?"
                             " AND status = 'pending'", (iso(hold_until), row_id))
            continue
        attempts = o.notice.attempts + 1
        err = o.error
        if err is None:
            succeeded = True
            tally.delivered += 1
            conn.execute("UPDATE notices SET status = 'delivered', attempts = ?, done_at = ?, last_error = NULL,"
                         " last_status = NULL WHERE id = ? AND status = 'pending'", (attempts, iso(at), row_id))
            log.debug("pushed target=%s msg=%s attempt=%d", label, o.notice.msg_id, attempts)
            continue
        last_error = err
        message = str(err)
        tally.errors.append(message)
        when = None if err.permanent else next_attempt(attempts, at, schedule, err.retry_after, rng)
        if when is None:
            tally.dead += 1
            conn.execute("UPDATE notices SET status = 'dead', attempts = ?, done_at = ?, last_error = ?,"
                         " last_status = ? WHERE id = ? AND status = 'pending'",
                         (attempts, iso(at), message, err.status, row_id))
            log.warning("push gave up target=%s msg=%s attempts=%d error=%s", label, o.notice.msg_id,
                        attempts, message)
        else:
            tally.retrying += 1
            hold_until = when
            conn.execute("UPDATE notices SET attempts = ?, next_attempt = ?, last_error = ?, last_status = ?"
                         " WHERE id = ? AND status = 'pending'",
                         (attempts, iso(when), message, err.status, row_id))
            log.info("push failed, will retry target=%s msg=%s attempt=%d retry_at=%s error=%s", label,
                     o.notice.msg_id, attempts, iso(when), message)
        if err.status == 410:
            tally.disabled.append(label)
            reason = f"answered HTTP 410 Gone at {iso(at)}"
            conn.execute("INSERT INTO endpoints (endpoint, disabled, reason) VALUES (?, 1, ?) ON CONFLICT"
                         " (endpoint) DO UPDATE SET disabled = 1, reason = excluded.reason", (endpoint, reason))
            killed = conn.execute("UPDATE notices SET status = 'dead', done_at = ?, last_error = ?"
                                  " WHERE endpoint = ? AND status = 'pending'",
                                  (iso(at), "endpoint disabled: " + reason, endpoint)).rowcount
            tally.dead += killed
            log.warning("push endpoint disabled target=%s reason=%s pending_killed=%d", label, reason, killed)
            break
    conn.execute(
        "INSERT INTO endpoints (endpoint, last_attempt, last_success, last_error, last_status)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET last_attempt = excluded.last_attempt,"
        " last_success = COALESCE(excluded.last_success, last_success),"
        " last_error = CASE WHEN excluded.last_error IS NOT NULL THEN excluded.last_error"
        " WHEN excluded.last_success IS NOT NULL THEN NULL ELSE last_error END,"
        " last_status = excluded.last_status",
        (endpoint, iso(at), iso(at) if succeeded else None,
         str(last_error) if last_error else None, last_error.status if last_error else None))


# --- status and replay ----------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointStatus:
    """The outbox as seen from one endpoint (labels are redacted)."""

    endpoint: str                  # label: 'hub:https://hub.example.com/…', 'webhook:<name>', 'ping:<name>'
    kind: str                      # 'hub' | 'webhook' | 'ping'
    configured: bool
    disabled: bool = False
    reason: str | None = None      # why it is disabled
    pending: int = 0
    delivered: int = 0             # in the last KEEP_DONE
    dead: int = 0
    stuck: int = 0                 # pending and overdue by more than STUCK_AFTER
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None  # of the last failed attempt, cleared by a success
    next_attempt: datetime | None = None

    @property
    def healthy(self) -> bool:
        return not (self.disabled or self.dead or self.stuck)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxStatus:
    endpoints: tuple[EndpointStatus, ...]
    now: datetime

    @property
    def pending(self) -> int:
        return sum(e.pending for e in self.endpoints)

    @property
    def dead(self) -> int:
        return sum(e.dead for e in self.endpoints)

    @property
    def stuck(self) -> int:
        return sum(e.stuck for e in self.endpoints)

    @property
    def healthy(self) -> bool:
        """False when anything is dead, stuck or disabled: `syndicate status` exits 5."""
        return all(e.healthy for e in self.endpoints)

    def lines(self) -> list[str]:
        """A plain-text table, one endpoint a line (labels redacted)."""
        if not self.endpoints:
            return ["outbox: no endpoints configured and nothing queued"]
        def when(dt: datetime | None) -> str:
            return _rfc3339(dt) if dt else "-"
        health = "ok" if self.healthy else "needs attention"
        out = [f"outbox: {self.pending} pending, {self.dead} dead, {self.stuck} stuck ({health})"]
        width = max(len(e.endpoint) for e in self.endpoints)
        out.append(f"  {'ENDPOINT':<{width}}  PENDING  DELIVERED  DEAD  NEXT ATTEMPT          LAST SUCCESS"
                   "          LAST ERROR")
        for e in self.endpoints:
            notes = []
            if e.disabled:
                notes.append(f"DISABLED ({e.reason}; re-enable: syndicate replay {e.endpoint} --enable)")
            if not e.configured:
                notes.append("not in the config")
            if e.stuck:
                notes.append(f"{e.stuck} STUCK (overdue: is `syndicate deliver` or the daemon running?)")
            error = (e.last_error or "-").removeprefix(f"push failed: {e.endpoint}: ")
            out.append(f"  {e.endpoint:<{width}}  {e.pending:>7}  {e.delivered:>9}  {e.dead:>4}  "
                       f"{when(e.next_attempt):<20}  {when(e.last_success):<20}  {error}"
                       + (f"  [{'; '.join(notes)}]" if notes else ""))
        return out


def _configured(config: Config) -> list[str]:
    return ([f"hub:{h.url}" for h in config.hubs] + [f"webhook:{w.name}" for w in config.webhooks]
            + [f"ping:{p.name}" for p in config.pings])


def _dt(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def outbox_status(store: StateStore, config: Config, now: datetime) -> OutboxStatus:
    """Counts, last error and next attempt per endpoint. Only reads: works on a
    read-only store."""
    counts: dict[str, dict[str, int]] = {}
    nexts: dict[str, str] = {}
    stuck: dict[str, int] = {}
    for endpoint, status, n in store.conn.execute(
            "SELECT endpoint, status, COUNT(*) FROM notices GROUP BY endpoint, status"):
        counts.setdefault(endpoint, {})[status] = n
    for endpoint, first, late in store.conn.execute(
            "SELECT endpoint, MIN(next_attempt), SUM(next_attempt < ?) FROM notices WHERE status = 'pending'"
            " GROUP BY endpoint", (iso(now - STUCK_AFTER),)):
        nexts[endpoint] = first
        stuck[endpoint] = int(late or 0)
    health = {r[0]: r[1:] for r in store.conn.execute(
        "SELECT endpoint, disabled, reason, last_attempt, last_success, last_error FROM endpoints")}
    configured = _configured(config)
    keys = list(dict.fromkeys([*configured, *sorted(set(counts) | set(health))]))
    out = []
    for key in keys:
        c = counts.get(key, {})
        disabled, reason, last_attempt, last_success, last_error = health.get(key, (0, None, None, None, None))
        out.append(EndpointStatus(
            endpoint=endpoint_label(key), kind=key.partition(":")[0], configured=key in configured,
            disabled=bool(disabled), reason=reason, pending=c.get("pending", 0), delivered=c.get("delivered", 0),
            dead=c.get("dead", 0), stuck=stuck.get(key, 0), last_attempt=_dt(last_attempt),
            last_success=_dt(last_success), last_error=last_error, next_attempt=_dt(nexts.get(key))))
    return OutboxStatus(endpoints=tuple(out), now=now)


def _match(store: StateStore, endpoint: str) -> list[str]:
    """Endpoint keys a user's argument names: the key, its label, or a webhook/ping name."""
    known = {r[0] for r in store.conn.execute("SELECT DISTINCT endpoint FROM notices UNION SELECT endpoint FROM endpoints")}
    return sorted(k for k in known
                  if endpoint in (k, endpoint_label(k)) or (not k.startswith("hub:") and k.partition(":")[2] == endpoint))


def replay(store: StateStore, endpoint: str | None = None, *, enable: bool = False,
           now: datetime | None = None) -> int:
    """Requeue dead notices (all, or one endpoint's) for delivery now; returns how many.

    With ``enable``, endpoints disabled by a 410 are enabled again first; without it
    their dead notices stay dead (they would only die again). For WebSub and pings
    only the newest notice per topic is requeued: the hub needs one ping.
    """
    at = now or _utcnow()
    with store.transaction() as conn:
        if endpoint is None:
            keys = [r[0] for r in conn.execute("SELECT DISTINCT endpoint FROM notices WHERE status = 'dead'")]
            if enable:
                keys = sorted(set(keys) | {r[0] for r in conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")})
        else:
            keys = _match(store, endpoint)
            if not keys:
                raise PushError("no such endpoint in the outbox (see `syndicate status` for names)",
                                target=endpoint_label(endpoint))
        if enable:
            conn.executemany("UPDATE endpoints SET disabled = 0, reason = NULL WHERE endpoint = ?",
                             [(k,) for k in keys])
        disabled = {r[0] for r in conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")}
        count = 0
        for key in keys:
            if key in disabled:
                log.warning("replay skipped target=%s reason=disabled (pass --enable)", endpoint_label(key))
                continue
            conn.execute(
                "UPDATE notices SET status = 'superseded' WHERE endpoint = ? AND status = 'dead'"
                " AND kind IN ('websub', 'ping') AND EXISTS (SELECT 1 FROM notices AS newer WHERE"
                " newer.endpoint = notices.endpoint AND newer.topic = notices.topic AND newer.id > notices.id"
                " AND newer.status IN ('pending', 'delivered', 'dead'))", (key,))
            count += conn.execute(
                "UPDATE notices SET status = 'pending', attempts = 0, next_attempt = ?, done_at = NULL"
                " WHERE endpoint = ? AND status = 'dead'", (iso(at), key)).rowcount
    log.info("replayed notices=%d endpoint=%s", count, endpoint_label(endpoint) if endpoint else "all")
    return count


def discard(store: StateStore, endpoint: str | None = None, *, now: datetime | None = None) -> int:
    """Give up on dead notices (all, or one endpoint's) for good; returns how many.

    A dead notice stays dead, counted by ``status`` (exit 5), until it is replayed or
    discarded here: nothing else removes it (issue 8). Discarded ones are pruned with
    the delivered ones after ``KEEP_DONE``."""
    at = now or _utcnow()
    with store.transaction() as conn:
        keys = None if endpoint is None else _match(store, endpoint)
        if keys is not None and not keys:
            raise PushError("no such endpoint in the outbox (see `syndicate status` for names)",
                            target=endpoint_label(endpoint or ""))
        q = "UPDATE notices SET status = 'discarded', done_at = ? WHERE status = 'dead'"
        if keys is None:
            count = conn.execute(q, (iso(at),)).rowcount
        else:
            count = sum(conn.execute(q + " AND endpoint = ?", (iso(at), k)).rowcount for k in keys)
    log.info("discarded notices=%d endpoint=%s", count, endpoint_label(endpoint) if endpoint else "all")
    return count
