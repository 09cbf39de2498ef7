"""The dynamic paths of `syndicate serve` besides ``/healthz`` (issue 15):

* ``/livez``: 200 while the process answers (no state read: a liveness probe must not
  fail because the disk is slow, or the orchestrator restarts a working server).
* ``/readyz``: 200 when the state opens, the last publish did not fail and no
  notification is overdue; else 503 with the reasons, one a line.
* ``/metrics``: the Prometheus text format (syndicate/metrics.py).
* ``/health``: the health page for people (syndicate/render/health_page.py).

Each answer is read fresh from the state and carries ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from .config import Config
from .health import read_health
from .metrics import CONTENT_TYPE as METRICS_TYPE
from .metrics import render_metrics
from .render.health_page import render_health_page

Answer = tuple[str, str, bytes]  # status line, content type, body
PATHS = ("/livez", "/readyz", "/metrics", "/health")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def answer(path: str, config: Config, *, now: Callable[[], datetime] = _now) -> Answer | None:
    """The answer for a dynamic ``path``, or ``None`` when it is not one of ours."""
    if path == "/livez":
        return "200 OK", "text/plain; charset=utf-8", b"ok\n"
    if path not in PATHS:
        return None
    snapshot = read_health(config, now())
    if path == "/readyz":
        reasons = snapshot.not_ready()
        if reasons:
            return (
                "503 Service Unavailable",
                "text/plain; charset=utf-8",
                ("\n".join(reasons) + "\n").encode(),
            )
        return "200 OK", "text/plain; charset=utf-8", b"ready\n"
    if path == "/metrics":
        return "200 OK", METRICS_TYPE, render_metrics(snapshot)
    return (
        "200 OK",
        "text/html; charset=utf-8",
        render_health_page(snapshot, title=config.site.title),
    )
