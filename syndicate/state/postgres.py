"""The state store on PostgreSQL (psycopg 3), for several hosts sharing one site.

Same tables as the SQLite store (one migration list, :mod:`.migrations`), same queries
(:mod:`.sql`; ``?`` placeholders are rewritten to psycopg's ``%s`` here). One writer at a
time: a publish holds a transaction-level advisory lock (:class:`XactLock`, an open
transaction on a connection of its own) in place of the flock, so PostgreSQL drops it
when the process dies or its connection breaks.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..errors import BusyError, StateError
from .migrations import MIGRATIONS, SCHEMA_VERSION, for_postgres
from .sql import SqlStore, iso

# advisory lock keys (one database = one site)
PUBLISH_LOCK = 0x5359_4E44_0001
MIGRATE_LOCK = 0x5359_4E44_0002
LEADER_LOCK = 0x5359_4E44_0003


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as err:  # pragma: no cover - the extra is part of `test`
        raise StateError(
            "cannot open state: postgresql: psycopg is not installed; install syndicate[postgres]"
        ) from err
    return psycopg


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PgConn:
    """A psycopg connection that takes the shared ``?``-style SQL. A connection that
    broke (PostgreSQL restarted, the network cut) raises StateError, as a full disk does
    on SQLite: callers report it and run again on a new connection."""

    def __init__(self, raw: Any, where: str = "postgresql"):
        self.raw = raw
        self.where = where

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        psycopg = _psycopg()
        try:
            if params is None:
                return self.raw.execute(sql)
            return self.raw.execute(_pg_sql(sql), tuple(params))
        except (psycopg.OperationalError, psycopg.InterfaceError) as err:
            raise self._lost(err) from err

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        psycopg = _psycopg()
        cur = self.raw.cursor()
        rows = [tuple(r) for r in rows]
        try:
            if rows:
                cur.executemany(_pg_sql(sql), rows)
        except (psycopg.OperationalError, psycopg.InterfaceError) as err:
            raise self._lost(err) from err
        return cur

    def _lost(self, err: Exception) -> StateError:
        return StateError(
            f"cannot use state: {self.where}: {str(err).strip()}; check that PostgreSQL is up"
            " and run again (the last committed run is kept)"
        )

    def close(self) -> None:
        self.raw.close()


class PgStore(SqlStore):
    """A connection to the state database. Use :func:`syndicate.state.open_state`."""

    dialect = "postgresql"

    def __init__(self, conn: PgConn, url: str):
        super().__init__(conn, redact(url))  # type: ignore[arg-type]
        self.url = url

    @contextmanager
    def transaction(self) -> Iterator[PgConn]:
        psycopg = _psycopg()
        try:
            with self.conn.raw.transaction():
                yield self.conn
        except psycopg.OperationalError as err:
            raise StateError(
                f"cannot write state: {self.path}: {err}; check that PostgreSQL is up and"
                " run again (the last committed run is kept)"
            ) from err

    def start_run(self, kind: str, now: datetime) -> int:
        row = self.conn.execute(
            "INSERT INTO runs (kind, started) VALUES (?, ?) RETURNING id", (kind, iso(now))
        ).fetchone()
        return int(row[0])

    def schema_version(self) -> int:
        return _version(self.conn)

    def close(self) -> None:
        self.conn.close()


def connect(url: str, *, read_only: bool = False, options: dict[str, Any] | None = None) -> PgConn:
    """``options``: more libpq connection parameters (keepalives, ...)."""
    psycopg = _psycopg()
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10, **(options or {}))
    except psycopg.Error as err:
        raise StateError(
            f"cannot open state: {redact(url)}: {str(err).strip()}; check state.url, that"
            " PostgreSQL is up and the role may connect"
        ) from err
    if read_only:
        raw.execute("SET default_transaction_read_only = on")
    return PgConn(raw, redact(url))


def _version(conn: PgConn) -> int:
    row = conn.execute("SELECT to_regclass('syndicate_schema')").fetchone()
    if row is None or row[0] is None:
        return 0
    row = conn.execute("SELECT version FROM syndicate_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: PgConn, url: str) -> None:
    """Bring the database to SCHEMA_VERSION; concurrent openers wait on one lock."""
    with conn.raw.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATE_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS syndicate_schema (version BIGINT NOT NULL)")
        version = _version(conn)
        if version > SCHEMA_VERSION:
            raise StateError(
                f"cannot use state: {redact(url)}: written by a newer syndicate (schema {version},"
                f" this one knows {SCHEMA_VERSION}); upgrade syndicate"
            )
        for step in range(version, SCHEMA_VERSION):
            conn.execute(for_postgres(MIGRATIONS[step]))
        conn.execute("DELETE FROM syndicate_schema")
        conn.execute("INSERT INTO syndicate_schema (version) VALUES (?)", (SCHEMA_VERSION,))


def take_lock(conn: PgConn, key: int, *, wait: bool, timeout: float | None, busy: str) -> None:
    """A session-level advisory lock; BusyError when held elsewhere and not waiting."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while not conn.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0]:
        if not wait or (deadline is not None and time.monotonic() >= deadline):
            raise BusyError(busy.format(path="postgresql", pid=_holder(conn, key)))
        time.sleep(0.05)


BUSY = (
    "state is busy: {path}: another syndicate process ({pid}) is writing this state;"
    " wait for it, or pass --wait"
)


class XactLock:
    """A transaction-level advisory lock, held by an open transaction on a connection of
    its own for as long as the writer runs (the store's connection commits batch by batch,
    which would drop a transaction lock at the first commit). PostgreSQL ends that
    transaction, and so the lock, when the process dies or the connection breaks; it also
    works behind a transaction-pooling PgBouncer, where a session lock would not."""

    def __init__(self, url: str, key: int):
        self.url, self.key = url, key
        self.conn: PgConn | None = None

    def acquire(self, *, wait: bool, timeout: float | None, busy: str) -> None:
        conn = connect(self.url)
        try:
            conn.execute("SET idle_in_transaction_session_timeout = 0")
            conn.execute("BEGIN")
            deadline = None if timeout is None else time.monotonic() + timeout
            while not conn.execute("SELECT pg_try_advisory_xact_lock(?)", (self.key,)).fetchone()[
                0
            ]:
                if not wait or (deadline is not None and time.monotonic() >= deadline):
                    raise BusyError(busy.format(path="postgresql", pid=_holder(conn, self.key)))
                time.sleep(0.05)
        except BaseException:
            conn.close()
            raise
        self.conn = conn

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.execute("ROLLBACK")  # ends the transaction: the lock goes with it
            except Exception:  # noqa: BLE001 - a broken connection has dropped it already
                pass
            finally:
                self.conn.close()
                self.conn = None


def _holder(conn: PgConn, key: int) -> str:
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND (classid::bigint << 32) | objid::bigint = ? LIMIT 1",
        (key,),
    ).fetchone()
    return f"backend {row[0]}" if row else "?"


@contextmanager
def open_postgres(
    url: str, *, lock: bool = True, wait: bool = False, wait_timeout: float | None = None
) -> Iterator[PgStore]:
    """Open (creating and migrating) the state database; with ``lock``, as the only writer."""
    guard = XactLock(url, PUBLISH_LOCK) if lock else None
    if guard is not None:
        guard.acquire(wait=wait, timeout=wait_timeout, busy=BUSY)
    try:
        conn = connect(url)
        try:
            try:
                migrate(conn, url)
            except _psycopg().OperationalError as err:
                raise conn._lost(err) from err
            yield PgStore(conn, url)
        finally:
            conn.close()
    finally:
        if guard is not None:
            guard.release()


def read_only_postgres(url: str) -> PgStore | None:
    """A lock-free reader; None when the database has no syndicate schema yet."""
    conn = connect(url, read_only=True)
    if _version(conn) == 0:
        conn.close()
        return None
    return PgStore(conn, url)


__all__ = [
    "LEADER_LOCK",
    "PUBLISH_LOCK",
    "PgConn",
    "PgStore",
    "XactLock",
    "connect",
    "open_postgres",
    "read_only_postgres",
    "redact",
    "take_lock",
]
