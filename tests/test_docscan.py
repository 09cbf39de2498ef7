"""Feed documents read as a stream (syndicate/docscan.py): the gate and the churn guard see
what a whole-document reading sees, from bytes or from the file, for every format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from test_archives import BASE, _add, _publish, _site

from syndicate import docscan
from syndicate.churn import published_items
from syndicate.docscan import Unreadable, json_parts, scan_xml
from syndicate.gate import Expected, check_document
from syndicate.model import FeedFormat

ATOM = "{http://www.w3.org/2005/Atom}"
NOW_FAR = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scan")
    config = _site(root)
    _add(root, "world", "World", [f"World story {n}" for n in range(11)], 1)
    _publish(config)
    return root / "output"


def _whole_rss(data: bytes) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    channel = etree.fromstring(data).find("channel")
    assert channel is not None
    links = [(el.get("rel", ""), el.get("href", "")) for el in channel.findall(f"{ATOM}link")]
    return (
        links,
        [el.text or "" for el in channel.iterfind("item/guid")],
        [el.text or "" for el in channel.iterfind("item/pubDate")],
    )


def _whole_atom(data: bytes) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    root = etree.fromstring(data)
    links = [(el.get("rel", ""), el.get("href", "")) for el in root.findall(f"{ATOM}link")]
    return (
        links,
        [el.text or "" for el in root.iterfind(f"{ATOM}entry/{ATOM}id")],
        [el.text or "" for el in root.iterfind(f"{ATOM}entry/{ATOM}published")],
    )


@pytest.fixture(params=["whole", "stream"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test twice: documents parsed whole (small ones), and as a stream (large)."""
    if request.param == "stream":
        monkeypatch.setattr(docscan, "WHOLE_MAX", 0)
    return str(request.param)


@pytest.mark.parametrize(
    "rel", ["feed.xml", "atom.xml", "world/feed.xml", "world/archive/1/atom.xml"]
)
def test_a_scan_finds_what_the_whole_tree_holds(out: Path, rel: str, mode: str) -> None:
    data = (out / rel).read_bytes()
    fmt = FeedFormat.RSS if rel.endswith("feed.xml") else FeedFormat.ATOM
    links, ids, published = (_whole_rss if fmt is FeedFormat.RSS else _whole_atom)(data)
    for doc in (data, out / rel):  # bytes, or the file holding them
        scan = scan_xml(doc, fmt)
        assert list(scan.links) == links and scan.ids() == ids
        wanted = "pubDate" if fmt is FeedFormat.RSS else "published"
        assert [t for item in scan.items for n, t in item.dates if n == wanted] == published
    assert len(ids) >= 4 and any(r == "self" for r, _ in links)


def test_json_parts_give_each_item_then_the_rest_of_the_document(out: Path, mode: str) -> None:
    data = (out / "world/feed.json").read_bytes()
    whole = json.loads(data)
    parts = list(json_parts(out / "world/feed.json"))
    assert [v for p, v in parts if p == "item"] == whole["items"]
    assert parts[-1] == ("top", {**whole, "items": []})


def test_item_level_links_and_ids_are_not_taken_for_the_feeds_own(mode: str) -> None:
    doc = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id>'
        b'<link rel="self" href="https://x.example/atom.xml"/>'
        b'<entry><id>urn:a</id><link rel="self" href="https://x.example/a"/>'
        b"<source><id>urn:elsewhere</id></source></entry></feed>"
    )
    scan = scan_xml(doc, FeedFormat.ATOM)
    assert scan.links == (("self", "https://x.example/atom.xml"),)
    assert scan.ids() == ["urn:a"]


def test_a_document_broken_half_way_is_unreadable_with_its_line(out: Path, mode: str) -> None:
    data = (out / "world/feed.xml").read_bytes()
    broken = data.replace(b"</item>", b"</itemx>", 3)
    with pytest.raises(Unreadable, match=r"not well-formed XML: line \d+"):
        scan_xml(broken, FeedFormat.RSS)
    with pytest.raises(Unreadable, match="not an Atom 1.0 document"):
        scan_xml(data, FeedFormat.ATOM)
    with pytest.raises(Unreadable, match="not valid JSON"):
        list(json_parts(b'{"items": [{"id": "1"}'))


def test_a_schema_error_inside_an_item_is_named_by_its_place(out: Path, mode: str) -> None:
    doc = json.loads((out / "world/feed.json").read_bytes())
    doc["items"][2]["url"] = 7
    expected = Expected(format=FeedFormat.JSON, url=BASE + "world/feed.json")
    problems = check_document(json.dumps(doc).encode(), expected, now=NOW_FAR)
    assert problems and all(p.startswith("JSON Feed schema: items/2/url:") for p in problems)
    doc["items"][3] = "not an item"
    problems = check_document(json.dumps(doc).encode(), expected, now=NOW_FAR)
    assert any(p.startswith("JSON Feed schema: items/3:") for p in problems)


@pytest.mark.parametrize("rel", ["world/feed.xml", "world/atom.xml", "world/feed.json"])
def test_the_churn_guard_reads_the_same_items_from_a_file_as_from_bytes(
    out: Path, rel: str, mode: str
) -> None:
    fmt = next(f for f in FeedFormat if rel.endswith(f.filename))
    from_file = published_items(out / rel, fmt)
    assert from_file == published_items((out / rel).read_bytes(), fmt)
    assert len(from_file) >= 4 and all(i.id and i.published for i in from_file)
