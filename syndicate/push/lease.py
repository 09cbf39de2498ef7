"""Claims on due notices, so that any number of workers can drain one outbox.

A worker *claims* endpoints, not single notices: it takes the oldest pending notice of
an endpoint (its *head*) when that one is due and not leased, and with it the endpoint's
following due notices, all under one lease (``claimed_by``, ``lease_until``). Another
worker sees a leased head and skips the endpoint, so an endpoint is drained by one
worker at a time, in creation order (per-endpoint order holds with any number of
workers). An outcome is recorded only for rows still claimed by the worker that sent
them; a notice is marked delivered only after its 2xx.

A worker that dies leaves its rows leased until ``lease_until``; then the head is
claimable again and another worker sends it (same ``msg_id``: the receiver sees it
at least once and deduplicates on the webhook-id). On SQLite, whose workers all run on
one host, a claim whose holder is a process of this host that no longer exists (a
publish or a daemon killed mid-delivery) ends at once: the next run need not wait out
the lease.

PostgreSQL: the heads are locked with ``SELECT ... FOR UPDATE SKIP LOCKED`` in the
claiming transaction, so two workers claiming at once take different endpoints and
neither waits. SQLite: the claim is one ``BEGIN IMMEDIATE`` transaction (one writer
at a time), which gives the same result.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..state import StateStore, iso

# At most this many notices of one endpoint per claim: the lease must outlast sending them.
CLAIM_BATCH = 100


def worker_name() -> str:
    """Who holds a lease: host, pid and a random tail (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Claimed:
    """One claimed notice row."""

    id: int
    msg_id: str
    endpoint: str
    kind: str
    topic: str
    payload: str
    attempts: int


_HEADS = (
    "SELECT id, endpoint FROM notices WHERE id IN (SELECT MIN(id) FROM notices"
    " WHERE status = 'pending' GROUP BY endpoint) AND next_attempt <= ?"
    " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id"
)
# Due, and not queued behind an older pending notice of the same endpoint that waits for
# its retry: a newer message must never overtake an older one (issue 8).
_BATCH = (
    "SELECT id, msg_id, endpoint, kind, topic, payload, attempts FROM notices"
    " WHERE endpoint = ? AND status = 'pending' AND next_attempt <= ?"
    " AND NOT EXISTS (SELECT 1 FROM notices AS older WHERE older.endpoint = notices.endpoint"
    " AND older.status = 'pending' AND older.id < notices.id AND older.next_attempt > ?)"
    " ORDER BY id LIMIT ?"
)


def claim_due(
    store: StateStore,
    *,
    worker: str,
    at: datetime,
    lease: float,
    endpoints: int,
    skip: Collection[str] = (),
    limit: int | None = None,
) -> list[Claimed]:
    """Claim the due notices of up to ``endpoints`` endpoints (none in ``skip``), at most
    ``limit`` notices in all, leased to ``worker`` for ``lease`` seconds. Marks them
    offered (in flight: never merged away under a new webhook-id). Raises StateError
    when the store refuses the write."""
    now, until = iso(at), iso(at + timedelta(seconds=lease))
    budget = CLAIM_BATCH * endpoints if limit is None else limit
    pg = store.dialect == "postgresql"
    with store.transaction() as conn:  # SQLite: BEGIN IMMEDIATE, one claimer at a time
        if not pg:
            _end_dead_claims(conn, now)
        heads = [
            (i, ep) for i, ep in conn.execute(_HEADS, (now, now)).fetchall() if ep not in skip
        ][:endpoints]
        if pg and heads:
            # lock the heads; one another worker is claiming right now is skipped, and a
            # head leased meanwhile fails the re-checked lease condition
            marks = ", ".join("?" for _ in heads)
            locked = {
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM notices WHERE id IN ({marks}) AND status = 'pending'"
                    " AND (lease_until IS NULL OR lease_until <= ?) FOR UPDATE SKIP LOCKED",
                    (*[i for i, _ in heads], now),
                ).fetchall()
            }
            heads = [(i, ep) for i, ep in heads if i in locked]
        out: list[Claimed] = []
        for _, endpoint in heads:
            if budget <= 0:
                break
            rows = conn.execute(_BATCH, (endpoint, now, now, min(CLAIM_BATCH, budget))).fetchall()
            out.extend(Claimed(**dict(zip(Claimed.__slots__, r, strict=True))) for r in rows)
            budget -= len(rows)
        conn.executemany(
            "UPDATE notices SET claimed_by = ?, lease_until = ?, offered = 1 WHERE id = ?",
            [(worker, until, c.id) for c in out],
        )
    return out


def _end_dead_claims(conn: Any, now: str) -> None:
    """End the leases held by processes of this host that are gone (SQLite: one host)."""
    holders = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT claimed_by FROM notices WHERE claimed_by IS NOT NULL"
            " AND lease_until > ?",
            (now,),
        ).fetchall()
    ]
    dead = [h for h in holders if _gone(h)]
    conn.executemany(
        "UPDATE notices SET lease_until = ? WHERE claimed_by = ? AND lease_until > ?",
        [(now, h, now) for h in dead],
    )


def _gone(holder: str) -> bool:
    """Whether a lease holder (worker_name()) is a process of this host that has exited."""
    parts = holder.rsplit(":", 2)  # host, pid, random tail
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists, under another user
        return False
    return False


def release(conn: Any, worker: str, ids: Collection[int]) -> None:
    """Drop this worker's lease on rows whose outcome is recorded (inside that transaction)."""
    conn.executemany(
        "UPDATE notices SET claimed_by = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ?",
        [(i, worker) for i in ids],
    )


__all__ = ["CLAIM_BATCH", "Claimed", "claim_due", "release", "worker_name"]
