"""Hostile pages become Problems naming the file, quickly; they never raise or hang."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markup_check import violations

from syndicate.model import Html
from syndicate.sources import SourceContext
from syndicate.sources.cms import parse_json, parse_jsonl
from syndicate.sources.html import parse
from syndicate.sources.markdown import parse as parse_markdown

NOW = datetime(2026, 11, 25, tzinfo=UTC)
CTX = SourceContext(path="input/evil.html", captured_at=NOW)

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<html><head><title>&lol6;</title></head><body><h1>Laughs &lol6;</h1><p>&lol6;</p></body></html>"""

EXTERNAL_ENTITY = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<html><body><h1>Read &xxe; here</h1><p>root:x:0:0 should never show &xxe;</p></body></html>"""


def test_entity_expansion_is_not_performed() -> None:
    result = parse(BILLION_LAUGHS, CTX)
    text = " ".join(a.title for a in result.articles)
    assert "lollollol" not in text


def test_external_entities_are_never_loaded() -> None:
    result = parse(EXTERNAL_ENTITY, CTX)
    for article in result.articles:
        assert "root:x:0:0:" not in article.title
        assert all("/bin/" not in getattr(b, "html", "") for b in article.body)


def test_a_50_mb_page_is_refused_with_the_file_named() -> None:
    huge = "<html><body>" + "<p>word " * 6_000_000 + "</body></html>"
    result = parse(huge, CTX)
    assert result.articles == ()
    assert result.problems[0].path == "input/evil.html"
    assert "limit" in result.problems[0].message


def test_deep_nesting_is_cut_by_the_parser_and_reported() -> None:
    deep = (
        "<html><body><h1>Deep page title</h1>"
        + "<div>" * 100_000
        + "<p>x</p>"
        + "</div>" * 100_000
        + "</body></html>"
    )
    result = parse(deep, CTX)
    assert any("nested deeper" in p.message for p in result.problems)


def test_binary_junk_is_refused_as_not_html() -> None:
    junk = bytes(range(256)).decode("latin-1") * 400
    result = parse(junk, CTX)
    assert result.articles == ()
    assert "binary" in result.problems[0].message


def test_a_wrong_charset_declaration_does_not_stop_the_parse() -> None:
    page = (
        '<?xml version="1.0" encoding="Shift_JIS"?><html><head><meta charset="koi8-r">'
        "<title>Café prices rise</title></head><body><h1>Café prices rise in town</h1>"
        "<p>" + "Über alles, naïve café text that is long enough. " * 5 + "</p></body></html>"
    )
    result = parse(page, CTX)
    assert result.articles[0].title == "Café prices rise in town"


def test_scripts_and_event_handlers_never_reach_a_body() -> None:
    page = (
        "<html><body><article><h1>Harmless looking headline</h1>"
        + '<p onclick="steal()">'
        + "Text of the article goes on for a while here. " * 6
        + '<a href="javascript:alert(1)">click</a><img src="x.png" onerror="steal()"></p>'
        + "<script>steal()</script><iframe src='https://evil.example/'></iframe>"
        + "<p>"
        + "More text of the article to keep extraction happy. " * 6
        + "</p></article></body></html>"
    )
    body = (
        parse(page, SourceContext(path="p.html", captured_at=NOW, base_url="https://ok.example/"))
        .articles[0]
        .body
    )
    html = body[0].html  # type: ignore[union-attr]
    for bad in ("steal", "javascript:", "<script", "<iframe", "onclick", "onerror"):
        assert bad not in html


@pytest.mark.parametrize("source", [parse_json, parse_jsonl])
def test_deeply_nested_json_is_a_problem(source) -> None:  # type: ignore[no-untyped-def]
    result = source("[" * 200_000 + "]" * 200_000, CTX)
    assert result.articles == () and result.problems


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=3000))
def test_no_text_crashes_the_html_source(text: str) -> None:
    result = parse(text, CTX)
    assert all(p.path == "input/evil.html" for p in result.problems)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<div>",
                "</div>",
                "<p>",
                "<h1>",
                "</h1>",
                "<article>",
                "<time datetime='2024-13-45'>",
                "<script type='application/ld+json'>",
                "</script>",
                '{"@graph":[{"@type":"NewsArticle"}]}',
                "word ",
                "&amp;amp;",
                "<a href='javascript:x'>",
                "<meta property='og:title' content='x'>",
            ]
        ),
        max_size=80,
    ).map("".join)
)
def test_no_tag_soup_crashes_the_html_source(text: str) -> None:
    result = parse(text, CTX)
    # every problem names the file; every article has a title and section; no body or
    # summary carries live markup (the soup holds a javascript: link and a raw script)
    assert all(p.path == "input/evil.html" and p.message for p in result.problems)
    for a in result.articles:
        assert a.title.strip() and a.section.strip()
        for block in a.body:
            if isinstance(block, Html):
                assert violations(block.html) == [], block.html
    assert result.articles or result.problems, "a page gave neither an article nor a reason"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_no_text_crashes_the_json_markdown_sources(text: str) -> None:
    for source in (parse_json, parse_jsonl, parse_markdown):
        result = source(text, CTX)
        assert all(p.path == "input/evil.html" for p in result.problems)
