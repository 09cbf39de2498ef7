"""`syndicate daemon` as a real subprocess, driven by real signals (issue 4, Tests)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
from lxml import etree
from publisher_helpers import Proc, make_site, page_text, wait_until, write_config
from pytest_httpserver import HTTPServer

BASE = "http://127.0.0.1:8080/"


def feed_text(root: Path) -> str:
    try:
        return (root / "output" / "feed.xml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def hub_topics(httpserver: HTTPServer) -> list[str]:
    topics = []
    for request, _response in list(httpserver.log):
        form = parse_qs(request.get_data(as_text=True))
        assert form["hub.mode"] == ["publish"]
        topics.extend(form["hub.url"])
    return topics


def check_consistent(root: Path) -> None:
    """Every output file parses; SQLite says the state is intact; no temp file is left."""
    out = root / "output"
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert not path.name.startswith(".syndicate-tmp-"), path
        data = path.read_bytes()
        if path.suffix == ".json":
            json.loads(data)
        elif path.suffix in (".xml", ".opml"):
            etree.fromstring(data)
        elif path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
    conn = sqlite3.connect(root / "state" / "site.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        unfinished = conn.execute("SELECT COUNT(*) FROM runs WHERE finished IS NULL").fetchone()[0]
        assert unfinished == 0
    finally:
        conn.close()


def test_new_page_reaches_the_feed_and_the_hub(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hub", method="POST").respond_with_data("", status=202)
    config = make_site(tmp_path, hubs=[httpserver.url_for("/hub")])
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"run job=publish status=ok new=5 ")
        wait_until(lambda: BASE + "feed.xml" in hub_topics(httpserver), 5, "the first hub ping")
        pings_before = len(httpserver.log)

        # the waits bound a hang; how fast it goes is measured in bench/, not asserted here
        (tmp_path / "pages" / "late.txt").write_text(
            page_text("Night ferry timetable extended into winter")
        )
        wait_until(
            lambda: "Night ferry timetable extended" in feed_text(tmp_path),
            10,
            "the new item in feed.xml",
        )
        wanted = {BASE + "feed.xml", BASE + "business/feed.xml"}
        wait_until(
            lambda: wanted <= set(hub_topics(httpserver)[pings_before:]),
            10,
            "hub pings for the changed feeds after the new page",
        )

        code, _ = daemon.stop()
        assert code == 0
        log = daemon.log()
        assert "Traceback" not in log
        # one line per run, with counts and duration
        run_lines = [line for line in log.splitlines() if "run job=publish" in line]
        assert run_lines and all("seconds=" in line and "new=" in line for line in run_lines)
        assert "syndicate.publish: published" not in log
        check_consistent(tmp_path)
    finally:
        daemon.close()


def test_sigterm_mid_run_finishes_the_write_and_exits_0(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    for i in range(800):  # a cold publish of ~2 s, long enough to signal in the middle of it
        (tmp_path / "pages" / f"bulk-{i:03}.txt").write_text(
            page_text(f"Harbour report number {i} on the tides", body="Tide tables and more. " * 60)
        )
    lock = tmp_path / "state" / "site.db.lock"
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        held_since: list[float] = []

        def publishing() -> bool:
            # held by the daemon for 150 ms on end: the publish, not a heartbeat (~10 ms)
            try:
                held = (
                    lock.read_text().strip() == str(daemon.pid)
                    and "run job=publish" not in daemon.log()
                )
            except FileNotFoundError:
                held = False
            if not held:
                held_since.clear()
                return False
            held_since.append(time.monotonic())
            return held_since[-1] - held_since[0] >= 0.15

        wait_until(publishing, 10, "the catch-up publish to hold the state lock", interval=0.005)
        assert "run job=publish" not in daemon.log()
        code, seconds = daemon.stop()
        log = daemon.log()
        assert code == 0, log
        # the run in progress was finished, not cut: its line comes after the stop request
        assert log.index("daemon stopping") < log.index("run job=publish status=ok new=805 "), log
        check_consistent(tmp_path)
        items = etree.parse(str(tmp_path / "output" / "feed.xml")).findall("channel/item")
        # the 50 newest, plus the open RFC 5005 archive page's items they lack (docs/feeds.md)
        assert 50 <= len(items) < 50 + 50
        print(f"SIGTERM mid-run -> exit 0 in {seconds:.2f}s")
    finally:
        daemon.close()


def test_second_daemon_on_the_same_state_refuses_with_exit_4(tmp_path: Path) -> None:
    config = make_site(tmp_path, interval="1h")
    first = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="first")
    try:
        first.wait_log(r"daemon started")
        second = subprocess.run(
            [sys.executable, "-m", "syndicate", "daemon", "--config", str(config)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        assert second.returncode == 4
        assert (
            f"daemon already running: {tmp_path / 'state' / 'site.db.daemon.lock'}: held by pid {first.pid}"
            in second.stderr
        )
        assert first.popen.poll() is None
        # a manual publish meanwhile shares the state lock: it waits, it never writes alongside
        manual = subprocess.run(
            [sys.executable, "-m", "syndicate", "publish", "--config", str(config), "--wait"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert manual.returncode == 0, manual.stderr
        code, _ = first.stop()
        assert code == 0
        check_consistent(tmp_path)
    finally:
        first.close()


def test_sighup_with_a_broken_config_keeps_the_old_one(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"run job=publish status=ok new=5 ")
        good = config.read_text()
        config.write_text(good.replace("[site]", "[site\n"))  # not TOML any more
        daemon.signal(signal.SIGHUP)
        daemon.wait_log(r"reload failed, keeping the old config: invalid config: .*not valid TOML")
        config.write_text(
            good.replace('interval = "1s"', 'interval = "0s"', 1)
        )  # TOML, but invalid
        daemon.signal(signal.SIGHUP)
        daemon.wait_log(
            r"reload failed, keeping the old config: invalid config: .*schedule.interval: must be positive"
        )
        assert daemon.popen.poll() is None
        # still publishing on the old schedule
        (tmp_path / "pages" / "after-hup.txt").write_text(
            page_text("Lifeboat crew honoured after storm rescue")
        )
        wait_until(
            lambda: "Lifeboat crew honoured" in feed_text(tmp_path),
            5,
            "a publish after the failed reload",
        )
        # a valid config is taken: the site title changes in the feed
        write_config(tmp_path, title="Renamed Courier")
        daemon.signal(signal.SIGHUP)
        daemon.wait_log(r"config reloaded")
        wait_until(
            lambda: "<title>Renamed Courier</title>" in feed_text(tmp_path), 5, "the reloaded title"
        )
        code, _ = daemon.stop()
        assert code == 0
    finally:
        daemon.close()


def _set_last_run_finished(db: Path, ago: timedelta) -> None:
    """Date the last successful publish ``ago`` in the past, as after a long stop."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            (run_id,) = conn.execute(
                "SELECT MAX(id) FROM runs WHERE kind = 'publish' AND status IN ('ok', 'problems')"
            ).fetchone()
            finished = (datetime.now(UTC) - ago).isoformat(timespec="microseconds")
            conn.execute(
                "UPDATE runs SET started = ?, finished = ? WHERE id = ?",
                (finished, finished, run_id),
            )
    finally:
        conn.close()


def test_catch_up_runs_only_when_the_last_run_is_older_than_the_interval(tmp_path: Path) -> None:
    config = make_site(tmp_path, interval="1h")
    db = tmp_path / "state" / "site.db"
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"catch-up publish reason=no state yet")
        daemon.wait_log(r"run job=publish status=ok new=5 ")
        assert daemon.stop()[0] == 0
    finally:
        daemon.close()

    # the last run is a moment old: the daemon decides against a catch-up and waits an hour
    recent = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="recent")
    try:
        recent.wait_log(r"catch-up not needed: last run \d+s ago, period 3600s")
        recent.wait_log(r"daemon started")

        def beat() -> dict[str, str] | None:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'daemon'").fetchone()
            finally:
                conn.close()
            doc = json.loads(row[0]) if row else None
            return doc if doc and doc.get("pid") == recent.pid else None

        doc = wait_until(beat, 5, "the daemon heartbeat in state meta")
        assert "stopped" not in doc and doc["beat"] >= doc["started"]
        assert recent.stop()[0] == 0
        log = recent.log()
        assert "catch-up publish" not in log and "run job=publish" not in log, log
        assert "stopped" in json.loads(
            sqlite3.connect(db).execute("SELECT value FROM meta WHERE key = 'daemon'").fetchone()[0]
        )
    finally:
        recent.close()

    # the last run is two hours old, the interval one hour: it publishes at once
    _set_last_run_finished(db, timedelta(hours=2))
    late = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="late")
    try:
        match = late.wait_log(r"catch-up publish reason=last run (\d+)s ago, period 3600s")
        assert 7200 <= int(match.group(1)) < 7200 + 600
        late.wait_log(r"run job=publish status=ok new=0 updated=0 unchanged=0 ")
        assert late.stop()[0] == 0
        assert late.log().count("run job=publish") == 1
    finally:
        late.close()
    conn = sqlite3.connect(db)
    try:
        ages = conn.execute(
            "SELECT finished FROM runs WHERE kind = 'publish' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    assert len(ages) == 2 and ages[1][0] > ages[0][0]


def test_daemon_without_a_schedule_is_a_usage_error(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    config.write_text(config.read_text().replace('[schedule]\ninterval = "1s"\n', ""))
    result = subprocess.run(
        [sys.executable, "-m", "syndicate", "daemon", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 2
    assert "the daemon needs a schedule" in result.stderr


def test_daemon_serves_output_with_serve_option(tmp_path: Path) -> None:
    config = make_site(tmp_path, interval="1h")
    daemon = Proc(
        ["daemon", "--config", str(config), "--serve", "--port", "0"], cwd=tmp_path, name="daemon"
    )
    try:
        url = daemon.wait_log(r"serving dir=\S+ url=(http://\S+)").group(1)
        daemon.wait_log(r"run job=publish status=ok")
        resp = requests.get(url + "feed.xml", timeout=(2, 5))
        assert (
            resp.status_code == 200
            and resp.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        )
        health = requests.get(url + "healthz", timeout=(2, 5)).json()
        assert health["status"] == "ok" and health["daemon"]["pid"] == daemon.pid
        assert health["last_run"]["summary"]["new"] == 5
        code, _ = daemon.stop()
        assert code == 0
    finally:
        daemon.close()


@pytest.mark.parametrize("signame", ["SIGINT"])
def test_sigint_stops_like_sigterm(tmp_path: Path, signame: str) -> None:
    config = make_site(tmp_path, interval="1h")
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"run job=publish status=ok")
        daemon.signal(getattr(signal, signame))
        assert daemon.popen.wait(timeout=5) == 0
        assert "Traceback" not in daemon.log()
    finally:
        daemon.close()
