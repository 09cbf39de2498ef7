"""The inbox on real loopback HTTP: signed Follow in, signed Accept out (checked by an
independent library), Undo and Delete; unsigned, forged, stale and tampered requests
answered 401 with nothing changed; the limits on fetching a signer's key."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from ap_helpers import AS, Remote, Site, remotes, served_site
from publisher_helpers import wait_until

from syndicate import publish
from syndicate.state import open_state


def _state(site: Site) -> tuple[list[str], int]:
    with open_state(site.config.state_path, wait=True) as store:
        inboxes = store.follower_inboxes("business")
        notices = store.conn.execute("SELECT COUNT(*) FROM notices").fetchone()[0]
    return inboxes, int(notices)


def test_a_signed_follow_is_stored_and_answered_with_a_signed_accept(tmp_path: Path) -> None:
    with remotes(Remote(users=("alice",))) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        follow, resp = remote.follow("alice", site.url("ap/business.json"), site.url("ap/inbox"))
        assert resp.status_code == 202, resp.text
        posts = wait_until(remote.verified_posts, 10, "the Accept at alice's server")
        assert len(posts) == 1 and posts[0].path == "/inbox", "delivered to the shared inbox"
        accept = posts[0].activity
        assert accept["type"] == "Accept" and accept["actor"] == site.url("ap/business.json")
        assert accept["object"]["id"] == follow["id"]
        assert (
            posts[0]
            .headers["Content-Type"]
            .startswith(("application/activity+json", "application/ld+json"))
        )
        assert _state(site)[0] == [remote.base + "/inbox"]
        publish(site.config, deliver=False, wait=True)
        count = requests.get(site.url("ap/business/followers.json"), timeout=5).json()["totalItems"]
        assert count == 1


def test_a_follow_at_the_actors_own_inbox_works_and_an_unknown_actor_is_404(tmp_path: Path) -> None:
    with (
        remotes(Remote(users=("alice",), shared=False)) as (remote,),
        served_site(tmp_path) as site,
    ):
        publish(site.config, deliver=False)
        _f, resp = remote.follow("alice", site.url("ap/site.json"), site.url("ap/site/inbox"))
        assert resp.status_code == 202, resp.text
        posts = wait_until(remote.verified_posts, 10, "the Accept")
        assert posts[0].path == "/users/alice/inbox", "no shared inbox: the user's own"
        _f, wrong = remote.follow(
            "alice", site.url("ap/business.json"), site.url("ap/site/inbox"), n=2
        )
        _f, unknown = remote.follow("alice", site.url("ap/nobody.json"), site.url("ap/inbox"), n=3)
        assert wrong.status_code == 404 and unknown.status_code == 404
        assert _state(site)[0] == []


def test_undo_follow_and_delete_of_the_actor_forget_the_follower(tmp_path: Path) -> None:
    with remotes(Remote(users=("alice", "bob"))) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        inbox = site.url("ap/inbox")
        follow, _r = remote.follow("alice", site.url("ap/business.json"), inbox)
        remote.follow("bob", site.url("ap/business.json"), inbox)
        wait_until(lambda: len(remote.verified_posts()) == 2, 10, "two Accepts")
        with open_state(site.config.state_path, wait=True) as store:
            assert store.count_followers("business") == 2
        undo = {
            "@context": AS,
            "id": remote.actor_id("alice") + "#undo",
            "type": "Undo",
            "actor": remote.actor_id("alice"),
            "object": follow,
        }
        assert remote.send("alice", inbox, undo).status_code == 202
        delete = {
            "@context": AS,
            "id": remote.actor_id("bob") + "#delete",
            "type": "Delete",
            "actor": remote.actor_id("bob"),
            "object": remote.actor_id("bob"),
        }
        assert remote.send("bob", inbox, delete).status_code == 202
        with open_state(site.config.state_path, wait=True) as store:
            assert store.count_followers("business") == 0


def test_unsigned_forged_stale_and_tampered_requests_get_401_and_change_nothing(
    tmp_path: Path,
) -> None:
    with remotes(Remote(users=("alice", "mallory"))) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        inbox = site.url("ap/inbox")
        target = site.url("ap/business.json")
        follow = {
            "@context": AS,
            "id": remote.actor_id("alice") + "#f",
            "type": "Follow",
            "actor": remote.actor_id("alice"),
            "object": target,
        }
        before = _state(site)
        answers = {}
        answers["unsigned"] = requests.post(inbox, json=follow, timeout=10)
        answers["forged"] = remote.send("alice", inbox, follow, key_user="mallory")
        answers["stale"] = remote.send(
            "alice", inbox, follow, date=datetime.now(UTC) - timedelta(hours=1)
        )
        body, headers = remote.signed("alice", inbox, follow)
        answers["tampered"] = requests.post(
            inbox, data=body.replace(b"#f", b"#g"), headers=headers, timeout=10
        )
        answers["other path"] = requests.post(
            site.url("ap/business/inbox"), data=body, headers=headers, timeout=10
        )
        as_bob = {**follow, "actor": remote.actor_id("mallory")}
        answers["actor is not the signer"] = remote.send("alice", inbox, as_bob)
        assert {k: r.status_code for k, r in answers.items()} == {k: 401 for k in answers}
        assert _state(site) == before == ([], 0)
        time.sleep(0.3)
        assert remote.posts == [], "nothing was sent for a refused request"


def _refused_follow(
    tmp_path: Path, remote: Remote, *, allow_private: bool = True
) -> tuple[int, float]:
    with served_site(tmp_path, allow_private=allow_private) as site:
        publish(site.config, deliver=False)
        started = time.monotonic()
        _f, resp = remote.follow("alice", site.url("ap/business.json"), site.url("ap/inbox"))
        took = time.monotonic() - started
        assert _state(site) == ([], 0)
        return resp.status_code, took


def test_a_key_on_a_loopback_host_is_not_fetched_unless_the_config_allows_it(
    tmp_path: Path,
) -> None:
    with remotes(Remote()) as (remote,):
        status, _t = _refused_follow(tmp_path, remote, allow_private=False)
    assert status == 401


def test_a_key_document_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    with remotes(Remote(key_doc_bytes=100_000)) as (remote,):  # cap in the tests: 65,536
        status, _t = _refused_follow(tmp_path, remote)
    assert status == 401


def test_a_key_fetch_that_hangs_gives_up_at_the_timeout(tmp_path: Path) -> None:
    with remotes(Remote(hang=6.0)) as (remote,):  # key_fetch_timeout in the tests: 2 s
        status, took = _refused_follow(tmp_path, remote)
    assert status == 401 and took < 5.0, took


def test_a_slow_key_fetch_does_not_hold_up_other_requests(tmp_path: Path) -> None:
    import threading

    with remotes(Remote(hang=3.0)) as (remote,), served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        got: list[int] = []
        follow = threading.Thread(
            target=lambda: got.append(
                remote.follow("alice", site.url("ap/business.json"), site.url("ap/inbox"))[
                    1
                ].status_code
            )
        )
        follow.start()
        time.sleep(0.5)  # the inbox is now waiting on the key fetch
        started = time.monotonic()
        feed = requests.get(site.url("business/feed.xml"), timeout=5)
        took = time.monotonic() - started
        follow.join(10)
        assert feed.status_code == 200 and took < 1.0, took
        assert got == [401], "the fetch timed out (2 s) before the key came (3 s)"
