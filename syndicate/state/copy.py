"""Copy one state into another, keeping every id, date and pending notice:
``syndicate migrate-state --to postgresql://...`` moves a SQLite state to PostgreSQL.

Every table of the source is copied row for row (ids included), so the ledger's guids,
first-seen dates and sequence numbers, the feed hashes, the outbox with its msg_ids
(webhook-ids) and attempts, and the heartbeat are the same on the other side; a publish
on the copy then finds nothing to change. Serial ids on PostgreSQL continue after the
highest copied one. The target must be empty (freshly migrated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import StateError
from . import StateStore

# SQLite bookkeeping that means nothing elsewhere
_SKIP_META = ("integrity_checked",)
_CHUNK = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyReport:
    rows: tuple[tuple[str, int], ...]  # (table, rows copied), in copy order
    pending: int  # pending notices among them

    def line(self) -> str:
        counts = ", ".join(f"{n} {table}" for table, n in self.rows if n)
        return f"copied {counts or 'nothing'} ({self.pending} pending notices)"


def _tables(store: StateStore) -> list[str]:
    if store.dialect == "sqlite":
        q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        q = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' AND table_name <> 'syndicate_schema'"
        )
    return sorted(r[0] for r in store.conn.execute(q).fetchall())


def copy_state(source: StateStore, target: StateStore) -> CopyReport:
    """Copy every row of ``source`` into the empty ``target`` in one target transaction.
    Raises StateError when the target already holds a state or lacks a table."""
    if source.schema_version() != target.schema_version():
        raise StateError(
            f"cannot migrate state: {target.path}: schema {target.schema_version()}, the source"
            f" {source.path} has {source.schema_version()}; run the same syndicate on both"
        )
    tables = _tables(source)
    missing = sorted(set(tables) - set(_tables(target)))
    if missing:
        raise StateError(
            f"cannot migrate state: {target.path}: no table {', '.join(missing)}; upgrade"
            " syndicate where the target was created"
        )
    held = sum(
        int(target.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
        for t in ("articles", "notices", "runs")
    )
    if held:
        raise StateError(
            f"cannot migrate state: {target.path}: already holds a syndicate state ({held} rows"
            " of articles, notices and runs); migrate into an empty database"
        )
    copied: list[tuple[str, int]] = []
    with target.transaction() as out:
        for table in tables:
            copied.append((table, _copy_table(source, out, table)))
        if target.dialect == "postgresql":
            serial = out.execute(
                "SELECT table_name, pg_get_serial_sequence(table_name, 'id') FROM"
                " information_schema.columns WHERE table_schema = current_schema()"
                " AND column_name = 'id'"
            ).fetchall()
            for table, sequence in serial:
                if sequence:  # the next id follows the highest copied one
                    out.execute(
                        f"SELECT setval(?, (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)",
                        (sequence,),
                    )
    pending = int(
        source.conn.execute("SELECT COUNT(*) FROM notices WHERE status = 'pending'").fetchone()[0]
    )
    return CopyReport(rows=tuple(copied), pending=pending)


def _copy_table(source: StateStore, out: Any, table: str) -> int:
    cur = source.conn.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    if table == "meta":
        keep = names.index("key")
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    count = 0
    while True:
        rows = cur.fetchmany(_CHUNK)
        if not rows:
            return count
        if table == "meta":
            rows = [r for r in rows if r[keep] not in _SKIP_META]
        out.executemany(insert, rows)
        count += len(rows)


__all__ = ["CopyReport", "copy_state"]
