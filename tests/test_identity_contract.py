"""Item ids: the same input gives the same guid on a fresh state, on a rebuild and whatever
the run's clock, file names or read order; guids are unique per item and per site.

Readers deduplicate by guid (RSS 2.0 ``guid``, Atom ``id``, JSON Feed ``id``): a guid that
moves announces an old article again, one shared by two items hides one of them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
EXPORT = [
    {
        "title": "Marina berths to be renumbered",
        "date": "2026-11-21T08:00:00Z",
        "section": "Harbour",
        "url": "https://news.example.org/harbour/berths",
        "content": "<p>The berths get new numbers.</p>",
    },
    {
        "title": "Pier lights replaced",
        "date": "2026-11-22T08:00:00Z",
        "section": "Harbour",
        "content": "<p>New lights on the pier.</p>",
    },
]
PAGE = page(
    article(
        "Ferry fares frozen",
        "Fares stay the same next year.",
        section="Transport",
        date="November 20, 2026",
    ),
    article("New bus shelter", "A shelter was built on Mill Road.", section="Transport"),
    article(
        "Choir wins prize",
        "The choir won first prize.",
        section="Culture",
        date="November 19, 2026",
    ),
)


def build(
    root: Path,
    *,
    base_url: str = "https://news.example.org/",
    page_name: str = "front.txt",
    export_name: str = "export.json",
    export: list[dict[str, str]] = EXPORT,
) -> Site:
    site = make_site(root, extra='\n[[inputs]]\npaths = ["data/*.json"]\nformat = "json"\n')
    text = site.config_path.read_text(encoding="utf-8").replace(
        "https://news.example.org/", base_url
    )
    site.config_path.write_text(text, encoding="utf-8")
    site.write_page(page_name, PAGE)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / export_name).write_text(json.dumps(export), encoding="utf-8")
    return site


def guids(site: Site) -> dict[str, str]:
    """title -> guid, read back from every feed format; they must agree."""
    by_format = []
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((site.output / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        by_format.append({e.title: e.id for e in parsed.entries})
    by_format.append(
        {i["title"]: i["id"] for i in json.loads((site.output / "feed.json").read_bytes())["items"]}
    )
    assert by_format[0] == by_format[1] == by_format[2]
    return by_format[0]


def test_every_item_has_its_own_urn_uuid_guid(tmp_path: Path) -> None:
    site = build(tmp_path)
    publish(site.config(), now=T0)
    ids = guids(site)
    assert len(ids) == 5 and len(set(ids.values())) == 5
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", g) for g in ids.values())


def test_same_input_gives_the_same_guids_on_a_fresh_state_whatever_the_clock(
    tmp_path: Path,
) -> None:
    first = build(tmp_path / "a")
    publish(first.config(), now=T0)
    # another folder, another state file, another day, other file names
    second = build(tmp_path / "b", page_name="renamed.txt", export_name="other.json")
    publish(second.config(), now=T0 + timedelta(days=3, hours=5))
    assert guids(second) == guids(first)


def test_a_rebuild_keeps_every_guid_and_byte(tmp_path: Path) -> None:
    site = build(tmp_path)
    publish(site.config(), now=T0)
    before, files = guids(site), site.snapshot()
    publish(site.config(), now=T0 + timedelta(hours=6), rebuild=True)
    assert guids(site) == before
    assert {k: v[0] for k, v in site.snapshot().items()} == {k: v[0] for k, v in files.items()}


def test_read_order_does_not_move_guids(tmp_path: Path) -> None:
    first = build(tmp_path / "a")
    publish(first.config(), now=T0)
    second = build(tmp_path / "b", export=list(reversed(EXPORT)))
    publish(second.config(), now=T0)
    assert guids(second) == guids(first)


def test_another_site_gives_other_guids_for_the_same_input(tmp_path: Path) -> None:
    first = build(tmp_path / "a")
    publish(first.config(), now=T0)
    other = build(tmp_path / "b", base_url="https://other.example.net/")
    publish(other.config(), now=T0)
    a, b = guids(first), guids(other)
    assert a.keys() == b.keys() and not set(a.values()) & set(b.values())


def test_an_edit_keeps_the_guid_and_a_new_article_gets_a_new_one(tmp_path: Path) -> None:
    site = build(tmp_path)
    publish(site.config(), now=T0)
    before = guids(site)
    edited = [
        dict(EXPORT[0], content="<p>The berths get new numbers from March.</p>"),
        EXPORT[1],
        {
            "title": "Harbour master retires",
            "date": "2026-11-23T08:00:00Z",
            "section": "Harbour",
            "content": "<p>After thirty years.</p>",
        },
    ]
    (tmp_path / "data" / "export.json").write_text(json.dumps(edited), encoding="utf-8")
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert report.updated == 1 and report.new == 1
    after = guids(site)
    assert {t: after[t] for t in before} == before
    assert after["Harbour master retires"] not in before.values()
