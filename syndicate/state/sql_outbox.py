"""Read queries on the outbox and the heartbeat, shared by both backends (``?`` SQL).

What status, health and history need, so that they never reach for ``store.conn``:
portable SQL only (no SQLite-only boolean sums), checked on both backends by
tests/test_state_contract.py."""

from __future__ import annotations

from typing import Any


class OutboxQueries:
    """Mixed into :class:`syndicate.state.sql.SqlStore`."""

    conn: Any

    def disabled_endpoints(self) -> set[str]:
        """Endpoints disabled by a 410 answer (until `syndicate replay --enable`)."""
        return {
            r[0] for r in self.conn.execute("SELECT endpoint FROM endpoints WHERE disabled = 1")
        }

    def notice_counts(self) -> dict[str, dict[str, int]]:
        """endpoint -> status -> how many notices."""
        out: dict[str, dict[str, int]] = {}
        for endpoint, status, n in self.conn.execute(
            "SELECT endpoint, status, COUNT(*) FROM notices GROUP BY endpoint, status"
        ):
            out.setdefault(endpoint, {})[status] = int(n)
        return out

    def pending_by_endpoint(self, late_before: str) -> dict[str, tuple[str, int]]:
        """endpoint -> (its earliest next_attempt, how many are due before ``late_before``)."""
        return {
            endpoint: (first, int(late or 0))
            for endpoint, first, late in self.conn.execute(
                "SELECT endpoint, MIN(next_attempt), SUM(CASE WHEN next_attempt < ? THEN 1 ELSE 0"
                " END) FROM notices WHERE status = 'pending' GROUP BY endpoint",
                (late_before,),
            )
        }

    def endpoint_health(self) -> dict[str, tuple[Any, ...]]:
        """endpoint -> (disabled, reason, last_attempt, last_success, last_error)."""
        return {
            r[0]: tuple(r[1:])
            for r in self.conn.execute(
                "SELECT endpoint, disabled, reason, last_attempt, last_success, last_error"
                " FROM endpoints"
            )
        }

    def known_endpoints(self) -> set[str]:
        """Every endpoint the outbox has a notice or a health row for."""
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT endpoint FROM notices UNION SELECT endpoint FROM endpoints"
            )
        }

    def delivery_attempts(self) -> list[tuple[str, int, int]]:
        """(endpoint, delivered notices, attempts) per endpoint."""
        return [
            (str(endpoint), int(delivered or 0), int(tries or 0))
            for endpoint, delivered, tries in self.conn.execute(
                "SELECT endpoint, SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END),"
                " SUM(attempts) FROM notices GROUP BY endpoint"
            )
        ]

    def run_counts(self, kind: str = "publish") -> list[tuple[str, int]]:
        """(status, how many finished runs), by status."""
        return [
            (str(s), int(n))
            for s, n in self.conn.execute(
                "SELECT status, COUNT(*) FROM runs WHERE kind = ? AND finished IS NOT NULL"
                " GROUP BY status ORDER BY status",
                (kind,),
            )
        ]

    def section_counts(self) -> list[tuple[str, int, str | None]]:
        """(section slug, live items, newest published) per section."""
        return [
            (str(slug), int(n), newest)
            for slug, n, newest in self.conn.execute(
                "SELECT section_slug, COUNT(*), MAX(published) FROM articles WHERE withdrawn = 0"
                " GROUP BY section_slug ORDER BY section_slug"
            )
        ]

    def feeds_written(self) -> list[tuple[str, str]]:
        """(path, written) of every feed version recorded."""
        return [
            (str(p), str(w))
            for p, w in self.conn.execute("SELECT path, written FROM feeds ORDER BY path")
        ]


__all__ = ["OutboxQueries"]
