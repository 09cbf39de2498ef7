"""What `/readyz`, `/metrics`, `/health` and `publish --metrics-file` report: one
read of the state into a :class:`HealthSnapshot` (issue 15, "Health and metrics").

Everything comes from the state (the ``runs``, ``articles``, ``feeds`` and ``notices``
tables and the daemon's heartbeat), not from counters in one process's memory, so a
``serve`` process reports what the daemon or a cron-run ``publish`` did, and the
figures survive restarts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .config import Config
from .errors import SyndicateError
from .push.status import EndpointStatus, outbox_status
from .state import StateStore, from_iso, read_only_state, state_location


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionHealth:
    slug: str
    name: str
    items: int  # published, not withdrawn
    newest: datetime | None  # the newest item's date


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthSnapshot:
    now: datetime
    state_ok: bool
    error: str | None = None  # why the state could not be read
    runs_by_status: tuple[tuple[str, int], ...] = ()  # publish runs: ok, problems, failed
    last_run: dict[str, Any] | None = None  # the last finished publish, any status
    last_success: dict[str, Any] | None = None
    sections: tuple[SectionHealth, ...] = ()
    feeds: tuple[tuple[str, datetime], ...] = ()  # feed path -> last change
    endpoints: tuple[EndpointStatus, ...] = ()
    attempts: tuple[
        tuple[str, str, int], ...
    ] = ()  # (hub|webhook|ping, result, attempts), kept notices
    daemon: dict[str, Any] | None = None

    @property
    def last_failed(self) -> bool:
        return self.last_run is not None and self.last_run.get("status") == "failed"

    def problems(self) -> tuple[tuple[str, int], ...]:
        """Input problems of the last run, by severity."""
        summary = (self.last_run or {}).get("summary") or {}
        return (
            ("error", int(summary.get("errors", 0))),
            ("warning", int(summary.get("warnings", 0))),
        )

    def not_ready(self) -> list[str]:
        """Why `/readyz` answers 503; empty when ready. Dead notices alone do not make
        the process unready (a restart cannot fix them): stuck ones do."""
        if not self.state_ok:
            return [f"state: {self.error}"]
        reasons = []
        if self.last_failed:
            reasons.append(f"last publish failed: {(self.last_run or {}).get('finished')}")
        stuck = sum(e.stuck for e in self.endpoints)
        if stuck:
            reasons.append(f"outbox: {stuck} notification(s) overdue")
        return reasons


def read_health(config: Config, now: datetime) -> HealthSnapshot:
    """One consistent read of the state; a state that cannot be read is reported, not
    raised. No state yet (before the first publish) is healthy and empty."""
    try:
        store = read_only_state(state_location(config))
    except SyndicateError as err:
        return HealthSnapshot(now=now, state_ok=False, error=str(err))
    if store is None:
        return HealthSnapshot(now=now, state_ok=True)
    try:
        return _snapshot(store, config, now)
    except Exception as err:  # noqa: BLE001 - sqlite3.Error and friends: report, don't crash the server
        return HealthSnapshot(now=now, state_ok=False, error=f"cannot read state: {err}")
    finally:
        store.close()


def _snapshot(store: StateStore, config: Config, now: datetime) -> HealthSnapshot:
    runs = tuple(store.run_counts("publish"))
    names = store.sections()
    sections = tuple(
        SectionHealth(
            slug=slug,
            name=names.get(slug, slug),
            items=n,
            newest=from_iso(newest) if newest else None,
        )
        for slug, n, newest in store.section_counts()
    )
    feeds = tuple((path, from_iso(written)) for path, written in store.feeds_written())
    attempts: dict[tuple[str, str], int] = {}
    # portable SQL (SQLite and PostgreSQL): the target kind is the endpoint's prefix
    for endpoint, ok, tries in store.delivery_attempts():
        kind = endpoint.partition(":")[0]
        attempts[(kind, "success")] = attempts.get((kind, "success"), 0) + ok
        attempts[(kind, "failure")] = attempts.get((kind, "failure"), 0) + max(tries - ok, 0)
    beat = store.get_meta("daemon")
    return HealthSnapshot(
        now=now,
        state_ok=True,
        runs_by_status=runs,
        last_run=store.last_run(ok_only=False),
        last_success=store.last_run(),
        sections=sections,
        feeds=feeds,
        endpoints=outbox_status(store, config, now).endpoints,
        attempts=tuple((k, r, n) for (k, r), n in sorted(attempts.items())),
        daemon=json.loads(beat) if beat else None,
    )
