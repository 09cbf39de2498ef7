"""A Markdown body that starts with ``# Title`` equal to the front matter's title does
not repeat it on the page and in the feeds (issue 11); any other leading h1 stays."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from syndicate.sources import SourceContext
from syndicate.sources.markdown import parse

NOW = datetime(2026, 11, 25, tzinfo=UTC)
CTX = SourceContext(path="posts/pier.md", captured_at=NOW, tz=ZoneInfo("UTC"), options={})


def body_of(text: str) -> str:
    [article] = parse(text, CTX).articles
    return article.body[0].html  # type: ignore[union-attr]


def test_leading_h1_equal_to_the_front_matter_title_is_dropped() -> None:
    html = body_of(
        '---\ntitle: "Pier lights restored"\nsection: Harbour\n---\n\n'
        "# Pier Lights  Restored\n\nThe lamps came back on at dusk.\n"
    )
    assert "Pier Lights" not in html and "Restored" not in html
    assert "The lamps came back on at dusk." in html


def test_leading_h1_that_differs_from_the_title_is_kept() -> None:
    html = body_of(
        '---\ntitle: "Pier lights restored"\nsection: Harbour\n---\n'
        "# Background\n\nThe lamps failed in October.\n"
    )
    assert "Background" in html


def test_h1_later_in_the_body_is_kept_even_when_equal() -> None:
    html = body_of(
        '---\ntitle: "Pier lights restored"\nsection: Harbour\n---\n'
        "Opening words.\n\n# Pier lights restored\n"
    )
    assert html.count("Pier lights restored") == 1
