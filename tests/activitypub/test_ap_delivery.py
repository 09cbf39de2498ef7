"""Deliveries through the one outbox, on real loopback HTTP: a publish sends a Create to
each follower server once (shared inbox), signed (checked by apsig against the key our
actor document serves); edits become Update, withdrawals Delete; a new follower gets no
old items; a receiver down then back gets each activity once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ap_helpers import Remote, Site, remotes, served_site
from publisher_helpers import page_text, wait_until

from syndicate import publish
from syndicate.push.outbox import deliver_due
from syndicate.state import open_state


def _follow_all(site: Site, follows: list[tuple[Remote, str, str]]) -> None:
    for remote, user, actor in follows:
        _f, resp = remote.follow(user, site.url(f"ap/{actor}.json"), site.url("ap/inbox"))
        assert resp.status_code == 202, resp.text
    for remote in {id(r): r for r, _u, _a in follows}.values():
        want = sum(1 for r, _u, _a in follows if r is remote)
        wait_until(lambda r=remote, n=want: len(r.verified_posts()) >= n, 10, "the Accepts")
        assert all(p.activity["type"] == "Accept" for p in remote.posts)
        remote.posts.clear()


def _creates(remote: Remote) -> list[dict]:
    return [p.activity for p in remote.posts if p.activity["type"] != "Accept"]


def test_a_publish_sends_one_signed_create_to_each_follower_server(tmp_path: Path) -> None:
    a, b = Remote(users=("alice", "bob")), Remote(users=("carol",))
    with remotes(a, b), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        _follow_all(
            site,
            [
                (a, "alice", "business"),
                (a, "bob", "business"),
                (b, "carol", "business"),
                (b, "carol", "site"),
            ],
        )
        site.add_page(
            "more.txt", page_text("Harbour cranes return to the old port", section="Business")
        )
        publish(site.config, wait=True)
        wait_until(lambda: len(a.posts) >= 1 and len(b.posts) >= 2, 10, "the Creates")
        assert all(p.verified for p in a.posts + b.posts), [p.why for p in a.posts + b.posts]
        assert [(x["type"], x["actor"]) for x in _creates(a)] == [
            ("Create", site.url("ap/business.json"))
        ]
        assert sorted(x["actor"] for x in _creates(b)) == [
            site.url("ap/business.json"),
            site.url("ap/site.json"),
        ]
        obj = _creates(a)[0]["object"]
        assert obj["name"] == "Harbour cranes return to the old port"
        assert obj["type"] == "Article" and obj["attributedTo"] == site.url("ap/business.json")
        assert obj["content"].startswith("<p>") and obj["url"].startswith(site.base)
        assert all(p.path == "/inbox" for p in a.posts + b.posts), "shared inboxes"
        with open_state(site.config.state_path, wait=True) as store:
            deliver_due(store, site.config, now=lambda: datetime.now(UTC) + timedelta(days=2))
        assert len(a.posts) == 1 and len(b.posts) == 2, "sent once, not again"


def test_a_new_follower_gets_no_flood_of_old_items(tmp_path: Path) -> None:
    with remotes(Remote()) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)  # five items before anyone follows
        _follow_all(site, [(remote, "alice", "business")])
        publish(site.config, wait=True)
        publish(site.config, wait=True, rebuild=True)
        assert remote.posts == []


def test_edits_become_update_and_withdrawals_delete(tmp_path: Path) -> None:
    with remotes(Remote()) as (remote,), served_site(tmp_path) as site:
        site.add_page("more.txt", page_text("Harbour cranes return", section="Business"))
        publish(site.config, deliver=False)
        _follow_all(site, [(remote, "alice", "business")])
        site.add_page(
            "more.txt",
            page_text(
                "Harbour cranes return",
                section="Business",
                body="The cranes came back on Monday, the port said in a statement.",
            ),
        )
        publish(site.config, wait=True)
        wait_until(lambda: remote.posts, 10, "the Update")
        update = remote.posts[-1].activity
        assert update["type"] == "Update" and "Monday" in update["object"]["content"]
        slug = update["object"]["url"].rsplit("/", 1)[1].removesuffix(".html")
        with open_state(site.config.state_path, wait=True) as store:
            guid = store.conn.execute(
                "SELECT guid FROM articles WHERE slug = ?", (slug,)
            ).fetchone()[0]
        publish(site.config, wait=True, withdraw=[guid])
        wait_until(lambda: len(remote.posts) >= 2, 10, "the Delete")
        delete = remote.posts[-1].activity
        assert delete["type"] == "Delete" and delete["object"] == {
            "id": update["object"]["id"],
            "type": "Tombstone",
        }
        assert all(p.verified for p in remote.posts)


def test_a_receiver_down_then_back_gets_each_activity_once(tmp_path: Path) -> None:
    with remotes(Remote()) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        _follow_all(site, [(remote, "alice", "business")])
        remote.statuses = [503, 503]
        site.add_page("more.txt", page_text("Harbour cranes return", section="Business"))
        publish(site.config, wait=True)  # first attempt: 503
        later = datetime.now(UTC)
        for step in range(1, 6):  # the tests' retry schedule is 0 s, 1 s, 2 s
            with open_state(site.config.state_path, wait=True) as store:
                deliver_due(store, site.config, now=lambda s=step: later + timedelta(seconds=3 * s))
        ids = Counter(p.activity["id"] for p in remote.posts)
        assert len(ids) == 1 and sum(ids.values()) == 3, ids  # 503, 503, then 202
        with open_state(site.config.state_path, wait=True) as store:
            status = store.conn.execute(
                "SELECT status, attempts FROM notices WHERE kind = 'activitypub' AND topic LIKE '%create%'"
            ).fetchall()
        assert status == [("delivered", 3)]


def test_a_refused_delivery_is_a_dead_letter_that_replay_sends_again(tmp_path: Path) -> None:
    from syndicate.push.status import outbox_status, replay

    with remotes(Remote()) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        _follow_all(site, [(remote, "alice", "business")])
        remote.statuses = [400]  # permanent: dead at once
        site.add_page("more.txt", page_text("Harbour cranes return", section="Business"))
        publish(site.config, wait=True)
        with open_state(site.config.state_path, wait=True) as store:
            status = outbox_status(store, site.config, datetime.now(UTC))
            (ep,) = [e for e in status.endpoints if e.kind == "activitypub"]
            assert ep.endpoint == f"activitypub:{remote.base}/…", "the inbox path is redacted"
            assert ep.dead == 1 and ep.configured
            assert replay(store) == 1
            deliver_due(store, site.config)
        ids = Counter(p.activity["id"] for p in remote.posts)
        assert list(ids.values()) == [2] and all(p.verified for p in remote.posts)
        with open_state(site.config.state_path, wait=True) as store:
            rows = store.conn.execute(
                "SELECT status FROM notices WHERE kind = 'activitypub' AND topic LIKE '%create%'"
            ).fetchall()
        assert rows == [("delivered",)]


def test_a_dry_run_with_activitypub_on_writes_no_key_and_no_file(tmp_path: Path) -> None:
    with served_site(tmp_path) as site:
        report = publish(site.config, dry_run=True)
        assert any(rel.startswith("ap/") for rel in report.files_written)
        assert not (tmp_path / "output" / "ap").exists()
        with open_state(site.config.state_path) as store:
            assert store.ap_key() is None
