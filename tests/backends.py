"""Every StateStore backend as a fixture: a SQLite path, or the URL of a fresh database
on the real PostgreSQL of tests/pg.py (in CI, SYNDICATE_REQUIRE_PG=1 makes it required)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg import pg_server, pg_url  # noqa: F401 - session fixtures

BACKENDS = ["sqlite", "postgresql"]


def fresh_database(url: str) -> str:
    """Empty the test database (one schema, dropped and made again); returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")
    return url


@pytest.fixture(params=BACKENDS)
def state_where(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's state lives: ``tmp_path/state.db``, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "state.db"
    return fresh_database(request.getfixturevalue("pg_url"))
