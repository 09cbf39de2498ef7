"""The state seam: ledger, outbox and heartbeat behind one :class:`StateStore` Protocol.

Two backends, chosen by the config's ``[state]`` (``path`` or ``url``):

- :mod:`.sqlite`: one SQLite file guarded by a flock (the default; ``sqlite:///PATH`` or a path);
- :mod:`.postgres`: a PostgreSQL database (``postgresql://...``), guarded by advisory locks.

Both share :mod:`.migrations` (one list, one schema version) and the queries of :mod:`.sql`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..codec import article_from_dict
from ..model import Entry
from .migrations import MIGRATIONS, SCHEMA_VERSION
from .sql import LedgerRecord, from_iso, iso
from .sqlite import SqliteStore, StateLock, check_state, lock_path, open_sqlite, read_only_sqlite


class StateStore(Protocol):
    """What publish, the outbox, status, serve and the daemon need of a state backend.

    ``conn`` takes the shared ``?``-placeholder SQL of :mod:`.sql` (``execute`` and
    ``executemany`` return a cursor with ``fetchone``/``fetchall``/``rowcount``)."""

    conn: Any
    path: Any
    dialect: str

    def transaction(self) -> AbstractContextManager[Any]: ...
    def schema_version(self) -> int: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def input_fingerprints(self) -> dict[str, tuple[int, int, str]]: ...
    def record_inputs(self, rows: Iterable[tuple[str, int, int, str]]) -> None: ...
    def records_with_base(
        self, bases: Iterable[str]
    ) -> dict[str, list[tuple[LedgerRecord, dict[str, Any]]]]: ...
    def slugs_with_prefixes(self, section_slug: str, bases: Iterable[str]) -> set[str]: ...
    def section_slugs(self, section_slug: str) -> set[str]: ...
    def rows_by_keys(self, keys: Iterable[str]) -> list[tuple[LedgerRecord, dict[str, Any]]]: ...
    def next_seq(self) -> int: ...
    def upsert_entries(self, entries: Iterable[Entry]) -> None: ...
    def record_sections(self, sections: Iterable[tuple[str, str]]) -> None: ...
    def sections(self) -> dict[str, str]: ...
    def set_withdrawn(self, guid_or_key: str, withdrawn: bool = True) -> LedgerRecord | None: ...
    def top_entries(
        self, section_slug: str | None, limit: int
    ) -> list[tuple[LedgerRecord, dict[str, Any]]]: ...
    def iter_top_entries(
        self, section_slug: str | None, limit: int
    ) -> Iterator[tuple[LedgerRecord, dict[str, Any]]]: ...
    def top_updated(self, section_slug: str | None, limit: int) -> datetime | None: ...
    def iter_top_keys(self, section_slug: str | None, limit: int) -> Iterator[str]: ...
    def all_entries(
        self, *, include_withdrawn: bool = False, skip: frozenset[str] | set[str] = frozenset()
    ) -> Iterator[tuple[LedgerRecord, dict[str, Any]]]: ...
    def count_articles(self) -> int: ...
    def feed_hashes(self) -> dict[str, str]: ...
    def record_feeds(self, rows: Iterable[tuple[str, str, str, datetime]]) -> None: ...
    def record_announcements(
        self, rows: Iterable[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> None: ...
    def take_announcements(self) -> list[tuple[str, dict[str, Any]]]: ...
    def count_announcements(self) -> int: ...
    def recorded_files(self) -> dict[str, tuple[int, int]]: ...
    def record_files(
        self, rows: Iterable[tuple[str, int, int]], *, replace: bool = False
    ) -> None: ...
    def start_run(self, kind: str, now: datetime) -> int: ...
    def finish_run(
        self, run_id: int, now: datetime, status: str, summary: dict[str, Any]
    ) -> None: ...
    def last_run(self, kind: str = "publish", *, ok_only: bool = True) -> dict[str, Any] | None: ...
    def ap_key(self) -> tuple[str, str] | None: ...
    def add_ap_key(self, private_pem: str, public_pem: str, now: datetime) -> None: ...
    def add_follower(
        self, actor: str, follower: str, inbox: str, follow_id: str, now: datetime
    ) -> None: ...
    def remove_follower(self, follower: str, actor: str | None = None) -> int: ...
    def follower_inboxes(self, actor: str) -> list[str]: ...
    def count_followers(self, actor: str) -> int: ...
    def close(self) -> None: ...


def is_postgres(where: Path | str) -> bool:
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


@contextmanager
def open_state(
    where: Path | str, *, lock: bool = True, wait: bool = False, wait_timeout: float | None = None
) -> Iterator[StateStore]:
    """Open (creating and migrating) the state at a path or URL; with ``lock``, as the only writer."""
    if is_postgres(where):
        from .postgres import open_postgres

        with open_postgres(str(where), lock=lock, wait=wait, wait_timeout=wait_timeout) as pg:
            yield pg
        return
    with open_sqlite(Path(where), lock=lock, wait=wait, wait_timeout=wait_timeout) as store:
        yield store


def read_only_state(where: Path | str) -> StateStore | None:
    """A lock-free reader (status, health endpoint); None when no state exists yet."""
    if is_postgres(where):
        from .postgres import read_only_postgres

        return read_only_postgres(str(where))
    return read_only_sqlite(Path(where))


def state_location(config: Any) -> Path | str:
    """Where a config keeps its state: the ``state.url`` of PostgreSQL, else the SQLite path."""
    where: Path | str = config.state_url or config.state_path
    return where


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "LedgerRecord",
    "SqliteStore",
    "StateLock",
    "StateStore",
    "article_from_dict",
    "check_state",
    "from_iso",
    "is_postgres",
    "iso",
    "lock_path",
    "open_state",
    "read_only_state",
    "state_location",
]
