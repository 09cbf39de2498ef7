"""The state store: one SQLite file (WAL mode) guarded by a lock file.

It holds the *ledger* (every article syndicate has seen, with its fixed id, slug and
first-seen date), the input files already read, the feed versions written, the
notification outbox, and a heartbeat of runs. Schema changes go through
``MIGRATIONS``; a store written by a newer syndicate is refused.

Only one writer at a time: :func:`open_state` takes an exclusive ``flock`` on
``<state>.lock`` (released by the kernel even on SIGKILL). A second publish gets
:class:`BusyError`, or waits when asked to.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .codec import article_from_dict, article_to_dict, dumps, loads
from .errors import BusyError, StateError
from .identity import title_base
from .model import Entry

# Each step upgrades from version i to i+1. Never edit a released step: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        key          TEXT PRIMARY KEY,
        guid         TEXT NOT NULL UNIQUE,
        section_slug TEXT NOT NULL,
        slug         TEXT NOT NULL,
        first_seen   TEXT NOT NULL,
        published    TEXT NOT NULL,
        updated      TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        withdrawn    INTEGER NOT NULL DEFAULT 0,
        data         TEXT NOT NULL,
        UNIQUE (section_slug, slug)
    );
    CREATE INDEX articles_by_section_date ON articles (section_slug, withdrawn, published DESC, seq);
    CREATE INDEX articles_by_date ON articles (withdrawn, published DESC, seq);
    CREATE TABLE sections (
        slug  TEXT PRIMARY KEY,
        name  TEXT NOT NULL
    );
    CREATE TABLE inputs (
        path     TEXT PRIMARY KEY,
        size     INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        sha256   TEXT NOT NULL
    );
    CREATE TABLE feeds (
        path     TEXT PRIMARY KEY,     -- relative to output/
        url      TEXT NOT NULL,
        sha256   TEXT NOT NULL,
        written  TEXT NOT NULL
    );
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE runs (
        id        INTEGER PRIMARY KEY,
        kind      TEXT NOT NULL,
        started   TEXT NOT NULL,
        finished  TEXT,
        status    TEXT,
        summary   TEXT
    );
    CREATE TABLE notices (
        id           INTEGER PRIMARY KEY,
        msg_id       TEXT NOT NULL UNIQUE,   -- stable across retries (webhook-id)
        endpoint     TEXT NOT NULL,          -- 'hub:<url>' | 'webhook:<name>' | 'ping:<name>'
        kind         TEXT NOT NULL,          -- 'websub' | 'webhook' | 'ping'
        topic        TEXT NOT NULL,          -- what supersedes what: feed URL, or '' for one per run
        payload      TEXT NOT NULL,          -- JSON
        created      TEXT NOT NULL,
        status       TEXT NOT NULL,          -- 'pending' | 'delivered' | 'dead' | 'superseded'
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error   TEXT,
        last_status  INTEGER,
        done_at      TEXT
    );
    CREATE INDEX notices_due ON notices (status, next_attempt);
    CREATE INDEX notices_by_endpoint ON notices (endpoint, status);
    CREATE TABLE endpoints (
        endpoint  TEXT PRIMARY KEY,
        disabled  INTEGER NOT NULL DEFAULT 0,
        reason    TEXT
    );
    """,
    # 2: per-endpoint delivery health for `syndicate status` (issue 3)
    """
    ALTER TABLE endpoints ADD COLUMN last_attempt TEXT;
    ALTER TABLE endpoints ADD COLUMN last_success TEXT;
    ALTER TABLE endpoints ADD COLUMN last_error TEXT;
    ALTER TABLE endpoints ADD COLUMN last_status INTEGER;
    CREATE INDEX notices_by_topic ON notices (endpoint, topic, status);
    """,
    # 3: every article's section + title key, so that a text-page capture and the HTML
    # page of the same article (keyed by URL) find each other (identity.py)
    """
    ALTER TABLE articles ADD COLUMN alias TEXT;
    CREATE INDEX articles_by_alias ON articles (alias);
    """,
    # 4: what must be announced, recorded in the transaction of the ledger change that
    # makes an item new, updated or withdrawn (issue 8); the outbox turns these rows into
    # webhook messages and deletes them in the transaction that queues the messages.
    # And the size and mtime of every feed-level file written, so that a file deleted or
    # emptied by hand is noticed and rewritten by the next run. And which notices may
    # already have been sent (never merged into a message with a new webhook-id).
    """
    CREATE TABLE announcements (
        id       INTEGER PRIMARY KEY,   -- announcement order
        guid     TEXT NOT NULL,
        kind     TEXT NOT NULL,         -- 'new' | 'updated' | 'withdrawn'
        item     TEXT NOT NULL,         -- JSON: the item as a webhook carries it
        created  TEXT NOT NULL
    );
    CREATE TABLE files (
        path     TEXT PRIMARY KEY,      -- relative to output/
        size     INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL
    );
    -- 1 while a notice is handed to a target and its outcome not yet recorded
    ALTER TABLE notices ADD COLUMN offered INTEGER NOT NULL DEFAULT 0;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


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


_FEW = 1000    # all_entries: up to this many rows left after `skip` are read one by one
_RECORD_COLUMNS = "key, guid, section_slug, slug, first_seen, published, updated, content_hash, seq, withdrawn"


def _record(row: Sequence[Any]) -> LedgerRecord:
    return LedgerRecord(key=row[0], guid=row[1], section_slug=row[2], slug=row[3],
                        first_seen=from_iso(row[4]), published=from_iso(row[5]), updated=from_iso(row[6]),
                        content_hash=row[7], seq=row[8], withdrawn=bool(row[9]))


def is_storage_error(err: sqlite3.Error) -> bool:
    """The disk under the state is full or failing (not a bug in a query)."""
    name = getattr(err, "sqlite_errorname", "") or ""
    return name in ("SQLITE_FULL", "SQLITE_CANTOPEN") or name.startswith("SQLITE_IOERR")


def storage_error(path: Path, err: sqlite3.Error) -> StateError:
    """One clean message for a write the state's disk refused; nothing committed is lost."""
    if getattr(err, "sqlite_errorname", "") == "SQLITE_FULL":
        return StateError(f"state: disk full: {path}: {err}; free space on that disk and run again"
                          " (the last committed run is kept, nothing is lost)")
    return StateError(f"cannot write state: {path}: {err}; check the disk and run again"
                      " (the last committed run is kept)")


class StateStore:
    """A connection to the state file. Use :func:`open_state` to get one."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    # --- transactions ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception.

        Raises StateError when the disk is full or failing: SQLite then has already
        rolled back on its own, and a second ROLLBACK used to hide the cause behind
        "cannot rollback - no transaction is active" (issue 8, section 4)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if is_storage_error(err):
                raise storage_error(self.path, err) from err
            raise
        try:
            yield self.conn
        except BaseException as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error) and is_storage_error(err):
                raise storage_error(self.path, err) from err
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise storage_error(self.path, err) from err

    # --- meta -----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # --- inputs ---------------------------------------------------------------
    def input_fingerprints(self) -> dict[str, tuple[int, int, str]]:
        return {r[0]: (r[1], r[2], r[3]) for r in self.conn.execute("SELECT path, size, mtime_ns, sha256 FROM inputs")}

    def record_inputs(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO inputs (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE "
            "SET size = excluded.size, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256", rows)

    # --- ledger ---------------------------------------------------------------
    def records_with_base(self, bases: Iterable[str]) -> dict[str, list[tuple[LedgerRecord, dict[str, Any]]]]:
        """Records whose key starts with each base (text keys: every dated capture of a title),
        or whose alias (section + title key) is the base."""
        out: dict[str, list[tuple[LedgerRecord, dict[str, Any]]]] = {}
        for base in set(bases):
            rows = self.conn.execute(f"SELECT {_RECORD_COLUMNS}, data FROM articles WHERE key >= ? AND key < ?"
                                     f" UNION SELECT {_RECORD_COLUMNS}, data FROM articles WHERE alias = ?",
                                     (base, base + "\U0010ffff", base)).fetchall()
            out[base] = [(_record(r), loads(r[10])) for r in rows]
        return out

    def slugs_with_prefixes(self, section_slug: str, bases: Iterable[str]) -> set[str]:
        """Slugs in a section equal to a base or starting with ``base-``."""
        out: set[str] = set()
        for base in bases:
            rows = self.conn.execute("SELECT slug FROM articles WHERE section_slug = ? AND slug >= ? AND slug < ?",
                                     (section_slug, base, base + "\U0010ffff")).fetchall()
            out.update(r[0] for r in rows if r[0] == base or r[0].startswith(base + "-"))
        return out

    def section_slugs(self, section_slug: str) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT slug FROM articles WHERE section_slug = ?", (section_slug,))}

    def rows_by_keys(self, keys: Iterable[str]) -> list[tuple[LedgerRecord, dict[str, Any]]]:
        out = []
        for key in keys:
            row = self.conn.execute(f"SELECT {_RECORD_COLUMNS}, data FROM articles WHERE key = ?", (key,)).fetchone()
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
            [(e.key, e.guid, e.section_slug, e.slug, iso(e.first_seen), iso(e.published), iso(e.updated),
              e.content_hash, e.seq, dumps(article_to_dict(e.article)), title_base(e.section_slug, e.article.title))
             for e in entries])

    def record_sections(self, sections: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany("INSERT INTO sections (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING",
                              list(sections))

    def sections(self) -> dict[str, str]:
        """slug -> name of every section that has (or had) an article."""
        return dict(self.conn.execute("SELECT slug, name FROM sections ORDER BY slug").fetchall())

    def set_withdrawn(self, guid_or_key: str, withdrawn: bool = True) -> LedgerRecord | None:
        row = self.conn.execute(f"SELECT {_RECORD_COLUMNS} FROM articles WHERE guid = ? OR key = ?",
                                (guid_or_key, guid_or_key)).fetchone()
        if row is None:
            return None
        self.conn.execute("UPDATE articles SET withdrawn = ? WHERE key = ?", (int(withdrawn), row[0]))
        return _record(row)

    def top_entries(self, section_slug: str | None, limit: int) -> list[tuple[LedgerRecord, dict[str, Any]]]:
        """The newest ``limit`` live entries of a section (or of all, for None)."""
        return list(self.iter_top_entries(section_slug, limit))

    def _top(self, columns: str, section_slug: str | None, limit: int) -> sqlite3.Cursor:
        where, args = ("", (limit,)) if section_slug is None else ("section_slug = ? AND ", (section_slug, limit))
        return self.conn.execute(f"SELECT {columns} FROM articles WHERE {where}withdrawn = 0"
                                 " ORDER BY published DESC, seq ASC LIMIT ?", args)

    def iter_top_entries(self, section_slug: str | None, limit: int) -> Iterator[tuple[LedgerRecord, dict[str, Any]]]:
        """:meth:`top_entries`, read as it is consumed (a feed of every article is not held whole)."""
        for r in self._top(f"{_RECORD_COLUMNS}, data", section_slug, limit):
            yield _record(r), loads(r[10])

    def iter_top_keys(self, section_slug: str | None, limit: int) -> Iterator[str]:
        """The keys of :meth:`top_entries`, read as consumed (data not read)."""
        for (key,) in self._top("key", section_slug, limit):
            yield key

    def top_updated(self, section_slug: str | None, limit: int) -> datetime | None:
        """The newest ``updated`` among :meth:`top_entries` (a feed's own updated), data not read."""
        return max((from_iso(r[0]) for r in self._top("updated", section_slug, limit)), default=None)

    def all_entries(self, *, include_withdrawn: bool = False,
                    skip: frozenset[str] | set[str] = frozenset()) -> Iterator[tuple[LedgerRecord, dict[str, Any]]]:
        """Every entry in ledger order, but those whose key is in ``skip`` (not decoded)."""
        q = f"SELECT {_RECORD_COLUMNS}, data FROM articles"
        if not include_withdrawn:
            q += " WHERE withdrawn = 0"
        if skip:
            # keys first: when few rows are left (a cold run has written them all), read only those
            where = q[q.index(" FROM "):]
            left = [k for (k,) in self.conn.execute(f"SELECT key{where} ORDER BY seq") if k not in skip]
            if len(left) <= _FEW:
                yield from self.rows_by_keys(left)
                return
        for r in self.conn.execute(q + " ORDER BY seq"):
            if r[0] not in skip:
                yield _record(r), loads(r[10])

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles WHERE withdrawn = 0").fetchone()[0])

    # --- feeds ----------------------------------------------------------------
    def feed_hashes(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT path, sha256 FROM feeds").fetchall())

    def record_feeds(self, rows: Iterable[tuple[str, str, str, datetime]]) -> None:
        self.conn.executemany(
            "INSERT INTO feeds (path, url, sha256, written) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE "
            "SET url = excluded.url, sha256 = excluded.sha256, written = excluded.written",
            [(p, u, h, iso(w)) for p, u, h, w in rows])

    # --- announcements (what the outbox still has to turn into messages) ----------
    def record_announcements(self, rows: Iterable[tuple[str, str, dict[str, Any]]], now: datetime) -> None:
        """(guid, kind, item) rows, in announcement order; call in the ledger change's transaction."""
        at = iso(now)
        self.conn.executemany("INSERT INTO announcements (guid, kind, item, created) VALUES (?, ?, ?, ?)",
                              [(guid, kind, dumps(item), at) for guid, kind, item in rows])

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
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT path, size, mtime_ns FROM files")}

    def record_files(self, rows: Iterable[tuple[str, int, int]], *, replace: bool = False) -> None:
        """Record files in place; ``replace``: these are all of them (forget the others)."""
        if replace:
            self.conn.execute("DELETE FROM files")
        self.conn.executemany(
            "INSERT INTO files (path, size, mtime_ns) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE"
            " SET size = excluded.size, mtime_ns = excluded.mtime_ns", list(rows))

    # --- runs (heartbeat) -----------------------------------------------------
    def start_run(self, kind: str, now: datetime) -> int:
        try:
            cur = self.conn.execute("INSERT INTO runs (kind, started) VALUES (?, ?)", (kind, iso(now)))
        except sqlite3.Error as err:
            if is_storage_error(err):
                raise storage_error(self.path, err) from err
            raise
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, now: datetime, status: str, summary: dict[str, Any]) -> None:
        self.conn.execute("UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?",
                          (iso(now), status, dumps(summary), run_id))
        # keep the heartbeat table small: the last 1,000 runs are plenty for status
        self.conn.execute("DELETE FROM runs WHERE id <= ? - 1000", (run_id,))

    def last_run(self, kind: str = "publish", *, ok_only: bool = True) -> dict[str, Any] | None:
        q = "SELECT id, started, finished, status, summary FROM runs WHERE kind = ? AND finished IS NOT NULL"
        if ok_only:
            q += " AND status IN ('ok', 'problems')"
        row = self.conn.execute(q + " ORDER BY id DESC LIMIT 1", (kind,)).fetchone()
        if row is None:
            return None
        return {"id": row[0], "started": row[1], "finished": row[2], "status": row[3],
                "summary": loads(row[4]) if row[4] else {}}

    def close(self) -> None:
        self.conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (StateStore.transaction).
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0, check_same_thread=False)
    # 16 KiB pages (only takes effect on a new file): a stored article (~2.6 KB of JSON)
    # fits a page instead of spilling to overflow pages; measured on a cold 10k publish
    # without article pages: 3.5 s instead of 4.3 s.
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")   # WAL + NORMAL: durable at checkpoints, never corrupt
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StateError(f"cannot use state: {path}: written by a newer syndicate (schema {version},"
                         f" this one knows {SCHEMA_VERSION}); upgrade syndicate")
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[step].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


# PRAGMA quick_check reads the whole file (0.15 s at 50k articles): run it when the
# last one is older than this, and on every open of a small store.
FULL_CHECK_EVERY = 24 * 3600.0
FULL_CHECK_BELOW_BYTES = 8 << 20


def _full_check_due(conn: sqlite3.Connection) -> bool:
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
        if pages < FULL_CHECK_BELOW_BYTES:
            return True
        row = conn.execute("SELECT value FROM meta WHERE key = 'integrity_checked'").fetchone()
        return row is None or time.time() - float(row[0]) > FULL_CHECK_EVERY
    except (sqlite3.Error, ValueError):
        return True


def check_state(conn: sqlite3.Connection, path: Path, *, full: bool = True) -> None:
    """``full``: PRAGMA quick_check over every page; else only the header and schema."""
    try:
        if not full:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return
        row = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as err:
        raise StateError(f"cannot use state: {path}: {err} (restore a backup, or move the file away and run"
                         " `syndicate recover`)") from err
    if row is None or row[0] != "ok":
        raise StateError(f"cannot use state: {path}: integrity check failed: {row[0] if row else '?'}"
                         " (restore a backup, or move the file away and run `syndicate recover`)")
    try:
        conn.execute("INSERT INTO meta (key, value) VALUES ('integrity_checked', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(time.time()),))
    except sqlite3.Error:
        pass     # a new file has no meta table until it is migrated; checked again next time


class StateLock:
    """An exclusive flock on ``<state>.lock``; the kernel drops it when the process dies."""

    BUSY = ("state is busy: {path}: another syndicate process (pid {pid}) is writing this state;"
            " wait for it, or pass --wait")

    def __init__(self, path: Path, *, busy: str | None = None):
        self.path = path
        self.busy = busy or self.BUSY      # the BusyError message, with {path} and {pid}
        self.fd: int | None = None

    def acquire(self, *, wait: bool = False, timeout: float | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait or (deadline is not None and time.monotonic() >= deadline):
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                    os.close(fd)
                    raise BusyError(self.busy.format(path=self.path, pid=holder)) from None
                time.sleep(0.05)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass        # the pid is only for the busy message; the flock is what guards (disk full)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
                os.close(self.fd)
                self.fd = None


def lock_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".lock")


@contextmanager
def open_state(path: Path, *, lock: bool = True, wait: bool = False,
               wait_timeout: float | None = None) -> Iterator[StateStore]:
    """Open (creating and migrating) the state file; with ``lock``, as the only writer."""
    guard = StateLock(lock_path(path)) if lock else None
    if guard is not None:
        guard.acquire(wait=wait, timeout=wait_timeout)
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = _connect(path)
        except (OSError, sqlite3.Error) as err:
            raise StateError(f"cannot open state: {path}: {err} (check the path and permissions; if the file is"
                             " damaged, restore a backup, or move the file away and run `syndicate recover`)") from err
        try:
            check_state(conn, path, full=_full_check_due(conn))
            try:
                _migrate(conn, path)
            except sqlite3.Error as err:
                raise StateError(f"cannot migrate state: {path}: {err}") from err
            yield StateStore(conn, path)
        finally:
            conn.close()
    finally:
        if guard is not None:
            guard.release()


def read_only_state(path: Path) -> StateStore | None:
    """A lock-free reader (status, health endpoint); None when no state exists yet."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=5.0,
                               check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as err:
        raise StateError(f"cannot open state: {path}: {err}") from err
    try:
        check_state(conn, path, full=False)    # garbage is one clean error, not a traceback later
    except StateError:
        conn.close()
        raise
    return StateStore(conn, path)


__all__ = [
    "SCHEMA_VERSION",
    "LedgerRecord",
    "StateStore",
    "article_from_dict",
    "from_iso",
    "iso",
    "open_state",
    "read_only_state",
]
