"""``output.item_limit`` holds on every feed kind: the combined feed and each section feed,
in RSS, Atom and JSON Feed, and the section pages; the index lists the newest few."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LIMIT = 3
SECTIONS = {"harbour": "Harbour", "transport": "Transport"}


def titles(path: Path) -> list[str]:
    """Item titles in feed order, as a reader sees them."""
    if path.suffix == ".json":
        return [item["title"] for item in json.loads(path.read_bytes())["items"]]
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [e.title for e in parsed.entries]


def listed(path: Path) -> list[str]:
    """Titles an HTML page links to in its last list (the section's or index's entries)."""
    doc = lxml_html.fromstring(path.read_bytes())
    return [a.text_content() for a in doc.findall(".//ul")[-1].iter("a")]


def story(section: str, day: int) -> str:
    return article(
        f"{section} story {day}",
        f"What happened in {section.lower()} on day {day}.",
        section=section,
        date=f"November {day}, 2026",
    )


@pytest.fixture
def site(tmp_path: Path) -> Site:
    s = make_site(tmp_path, limit=LIMIT)
    # harbour on odd days, transport on even days: 10 items, 5 per section
    s.write_page("harbour.txt", page(*(story("Harbour", d) for d in (1, 3, 5, 7, 9))))
    s.write_page("transport.txt", page(*(story("Transport", d) for d in (2, 4, 6, 8, 10))))
    report = publish(s.config(), now=T0)
    assert report.errors == [] and report.new == 10
    return s


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "feed.json"])
def test_combined_feed_keeps_the_newest_limit_items(site: Site, name: str) -> None:
    assert titles(site.output / name) == [
        "Transport story 10",
        "Harbour story 9",
        "Transport story 8",
    ]


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "feed.json"])
@pytest.mark.parametrize("slug", sorted(SECTIONS))
def test_each_section_feed_keeps_its_newest_limit_items(site: Site, slug: str, name: str) -> None:
    section = SECTIONS[slug]
    days = (9, 7, 5) if slug == "harbour" else (10, 8, 6)
    assert titles(site.output / slug / name) == [f"{section} story {d}" for d in days]


@pytest.mark.parametrize("slug", sorted(SECTIONS))
def test_each_section_page_lists_its_newest_limit_items(site: Site, slug: str) -> None:
    section = SECTIONS[slug]
    days = (9, 7, 5) if slug == "harbour" else (10, 8, 6)
    assert listed(site.output / slug / "index.html") == [f"{section} story {d}" for d in days]


def test_index_lists_the_newest_limit_items(site: Site) -> None:
    assert listed(site.output / "index.html") == [
        "Transport story 10",
        "Harbour story 9",
        "Transport story 8",
    ]


def test_limit_holds_when_a_later_run_adds_newer_items(site: Site) -> None:
    site.write_page("harbour-late.txt", page(story("Harbour", 11), story("Harbour", 12)))
    report = publish(site.config(), now=T0)
    assert report.new == 2
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert titles(site.output / "harbour" / name) == [
            "Harbour story 12",
            "Harbour story 11",
            "Harbour story 9",
        ]
        assert titles(site.output / name) == [
            "Harbour story 12",
            "Harbour story 11",
            "Transport story 10",
        ]
    # the untouched section keeps its three
    assert titles(site.output / "transport" / "feed.xml") == [
        "Transport story 10",
        "Transport story 8",
        "Transport story 6",
    ]


def test_index_lists_at_most_thirty_latest_even_under_a_larger_limit(tmp_path: Path) -> None:
    s = make_site(tmp_path, limit=50)
    s.write_page(
        "many.txt",
        page(
            *(story("Harbour", d) for d in range(1, 31)),
            article("Harbour story 31", "Late.", section="Harbour", date="December 1, 2026"),
            article("Harbour story 32", "Later.", section="Harbour", date="December 2, 2026"),
        ),
    )
    publish(
        s.config(), now=datetime(2026, 12, 3, tzinfo=UTC)
    )  # after every page date: none is in the future
    assert len(titles(s.output / "feed.xml")) == 32
    latest = listed(s.output / "index.html")
    assert latest == [f"Harbour story {n}" for n in range(32, 2, -1)]
