"""SQL shared by the SQLite and PostgreSQL stores: records, ledger, feeds, runs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..codec import article_to_dict, dumps, loads
from ..identity import title_base
from ..model import Entry
from .sql_outbox import OutboxQueries
from .sql_slots import SlotQueries


def iso(dt: datetime) -> str:
    """The one text form of datetimes in the store: UTC, microseconds, sortable."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerRecord:
    """What the ledger knows of one article, without its body."""

    key: str
    guid: str
    section_slug: str
    slug: str
    first_seen: datetime
    published: datetime
    updated: datetime
    content_hash: str
    seq: int
    withdrawn: bool


_FEW = 1000  # all_entries: up to this many rows left after `skip` are read one by one
_RECORD_COLUMNS = (
    "key, guid, section_slug, slug, first_seen, published, updated, content_hash, seq, withdrawn"
)


def _record(row: Sequence[Any]) -> LedgerRecord:
    return LedgerRecord(
        key=row[0],
        guid=row[1],
        section_slug=row[2],
        slug=row[3],
        first_seen=from_iso(row[4]),
        published=from_iso(row[5]),
        updated=from_iso(row[6]),
        content_hash=row[7],
        seq=row[8],
        withdrawn=bool(row[9]),
    )


class SqlStore(OutboxQueries, SlotQueries):
    """The ledger, outbox and heartbeat queries both backends share (``?`` placeholders).

    A backend gives ``conn`` (``execute``/``executemany`` returning a cursor), its own
    ``transaction()`` and ``start_run()``; see :class:`syndicate.state.StateStore`."""

    dialect = "sqlite"

    def __init__(self, conn: Any, path: Path):
        self.conn = conn
        self.path = path

    def start_run(self, kind: str, now: datetime) -> int:
        raise NotImplementedError

    # --- meta -----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- inputs ---------------------------------------------------------------
    def input_fingerprints(self) -> dict[str, tuple[int, int, str]]:
        return {
            r[0]: (r[1], r[2], r[3])
            for r in self.conn.execute("SELECT path, size, mtime_ns, sha256 FROM inputs")
        }

    def record_inputs(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO inputs (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE "
            "SET size = excluded.size, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256",
            rows,
        )

    # --- ledger ---------------------------------------------------------------
    def records_with_base(
        self, bases: Iterable[str]
    ) -> dict[str, list[tuple[LedgerRecord, dict[str, Any]]]]:
        """Records whose key starts with each base (text keys: every dated capture of a title),
        or whose alias (section + title key) is the base."""
        out: dict[str, list[tuple[LedgerRecord, dict[str, Any]]]] = {}
        for base in set(bases):
            rows = self.conn.execute(
                f"SELECT {_RECORD_COLUMNS}, data FROM articles WHERE key >= ? AND key < ?"
                f" UNION SELECT {_RECORD_COLUMNS}, data FROM articles WHERE alias = ?",
                (base, base + "\U0010ffff", base),
            ).fetchall()
            out[base] = [(_record(r), loads(r[10])) for r in rows]
        return out

    def slugs_with_prefixes(self, section_slug: str, bases: Iterable[str]) -> set[str]:
        """Slugs in a section equal to a base or starting with ``base-``."""
        out: set[str] = set()
        for base in bases:
            rows = self.conn.execute(
                "SELECT slug FROM articles WHERE section_slug = ? AND slug >= ? AND slug < ?",
                (section_slug, base, base + "\U0010ffff"),
            ).fetchall()
            out.update(r[0] for r in rows if r[0] == base or r[0].startswith(base + "-"))
        return out

    def section_slugs(self, section_slug: str) -> set[str]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT slug FROM articles WHERE section_slug = ?", (section_slug,)
            )
        }

    def rows_by_keys(self, keys: Iterable[str]) -> list[tuple[LedgerRecord, dict[str, Any]]]:
        out = []
        for key in keys:
            row = self.conn.execute(
                f"SELECT {_RECORD_COLUMNS}, data FROM articles WHERE key = ?", (key,)
            ).fetchone()
            if row is not None:
                out.append((_record(row), loads(row[10])))
        return out

    def next_seq(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()
        return int(row[0]) + 1

    def upsert_entries(self, entries: Iterable[Entry]) -> None:
        self.conn.executemany(
            "INSERT INTO articles (key, guid, section_slug, slug, first_seen, published, updated, content_hash, seq,"
            " data, alias) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
            " updated = excluded.updated, content_hash = excluded.content_hash, data = excluded.data,"
            " alias = excluded.alias",
            [
                (
                    e.key,
                    e.guid,
                    e.section_slug,
                    e.slug,
                    iso(e.first_seen),
                    iso(e.published),
                    iso(e.updated),
                    e.content_hash,
                    e.seq,
                    dumps(article_to_dict(e.article)),
                    title_base(e.section_slug, e.article.title),
                )
                for e in entries
            ],
        )

    def record_sections(self, sections: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO sections (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING",
            list(sections),
        )

    def sections(self) -> dict[str, str]:
        """slug -> name of every section that has (or had) an article."""
        return dict(self.conn.execute("SELECT slug, name FROM sections ORDER BY slug").fetchall())

    def set_withdrawn(self, guid_or_key: str, withdrawn: bool = True) -> LedgerRecord | None:
        row = self.conn.execute(
            f"SELECT {_RECORD_COLUMNS} FROM articles WHERE guid = ? OR key = ?",
            (guid_or_key, guid_or_key),
        ).fetchone()
        if row is None:
            return None
        self.conn.execute(
            "UPDATE articles SET withdrawn = ? WHERE key = ?", (int(withdrawn), row[0])
        )
        return _record(row)

    def top_entries(
        self, section_slug: str | None, limit: int
    ) -> list[tuple[LedgerRecord, dict[str, Any]]]:
        """The newest ``limit`` live entries of a section (or of all, for None)."""
        return list(self.iter_top_entries(section_slug, limit))

    def _top(self, columns: str, section_slug: str | None, limit: int) -> Any:
        where, args = (
            ("", (limit,))
            if section_slug is None
            else ("section_slug = ? AND ", (section_slug, limit))
        )
        return self.conn.execute(
            f"SELECT {columns} FROM articles WHERE {where}withdrawn = 0"
            " ORDER BY published DESC, seq ASC LIMIT ?",
            args,
        )

    def iter_top_entries(
        self, section_slug: str | None, limit: int
    ) -> Iterator[tuple[LedgerRecord, dict[str, Any]]]:
        """:meth:`top_entries`, read as it is consumed (a feed of every article is not held whole)."""
        for r in self._top(f"{_RECORD_COLUMNS}, data", section_slug, limit):
            yield _record(r), loads(r[10])

    def iter_top_keys(self, section_slug: str | None, limit: int) -> Iterator[str]:
        """The keys of :meth:`top_entries`, read as consumed (data not read)."""
        for (key,) in self._top("key", section_slug, limit):
            yield key

    def top_updated(self, section_slug: str | None, limit: int) -> datetime | None:
        """The newest ``updated`` among :meth:`top_entries` (a feed's own updated), data not read."""
        return max(
            (from_iso(r[0]) for r in self._top("updated", section_slug, limit)), default=None
        )

    def all_entries(
        self, *, include_withdrawn: bool = False, skip: frozenset[str] | set[str] = frozenset()
    ) -> Iterator[tuple[LedgerRecord, dict[str, Any]]]:
        """Every entry in ledger order, but those whose key is in ``skip`` (not decoded)."""
        q = f"SELECT {_RECORD_COLUMNS}, data FROM articles"
        if not include_withdrawn:
            q += " WHERE withdrawn = 0"
        if skip:
            # keys first: when few rows are left (a cold run has written them all), read only those
            where = q[q.index(" FROM ") :]
            left = [
                k for (k,) in self.conn.execute(f"SELECT key{where} ORDER BY seq") if k not in skip
            ]
            if len(left) <= _FEW:
                yield from self.rows_by_keys(left)
                return
        for r in self.conn.execute(q + " ORDER BY seq"):
            if r[0] not in skip:
                yield _record(r), loads(r[10])

    def count_articles(self) -> int:
        return int(
            self.conn.execute("SELECT COUNT(*) FROM articles WHERE withdrawn = 0").fetchone()[0]
        )

    # --- feeds ----------------------------------------------------------------
    def feed_hashes(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT path, sha256 FROM feeds").fetchall())

    def record_feeds(self, rows: Iterable[tuple[str, str, str, datetime]]) -> None:
        self.conn.executemany(
            "INSERT INTO feeds (path, url, sha256, written) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE "
            "SET url = excluded.url, sha256 = excluded.sha256, written = excluded.written",
            [(p, u, h, iso(w)) for p, u, h, w in rows],
        )

    # --- announcements (what the outbox still has to turn into messages) ----------
    def record_announcements(
        self, rows: Iterable[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> None:
        """(guid, kind, item) rows, in announcement order; call in the ledger change's transaction."""
        at = iso(now)
        self.conn.executemany(
            "INSERT INTO announcements (guid, kind, item, created) VALUES (?, ?, ?, ?)",
            [(guid, kind, dumps(item), at) for guid, kind, item in rows],
        )

    def take_announcements(self) -> list[tuple[str, dict[str, Any]]]:
        """Every recorded (kind, item), oldest first, deleting them: call inside the
        transaction that queues the messages carrying them."""
        rows = self.conn.execute("SELECT kind, item FROM announcements ORDER BY id").fetchall()
        if rows:
            self.conn.execute("DELETE FROM announcements")
        return [(kind, loads(item)) for kind, item in rows]

    def count_announcements(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM announcements").fetchone()[0])

    # --- files in place (feeds, section pages, index, OPML) ------------------------
    def recorded_files(self) -> dict[str, tuple[int, int]]:
        return {
            r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT path, size, mtime_ns FROM files")
        }

    def record_files(self, rows: Iterable[tuple[str, int, int]], *, replace: bool = False) -> None:
        """Record files in place; ``replace``: these are all of them (forget the others)."""
        if replace:
            self.conn.execute("DELETE FROM files")
        self.conn.executemany(
            "INSERT INTO files (path, size, mtime_ns) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE"
            " SET size = excluded.size, mtime_ns = excluded.mtime_ns",
            list(rows),
        )

    # --- ActivityPub (issue 13): the site's key pair and the followers -----------
    def ap_key(self) -> tuple[str, str] | None:
        """(private PEM, public PEM) of the site's key pair, or None before it is made."""
        row = self.conn.execute(
            "SELECT private_pem, public_pem FROM ap_keys WHERE name = 'site'"
        ).fetchone()
        return (row[0], row[1]) if row else None

    def add_ap_key(self, private_pem: str, public_pem: str, now: datetime) -> None:
        """Keep a new key pair unless one exists (the first one made stays for good)."""
        self.conn.execute(
            "INSERT INTO ap_keys (name, private_pem, public_pem, created) VALUES ('site', ?, ?, ?)"
            " ON CONFLICT (name) DO NOTHING",
            (private_pem, public_pem, iso(now)),
        )

    def add_follower(
        self, actor: str, follower: str, inbox: str, follow_id: str, now: datetime
    ) -> None:
        self.conn.execute(
            "INSERT INTO ap_followers (actor, follower, inbox, follow_id, created)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (actor, follower) DO UPDATE SET"
            " inbox = excluded.inbox, follow_id = excluded.follow_id",
            (actor, follower, inbox, follow_id, iso(now)),
        )

    def remove_follower(self, follower: str, actor: str | None = None) -> int:
        """Forget a follower of one actor (Undo Follow), or of all (Delete of the actor)."""
        if actor is None:
            cur = self.conn.execute("DELETE FROM ap_followers WHERE follower = ?", (follower,))
        else:
            cur = self.conn.execute(
                "DELETE FROM ap_followers WHERE actor = ? AND follower = ?", (actor, follower)
            )
        return int(cur.rowcount)

    def follower_inboxes(self, actor: str) -> list[str]:
        """Each distinct inbox to deliver an actor's activities to, once (shared inboxes)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT inbox FROM ap_followers WHERE actor = ? ORDER BY inbox", (actor,)
            )
        ]

    def count_followers(self, actor: str) -> int:
        return int(
            self.conn.execute(
                "SELECT COUNT(*) FROM ap_followers WHERE actor = ?", (actor,)
            ).fetchone()[0]
        )

    # --- runs (heartbeat) -----------------------------------------------------
    def finish_run(self, run_id: int, now: datetime, status: str, summary: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?",
            (iso(now), status, dumps(summary), run_id),
        )
        # keep the heartbeat table small: the last 1,000 runs are plenty for status
        self.conn.execute("DELETE FROM runs WHERE id <= ? - 1000", (run_id,))

    def last_run(self, kind: str = "publish", *, ok_only: bool = True) -> dict[str, Any] | None:
        runs = self.recent_runs(kind, limit=1, ok_only=ok_only)
        return runs[0] if runs else None

    def recent_runs(
        self, kind: str = "publish", *, limit: int = 50, ok_only: bool = False
    ) -> list[dict[str, Any]]:
        """The newest finished runs of ``kind``, newest first."""
        q = "SELECT id, started, finished, status, summary FROM runs WHERE kind = ? AND finished IS NOT NULL"
        if ok_only:
            q += " AND status IN ('ok', 'problems')"
        rows = self.conn.execute(q + " ORDER BY id DESC LIMIT ?", (kind, limit)).fetchall()
        return [
            {
                "id": row[0],
                "started": row[1],
                "finished": row[2],
                "status": row[3],
                "summary": loads(row[4]) if row[4] else {},
            }
            for row in rows
        ]

    def close(self) -> None:
        self.conn.close()
