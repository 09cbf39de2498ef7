"""A feed's slots in ledger order, read a page at a time (issue 12), shared by both
backends (``?`` SQL). A feed is a section slug, or "" for the combined feed; its slots
are its articles in ``(seq, key)`` order, withdrawn ones included (they keep their slot:
syndicate/render/archive.py). Every query here runs on the covering indexes of migration
7, so counting or skipping slots never reads an article row; only the slots asked for
are returned to Python.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

_IN_CHUNK = 500  # keys per IN (...) list: well under SQLite's default variable limit


def _where(feed: str, extra: str = "") -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause selecting a feed's articles (and ``extra``), and its arguments."""
    parts = (["section_slug = ?"] if feed else []) + ([extra] if extra else [])
    return (" WHERE " + " AND ".join(parts) if parts else ""), ((feed,) if feed else ())


class SlotQueries:
    """Mixed into :class:`syndicate.state.sql.SqlStore`."""

    conn: Any

    def ledger_slots(self) -> Iterator[tuple[str, str, bool]]:
        """(key, section slug, withdrawn) of every article in ledger order, read as
        consumed (a full rebuild: every page of every feed)."""
        for k, s, w in self.conn.execute(
            "SELECT key, section_slug, withdrawn FROM articles ORDER BY seq, key"
        ):
            yield k, s, bool(w)

    def feed_slot_count(self, feed: str) -> int:
        """How many slots the feed has."""
        where, args = _where(feed)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM articles{where}", args).fetchone()[0])

    def feed_slots(self, feed: str, start: int, count: int) -> list[tuple[str, bool]]:
        """(key, withdrawn) of the feed's slots ``start`` .. ``start + count - 1`` (0-based)."""
        if count < 1:
            return []
        where, args = _where(feed)
        rows = self.conn.execute(
            f"SELECT key, withdrawn FROM articles{where} ORDER BY seq, key LIMIT ? OFFSET ?",
            (*args, count, start),
        )
        return [(str(k), bool(w)) for k, w in rows]

    def slot_positions(self, feed: str, keys: Collection[str]) -> dict[str, int]:
        """The 0-based slot of each of ``keys`` in the feed (keys not in it are left
        out). One count below the oldest of them, then the slots from there on: a run's
        new items are the newest slots, so this reads about as many as the run changed."""
        found: set[tuple[int, str]] = set()
        wanted = sorted(keys)
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i : i + _IN_CHUNK]
            where, args = _where(feed, f"key IN ({', '.join('?' * len(chunk))})")
            for key, seq in self.conn.execute(
                f"SELECT key, seq FROM articles{where}", (*args, *chunk)
            ):
                found.add((int(seq), str(key)))
        if not found:
            return {}
        first = min(found)[0]
        where, args = _where(feed, "seq < ?")
        position = int(
            self.conn.execute(f"SELECT COUNT(*) FROM articles{where}", (*args, first)).fetchone()[0]
        )
        where, args = _where(feed, "seq >= ?")
        out: dict[str, int] = {}
        for seq, key in self.conn.execute(
            f"SELECT seq, key FROM articles{where} ORDER BY seq, key", (*args, first)
        ):
            if (int(seq), str(key)) in found:
                out[str(key)] = position
                if len(out) == len(found):
                    break
            position += 1
        return out


__all__ = ["SlotQueries"]
