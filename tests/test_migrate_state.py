"""`syndicate migrate-state --to postgresql://...`: a SQLite state copied with every id,
date and pending notice; a publish on the copy then changes no byte."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from backends import fresh_database
from sitefactory import article, make_site, page

from syndicate.state import open_state

REPO = Path(__file__).resolve().parents[1]
HOOK = """
[[webhooks]]
name = "shop"
url = "http://127.0.0.1:9/hook"

[delivery]
connect_timeout = 0.5
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()
    out["meta"] = [r for r in out["meta"] if r[0] != "integrity_checked"]
    return out


def pg_rows(url: str, tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    with open_state(url, lock=False) as store:
        return {
            t: sorted((tuple(r) for r in store.conn.execute(f"SELECT * FROM {t}")), key=repr)
            for t in tables
        }


def test_migrate_state_keeps_every_row_and_a_publish_on_the_copy_changes_no_byte(
    pg_url: str, tmp_path: Path
) -> None:
    site = make_site(tmp_path, extra=HOOK)
    site.write_page(
        "a.txt",
        page(
            *(
                article(f"Tide report {i}", f"Tides {i}.", section="Port", date="November 2, 2026")
                for i in range(12)
            )
        ),
    )
    first = run("publish", "--config", str(site.config_path), cwd=tmp_path)
    assert first.returncode == 0, first.stderr  # the webhook is down: its notice stays pending
    state = tmp_path / "state" / "test.db"
    before = sqlite_rows(state)
    assert [r for r in before["notices"] if "pending" in r]
    assert len(before["articles"]) == 12 and before["runs"]

    url = fresh_database(pg_url)
    moved = run("migrate-state", "--config", str(site.config_path), "--to", url, cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "12 articles" in moved.stdout and "(1 pending notices)" in moved.stdout
    assert pg_rows(url, sorted(before)) == before

    again = run("migrate-state", "--config", str(site.config_path), "--to", url, cwd=tmp_path)
    assert again.returncode != 0 and "already holds a syndicate state" in again.stderr

    output = site.snapshot()
    text = site.config_path.read_text(encoding="utf-8")
    site.config_path.write_text(
        text.replace('path = "state/test.db"', f'url = "{url}"'), encoding="utf-8"
    )
    on_pg = run("publish", "--config", str(site.config_path), "--no-push", cwd=tmp_path)
    assert on_pg.returncode == 0, on_pg.stderr
    assert site.snapshot() == output  # same bytes, not even rewritten
    with open_state(url) as store:
        rows = store.conn.execute("SELECT id, msg_id, status FROM notices").fetchall()
        assert [tuple(r) for r in rows] == [(r[0], r[1], r[7]) for r in sorted(before["notices"])]
        run_ids = [r[0] for r in store.conn.execute("SELECT id FROM runs ORDER BY id")]
        assert run_ids[-1] > max(r[0] for r in before["runs"])  # ids continue after the copy
