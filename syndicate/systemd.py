"""systemd's notify protocol (sd_notify(3)): READY, WATCHDOG, STATUS and STOPPING.

The daemon runs as ``Type=notify`` (config/syndicate.service): systemd counts it as
started only once the scheduler runs, and restarts it when the watchdog pings stop.
The protocol is one datagram of ``KEY=value`` lines to the socket named by
``$NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace). It is small
enough to speak directly; the PyPI clients (sdnotify, systemd-python) are either
unmaintained or need libsystemd headers to build, and add nothing here.

Outside systemd (no ``$NOTIFY_SOCKET``) every call is a no-op.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


def notify_socket(env: Mapping[str, str] | None = None) -> str | None:
    """The socket address systemd gave us, or ``None`` outside systemd."""
    address = (os.environ if env is None else env).get("NOTIFY_SOCKET", "")
    if not address:
        return None
    return "\0" + address[1:] if address.startswith("@") else address


def notify(*lines: str, env: Mapping[str, str] | None = None) -> bool:
    """Send ``lines`` (e.g. ``"READY=1"``) as one datagram; ``False`` when there is no
    socket or it cannot be reached (logged once at debug: systemd may be restarting)."""
    address = notify_socket(env)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode())
    except OSError as err:
        log.debug("sd_notify failed socket=%s: %s", address.lstrip("\0"), err)
        return False
    return True


def watchdog_interval(env: Mapping[str, str] | None = None) -> float | None:
    """Seconds between watchdog pings: half of ``$WATCHDOG_USEC`` (as sd_watchdog_enabled
    advises), or ``None`` when no watchdog is set for this process."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None  # meant for another process (we were started by a wrapper)
    return int(usec) / 1e6 / 2


class Watchdog:
    """Pings ``WATCHDOG=1`` from the daemon's main loop at most every ``interval``.

    Pinged from the main loop (not a thread of its own), so a wedged main loop stops
    the pings and systemd restarts the daemon, which is the point of a watchdog.
    """

    def __init__(
        self, env: Mapping[str, str] | None = None, *, clock: Callable[[], float] = time.monotonic
    ):
        self.env = env
        self.interval = watchdog_interval(env)
        self.clock = clock
        self._last = float("-inf")

    @property
    def enabled(self) -> bool:
        return self.interval is not None

    def tick(self) -> None:
        if self.interval is None:
            return
        now = self.clock()
        if now - self._last >= self.interval:
            notify("WATCHDOG=1", env=self.env)
            self._last = now
