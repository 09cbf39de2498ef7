"""What `/readyz`, `/metrics`, `/health` and `publish --metrics-file` report: one
read of the state into a :class:`HealthSnapshot` (issue 15, "Health and metrics").

Everything comes from the state (the ``runs``, ``articles``, ``feeds`` and ``notices``
tables and the daemon's heartbeat), not from counters in one process's memory, so a
``serve`` process reports what the daemon or a cron-run ``publish`` did, and the
figures survive restarts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .config import Config
from .errors import SyndicateError
from .gate import GATE
from .push.status import EndpointStatus, outbox_status
from .state import StateStore, from_iso, read_only_state, state_location

CHURN = "churn guard"  # how the churn guard's refusal begins (syndicate/churn.py)
RUNS_READ = 200  # publishes read back for "since when" an input is stale


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionHealth:
    slug: str
    name: str
    items: int  # published, not withdrawn
    newest: datetime | None  # the newest item's date


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleInput:
    """An input file with errors in the last publish: its feeds keep the last good items."""

    path: str
    runs: int  # publishes in a row that read it with errors
    since: str | None  # when the last publish that read it cleanly finished; None: none kept


@dataclass(frozen=True, slots=True, kw_only=True)
class GateResult:
    """What the publish gate and the churn guard said of the last publish."""

    refused: str | None = None  # the refusal, when the last publish was refused
    warnings: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        if self.refused:
            return f"refused: {self.refused.splitlines()[0]}"
        if self.warnings:
            return f"passed with {len(self.warnings)} warning(s)"
        return "passed"


def stale_inputs(runs: Sequence[dict[str, Any]]) -> tuple[StaleInput, ...]:
    """The input files with errors in the newest publish that read inputs, and since when
    (``runs`` newest first; failed runs read no inputs to the end and are passed over)."""
    read = [r for r in runs if r.get("status") in ("ok", "problems")]
    if not read:
        return ()
    out = []
    for path in sorted(read[0]["summary"].get("problem_files", ())):
        streak = 0
        for run in read:
            if path not in run["summary"].get("problem_files", ()):
                break
            streak += 1
        since = read[streak]["finished"] if streak < len(read) else None
        out.append(StaleInput(path=path, runs=streak, since=since))
    return tuple(out)


def gate_result(last_run: dict[str, Any] | None) -> GateResult:
    if last_run is None:
        return GateResult()
    summary = last_run.get("summary") or {}
    error = str(summary.get("error", ""))
    if last_run.get("status") == "failed" and error.startswith((GATE, CHURN)):
        return GateResult(refused=error)
    return GateResult(warnings=tuple(summary.get("gate", ())))


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
    stale: tuple[StaleInput, ...] = ()
    gate: GateResult = GateResult()

    def feed_changed(self, section_slug: str) -> datetime | None:
        """When a section's feeds (any format; "" the combined feed) last changed."""
        times = [t for path, t in self.feeds if path.rpartition("/")[0] == section_slug]
        return max(times, default=None)

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
    recent = store.recent_runs("publish", limit=RUNS_READ)
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
        stale=stale_inputs(recent),
        gate=gate_result(recent[0] if recent else None),
    )
