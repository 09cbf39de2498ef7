"""`/metrics` and `publish --metrics-file` in the Prometheus text format, with the
official client library (prometheus_client): it owns the exposition format, escaping
and the textfile collector's atomic write, which we would otherwise re-derive.

The figures are read from the state at scrape time (:mod:`syndicate.health`), by a
custom collector, so any process (``serve``, the daemon, a one-shot publish) exposes
the same numbers. Labels are bounded by the config: section slugs, feed paths, target
kinds and run results; never an item URL or an endpoint URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, write_to_textfile
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .config import Config
from .errors import OutputError
from .health import HealthSnapshot, read_health
from .render.health_page import render_health_page
from .state import from_iso

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class SnapshotCollector(Collector):
    def __init__(self, snapshot: HealthSnapshot):
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        up = GaugeMetricFamily("syndicate_state_readable", "1 when the state could be read")
        up.add_metric([], 1.0 if s.state_ok else 0.0)
        yield up
        runs = CounterMetricFamily(
            "syndicate_publish_runs", "Finished publish runs by result", labels=["result"]
        )
        for status, n in s.runs_by_status:
            runs.add_metric([status], n)
        yield runs
        yield from self._last_run()
        items = GaugeMetricFamily(
            "syndicate_items", "Published items (not withdrawn) per section", labels=["section"]
        )
        newest = GaugeMetricFamily(
            "syndicate_section_newest_item_timestamp_seconds",
            "Date of the newest item per section",
            labels=["section"],
        )
        for sec in s.sections:
            items.add_metric([sec.slug], sec.items)
            if sec.newest is not None:
                newest.add_metric([sec.slug], sec.newest.timestamp())
        yield items
        yield newest
        changed = GaugeMetricFamily(
            "syndicate_feed_last_change_timestamp_seconds",
            "When each feed file's bytes last changed",
            labels=["feed"],
        )
        for path, when in s.feeds:
            changed.add_metric([path], when.timestamp())
        yield changed
        yield from self._outbox()

    def _last_run(self) -> Iterator[Metric]:
        s = self.snapshot
        duration = GaugeMetricFamily(
            "syndicate_publish_duration_seconds", "Duration of the last finished publish"
        )
        success = GaugeMetricFamily(
            "syndicate_last_success_timestamp_seconds", "When the last successful publish finished"
        )
        problems = GaugeMetricFamily(
            "syndicate_input_problems", "Input problems in the last publish", labels=["severity"]
        )
        if s.last_run is not None:
            duration.add_metric([], float((s.last_run.get("summary") or {}).get("seconds", 0.0)))
            for severity, n in s.problems():
                problems.add_metric([severity], n)
        if s.last_success is not None and s.last_success.get("finished"):
            success.add_metric([], from_iso(s.last_success["finished"]).timestamp())
        stale = GaugeMetricFamily(
            "syndicate_stale_inputs", "Input files with errors in the last publish that read inputs"
        )
        stale.add_metric([], len(s.stale))
        refused = GaugeMetricFamily(
            "syndicate_publish_refused",
            "1 when the publish gate or the churn guard refused the last publish",
        )
        refused.add_metric([], 1.0 if s.gate.refused else 0.0)
        yield duration
        yield success
        yield problems
        yield stale
        yield refused
        if s.daemon and s.daemon.get("beat"):
            beat = GaugeMetricFamily(
                "syndicate_daemon_heartbeat_timestamp_seconds", "The daemon's last heartbeat"
            )
            beat.add_metric([], from_iso(s.daemon["beat"]).timestamp())
            yield beat

    def _outbox(self) -> Iterator[Metric]:
        s = self.snapshot
        notices = GaugeMetricFamily(
            "syndicate_outbox_notices",
            "Notifications in the outbox by target kind and status",
            labels=["kind", "status"],
        )
        totals: dict[tuple[str, str], int] = {}
        for e in s.endpoints:
            for status, n in (("pending", e.pending), ("dead", e.dead), ("stuck", e.stuck)):
                totals[(e.kind, status)] = totals.get((e.kind, status), 0) + n
        for (kind, status), n in sorted(totals.items()):
            notices.add_metric([kind, status], n)
        yield notices
        disabled = GaugeMetricFamily(
            "syndicate_endpoints_disabled",
            "Endpoints disabled (410 Gone) by target kind",
            labels=["kind"],
        )
        counts: dict[str, int] = {}
        for e in s.endpoints:
            counts[e.kind] = counts.get(e.kind, 0) + int(e.disabled)
        for kind, n in sorted(counts.items()):
            disabled.add_metric([kind], n)
        yield disabled
        attempts = GaugeMetricFamily(
            "syndicate_delivery_attempts",
            "Delivery attempts by target kind and result, over the notifications the outbox keeps"
            " (delivered ones are pruned after a while, so this can go down)",
            labels=["kind", "result"],
        )
        for kind, result, n in s.attempts:
            attempts.add_metric([kind, result], n)
        yield attempts


def registry_for(snapshot: HealthSnapshot) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return registry


def render_metrics(snapshot: HealthSnapshot) -> bytes:
    return generate_latest(registry_for(snapshot))


def write_health_files(
    config: Config,
    *,
    metrics_file: Path | None = None,
    health_file: Path | None = None,
    now: datetime | None = None,
) -> None:
    """``publish --metrics-file`` / ``--health-file``: written after the run, each to a
    temp file and renamed, so node_exporter's textfile collector (or a web server) never
    reads half a file. Outside output/'s byte-stable set by default: the page carries
    the time it was made, so it changes on every run."""
    snapshot = read_health(config, now or datetime.now(UTC).replace(microsecond=0))
    try:
        if metrics_file is not None:
            write_to_textfile(str(metrics_file), registry_for(snapshot))
        if health_file is not None:
            tmp = health_file.with_name(f".{health_file.name}.tmp")
            tmp.write_bytes(render_health_page(snapshot, title=config.site.title))
            os.replace(tmp, health_file)
    except OSError as err:
        raise OutputError(
            f"cannot write health files: {err.filename or ''}: {err.strerror}"
        ) from err
