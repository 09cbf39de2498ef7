"""One scheduler leader among the daemons that share a PostgreSQL state (issue 10).

The leader is the daemon holding the session-level advisory lock ``LEADER_LOCK`` on a
connection of its own (``pg_try_advisory_lock``); only it runs the schedule. The others
stand by, trying again every ``poll`` seconds. PostgreSQL drops the lock with the
leader's connection: at once when the leader's process dies, and within the TCP
keepalive time set here (about ``lease`` seconds) when its host vanishes. A leader that
finds its connection broken (PostgreSQL restarted, the network cut) stops scheduling
and stands by like the others, so that two leaders never schedule at once for longer
than a check period.
"""

from __future__ import annotations

import logging

from .state.postgres import LEADER_LOCK, PgConn, connect

log = logging.getLogger(__name__)


class Leadership:
    """``try_lead()`` takes the lock when it is free; ``check()`` says it is still held."""

    def __init__(self, url: str, *, lease: float, key: int = LEADER_LOCK):
        self.url, self.key = url, key
        self.poll = max(0.2, lease / 2)  # how often a standby tries, and a leader checks
        idle = max(1, int(lease / 3))
        # a leader whose host vanished loses the lock after about idle + 2 * interval
        self.options = {
            "keepalives": 1,
            "keepalives_idle": idle,
            "keepalives_interval": idle,
            "keepalives_count": 2,
        }
        self.conn: PgConn | None = None

    @property
    def leading(self) -> bool:
        return self.conn is not None

    def try_lead(self) -> bool:
        """True when this process leads now (it took the lock, or still holds it)."""
        if self.conn is not None:
            return self.check()
        try:
            conn = connect(self.url, options=self.options)
        except Exception as err:  # noqa: BLE001 - PostgreSQL down: stay standby, try again
            log.debug("leader: cannot connect: %s", err)
            return False
        try:
            got = bool(conn.execute("SELECT pg_try_advisory_lock(?)", (self.key,)).fetchone()[0])
        except Exception as err:  # noqa: BLE001
            log.debug("leader: lock attempt failed: %s", err)
            got = False
        if got:
            self.conn = conn
        else:
            conn.close()
        return got

    def check(self) -> bool:
        """Is the lock still held? A broken connection means it is not (PostgreSQL freed it)."""
        if self.conn is None:
            return False
        try:
            self.conn.execute("SELECT 1").fetchone()
            return True
        except Exception as err:  # noqa: BLE001 - any failure: the session, and the lock, are gone
            log.warning("leader: lost the leader lock: %s", err)
            self._drop()
            return False

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.execute("SELECT pg_advisory_unlock(?)", (self.key,))
            except Exception:  # noqa: BLE001 - closing frees it anyway
                pass
            self._drop()

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass
            self.conn = None


__all__ = ["Leadership"]
