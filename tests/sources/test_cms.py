"""JSON and JSON Lines exports: default field names, mapped names, bad entries as Problems."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from syndicate.model import Author
from syndicate.sources import SourceContext, parse_text
from syndicate.sources.cms import parse_json, parse_jsonl

DATA = Path(__file__).resolve().parent.parent / "data" / "cms"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def ctx(name: str, **options: object) -> SourceContext:
    return SourceContext(
        path=f"input/{name}", captured_at=NOW, tz=ZoneInfo("Europe/Dublin"), options=dict(options)
    )


def test_a_wordpress_rest_export_reads_with_default_field_names() -> None:
    result = parse_json(
        (DATA / "wordpress-rest.json").read_text("utf-8"), ctx("wordpress-rest.json")
    )
    first = result.articles[0]
    assert first.title == "Mayor outlines budget priorities for 2027"
    assert (
        first.url
        == "https://harbourvalley.example/2026/11/24/mayor-outlines-budget-priorities-for-2027/"
    )
    assert first.published == datetime(2026, 11, 24, 18, 40, 12, tzinfo=UTC)
    assert first.updated == datetime(2026, 11, 25, 8, 2, 40, tzinfo=UTC)
    assert first.section == "City Council"
    assert first.authors == (Author(name="Niamh Corrigan"),)
    assert first.summary == "Mayor Aoife Brennock set out her priorities for next year’s budget."
    html = first.body[0].html  # type: ignore[union-attr]
    assert "<script" not in html and 'href="https://harbourvalley.example/budget/"' in html


def test_bad_entries_are_problems_with_their_line_and_the_rest_is_kept() -> None:
    result = parse_json(
        (DATA / "wordpress-rest.json").read_text("utf-8"), ctx("wordpress-rest.json")
    )
    assert [a.title for a in result.articles] == [
        "Mayor outlines budget priorities for 2027",
        "Council to trial free evening buses",
    ]
    assert result.articles[1].published is None
    messages = {(p.line, p.severity, p.message.split(":")[0]) for p in result.problems}
    assert (
        14,
        "warning",
        "published date 'not a date' of 'Council to trial free evening buses' not understood",
    ) in messages
    assert (21, "error", "entry skipped") in messages


def test_json_lines_read_line_by_line_with_field_mapping() -> None:
    text = (DATA / "ghost-export.jsonl").read_text("utf-8")
    result = parse_jsonl(
        text, ctx("ghost.jsonl", fields={"title": "headline", "published": "meta.first"})
    )
    # Mapped fields replace the defaults, so the Ghost line (title, not headline) is skipped.
    assert [a.title for a in result.articles] == ["Mapped headline field"]
    assert result.articles[0].published == datetime(2024, 11, 24, 8, tzinfo=UTC)
    assert result.articles[0].section == "Business"
    assert {p.line for p in result.problems} == {1, 3}


def test_a_ghost_export_line_keeps_authors_tags_and_image() -> None:
    text = (DATA / "ghost-export.jsonl").read_text("utf-8")
    result = parse_jsonl(
        text,
        SourceContext(path="g.jsonl", captured_at=NOW, base_url="https://harbourvalley.example/"),
    )
    storm = result.articles[0]
    assert storm.section == "Environment"
    assert [a.name for a in storm.authors] == ["Ciarán Moloney", "Ruth Adeyemi"]
    assert storm.tags == ("weather", "storms")
    assert storm.image == "https://harbourvalley.example/content/images/storm.jpg"
    assert storm.published == datetime(2026, 11, 23, 6, 50, tzinfo=UTC)
    assert any(p.line == 3 and "not valid JSON" in p.message for p in result.problems)


def test_an_object_wrapping_an_array_is_read_as_the_array() -> None:
    text = '{"posts": [{"title": "Wrapped", "url": "https://x.example/w"}]}'
    assert [a.title for a in parse_text(text, ctx("wrapped.json")).articles] == ["Wrapped"]


def test_invalid_json_is_one_problem_with_its_line() -> None:
    result = parse_json('[\n{"title": "a"},\n{oops}\n]', ctx("bad.json"))
    assert result.articles == () and result.problems[0].line == 3
