"""The HTML source on our own fixture pages, field by field, and its title/date rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from syndicate.model import Html
from syndicate.sources import SourceContext, parse_text
from syndicate.sources.html import parse
from syndicate.sources.rules import load_rule_file

DATA = Path(__file__).resolve().parent.parent / "data" / "html"
RULES = Path(__file__).resolve().parents[2] / "config" / "rules"
CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def _fixtures() -> list[tuple[str, dict[str, Any], int]]:
    cases = []
    for expected in sorted(DATA.glob("*.expected.json")):
        data = json.loads(expected.read_text("utf-8"))
        name = expected.name.removesuffix(".expected.json")
        cases.extend((name, data, i) for i in range(len(data["articles"])))
    return cases


def _run(name: str, expected: dict[str, Any]) -> Any:
    options = dict(expected.get("options", {}))
    if expected.get("rule"):
        options["rule"] = load_rule_file(str(RULES / f"{expected['rule']}.toml"))
    ctx = SourceContext(
        path=f"{name}.html",
        captured_at=CAPTURED,
        tz=ZoneInfo(expected["tz"]),
        base_url=expected.get("base_url"),
        options=options,
    )
    return parse((DATA / f"{name}.html").read_text("utf-8"), ctx)


def _tokens(text: str) -> list[str]:
    import re

    return re.findall(r"\w+", text.casefold())


def _f1(got: str, want: str) -> float:
    from collections import Counter

    g, w = Counter(_tokens(got)), Counter(_tokens(want))
    common = sum((g & w).values())
    return 0.0 if not common else 2 * common / (sum(g.values()) + sum(w.values()))


def _body_text(article: Any) -> str:
    from lxml.html import fragment_fromstring

    return " ".join(
        fragment_fromstring(b.html, create_parent="div").text_content()
        for b in article.body
        if isinstance(b, Html)
    )


CASES = _fixtures()
IDS = [f"{name}-{i}" for name, _, i in CASES]


@pytest.mark.parametrize(("name", "expected", "index"), CASES, ids=IDS)
def test_every_fixture_article_has_the_expected_fields(
    name: str, expected: dict[str, Any], index: int
) -> None:
    want = expected["articles"][index]
    result = _run(name, expected)
    got = {a.url: a for a in result.articles}[want["url"]]
    assert got.title == want["title"]
    assert got.published == datetime.fromisoformat(want["published"]).replace(second=0) or (
        got.published is not None
        and got.published.replace(second=0) == datetime.fromisoformat(want["published"])
    )
    assert got.section == want["section"]
    if "authors" in want:
        assert [a.name for a in got.authors] == want["authors"]
    if "body" in want:
        assert _f1(_body_text(got), want["body"]) >= 0.95
    if "summary_starts" in want:
        assert got.body == ()
        assert got.summary is not None and got.summary.startswith(want["summary_starts"])


@pytest.mark.parametrize("name", sorted({name for name, _, _ in CASES}))
def test_a_fixture_page_yields_exactly_its_articles(name: str) -> None:
    expected = json.loads((DATA / f"{name}.expected.json").read_text("utf-8"))
    result = _run(name, expected)
    assert [a.url for a in result.articles] == [a["url"] for a in expected["articles"]]
    assert not [p for p in result.problems if p.severity == "error"]


def test_body_keeps_no_ads_share_bars_or_scripts_and_links_are_absolute() -> None:
    expected = json.loads((DATA / "zox-news-post.expected.json").read_text("utf-8"))
    main = _run("zox-news-post", expected).articles[0]
    html = main.body[0].html
    assert "Advertisement" not in html and "Share this" not in html and "<script" not in html
    assert 'href="https://harbourvalley.example/2026/11/02/budget-timetable/"' in html
    assert "<h2>Opposition reaction</h2>" in html and "<li>" in html


def _page(head: str, body: str) -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _parse(text: str, **options: Any) -> Any:
    ctx = SourceContext(
        path="page.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("Europe/Berlin"),
        base_url="https://news.example/a/1",
        options=options,
    )
    return parse(text, ctx)


PARAS = "<p>" + "A paragraph of article text that is long enough to count as body. " * 4 + "</p>"


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            '<title>Rates rise again | Sport</title><meta property="og:site_name" content="Sport">',
            "Rates rise again",
        ),
        (
            '<meta property="og:title" content="Bread &amp;amp; butter budget">',
            "Bread & butter budget",
        ),
        (
            '<meta property="og:title" content="Ports &amp;#8217; new rules | Daily Example">'
            '<meta property="og:site_name" content="Daily Example">',
            "Ports ’ new rules",
        ),
    ],
)
def test_declared_titles_lose_the_site_suffix_and_double_escapes(head: str, title: str) -> None:
    article = _parse(_page(head + '<meta property="og:type" content="article">', PARAS)).articles[0]
    assert article.title == title


def test_golem_style_suffix_is_recognised_from_the_host() -> None:
    page = _page("<title>Neue Grafikkarten im Test - Golem.de</title>", PARAS)
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, base_url="https://www.golem.de/news/x.html"
    )
    assert parse(page, ctx).articles[0].title == "Neue Grafikkarten im Test"


def test_the_visible_headline_wins_over_a_teaser_og_title() -> None:
    page = _page(
        '<meta property="og:title" content="You will not believe this vote">',
        "<article><h1>Council approves new harbour budget</h1>" + PARAS + "</article>",
    )
    assert _parse(page).articles[0].title == "Council approves new harbour budget"


def test_a_day_only_declared_date_takes_the_minute_from_a_time_element() -> None:
    page = _page(
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Tide tables",'
        '"datePublished":"2026-03-02"}</script>',
        '<article><h1>Tide tables</h1><time datetime="2026-03-02T07:45:00+01:00">2 March</time>'
        + PARAS
        + "</article>",
    )
    assert _parse(page).articles[0].published == datetime(2026, 3, 2, 6, 45, tzinfo=UTC)


def test_a_page_without_a_date_is_read_with_a_warning() -> None:
    result = _parse(_page("<title>Undated</title>", "<h1>An undated page title</h1>" + PARAS))
    assert result.articles[0].published is None
    assert any(p.severity == "warning" and "date" in p.message for p in result.problems)


def _parse_with_rule(rule: dict[str, Any]) -> Any:
    ctx = SourceContext(
        path="page.html",
        captured_at=CAPTURED,
        base_url="https://news.example/a/1",
        options={"rule": rule},
    )
    return parse_text(_page("", "<h1>Generic still works here</h1>" + PARAS), ctx, format="html")


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ({"title": "h1["}, "selector 'h1[' does not compile"),  # CSS
        (
            {"title": "h1.ok", "body": "div >> p"},
            "selector 'div >> p' does not compile",
        ),  # CSS, 2nd key
        ({"title": "//h1[@class="}, "selector '//h1[@class=' does not compile"),  # XPath
        ({"drop": ["./div[("]}, "selector './div[(' does not compile"),  # XPath in a list
        (
            {"teaser": {"container": "article", "title": "(//h3"}},
            "selector '(//h3' does not compile",
        ),
        ({"title": "h1", "nope": 1}, "unknown rule keys: nope"),
    ],
)
def test_a_bad_site_rule_is_one_problem_and_the_generic_path_still_reads(
    rule: dict[str, Any], why: str
) -> None:
    result = _parse_with_rule(rule)
    assert [a.title for a in result.articles] == ["Generic still works here"]
    [problem] = [p for p in result.problems if "site rule" in p.message]
    assert problem.path == "page.html" and problem.severity == "error"
    assert problem.message.startswith("site rule ignored: ") and why in problem.message


def test_html_is_picked_by_suffix_and_by_sniffing() -> None:
    page = _page("", "<h1>Sniffed as an HTML page</h1>" + PARAS)
    ctx = SourceContext(path="dump", captured_at=CAPTURED)
    assert parse_text(page, ctx).articles[0].title == "Sniffed as an HTML page"


def test_a_related_stories_rail_does_not_turn_an_undeclared_article_into_a_listing() -> None:
    rail = (
        "<aside>"
        + "".join(
            f"<div class='card'><h3><a href='/s/{i}'>Related story {i}</a></h3>"
            f"<p>Standfirst of related story number {i}.</p></div>"
            for i in range(5)
        )
        + "</aside>"
    )
    page = _page(
        "<title>Plain page</title>", "<h1>An undeclared article headline</h1>" + PARAS * 3 + rail
    )
    result = _parse(page)
    assert [a.title for a in result.articles] == ["An undeclared article headline"]


def test_a_teaser_and_its_full_page_share_the_url_that_identifies_them() -> None:
    listing = json.loads((DATA / "section-listing.expected.json").read_text("utf-8"))
    card = next(a for a in _run("section-listing", listing).articles if "bakery" in (a.url or ""))
    page = _page(
        '<link rel="canonical" href="https://harbourvalley.example/2026/11/22/bakery-expands/">'
        '<meta property="og:type" content="article">',
        "<article><h1>Family bakery opens second shop on Quay Street</h1>" + PARAS + "</article>",
    )
    full = _parse(page).articles[0]
    assert card.url == full.url and card.body == () and full.body != ()


def test_a_page_with_text_but_no_title_anywhere_is_titled_by_its_first_words() -> None:
    sentences = " ".join(f"The harbour wall was inspected again on day {i}." for i in range(30))
    page = f"<html><head></head><body><div><p>{sentences}</p></div></body></html>"
    ctx = SourceContext(path="note.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"))
    result = parse(page, ctx)
    assert [a.title for a in result.articles] == ["The harbour wall was inspected again on day 0."]
    assert "day 29" in "".join(b.html for b in result.articles[0].body if isinstance(b, Html))
    assert any("no title found: titled by the first words" in p.message for p in result.problems)


def test_an_untitled_long_first_sentence_is_cut_with_an_ellipsis() -> None:
    words = " ".join(f"word{i}" for i in range(40))
    page = f"<html><body><p>{words} and more words in the same sentence.</p></body></html>"
    ctx = SourceContext(path="note.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"))
    (article,) = parse(page, ctx).articles
    assert article.title == " ".join(f"word{i}" for i in range(12)) + " …"


def test_a_page_with_neither_title_nor_text_is_still_skipped() -> None:
    ctx = SourceContext(path="empty.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"))
    result = parse("<html><head></head><body><div></div></body></html>", ctx)
    assert result.articles == ()
    assert [p.message for p in result.problems] == ["article skipped: no title found"]


def test_a_stray_control_character_does_not_cost_the_page_its_body() -> None:
    prose = "".join(
        f"<p>Paragraph {i} tells how the harbour wall was rebuilt after the storm.</p>"
        for i in range(12)
    )
    page = (
        "<html><head><title>Harbour wall rebuilt after the storm</title>"
        "</head><body><article><h1>Harbour wall rebuilt after the storm</h1>"
        f"<p>The storm\x10 came at night and broke the harbour wall in two.</p>{prose}"
        "</article></body></html>"
    )
    ctx = SourceContext(path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"))
    (article,) = parse(page, ctx).articles
    body = "".join(b.html for b in article.body if isinstance(b, Html))
    assert "Paragraph 11" in body and "The storm came at night" in body
