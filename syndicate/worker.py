"""A delivery worker: drains the outbox in a loop, beside any number of other workers.

Each pass is :func:`syndicate.push.outbox.deliver_due` under this worker's name: it
claims endpoints with a lease (push/lease.py), so workers on one host or many never
send a notice twice while a lease holds, and an endpoint's notices go in order. The
state is opened without the publish lock, so a publish (or the daemon) and workers run
at once. When the state cannot be reached (PostgreSQL restarting, a disk error) the
pass is logged and the worker reconnects after ``RETRY_AFTER``; nothing is lost, as
every outcome is written before the next claim.

SIGTERM and SIGINT end the loop after the running pass (its outcomes recorded).
"""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import FrameType

from .config import Config
from .push.lease import worker_name
from .push.outbox import deliver_due
from .state import StateStore, open_state, state_location

log = logging.getLogger(__name__)

RETRY_AFTER = 1.0  # seconds before reconnecting to a state that failed


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerTotals:
    """What a worker did over its life."""

    passes: int = 0
    due: int = 0
    delivered: int = 0
    failures: int = 0  # passes that failed (state unreachable, ...)


class Worker:
    """``run()`` until ``stop()`` (or a signal, with ``signals=True``)."""

    def __init__(self, config: Config, *, name: str | None = None, poll: float | None = None):
        self.config = config
        self.name = name or worker_name()
        self.poll = config.delivery.interval if poll is None else poll
        self._stop = threading.Event()
        self.totals = WorkerTotals()

    def stop(self) -> None:
        self._stop.set()

    def install_signals(self) -> None:
        def on_stop(signum: int, frame: FrameType | None) -> None:
            self._stop.set()

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)

    def run(self, *, once: bool = False) -> WorkerTotals:
        """Deliver until stopped (``once``: one pass). Never raises for a failed pass."""
        log.info("worker started name=%s poll=%.1fs", self.name, self.poll)
        store: StateStore | None = None
        opened: AbstractContextManager[StateStore] | None = None
        try:
            while not self._stop.is_set():
                try:
                    if store is None:
                        opened = open_state(state_location(self.config), lock=False)
                        store = opened.__enter__()
                    due = self._pass(store)
                except Exception as err:  # noqa: BLE001 - a state that went away: reconnect
                    self._count(failures=1)
                    log.warning("worker pass failed name=%s error=%s", self.name, err)
                    _close(opened)
                    store, opened = None, None
                    if once:
                        break
                    self._stop.wait(RETRY_AFTER)
                    continue
                if once:
                    break
                if not due:
                    self._stop.wait(self.poll)
        finally:
            _close(opened)
            log.info(
                "worker stopped name=%s passes=%d delivered=%d",
                self.name,
                self.totals.passes,
                self.totals.delivered,
            )
        return self.totals

    def _pass(self, store: StateStore) -> int:
        report = deliver_due(store, self.config, worker=self.name)
        self._count(passes=1, due=report.due, delivered=report.delivered)
        return report.due

    def _count(self, **more: int) -> None:
        t = self.totals
        self.totals = WorkerTotals(
            passes=t.passes + more.get("passes", 0),
            due=t.due + more.get("due", 0),
            delivered=t.delivered + more.get("delivered", 0),
            failures=t.failures + more.get("failures", 0),
        )


def _close(opened: AbstractContextManager[StateStore] | None) -> None:
    if opened is not None:
        try:
            opened.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - a connection already gone
            log.debug("closing the state failed", exc_info=True)


def run_worker(config: Config, *, once: bool = False, poll: float | None = None) -> WorkerTotals:
    """Run a worker in this process until SIGTERM/SIGINT (see the module doc)."""
    worker = Worker(config, poll=poll)
    worker.install_signals()
    return worker.run(once=once)


__all__ = ["RETRY_AFTER", "Worker", "WorkerTotals", "run_worker"]
