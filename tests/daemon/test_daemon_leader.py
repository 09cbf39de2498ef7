"""Daemons sharing a PostgreSQL state: one leader schedules, a standby takes over when
the leader dies, and a leader whose PostgreSQL restarts reconnects (real processes)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from backends import fresh_database
from pg import PgServer
from publisher_helpers import Proc, make_site, page_text, wait_until

LEASE = 2.0


def pg_site(tmp_path: Path, url: str) -> Path:
    config = make_site(tmp_path, extra=f'\n[state]\nurl = "{url}"\n', delivery_lease=f"{LEASE}s")
    text = config.read_text(encoding="utf-8")
    text = text.replace('[state]\npath = "state/site.db"\n', "", 1)
    config.write_text(text, encoding="utf-8")
    return config


def feed_text(root: Path) -> str:
    try:
        return (root / "output" / "feed.xml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def leader_of(daemons: list[Proc]) -> Proc | None:
    leading = [d for d in daemons if "daemon took the lead" in d.log()]
    return leading[0] if len(leading) == 1 else None


def test_one_daemon_leads_and_a_standby_takes_over_within_twice_the_lease(
    pg_url: str, tmp_path: Path
) -> None:
    config = pg_site(tmp_path, fresh_database(pg_url))
    daemons = [
        Proc(["daemon", "--config", str(config)], cwd=tmp_path, name=f"d{i}") for i in (0, 1)
    ]
    try:
        leader = wait_until(lambda: leader_of(daemons), 20, "one leader")
        leader.wait_log(r"run job=publish status=ok new=5 ", 20)
        standby = daemons[1 - daemons.index(leader)]
        time.sleep(LEASE)  # the standby keeps trying meanwhile, and never leads
        assert "daemon took the lead" not in standby.log()
        assert "run job=publish" not in standby.log()

        leader.signal(signal.SIGKILL)
        killed = time.monotonic()
        leader.popen.wait(10)
        standby.wait_log(r"run job=publish status=ok", 4 * LEASE)
        took_over = time.monotonic() - killed
        assert took_over <= 2 * LEASE, f"took over after {took_over:.1f}s"
        code, _ = standby.stop()
        assert code == 0 and "Traceback" not in standby.log()
    finally:
        for d in daemons:
            d.close()


def test_a_daemon_whose_postgresql_restarts_reconnects_and_loses_nothing(
    pg_server: PgServer, tmp_path: Path
) -> None:
    config = pg_site(tmp_path, fresh_database(pg_server.url))
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"run job=publish status=ok new=5 ", 20)
        pg_server.restart()
        (tmp_path / "pages" / "late.txt").write_text(
            page_text("Night ferry timetable extended into winter")
        )
        wait_until(
            lambda: "Night ferry timetable extended" in feed_text(tmp_path),
            30,
            "the new item in feed.xml after the restart",
        )
        daemon.wait_log(r"run job=publish status=ok new=1 ", 10)
        # it saw its connection break, stood by, and led again once PostgreSQL was back
        # (a publish already running when the lead was lost may finish first: it holds
        # the publish lock, so it never overlaps another leader's)
        wait_until(lambda: daemon.log().count("daemon took the lead") == 2, 10, "the lead again")
        assert "daemon lost the lead" in daemon.log()
        feed = feed_text(tmp_path)
        assert feed.count("<item>") == 6  # the five of before the restart are all there
        code, _ = daemon.stop()
        assert code == 0
        assert "Traceback" not in daemon.log()
    finally:
        daemon.close()
