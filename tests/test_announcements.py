"""Announcements at scale and in trouble (issue 8, sections 1 and 4): large changes split
into small ordered messages; dead notices stay visible until replayed or discarded;
feed files deleted or emptied by hand come back; an old state file upgrades."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from conformance import check_output_dir
from nothing_lost import (
    Site,
    announced,
    ledger,
    site_config,
    site_fixture,  # noqa: F401  (the `site` fixture)
    start_receiver,
    syndicate,
)

from syndicate.push.outbox import MAX_MESSAGE_ITEMS
from syndicate.state import MIGRATIONS, SCHEMA_VERSION, open_state


def test_a_large_change_is_announced_whole_in_small_ordered_messages(site: Site) -> None:
    site.add(250)
    result = syndicate(site.root, "publish")
    assert result.returncode == 0, result.stderr
    hits = site.receiver.for_path("/hook")
    got = announced(site.receiver)
    parts = [json.loads(h.body)["data"] for h in hits]
    assert [(p["part"], p["parts"]) for p in parts] == [(1, 3), (2, 3), (3, 3)]
    assert all(len(p["new"]) <= MAX_MESSAGE_ITEMS for p in parts)
    assert len({h.headers["webhook-id"] for h in hits}) == 3
    assert parts[0]["feeds"] and not parts[1]["feeds"] and not parts[2]["feeds"]
    assert got.items("new") == set(ledger(site.state)), (
        "a cold publish of 250 articles must announce 250"
    )
    assert sum(len(p["new"]) for p in parts) == 250


def test_dead_webhook_notice_stays_in_status_until_replayed(tmp_path: Path) -> None:
    rec = start_receiver()
    port = rec.port
    rec.stop()  # the endpoint is down
    (tmp_path / "pages").mkdir()
    (tmp_path / "site.toml").write_text(site_config(port, retry="[0]"), "utf-8")
    site = Site(root=tmp_path, receiver=rec)
    site.add(5)
    assert syndicate(tmp_path, "publish").returncode == 0
    first_run = set(ledger(site.state))
    status = syndicate(tmp_path, "status")
    assert status.returncode == 5 and "webhook:shop" in status.stdout, status.stdout

    back = start_receiver(port)  # up again; another run publishes news
    try:
        site.add(2)
        assert syndicate(tmp_path, "publish").returncode == 0
        status = syndicate(tmp_path, "status")
        assert status.returncode == 5, status.stdout  # the dead notice is still counted
        shop = next(line for line in status.stdout.splitlines() if "webhook:shop" in line)
        assert shop.split()[3] == "1", shop  # DEAD column
        assert not first_run & announced(back).items("new"), (
            "the dead run's items were sent anyway?"
        )

        replayed = syndicate(tmp_path, "replay", "shop")
        assert "requeued 1" in replayed.stdout, replayed.stdout + replayed.stderr
        assert syndicate(tmp_path, "replay").returncode == 0  # and the hub's dead ping
        assert syndicate(tmp_path, "deliver").returncode == 0
        assert first_run <= announced(back).items("new")
        assert syndicate(tmp_path, "status").returncode == 0
    finally:
        back.stop()


def test_discarded_dead_notice_leaves_status(tmp_path: Path) -> None:
    rec = start_receiver()
    port = rec.port
    rec.stop()
    (tmp_path / "pages").mkdir()
    (tmp_path / "site.toml").write_text(site_config(port, retry="[0]"), "utf-8")
    Site(root=tmp_path, receiver=rec).add(3)
    assert syndicate(tmp_path, "publish").returncode == 0
    assert syndicate(tmp_path, "status").returncode == 5
    dropped = syndicate(tmp_path, "replay", "--discard")
    assert "discarded" in dropped.stdout and dropped.returncode == 0, (
        dropped.stdout + dropped.stderr
    )
    assert syndicate(tmp_path, "status").returncode == 0
    assert "requeued 0" in syndicate(tmp_path, "replay").stdout


def test_feed_files_and_pages_deleted_or_emptied_by_hand_are_rewritten(site: Site) -> None:
    site.add(30)
    assert syndicate(site.root, "publish").returncode == 0
    out = site.output
    before = {
        p: hashlib.sha256((out / p).read_bytes()).hexdigest()
        for p in ("feed.xml", "section-01/feed.xml", "index.html", "feeds.opml")
    }
    hooks = len(site.receiver.for_path("/hook"))
    pages = sorted(p for p in (out / "section-02").glob("*.html") if p.name != "index.html")
    lost, kept = pages[0], pages[1]
    lost_bytes, kept_inode = lost.read_bytes(), kept.stat().st_ino
    lost.unlink()  # deleted with the feeds: the repair puts the article page back too
    (out / "feed.xml").unlink()
    (out / "section-01" / "feed.xml").write_bytes(b"")
    (out / "feeds.opml").write_text("edited by hand", "utf-8")

    result = syndicate(site.root, "publish")
    assert result.returncode == 0, result.stderr
    after = {p: hashlib.sha256((out / p).read_bytes()).hexdigest() for p in before}
    assert after == before, "the files were not restored to the bytes last published"
    assert lost.read_bytes() == lost_bytes, "a deleted article page was not restored"
    assert kept.stat().st_ino == kept_inode, "a page that was in place was rewritten"
    assert len(site.receiver.for_path("/hook")) == hooks, "restoring files announced something"
    check_output_dir(out, consumers=False)


def test_state_of_schema_3_upgrades_and_keeps_its_outbox(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:3]:
        for statement in step.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status, next_attempt)"
        " VALUES ('msg_old', 'webhook:shop', 'webhook', 'run', '{}', '2026-01-01', 'pending', '2026-01-01')"
    )
    conn.close()

    with open_state(path) as store:
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        row = store.conn.execute(
            "SELECT status, offered FROM notices WHERE msg_id = 'msg_old'"
        ).fetchone()
        assert store.count_announcements() == 0 and store.recorded_files() == {}
    assert version == SCHEMA_VERSION  # through every later step (5: leases, 6: ActivityPub)
    assert row == ("pending", 0)


def test_withdrawal_and_its_undoing_are_announced(site: Site) -> None:
    site.add(6)
    assert syndicate(site.root, "publish").returncode == 0
    guid = sorted(ledger(site.state))[0]
    after = len(site.receiver.for_path("/hook"))
    gone = syndicate(site.root, "withdraw", guid)
    assert gone.returncode == 0, gone.stderr
    [hit] = site.receiver.for_path("/hook")[after:]
    data = json.loads(hit.body)["data"]
    assert [i["id"] for i in data["withdrawn"]] == [guid] and data["new"] == data["updated"] == []
    back = syndicate(site.root, "withdraw", "--undo", guid)
    assert back.returncode == 0, back.stderr
    [hit] = site.receiver.for_path("/hook")[after + 1 :]
    data = json.loads(hit.body)["data"]
    assert [i["id"] for i in data["updated"]] == [guid] and "withdrawn" not in data


def test_a_format_dropped_from_the_config_is_not_looked_for_again(site: Site) -> None:
    site.add(6)
    assert syndicate(site.root, "publish").returncode == 0
    config = site.root / "site.toml"
    config.write_text(
        config.read_text("utf-8").replace("[output]\n", '[output]\nformats = ["rss", "atom"]\n'),
        "utf-8",
    )
    assert syndicate(site.root, "publish").returncode == 0
    conn = sqlite3.connect(f"file:{site.state}?mode=ro", uri=True)
    try:
        recorded = {p for (p,) in conn.execute("SELECT path FROM files")}
    finally:
        conn.close()
    assert "feed.xml" in recorded and "atom.xml" in recorded
    assert not {p for p in recorded if p.endswith(".json")}, (
        "a dropped format's files are still recorded"
    )
