"""The outbox as operators see it: per-endpoint status, replay and discard of dead
notices (docs/push.md, "Commands and exit codes")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..config import Config
from ..errors import PushError
from ..state import StateStore, from_iso, iso
from .base import endpoint_label
from .payload import rfc3339

log = logging.getLogger(__name__)

# A pending notice overdue by more than this means nobody is draining the outbox.
STUCK_AFTER = timedelta(minutes=15)


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --- status and replay ----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointStatus:
    """The outbox as seen from one endpoint (labels are redacted)."""

    endpoint: str  # label: 'hub:https://hub.example.com/…', 'webhook:<name>', 'ping:<name>'
    kind: str  # 'hub' | 'webhook' | 'ping'
    configured: bool
    disabled: bool = False
    reason: str | None = None  # why it is disabled
    pending: int = 0
    delivered: int = 0  # in the last KEEP_DONE
    dead: int = 0
    stuck: int = 0  # pending and overdue by more than STUCK_AFTER
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
            return rfc3339(dt) if dt else "-"

        health = "ok" if self.healthy else "needs attention"
        out = [f"outbox: {self.pending} pending, {self.dead} dead, {self.stuck} stuck ({health})"]
        width = max(len(e.endpoint) for e in self.endpoints)
        out.append(
            f"  {'ENDPOINT':<{width}}  PENDING  DELIVERED  DEAD  NEXT ATTEMPT          LAST SUCCESS"
            "          LAST ERROR"
        )
        for e in self.endpoints:
            notes = []
            if e.disabled:
                notes.append(
                    f"DISABLED ({e.reason}; re-enable: syndicate replay {e.endpoint} --enable)"
                )
            if not e.configured:
                notes.append("not in the config")
            if e.stuck:
                notes.append(
                    f"{e.stuck} STUCK (overdue: is `syndicate deliver` or the daemon running?)"
                )
            error = (e.last_error or "-").removeprefix(f"push failed: {e.endpoint}: ")
            out.append(
                f"  {e.endpoint:<{width}}  {e.pending:>7}  {e.delivered:>9}  {e.dead:>4}  "
                f"{when(e.next_attempt):<20}  {when(e.last_success):<20}  {error}"
                + (f"  [{'; '.join(notes)}]" if notes else "")
            )
        return out


def _configured(config: Config) -> list[str]:
    return (
        [f"hub:{h.url}" for h in config.hubs]
        + [f"webhook:{w.name}" for w in config.webhooks]
        + [f"ping:{p.name}" for p in config.pings]
    )


def _dt(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def outbox_status(store: StateStore, config: Config, now: datetime) -> OutboxStatus:
    """Counts, last error and next attempt per endpoint. Only reads: works on a
    read-only store."""
    counts = store.notice_counts()
    pending = store.pending_by_endpoint(iso(now - STUCK_AFTER))
    nexts = {endpoint: first for endpoint, (first, _) in pending.items()}
    stuck = {endpoint: late for endpoint, (_, late) in pending.items()}
    health = store.endpoint_health()
    configured = _configured(config)
    keys = list(dict.fromkeys([*configured, *sorted(set(counts) | set(health))]))
    out = []
    for key in keys:
        c = counts.get(key, {})
        disabled, reason, last_attempt, last_success, last_error = health.get(
            key, (0, None, None, None, None)
        )
        out.append(
            EndpointStatus(
                endpoint=endpoint_label(key),
                kind=key.partition(":")[0],
                configured=key in configured
                or (key.startswith("activitypub:") and config.activitypub.enabled),
                disabled=bool(disabled),
                reason=reason,
                pending=c.get("pending", 0),
                delivered=c.get("delivered", 0),
                dead=c.get("dead", 0),
                stuck=stuck.get(key, 0),
                last_attempt=_dt(last_attempt),
                last_success=_dt(last_success),
                last_error=last_error,
                next_attempt=_dt(nexts.get(key)),
            )
        )
    return OutboxStatus(endpoints=tuple(out), now=now)


def _match(store: StateStore, endpoint: str) -> list[str]:
    """Endpoint keys a user's argument names: the key, its label, or a webhook/ping name."""
    known = store.known_endpoints()
    return sorted(
        k
        for k in known
        if endpoint in (k, endpoint_label(k))
        or (not k.startswith("hub:") and k.partition(":")[2] == endpoint)
    )


def replay(
    store: StateStore,
    endpoint: str | None = None,
    *,
    enable: bool = False,
    now: datetime | None = None,
) -> int:
    """Requeue dead notices (all, or one endpoint's) for delivery now; returns how many.

    With ``enable``, endpoints disabled by a 410 are enabled again first; without it
    their dead notices stay dead (they would only die again). For WebSub and pings
    only the newest notice per topic is requeued: the hub needs one ping.
    """
    at = now or _utcnow()
    with store.transaction() as conn:
        if endpoint is None:
            keys = [
                r[0]
                for r in conn.execute("SELECT DISTINCT endpoint FROM notices WHERE status = 'dead'")
            ]
            if enable:
                keys = sorted(
                    set(keys)
                    | {
                        r[0]
                        for r in conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")
                    }
                )
        else:
            keys = _match(store, endpoint)
            if not keys:
                raise PushError(
                    "no such endpoint in the outbox (see `syndicate status` for names)",
                    target=endpoint_label(endpoint),
                )
        if enable:
            conn.executemany(
                "UPDATE endpoints SET disabled = 0, reason = NULL WHERE endpoint = ?",
                [(k,) for k in keys],
            )
        disabled = {r[0] for r in conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")}
        count = 0
        for key in keys:
            if key in disabled:
                log.warning(
                    "replay skipped target=%s reason=disabled (pass --enable)", endpoint_label(key)
                )
                continue
            conn.execute(
                "UPDATE notices SET status = 'superseded' WHERE endpoint = ? AND status = 'dead'"
                " AND kind IN ('websub', 'ping') AND EXISTS (SELECT 1 FROM notices AS newer WHERE"
                " newer.endpoint = notices.endpoint AND newer.topic = notices.topic AND newer.id > notices.id"
                " AND newer.status IN ('pending', 'delivered', 'dead'))",
                (key,),
            )
            count += conn.execute(
                "UPDATE notices SET status = 'pending', attempts = 0, next_attempt = ?, done_at = NULL"
                " WHERE endpoint = ? AND status = 'dead'",
                (iso(at), key),
            ).rowcount
    log.info(
        "replayed notices=%d endpoint=%s", count, endpoint_label(endpoint) if endpoint else "all"
    )
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
            raise PushError(
                "no such endpoint in the outbox (see `syndicate status` for names)",
                target=endpoint_label(endpoint or ""),
            )
        q = "UPDATE notices SET status = 'discarded', done_at = ? WHERE status = 'dead'"
        if keys is None:
            count = conn.execute(q, (iso(at),)).rowcount
        else:
            count = sum(conn.execute(q + " AND endpoint = ?", (iso(at), k)).rowcount for k in keys)
    log.info(
        "discarded notices=%d endpoint=%s", count, endpoint_label(endpoint) if endpoint else "all"
    )
    return int(count)
