"""Markdown with YAML or TOML front matter, rendered with CommonMark and sanitized."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from syndicate.model import Author
from syndicate.sources import SourceContext, parse_text
from syndicate.sources.markdown import parse

DATA = Path(__file__).resolve().parent.parent / "data" / "markdown"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def ctx(name: str, **options: object) -> SourceContext:
    return SourceContext(
        path=f"posts/{name}", captured_at=NOW, tz=ZoneInfo("Europe/Dublin"), options=dict(options)
    )


def test_yaml_front_matter_gives_every_field_and_a_clean_body() -> None:
    result = parse(
        (DATA / "yaml-post.md").read_text("utf-8"),
        ctx("yaml-post.md", base_url="https://harbourvalley.example/news/"),
    )
    article = result.articles[0]
    assert article.title == "Library extends opening hours for the winter"
    assert article.published == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert article.section == "Culture"
    assert article.url == "https://harbourvalley.example/news/library-winter-hours/"
    assert article.authors == (Author(name="Órla Byrne"),)
    assert article.tags == ("library", "winter")
    html = article.body[0].html  # type: ignore[union-attr]
    assert "<strong>9 pm</strong>" in html and "<li>" in html
    assert 'href="https://harbourvalley.example/library/rooms/"' in html
    assert "<script" not in html and "alert" not in html


def test_toml_front_matter_reads_dates_lists_and_urls() -> None:
    article = parse_text((DATA / "toml-post.md").read_text("utf-8"), ctx("toml-post.md")).articles[
        0
    ]
    assert article.published == datetime(2026, 11, 20, 14, tzinfo=UTC)
    assert article.section == "City Council"
    assert [a.name for a in article.authors] == ["Barra Ketteridge", "Jude Marwick"]
    assert article.url == "https://harbourvalley.example/harbour-wall/"


def test_a_file_without_front_matter_takes_its_title_from_the_first_heading() -> None:
    article = parse("# Plain note\n\nJust text.\n", ctx("note.md")).articles[0]
    assert article.title == "Plain note"
    assert article.body[0].html == "<p>Just text.</p>"  # type: ignore[union-attr]


def test_broken_front_matter_is_a_problem_with_its_line() -> None:
    result = parse("---\ntitle: ok\ndate: [unclosed\n---\nbody\n", ctx("broken.md"))
    assert result.articles == ()
    assert result.problems[0].path == "posts/broken.md" and result.problems[0].line >= 2


def test_unclosed_front_matter_and_drafts_are_skipped_with_a_reason() -> None:
    assert "never closes" in parse("---\ntitle: x\n", ctx("a.md")).problems[0].message
    assert (
        "draft" in parse("---\ntitle: x\ndraft: true\n---\nbody", ctx("b.md")).problems[0].message
    )
