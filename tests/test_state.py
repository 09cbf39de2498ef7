"""The state store on real SQLite files: schema versions, integrity, the lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from syndicate.errors import BusyError, StateError
from syndicate.state import SCHEMA_VERSION, StateLock, lock_path, open_state


def test_new_store_is_wal_and_at_current_schema(tmp_path: Path) -> None:
    with open_state(tmp_path / "s.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_from_a_newer_syndicate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_state(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StateError, match="newer syndicate"):
        with open_state(path):
            pass


def test_corrupt_store_is_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(StateError, match="move the file away"):
        with open_state(path):
            pass


def test_second_writer_gets_busy_and_waiter_gets_in(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    holder = StateLock(lock_path(path))
    holder.acquire()
    try:
        with pytest.raises(BusyError, match="state is busy"):
            with open_state(path):
                pass
        with pytest.raises(BusyError):
            with open_state(path, wait=True, wait_timeout=0.2):
                pass
    finally:
        holder.release()
    with open_state(path, wait=True, wait_timeout=5):
        pass


def test_migrations_apply_in_order_from_an_old_store(tmp_path: Path) -> None:
    from syndicate.state import MIGRATIONS

    path = tmp_path / "s.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    conn.close()
    with open_state(path) as store:
        assert store.get_meta("kept") == "yes"
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
