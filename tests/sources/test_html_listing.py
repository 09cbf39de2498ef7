"""Listing pages: cards found by structure at any depth, the Zox News rule set on the
theme's homepage and category archive, and article pages that are not listings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest

from syndicate.sources import SourceContext
from syndicate.sources.html import parse
from syndicate.sources.rules import load_rule_file

DATA = Path(__file__).resolve().parent.parent / "data" / "html"
RULES = Path(__file__).resolve().parents[2] / "config" / "rules"
CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def _parse(text: str, base_url: str = "https://news.example/", **options: Any) -> Any:
    ctx = SourceContext(
        path="page.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url=base_url,
        options=options,
    )
    return parse(text, ctx)


def _fixture(name: str, *, rule: bool) -> tuple[Any, dict[str, Any]]:
    expected = json.loads((DATA / f"{name}.expected.json").read_text("utf-8"))
    options = {"rule": load_rule_file(str(RULES / "zox-news.toml"))} if rule else {}
    result = _parse((DATA / f"{name}.html").read_text("utf-8"), expected["base_url"], **options)
    return result, expected


def _cards(result: Any) -> list[tuple[str, str, str, datetime | None]]:
    return [(a.title, a.url, a.section, a.published) for a in result.articles]


def _want(expected: dict[str, Any]) -> list[tuple[str, str, str, datetime | None]]:
    return [
        (a["title"], a["url"], a["section"], datetime.fromisoformat(a["published"]))
        for a in expected["articles"]
    ]


@pytest.mark.parametrize("rule", [False, True], ids=["generic", "zox-rule"])
@pytest.mark.parametrize("name", ["zox-news-home", "zox-news-category"])
def test_zox_listing_gives_every_card_with_title_link_section_and_date(
    name: str, rule: bool
) -> None:
    result, expected = _fixture(name, rule=rule)
    assert _cards(result) == _want(expected)
    assert all(a.body == () for a in result.articles)
    assert not [p for p in result.problems if p.severity == "error"]


def test_zox_homepage_cards_keep_their_excerpt_and_image_with_the_rule() -> None:
    result, _ = _fixture("zox-news-home", rule=True)
    latest = result.articles[-1]
    assert latest.summary is not None and latest.summary.startswith(
        "The models, built over fifty years"
    )
    assert latest.image == (
        "https://harbourvalley.example/wp-content/uploads/2026/11/"
        "museum-receives-donated-ship-models-590x354.jpg"
    )


def test_zox_single_post_is_still_one_post_plus_its_teasers_with_the_rule() -> None:
    result, expected = _fixture("zox-news-post", rule=True)
    assert [a.url for a in result.articles] == [a["url"] for a in expected["articles"]]
    assert result.articles[0].body and all(a.body == () for a in result.articles[1:])


def _card(href: str, title: str, label: str, when: str) -> str:
    return (
        f'<li class="item"><a href="{href}"><div class="pic"><img src="/i.jpg" alt=""></div>'
        f'<div class="text"><div class="meta"><span class="story-label">{label}</span>'
        f'<span class="when">{when}</span></div><div class="t"><h2>{title}</h2></div>'
        "<p>A line of teaser text under the headline.</p></div></a></li>"
    )


def test_cards_whose_link_wraps_the_heading_several_elements_deep_are_found() -> None:
    cards = "".join(
        _card(f"/story/{i}", f"Story number {i} of the day", "Sport", f"{i} días ago")
        for i in (1, 2, 3)
    )
    page = f'<html><head><title>Front page</title></head><body><main><ul class="list">{cards}</ul></main></body></html>'
    result = _parse(page)
    assert [(a.title, a.url, a.section) for a in result.articles] == [
        (f"Story number {i} of the day", f"https://news.example/story/{i}", "Sport")
        for i in (1, 2, 3)
    ]
    assert [a.published for a in result.articles] == [
        CAPTURED - timedelta(days=i) for i in (1, 2, 3)
    ]


def test_an_article_page_without_an_article_declaration_is_one_article_not_its_related_cards() -> (
    None
):
    related = "".join(
        _card(f"/story/{i}", f"Related story {i}", "News", "2 hours ago") for i in (1, 2, 3, 4)
    )
    prose = "".join(
        f"<p>Paragraph {i} of the article, long enough to read as the body of a real story.</p>"
        for i in range(12)
    )
    page = (
        f"<html><head><title>The article headline - Site</title></head><body><main>"
        f'<div class="story"><h1>The article headline</h1>{prose}</div>'
        f'<div class="more"><h3>More stories</h3><ul>{related}</ul></div></main></body></html>'
    )
    result = _parse(page, "https://news.example/a/1")
    assert [a.title for a in result.articles] == ["The article headline"]
    assert "Paragraph 11" in result.articles[0].body[0].html


def test_one_linked_heading_is_not_a_listing() -> None:
    page = (
        '<html><body><div class="promo"><a href="/x"><div><h2>Subscribe to our paper</h2></div></a></div>'
        '<div class="post"><h1>A short note</h1><p>Only a few words here.</p></div></body></html>'
    )
    result = _parse(page, "https://news.example/note")
    assert [a.title for a in result.articles] == ["A short note"]


def test_a_listing_of_zox_cards_publishes_as_a_feed_feedparser_reads() -> None:
    from feedgen.feed import FeedGenerator

    result, _ = _fixture("zox-news-home", rule=False)
    fg = FeedGenerator()
    fg.title("Harbour Valley Chronicle")
    fg.link(href="https://harbourvalley.example/")
    fg.description("cards")
    for article in result.articles:
        entry = fg.add_entry()
        entry.title(article.title)
        entry.link(href=article.url)
        entry.pubDate(article.published)
    parsed = feedparser.parse(fg.rss_str())
    assert not parsed.bozo and len(parsed.entries) == 9


def _related(n: int = 4) -> str:
    cards = "".join(
        _card(f"/story/{i}", f"Related story number {i}", "News", "2 hours ago")
        for i in range(1, n + 1)
    )
    return f'<div class="more"><ul>{cards}</ul></div>'


def test_an_undeclared_story_set_between_line_breaks_is_one_article_not_its_cards() -> None:
    # Older CMSs print the story as text in a <div> split by <br>, with no <p> at all.
    text = "<br><br>".join(
        f"Paragraph {i} of the story, set straight in the block as older systems print it."
        for i in range(10)
    )
    page = (
        "<html><head><title>Ferry service returns to the island - Site</title>"
        '<meta property="og:site_name" content="Site"></head><body>'
        f'<div class="story"><h2>Ferry service returns to the island</h2><div class="text">{text}</div></div>'
        f"{_related()}</body></html>"
    )
    result = _parse(page, "https://news.example/ferry")
    assert [a.title for a in result.articles] == ["Ferry service returns to the island"]
    assert "Paragraph 9" in result.articles[0].body[0].html


def test_a_short_undeclared_story_under_related_cards_is_one_article() -> None:
    page = (
        "<html><head><title>Harbour wall reopens to walkers - Harbour Paper</title></head><body>"
        '<div class="story"><h1>Harbour wall reopens to walkers</h1>'
        "<p>The wall reopened on Monday after the winter repairs.</p></div>"
        f"{_related()}</body></html>"
    )
    result = _parse(page, "https://news.example/2026/11/harbour-wall-reopens-to-walkers")
    assert [a.title for a in result.articles] == ["Harbour wall reopens to walkers"]


def test_a_homepage_whose_h1_names_the_site_is_still_a_listing() -> None:
    page = (
        "<html><head><title>The Harbour Valley Chronicle - News from the valley</title>"
        "</head><body><h1>The Harbour Valley Chronicle</h1>"
        f"{_related()}</body></html>"
    )
    result = _parse(page, "https://news.example/")
    assert [a.title for a in result.articles] == [f"Related story number {i}" for i in (1, 2, 3, 4)]
