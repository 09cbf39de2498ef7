"""Which captures are one item (syndicate/identity.py's rules), run through publish:
dated and undated captures of one title, a text capture and its URL page, URLs that
differ only in form. Each case also checks the item that must stay apart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def site_with_export(root: Path) -> Site:
    site = make_site(root, extra='\n[[inputs]]\npaths = ["data/*.json"]\nformat = "json"\n')
    (root / "data").mkdir(exist_ok=True)
    return site


def export(site: Site, name: str, entries: list[dict[str, Any]]) -> None:
    (site.root / "data" / name).write_text(json.dumps(entries), encoding="utf-8")


def ids(site: Site) -> dict[str, list[str]]:
    """title -> the ids of the items with that title in the combined feed."""
    parsed = feedparser.parse((site.output / "feed.xml").read_bytes())
    assert not parsed.bozo
    out: dict[str, list[str]] = {}
    for e in parsed.entries:
        out.setdefault(e.title, []).append(e.id)
    return out


def run(site: Site, hours: int) -> tuple[int, int]:
    report = publish(site.config(), now=T0 + timedelta(hours=hours))
    assert report.errors == []
    return report.new, report.updated


# titles of odd and even lengths: the key split must not depend on where the "|" falls
TITLES = [
    "Tide gauge fixed",
    "Tide gauges fixed",
    "Slipway closed for repairs",
    "Slipway shut for the repairs",
]


@pytest.mark.parametrize("title", TITLES)
def test_an_undated_capture_then_a_dated_one_is_one_item(tmp_path: Path, title: str) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article(title, "First capture, no date.")))
    assert run(site, 0) == (1, 0)
    site.write_page(
        "a.txt", page(article(title, "First capture, no date.", date="November 26, 2026"))
    )
    assert run(site, 1)[0] == 0
    assert len(ids(site)[title]) == 1


@pytest.mark.parametrize("title", TITLES)
def test_a_dated_capture_then_an_undated_one_is_one_item(tmp_path: Path, title: str) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article(title, "Dated capture.", date="November 26, 2026")))
    assert run(site, 0) == (1, 0)
    site.write_page("b.txt", page(article(title, "Dated capture.")))
    assert run(site, 1)[0] == 0
    assert len(ids(site)[title]) == 1


@pytest.mark.parametrize("title", TITLES)
def test_the_same_title_on_two_dates_is_two_items(tmp_path: Path, title: str) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt",
        page(
            article(title, "Monday's.", date="November 23, 2026"),
            article(title, "Tuesday's.", date="November 24, 2026"),
        ),
    )
    assert run(site, 0) == (2, 0)
    assert len(set(ids(site)[title])) == 2


def test_urls_differing_only_in_case_fragment_or_empty_path_are_one_item(tmp_path: Path) -> None:
    site = site_with_export(tmp_path)
    entry = {
        "title": "Quay lights",
        "section": "Harbour",
        "date": "2026-11-20T08:00:00Z",
        "content": "<p>On.</p>",
    }
    export(site, "a.json", [dict(entry, url="https://Quay.Example.org")])
    assert run(site, 0) == (1, 0)
    export(
        site,
        "a.json",
        [dict(entry, url="HTTPS://quay.example.org/#top", content="<p>On again.</p>")],
    )
    assert run(site, 1) == (0, 1)
    assert len(ids(site)["Quay lights"]) == 1


def test_a_text_capture_then_its_url_page_is_one_item_but_a_second_url_is_not(
    tmp_path: Path,
) -> None:
    site = site_with_export(tmp_path)
    title = "Lifeboat station opens"
    site.write_page("a.txt", page(article(title, "From the text dump.", date="November 20, 2026")))
    assert run(site, 0) == (1, 0)
    entry = {
        "title": title,
        "section": "Harbour",
        "date": "2026-11-20T08:00:00Z",
        "content": "<p>Full page.</p>",
    }
    export(site, "a.json", [dict(entry, url="https://news.example.org/lifeboat")])
    assert run(site, 1) == (0, 1)  # the text item takes the canonical URL
    export(
        site,
        "b.json",
        [dict(entry, url="https://news.example.org/lifeboat-2", content="<p>Another.</p>")],
    )
    assert run(site, 2) == (1, 0)  # another URL of the same title: another item
    assert len(set(ids(site)[title])) == 2


def test_a_url_page_then_its_text_capture_is_one_item_and_another_title_is_not(
    tmp_path: Path,
) -> None:
    site = site_with_export(tmp_path)
    export(
        site,
        "a.json",
        [
            {
                "title": "Boatyard sold",
                "section": "Harbour",
                "date": "2026-11-20T08:00:00Z",
                "url": "https://news.example.org/boatyard",
                "content": "<p>Sold.</p>",
            }
        ],
    )
    assert run(site, 0) == (1, 0)
    # "Aardvark..." sorts before "Boatyard sold", "Zebra..." after: neither is that item
    site.write_page(
        "a.txt",
        page(
            article("Boatyard sold", "Text dump.", date="November 20, 2026"),
            article("Aardvark seen at the boatyard", "Odd.", date="November 20, 2026"),
            article("Zebra crossing painted", "Lines.", date="November 20, 2026"),
        ),
    )
    new, _ = run(site, 1)
    assert new == 2
    found = ids(site)
    assert len(found["Boatyard sold"]) == 1 and len(found["Aardvark seen at the boatyard"]) == 1
