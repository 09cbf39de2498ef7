"""Named crash points: a test-only fault seam (issue 8, "Named crash points").

``SYNDICATE_FAULT=<point>[:<n>]`` in the environment of a syndicate process makes it
SIGKILL itself the ``n``-th time (default 1) it passes ``crash_point(<point>)``, the way
SQLite's test suite crashes at each step of its commit protocol. The variable is read
once, at import; unset, a crash point is one comparison.

The points, in the order a publish passes them (docs/push.md, "Crash points"):

``ledger-commit``   after each input batch's ledger transaction has committed
``pages-written``   after a batch of article pages has been written
``feed-replaced``   after each durable file's ``os.replace``, before its folder's fsync
``outbox-commit``   after the transaction that records feed versions and notices
``delivered-2xx``   in delivery, after an endpoint answered 2xx, before it is recorded
``daemon-between-jobs``  in the daemon, after a job finished, before the next one
"""

from __future__ import annotations

import os
import signal
import threading

POINTS = (
    "ledger-commit",
    "pages-written",
    "feed-replaced",
    "outbox-commit",
    "delivered-2xx",
    "daemon-between-jobs",
)


def _parse(value: str | None) -> tuple[str | None, int]:
    if not value:
        return None, 0
    name, _, nth = value.partition(":")
    if name not in POINTS:
        raise SystemExit(
            f"SYNDICATE_FAULT: {value!r}: unknown crash point (known: {', '.join(POINTS)})"
        )
    try:
        at = int(nth) if nth else 1
    except ValueError:
        raise SystemExit(
            f"SYNDICATE_FAULT: {value!r}: the pass count after ':' must be an integer"
        ) from None
    return name, max(at, 1)


_POINT, _AT = _parse(os.environ.get("SYNDICATE_FAULT"))
_passes = 0
_lock = threading.Lock()


def crash_point(name: str) -> None:
    """SIGKILL this process if ``name`` is the armed point and this is its n-th pass."""
    if name != _POINT:
        return
    global _passes
    with _lock:
        _passes += 1
        if _passes == _AT:
            os.kill(os.getpid(), signal.SIGKILL)


__all__ = ["POINTS", "crash_point"]
