"""The daemon: publish on a schedule, drain the outbox between publishes, for months.

APScheduler 3.x (the stable line) is used here and nowhere else.

Jobs (all from the config, rebuilt on SIGHUP):

* ``publish``: the top-level ``[schedule]`` (cron or interval).
* ``publish:<group>``: an ``[inputs.schedule]``. A group's schedule triggers a full
  publish, the same call as the top-level one: inputs whose size, mtime and hash are
  unchanged are skipped by publish() itself, so the cost of "full" is a stat per file,
  and one code path keeps feeds, the index and the OPML consistent.
* ``drain``: ``deliver_due`` every ``delivery.interval``, so retries happen on time
  between publishes (only when the config has hubs, webhooks, pings or ActivityPub). A publish
  that queued notices drains right after it, without waiting for the interval.

Every job has ``max_instances=1`` and ``coalesce=True`` (runs missed while one was
busy, or while the machine slept, collapse into one), and a ``misfire_grace_time`` of
half the period (at least 1 s): a run later than that is dropped, the next one is
on time anyway.

Job store: in memory only. APScheduler's persistent job stores must not be shared by
two schedulers, and a job killed mid-run is not re-run from the store anyway. The
jobs come from the config, and the *catch-up* covers a crash or a long stop: at start,
when the last successful publish (``runs`` table) is older than the shortest period,
the first publish runs at once.

Locks: ``<state>.daemon.lock`` (flock, held for the daemon's life) makes a second
daemon on the same state refuse (:class:`~syndicate.errors.BusyError`, exit 4). Each
run takes the normal state lock with ``wait=True``, so a manual ``syndicate publish``
and the daemon never write at once (the manual one gets exit 4, or waits with --wait).

Signals: SIGTERM and SIGINT stop scheduling, let the running job finish (a publish
is never cut short, so output/ and the state stay consistent) and exit 0. SIGHUP
re-reads the config; an invalid one is logged and the old one kept.

Heartbeat: publish() records every run in the ``runs`` table; the daemon adds
``meta['daemon']`` (JSON: pid, started, beat, stopped) after each job, read by
``/healthz`` and ``syndicate status``.

systemd (``Type=notify``, syndicate/systemd.py): READY=1 once the scheduler runs,
WATCHDOG=1 from the main loop at half of ``WatchdogSec``, STATUS= after each run,
STOPPING=1 when a stop signal arrives. A no-op outside systemd.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from .config import Config, Schedule, load_config
from .errors import BusyError, ConfigError, SyndicateError
from .faults import crash_point
from .leader import Leadership
from .publish import EXIT_OK, publish
from .push.lease import worker_name
from .state import (
    StateLock,
    from_iso,
    is_postgres,
    iso,
    open_state,
    read_only_state,
    state_location,
)
from .systemd import Watchdog, notify

log = logging.getLogger(__name__)

# How long the main thread sleeps between looks at the signal flags. Signals also
# wake it at once (the handler sets the event), so this only bounds a missed wake-up.
TICK = 1.0
# A heartbeat write waits at most this long for the state lock (a manual publish may
# hold it); a missed beat is harmless, a blocked job is not.
HEARTBEAT_WAIT = 5.0
# The last beat ("stopped") waits less: a manual publish holding the lock must not
# hold up the exit either.
STOP_BEAT_WAIT = 2.0
HEARTBEAT_KEY = "daemon"


# --- schedules -------------------------------------------------------------------


def make_trigger(schedule: Schedule) -> Any:
    """An APScheduler trigger for a config schedule (cron times are UTC)."""
    if schedule.cron is not None:
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger.from_crontab(schedule.cron, timezone=UTC)
    from apscheduler.triggers.interval import IntervalTrigger

    assert schedule.interval is not None
    return IntervalTrigger(seconds=schedule.interval, timezone=UTC)


def period(schedule: Schedule, now: datetime | None = None) -> float:
    """Seconds between two runs: the interval, or the gap between a cron's next two
    fire times (irregular crontabs vary; the next gap is a fair guess)."""
    if schedule.interval is not None:
        return schedule.interval
    trigger = make_trigger(schedule)
    now = now or datetime.now(UTC)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    if first is None or second is None:
        return 86400.0
    return float((second - first).total_seconds())


def misfire_grace(seconds: float) -> int:
    """Half the period, at least 1 s: later than that, the next run is as good."""
    return max(1, int(seconds / 2))


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSpec:
    id: str
    kind: str  # 'publish' | 'drain'
    schedule: Schedule
    period: float


def job_specs(config: Config) -> list[JobSpec]:
    """The jobs a config asks for. Raises ConfigError when there is no schedule at all."""
    specs: list[JobSpec] = []
    if config.schedule is not None:
        specs.append(
            JobSpec(
                id="publish",
                kind="publish",
                schedule=config.schedule,
                period=period(config.schedule),
            )
        )
    for group in config.inputs:
        if group.schedule is not None:
            specs.append(
                JobSpec(
                    id=f"publish:{group.name}",
                    kind="publish",
                    schedule=group.schedule,
                    period=period(group.schedule),
                )
            )
    if not specs:
        raise ConfigError(
            'the daemon needs a schedule: add [schedule] with interval = "15m"'
            ' or cron = "*/15 * * * *" (or a schedule on an [[inputs]] group)',
            path=str(config.path),
            key="schedule",
        )
    if config.hubs or config.webhooks or config.pings or config.activitypub.enabled:
        every = Schedule(interval=config.delivery.interval)
        specs.append(
            JobSpec(id="drain", kind="drain", schedule=every, period=config.delivery.interval)
        )
    return specs


# --- the daemon lock ---------------------------------------------------------------


def daemon_lock_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".daemon.lock")


def DaemonLock(path: Path) -> StateLock:
    """An exclusive, non-blocking flock held for the daemon's life (released by the
    kernel on any exit, SIGKILL included, so a stale lock cannot exist)."""
    return StateLock(
        path,
        busy="daemon already running: {path}: held by pid {pid}; one daemon per state"
        " (stop that one first, e.g. `systemctl stop syndicate`)",
    )


# --- the daemon ----------------------------------------------------------------


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _reset_log_folding() -> None:
    """log.RepeatFilter folds a message template after 5 repeats "per run"; for the
    daemon a run is one job, so its counts restart with each job (otherwise the
    per-run line would fall silent after the fifth run of a months-long process)."""
    from .log import reset_repeats

    reset_repeats()


class Daemon:
    """Owns the scheduler, the daemon lock and (with ``serve``) an HTTP server thread."""

    def __init__(
        self,
        config: Config,
        *,
        serve: bool = False,
        host: str | None = None,
        port: int | None = None,
        reload: Callable[[Path], Config] = load_config,
    ):
        self.config = config
        self.reload_config = reload
        self.serve = serve
        self.host = host
        self.port = port
        self.lock = DaemonLock(daemon_lock_path(config.state_path))
        where = state_location(config)
        # PostgreSQL: daemons on any number of hosts, one leader schedules (leader.py);
        # SQLite: one daemon per state, the flock above
        self.leadership: Leadership | None = (
            Leadership(str(where), lease=config.delivery.lease) if is_postgres(where) else None
        )
        self._next_try = 0.0
        self._leading = False  # scheduling now (SQLite: always, once started)
        self.started = _utcnow()
        self._wake = threading.Event()
        self._stop = False
        self._hup = False
        self._publish_lock = threading.Lock()  # one publish at a time across the publish jobs
        self._drain_lock = threading.Lock()
        self._scheduler: Any = None
        self._server: Any = None
        self._server_thread: threading.Thread | None = None
        self._app: Any = None
        self._watchdog = Watchdog()
        self.worker = worker_name()  # who holds the leases of this daemon's drains

    # --- lifecycle -------------------------------------------------------------------
    def run(self) -> int:
        """Run until SIGTERM/SIGINT; returns the exit code. Raises BusyError when another
        daemon holds the state, ConfigError when the config has no schedule."""
        specs = job_specs(self.config)
        if logging.getLogger("syndicate").getEffectiveLevel() > logging.DEBUG:
            # our "run job=..." line carries publish()'s counts and more: one line per run
            logging.getLogger("syndicate.publish").setLevel(logging.WARNING)
        if self.leadership is None:
            self.lock.acquire()
        try:
            self._install_signals()
            if self.serve:
                self._start_server()
            if self.leadership is None:
                self._leading = True
                self._lead(specs)
            else:
                log.info(
                    "daemon started pid=%d as standby (PostgreSQL leader election)", os.getpid()
                )
            notify("READY=1", f"STATUS=scheduling {len(specs)} job(s)", f"MAINPID={os.getpid()}")
            tick = min(TICK, self._watchdog.interval or TICK)
            if self.leadership is not None:
                tick = min(tick, self.leadership.poll)
            while not self._stop:
                self._watchdog.tick()
                self._follow()
                self._wake.wait(tick)
                self._wake.clear()
                if self._hup and not self._stop:
                    self._hup = False
                    self._reload()
            notify("STOPPING=1", "STATUS=stopping: waiting for the running job")
            log.info("daemon stopping: waiting for the running job")
            started = time.monotonic()
            if self._scheduler is not None:
                self._scheduler.shutdown(wait=True)
            self._stop_server()
            if self._scheduler is not None:
                self._beat(stopped=True, wait=STOP_BEAT_WAIT)
            log.info("daemon stopped seconds=%.2f", time.monotonic() - started)
            return EXIT_OK
        finally:
            if self.leadership is not None:
                self.leadership.release()
            else:
                self.lock.release()

    def _lead(self, specs: list[JobSpec]) -> None:
        """Start scheduling (with the catch-up) and the first beat; after a lost lead,
        resume the paused scheduler (one scheduler per process, never two)."""
        if self._scheduler is not None:
            self._scheduler.resume()
            if self._catch_up_due(specs, _utcnow()):
                first = next(s for s in specs if s.kind == "publish")
                self._scheduler.add_job(
                    _bind(self.publish_job, first.id), id="catch-up", replace_existing=True
                )
            log.info("daemon resumed scheduling pid=%d", os.getpid())
            return
        self._start_scheduler(specs, catch_up=True)
        log.info(
            "daemon started pid=%d jobs=%s",
            os.getpid(),
            ",".join(f"{s.id}({_describe(s.schedule)})" for s in specs),
        )
        # the first beat runs in a worker: the main thread never waits on the state
        # lock, or a signal would wait for the running publish to end
        started: Any = self._scheduler
        started.add_job(self._beat, id="beat", name="beat")

    def _follow(self) -> None:
        """PostgreSQL: take the lead when the leader lock is free, stand by when it is lost."""
        lead = self.leadership
        if lead is None or self._stop or time.monotonic() < self._next_try:
            return
        self._next_try = time.monotonic() + lead.poll
        if self._leading:
            if not lead.check():
                log.warning("daemon lost the lead: standing by (a running job finishes)")
                notify("STATUS=standby: lost the leader lock")
                self._leading = False
                self._scheduler.pause()  # a running job finishes under its publish lock
            return
        if lead.try_lead():
            log.info("daemon took the lead pid=%d", os.getpid())
            notify("STATUS=leader")
            self._leading = True
            self._lead(job_specs(self.config))

    def _install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        # only flags here: the main loop does the work outside the handler
        self._stop = True
        self._wake.set()

    def _on_hup(self, signum: int, frame: FrameType | None) -> None:
        self._hup = True
        self._wake.set()

    # --- scheduling ------------------------------------------------------------------
    def _start_scheduler(self, specs: list[JobSpec], *, catch_up: bool) -> None:
        from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        # APScheduler warns on every skipped or missed run; with coalescing those are
        # normal. Our listener logs them at debug/info instead.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=max(2, len(specs)))},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        scheduler.add_listener(self._on_event, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self._scheduler = scheduler
        self._add_jobs(specs, catch_up=catch_up)
        scheduler.start()

    def _add_jobs(self, specs: list[JobSpec], *, catch_up: bool) -> None:
        now = _utcnow()
        due_now = self._catch_up_due(specs, now) if catch_up else False
        for spec in specs:
            func: Callable[[], None]
            if spec.kind == "publish":
                func = _bind(self.publish_job, spec.id)
            else:
                func = self.drain_job
            kwargs: dict[str, Any] = {}
            if due_now and spec.kind == "publish":
                kwargs["next_run_time"] = now  # the catch-up: one job runs at once
                due_now = False
            self._scheduler.add_job(
                func,
                make_trigger(spec.schedule),
                id=spec.id,
                name=spec.id,
                misfire_grace_time=misfire_grace(spec.period),
                replace_existing=True,
                **kwargs,
            )

    def _catch_up_due(self, specs: list[JobSpec], now: datetime) -> bool:
        shortest = min(s.period for s in specs if s.kind == "publish")
        try:
            store = read_only_state(state_location(self.config))
        except SyndicateError as err:
            log.warning("cannot read state for the catch-up check: %s", err)
            return True
        if store is None:
            log.info("catch-up publish reason=no state yet")
            return True
        try:
            last = store.last_run()
        except Exception as err:  # noqa: BLE001 - sqlite3 errors on a fresh/odd file: catch up
            log.warning("cannot read the last run for the catch-up check: %s", err)
            return True
        finally:
            store.close()
        if last is None:
            log.info("catch-up publish reason=no successful run yet")
            return True
        age = (now - from_iso(last["finished"])).total_seconds()
        if age > shortest:
            log.info("catch-up publish reason=last run %.0fs ago, period %.0fs", age, shortest)
            return True
        log.info("catch-up not needed: last run %.0fs ago, period %.0fs", age, shortest)
        return False

    def _on_event(self, event: Any) -> None:
        from apscheduler.events import EVENT_JOB_MISSED

        if event.code == EVENT_JOB_MISSED:
            log.info(
                "run missed job=%s scheduled=%s (past the misfire grace; the next run covers it)",
                event.job_id,
                event.scheduled_run_time,
            )
        else:
            log.debug("run skipped job=%s reason=previous run still busy", event.job_id)

    def _reload(self) -> None:
        path = self.config.path
        try:
            new = self.reload_config(path)
            if new.state_path != self.config.state_path:
                raise ConfigError(
                    "state.path changed: restart the daemon to move to another state",
                    path=str(path),
                    key="state.path",
                )
            specs = job_specs(new)
        except SyndicateError as err:
            log.error("reload failed, keeping the old config: %s", err)
            return
        except Exception:
            log.exception("reload failed, keeping the old config")
            return
        if self._app is not None:
            self._app.config = new
            if (new.serve.host, new.serve.port) != (self.config.serve.host, self.config.serve.port):
                log.warning("serve host/port changed: takes effect at the next restart")
        self.config = new
        if self._scheduler is None:  # never led yet: the new config applies when it leads
            log.info("config reloaded path=%s (standby)", path)
            return
        self._scheduler.remove_all_jobs()
        self._add_jobs(specs, catch_up=False)
        log.info("config reloaded path=%s jobs=%s", path, ",".join(s.id for s in specs))

    # --- jobs ------------------------------------------------------------------------
    def publish_job(self, job_id: str) -> None:
        """One scheduled publish. Never raises: a failed run is logged and the next one
        tries again."""
        if self._stop:
            return
        with self._publish_lock:
            if self._stop:
                return
            config = self.config
            _reset_log_folding()
            started = time.monotonic()
            try:
                report = publish(config, wait=True, deliver=False)
            except SyndicateError as err:
                log.error(
                    "run job=%s status=failed seconds=%.2f error=%s",
                    job_id,
                    time.monotonic() - started,
                    err,
                )
                notify(f"STATUS=last run {job_id}: failed: {err}")
                self._beat()
                return
            except Exception:
                log.exception("run job=%s status=failed (a bug: please report it)", job_id)
                self._beat()
                return
            errors = len(report.errors)
            for problem in report.problems[:5]:
                log.warning("input problem: %s", problem)
            if len(report.problems) > 5:
                log.warning(
                    "input problems: %d more (run `syndicate check` for all)",
                    len(report.problems) - 5,
                )
            log.info(
                "run job=%s status=%s new=%d updated=%d unchanged=%d withdrawn=%d inputs_read=%d"
                " files=%d feeds_changed=%d queued=%d errors=%d warnings=%d seconds=%.2f",
                job_id,
                "problems" if errors else "ok",
                report.new,
                report.updated,
                report.unchanged,
                report.withdrawn,
                report.inputs_read,
                len(report.files_written),
                len(report.feeds_changed),
                report.notices_queued,
                errors,
                len(report.problems) - errors,
                report.seconds,
            )
            notify(
                f"STATUS=last run {job_id}: {'problems' if errors else 'ok'}, {report.new} new,"
                f" {report.updated} updated, {report.notices_queued} queued"
            )
        crash_point("daemon-between-jobs")  # the publish committed, its drain not yet run
        if report.notices_queued:
            self.drain_job()  # push now, not at the next drain tick
        else:
            self._beat()

    def drain_job(self) -> None:
        """Deliver the due notifications (never raises), then beat."""
        with self._drain_lock:
            config = self.config
            if not (config.hubs or config.webhooks or config.pings or config.activitypub.enabled):
                self._beat()
                return
            from .push.outbox import deliver_due

            try:
                # no publish lock: claims with a lease (push/lease.py) let this drain run
                # beside a publish and beside `syndicate worker` processes on any host
                with open_state(state_location(config), lock=False) as store:
                    report = deliver_due(store, config, worker=self.worker)
                    _write_beat(store, self._beat_doc())
            except SyndicateError as err:
                log.error("drain failed error=%s", err)
                return
            except Exception:
                log.exception("drain failed (a bug: please report it)")
                return
            if getattr(report, "due", 0):
                log.debug("drain due=%d delivered=%d", report.due, getattr(report, "delivered", 0))

    # --- heartbeat -------------------------------------------------------------------
    def _beat_doc(self, *, stopped: bool = False) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "pid": os.getpid(),
            "started": iso(self.started),
            "beat": iso(_utcnow()),
        }
        if stopped:
            doc["stopped"] = iso(_utcnow())
        return doc

    def _beat(self, *, stopped: bool = False, wait: float = HEARTBEAT_WAIT) -> None:
        try:
            with open_state(state_location(self.config), wait=True, wait_timeout=wait) as store:
                _write_beat(store, self._beat_doc(stopped=stopped))
        except BusyError:
            log.debug("heartbeat skipped: state busy")
        except SyndicateError as err:
            log.warning("heartbeat failed: %s", err)

    # --- serving ---------------------------------------------------------------------
    def _start_server(self) -> None:
        from .serve import build_app, make_server, server_url

        self._app = build_app(self.config)
        host = self.host or self.config.serve.host
        port = self.config.serve.port if self.port is None else self.port
        self._server = make_server(self._app, host, port)
        self._server_thread = threading.Thread(
            target=self._server.run, name="syndicate-serve", daemon=True
        )
        self._server_thread.start()
        log.info("serving dir=%s url=%s", self.config.output.dir, server_url(self._server))

    def _stop_server(self) -> None:
        if self._server is None:
            return
        try:
            self._server.close()
            self._server.task_dispatcher.shutdown()
        except Exception:
            log.debug("server close failed", exc_info=True)


def _write_beat(store: Any, doc: dict[str, Any]) -> None:
    store.set_meta(HEARTBEAT_KEY, json.dumps(doc, sort_keys=True))


def _bind(func: Callable[[str], None], arg: str) -> Callable[[], None]:
    def job() -> None:
        func(arg)

    job.__name__ = f"{func.__name__}[{arg}]"
    return job


def _describe(schedule: Schedule) -> str:
    return f"cron {schedule.cron}" if schedule.cron else f"every {schedule.interval:g}s"


def run_daemon(
    config: Config, *, serve: bool = False, host: str | None = None, port: int | None = None
) -> int:
    """Run the daemon in this process until SIGTERM/SIGINT (see the module doc)."""
    return Daemon(config, serve=serve, host=host, port=port).run()


__all__ = [
    "HEARTBEAT_KEY",
    "Daemon",
    "DaemonLock",
    "JobSpec",
    "daemon_lock_path",
    "job_specs",
    "make_trigger",
    "misfire_grace",
    "period",
    "run_daemon",
]
