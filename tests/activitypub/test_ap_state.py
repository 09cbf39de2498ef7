"""The store's ActivityPub rows (migration 6) on both backends: SQLite file and a real
PostgreSQL; and the key-document rules of keyfetch.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pg import pg_url  # noqa: F401 - session fixture

from syndicate.activitypub.keyfetch import check_address, find_key
from syndicate.activitypub.keys import ensure_key
from syndicate.errors import SignatureError
from syndicate.state import open_state

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    if request.param == "sqlite":
        return tmp_path / "state.db"
    url: str = request.getfixturevalue("pg_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")
    return url


def test_the_key_pair_is_made_once_and_kept(where: Path | str) -> None:
    with open_state(where) as store, store.transaction():
        first = ensure_key(store, NOW)
        assert ensure_key(store, NOW) == first
    with open_state(where) as store:
        assert store.ap_key() == first


def test_followers_are_counted_per_actor_and_delivered_to_once_per_inbox(where: Path | str) -> None:
    with open_state(where) as store:
        with store.transaction():
            store.add_follower(
                "world", "https://a.example/users/1", "https://a.example/inbox", "f1", NOW
            )
            store.add_follower(
                "world", "https://a.example/users/2", "https://a.example/inbox", "f2", NOW
            )
            store.add_follower(
                "world", "https://b.example/users/1", "https://b.example/inbox", "f3", NOW
            )
            store.add_follower(
                "site", "https://a.example/users/1", "https://a.example/inbox", "f4", NOW
            )
            store.add_follower(
                "world", "https://a.example/users/1", "https://a.example/inbox", "f1", NOW
            )
        assert store.count_followers("world") == 3
        assert store.follower_inboxes("world") == [
            "https://a.example/inbox",
            "https://b.example/inbox",
        ]
        with store.transaction():
            assert store.remove_follower("https://a.example/users/1", "world") == 1
            assert store.remove_follower("https://a.example/users/2") == 1
        assert store.follower_inboxes("world") == ["https://b.example/inbox"]
        assert store.count_followers("site") == 1


def test_a_key_must_belong_to_the_actor_document_that_serves_it() -> None:
    doc = {
        "id": "https://a.example/users/1",
        "inbox": "https://a.example/users/1/inbox",
        "endpoints": {"sharedInbox": "https://a.example/inbox"},
        "publicKey": {
            "id": "https://a.example/users/1#k",
            "owner": "https://a.example/users/1",
            "publicKeyPem": "PEM",
        },
    }
    key = find_key(doc, "https://a.example/users/1#k")
    assert (key.owner, key.inbox) == ("https://a.example/users/1", "https://a.example/inbox")
    stolen = {**doc, "publicKey": {**doc["publicKey"], "owner": "https://b.example/users/9"}}
    with pytest.raises(SignatureError, match="owner"):
        find_key(stolen, "https://a.example/users/1#k")
    impostor = {
        **doc,
        "id": "https://b.example/users/9",
        "publicKey": {**doc["publicKey"], "owner": "https://b.example/users/9"},
    }
    with pytest.raises(SignatureError, match="another host"):
        find_key(impostor, "https://a.example/users/1#k")
    key_doc = {
        "id": "https://a.example/k",
        "owner": "https://b.example/users/9",
        "publicKeyPem": "PEM",
    }
    with pytest.raises(SignatureError, match="another host"):
        find_key(key_doc, "https://a.example/k")
    with pytest.raises(SignatureError, match="no such publicKey"):
        find_key(doc, "https://a.example/users/1#other")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/actor",
        "http://[::1]/actor",
        "http://10.1.2.3/a",
        "http://169.254.169.254/latest",
        "file:///etc/passwd",
    ],
)
def test_key_urls_on_private_addresses_or_not_http_are_refused(url: str) -> None:
    with pytest.raises(SignatureError):
        check_address(url, allow_private=False)
