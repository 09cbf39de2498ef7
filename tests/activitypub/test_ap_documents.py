"""The documents a followable site publishes, checked against what Mastodon documents it
needs (docs.joinmastodon.org/spec/activitypub, /spec/webfinger, /spec/security)."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from ap_helpers import served_site

from syndicate import publish
from syndicate.state import open_state


def test_each_section_and_the_site_get_an_actor_mastodon_can_follow(tmp_path: Path) -> None:
    with served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        for name in ("business", "site"):
            resp = requests.get(site.url(f"ap/{name}.json"), timeout=5)
            assert resp.status_code == 200
            assert resp.headers["Content-Type"] == "application/activity+json"
            actor = resp.json()
            assert actor["@context"] == [
                "https://www.w3.org/ns/activitystreams",
                "https://w3id.org/security/v1",
            ]
            assert actor["id"] == site.url(f"ap/{name}.json")
            assert actor["type"] == "Service"
            assert actor["preferredUsername"] == name
            assert actor["inbox"] == site.url(f"ap/{name}/inbox")
            assert actor["endpoints"]["sharedInbox"] == site.url("ap/inbox")
            assert actor["outbox"] == site.url(f"ap/{name}/outbox.json")
            assert actor["followers"] == site.url(f"ap/{name}/followers.json")
            key = actor["publicKey"]
            assert key["id"] == actor["id"] + "#main-key" and key["owner"] == actor["id"]
            assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_webfinger_maps_the_acct_back_to_the_actor(tmp_path: Path) -> None:
    with served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        host = site.base.split("//", 1)[1].rstrip("/")
        resp = requests.get(
            site.url(".well-known/webfinger"),
            params={"resource": f"acct:business@{host}"},
            timeout=5,
        )
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "application/jrd+json"
        jrd = resp.json()
        assert jrd["subject"] == f"acct:business@{host}"
        selfs = [link for link in jrd["links"] if link["rel"] == "self"]
        assert selfs == [
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": site.url("ap/business.json"),
            }
        ]
        unknown = requests.get(
            site.url(".well-known/webfinger"), params={"resource": f"acct:nobody@{host}"}, timeout=5
        )
        other_host = requests.get(
            site.url(".well-known/webfinger"),
            params={"resource": "acct:business@example.org"},
            timeout=5,
        )
        assert unknown.status_code == 404 and other_host.status_code == 404


def test_nodeinfo_and_host_meta_answer_at_the_host_root(tmp_path: Path) -> None:
    with served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        links = requests.get(site.url(".well-known/nodeinfo"), timeout=5).json()["links"]
        assert links[0]["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1"
        info = requests.get(links[0]["href"], timeout=5).json()
        assert info["protocols"] == ["activitypub"] and info["software"]["name"] == "syndicate"
        assert info["usage"]["localPosts"] == 5
        meta = requests.get(site.url(".well-known/host-meta"), timeout=5)
        assert meta.headers["Content-Type"] == "application/xrd+xml"
        assert (
            b'template="' + site.base.encode() + b'.well-known/webfinger?resource={uri}"'
            in meta.content
        )


def test_outbox_pages_hold_creates_of_the_newest_items_and_followers_only_a_count(
    tmp_path: Path,
) -> None:
    with served_site(tmp_path, extra="outbox_page_size = 2\n") as site:
        publish(site.config, deliver=False)
        top = requests.get(site.url("ap/business/outbox.json"), timeout=5).json()
        assert top["type"] == "OrderedCollection" and top["totalItems"] == 5
        items, url = [], top["first"]
        while url:
            page = requests.get(url, timeout=5).json()
            assert page["type"] == "OrderedCollectionPage" and len(page["orderedItems"]) <= 2
            items += page["orderedItems"]
            url = page.get("next")
        assert len(items) == 5 and {a["type"] for a in items} == {"Create"}
        for a in items:
            obj = a["object"]
            assert obj["type"] == "Article" and obj["attributedTo"] == a["actor"]
            assert obj["name"] and obj["url"] and obj["content"] and obj["published"]
            assert "https://www.w3.org/ns/activitystreams#Public" in obj["to"]
        followers = requests.get(site.url("ap/business/followers.json"), timeout=5).json()
        assert followers == {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": site.url("ap/business/followers.json"),
            "type": "OrderedCollection",
            "totalItems": 0,
        }


def test_the_private_key_stays_in_the_state_and_never_reaches_output(tmp_path: Path) -> None:
    with served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        with open_state(site.config.state_path) as store:
            key = store.ap_key()
        assert key is not None and "PRIVATE KEY" in key[0]
        body = key[0].splitlines()[1]
        for path in (tmp_path / "output").rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert b"PRIVATE KEY" not in data and body.encode() not in data, path
        publish(site.config, deliver=False, rebuild=True)
        with open_state(site.config.state_path) as store:
            assert store.ap_key() == key, "the key pair is made once"


def test_an_item_page_asked_for_as_activity_json_answers_its_object(tmp_path: Path) -> None:
    with served_site(tmp_path) as site:
        publish(site.config, deliver=False)
        pages = (tmp_path / "output" / "business").glob("*.html")
        page = sorted(p for p in pages if p.name != "index.html")[0]
        url = site.url(f"business/{page.name}")
        html = requests.get(url, timeout=5)
        assert html.headers["Content-Type"].startswith("text/html")
        obj = requests.get(url, headers={"Accept": "application/activity+json"}, timeout=5)
        assert obj.headers["Content-Type"] == "application/activity+json"
        assert "Accept" in html.headers["Vary"] and "Accept" in obj.headers["Vary"]
        assert html.headers["ETag"] != obj.headers["ETag"]
        data = obj.json()
        assert data["type"] == "Article" and data["url"] == url
        assert data["id"] == site.url(f"ap/o/business/{page.stem}.json")
        assert json.loads(requests.get(data["id"], timeout=5).content) == data
