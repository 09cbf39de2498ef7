"""RFC 5005 archived feeds (issue 15): a reader walking ``prev-archive`` (or JSON Feed
``next_url``) from each subscription document gets the feed's whole history; full
pages never change unless one of their items does; a rerun changes no byte."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from conformance import check_atom, check_jsonfeed, check_rss
from lxml import etree
from publisher_helpers import page_text

from syndicate.config import load_config
from syndicate.publish import publish

BASE = "https://courier.example.org/"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
FH = "{http://purl.org/syndication/history/1.0}archive"
VALIDATE = Path(__file__).resolve().parents[2] / "shared" / "feedtools" / "validate-feed"


def _site(root: Path, *, page_size: int = 4, item_limit: int = 5) -> Path:
    (root / "pages").mkdir(parents=True, exist_ok=True)
    config = root / "syndicate.toml"
    config.write_text(
        f"""\
[site]
title = "Archive Courier"
base_url = "{BASE}"

[[inputs]]
name = "pages"
paths = ["pages/*.txt"]
format = "scraped"
captured_at = 2026-11-27T09:00:00Z

[output]
dir = "output"
item_limit = {item_limit}
archive_page_size = {page_size}

[state]
path = "state/site.db"
""",
        encoding="utf-8",
    )
    return config


def _add(root: Path, name: str, section: str, titles: list[str], day: int) -> None:
    text = "".join(
        page_text(
            t,
            section=section,
            date=f"November {day + (i * 7) % len(titles)}, 2026",
            body=f"Report {t}: written for the archive test, long enough for a body.",
        )
        for i, t in enumerate(titles)
    )
    (root / "pages" / f"{name}.txt").write_text(text, encoding="utf-8")


def _publish(config: Path) -> None:
    report = publish(load_config(config), now=NOW, deliver=False)
    assert report.errors == [], report.errors


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _local(out: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return out / url[len(BASE) :]


def _walk_xml(out: Path, rel: str) -> tuple[list[str], list[list[str]]]:
    """(ids of the subscription document, ids of each archive page walked)."""
    d = feedparser.parse((out / rel).read_bytes())
    assert not d.bozo, d.bozo_exception
    sub_ids = [e.id for e in d.entries]
    pages: list[list[str]] = []
    prev = [link.href for link in d.feed.links if link.rel == "prev-archive"]
    seen_urls: set[str] = set()
    while prev:
        (url,) = prev
        assert url not in seen_urls, f"prev-archive loops back to {url}"
        seen_urls.add(url)
        data = _local(out, url).read_bytes()
        (check_rss if rel.endswith("feed.xml") else check_atom)(data, url)
        assert etree.fromstring(data).find(f".//{FH}") is not None, (
            f"{url} is not marked fh:archive"
        )
        page = feedparser.parse(data)
        assert not page.bozo, page.bozo_exception
        assert [x.href for x in page.feed.links if x.rel == "current"] == [BASE + rel]
        assert [x.href for x in page.feed.links if x.rel == "self"] == [url]
        pages.append([e.id for e in page.entries])
        prev = [x.href for x in page.feed.links if x.rel == "prev-archive"]
    return sub_ids, pages


def _walk_json(out: Path, rel: str) -> tuple[list[str], list[list[str]]]:
    doc = json.loads((out / rel).read_bytes())
    sub_ids = [i["id"] for i in doc["items"]]
    pages: list[list[str]] = []
    url = doc.get("next_url")
    while url:
        data = _local(out, url).read_bytes()
        check_jsonfeed(data, url)
        page = json.loads(data)
        assert page["feed_url"] == url
        pages.append([i["id"] for i in page["items"]])
        url = page.get("next_url")
    return sub_ids, pages


def _section_ids(config: Path) -> dict[str, set[str]]:
    from syndicate.state import open_state

    out: dict[str, set[str]] = {"": set()}
    with open_state(load_config(config).state_path) as store:
        for record, _data in store.all_entries():
            out.setdefault(record.section_slug, set()).add(record.guid)
            out[""].add(record.guid)
    return out


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = _site(tmp_path)
    _add(tmp_path, "world", "World", [f"World story {n}" for n in range(11)], 1)
    _add(tmp_path, "science", "Science", [f"Science story {n}" for n in range(9)], 10)
    _publish(config)
    return config


FEEDS = [
    "feed.xml",
    "atom.xml",
    "feed.json",
    "world/feed.xml",
    "world/atom.xml",
    "world/feed.json",
    "science/feed.xml",
    "science/atom.xml",
    "science/feed.json",
]


@pytest.mark.parametrize("rel", FEEDS)
def test_walking_from_the_subscription_document_reaches_every_item_once_per_archive(
    site: Path, rel: str
) -> None:
    out = site.parent / "output"
    sub_ids, pages = (_walk_json if rel.endswith(".json") else _walk_xml)(out, rel)
    feed_key = rel.rpartition("/")[0]
    expected = _section_ids(site)[feed_key]
    archived = Counter(i for page in pages for i in page)
    assert all(n == 1 for n in archived.values()), "an item is on two archive pages"
    assert all(len(page) == 4 for page in pages), "only full pages are published"
    assert set(sub_ids) | set(archived) == expected
    assert len(pages) == len(expected) // 4


def test_a_rerun_changes_no_byte(site: Path) -> None:
    out = site.parent / "output"
    before = _files(out)
    _publish(site)
    assert _files(out) == before


def test_full_pages_stay_as_they_are_when_new_items_fill_the_next_page(site: Path) -> None:
    out = site.parent / "output"
    world = [f"world/archive/{n}/atom.xml" for n in (1, 2)]
    before = {rel: (out / rel).read_bytes() for rel in world}
    assert not (out / "world/archive/3/atom.xml").exists()  # 11 items: pages 1 and 2
    _add(site.parent, "world-later", "World", [f"World late story {n}" for n in range(2)], 20)
    _publish(site)
    assert (out / "world/archive/3/atom.xml").exists()  # 13 items: page 3 filled
    assert (out / world[0]).read_bytes() == before[world[0]]  # page 1: not a byte changed
    newer = (out / world[1]).read_bytes()
    links = [(x.rel, x.href) for x in feedparser.parse(newer).feed.links if x.rel == "next-archive"]
    assert links == [("next-archive", BASE + "world/archive/3/atom.xml")]
    # the link is the only change of page 2
    assert etree.tostring(_without_next(newer)) == etree.tostring(_without_next(before[world[1]]))


def _without_next(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    for link in root.findall("{http://www.w3.org/2005/Atom}link[@rel='next-archive']"):
        root.remove(link)
    etree.indent(root)
    return root


def test_withdrawing_an_item_changes_its_own_page_only(site: Path) -> None:
    out = site.parent / "output"
    page1 = feedparser.parse((out / "world/archive/1/atom.xml").read_bytes())
    victim = page1.entries[0].id
    before = _files(out)
    report = publish(load_config(site), now=NOW, deliver=False, withdraw=[victim])
    assert report.errors == []
    after = _files(out)
    changed = {rel for rel in after if "archive/" in rel and after[rel] != before.get(rel)}
    # the world page holding it, and the combined feed's page holding it
    assert "world/archive/1/atom.xml" in changed and "world/archive/2/atom.xml" not in changed
    assert victim not in [e.id for e in feedparser.parse(after["world/archive/1/atom.xml"]).entries]
    assert all(rel.startswith(("world/archive/1/", "archive/")) for rel in changed), changed


def test_no_archive_links_or_pages_when_switched_off(tmp_path: Path) -> None:
    config = _site(tmp_path, page_size=0)
    _add(tmp_path, "world", "World", [f"World story {n}" for n in range(11)], 1)
    _publish(config)
    out = tmp_path / "output"
    assert not any("archive/" in rel for rel in _files(out))
    assert b"prev-archive" not in (out / "atom.xml").read_bytes()
    assert "next_url" not in json.loads((out / "feed.json").read_bytes())


@pytest.mark.skipif(
    not VALIDATE.exists(), reason="shared/feedtools/validate-feed is not on this machine"
)
def test_w3c_validator_accepts_subscription_and_archive_documents(site: Path) -> None:
    out = site.parent / "output"
    # a section with exactly one full page: its page has no neighbour page to link to
    _add(site.parent, "culture", "Culture", [f"Culture story {n}" for n in range(5)], 3)
    _publish(site)
    assert not (out / "culture/archive/2").exists()
    rels = [
        "world/feed.xml",
        "world/atom.xml",
        "world/archive/1/feed.xml",
        "world/archive/2/atom.xml",
        "culture/archive/1/atom.xml",
        "culture/archive/1/feed.xml",
    ]
    run = subprocess.run(
        [
            str(VALIDATE),
            "--tools",
            "w3c,feedparser",
            "--map",
            f"{out}={BASE.rstrip('/')}",
            *(str(out / r) for r in rels),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if run.returncode == 2:
        pytest.skip(f"validate-feed is not set up here: {(run.stderr or run.stdout).strip()[:300]}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in run.stdout.lower().replace("0 warnings", ""), run.stdout


def test_the_newest_page_links_on_to_the_subscription_document(site: Path) -> None:
    out = site.parent / "output"
    for fmt in ("atom.xml", "feed.xml"):
        newest = feedparser.parse((out / "world/archive/2" / fmt).read_bytes())
        nexts = [x.href for x in newest.feed.links if x.rel == "next-archive"]
        assert nexts == [BASE + "world/" + fmt]
        older = feedparser.parse((out / "world/archive/1" / fmt).read_bytes())
        nexts = [x.href for x in older.feed.links if x.rel == "next-archive"]
        assert nexts == [BASE + "world/archive/2/" + fmt]


def test_serve_gives_archive_pages_a_long_cache_lifetime_and_feeds_a_short_one(site: Path) -> None:
    import threading

    import requests

    from syndicate.serve import build_app, make_server, server_url

    config = load_config(site)
    server = make_server(build_app(config), "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = server_url(server).rstrip("/")
        feed = requests.get(f"{url}/world/atom.xml", timeout=(2, 5))
        page = requests.get(f"{url}/world/archive/1/atom.xml", timeout=(2, 5))
        combined_page = requests.get(f"{url}/archive/1/feed.json", timeout=(2, 5))
    finally:
        server.close()
    assert feed.headers["Cache-Control"] == f"public, max-age={config.serve.max_age}"
    assert (
        page.status_code == 200
        and page.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    )
    assert page.headers["Cache-Control"] == "public, max-age=86400"
    assert combined_page.headers["Content-Type"] == "application/feed+json"
    assert combined_page.headers["Cache-Control"] == "public, max-age=86400"
    assert "Link" not in page.headers  # no hub: an archive page is never announced
