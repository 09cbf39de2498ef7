"""Inputs with an unknown suffix (or none) are sniffed by their first bytes: JSON,
Markdown with front matter, HTML, and scraped text for everything else, both through the
``syndicate.sources`` entry point and through a whole publish with ``format = "auto"``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from sitefactory import make_site

from syndicate.model import Html, Paragraph
from syndicate.publish import publish
from syndicate.sources import SourceContext, detect_format, parse_text

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
JSON_EXPORT = json.dumps(
    [
        {
            "title": "Sniffed JSON entry",
            "date": "2026-11-20T10:00:00Z",
            "section": "Harbour",
            "content": "<p>A body read from a JSON export.</p>",
        }
    ]
)
JSON_LEADING_SPACE = "\n\n  " + JSON_EXPORT
JSON_OBJECT = json.dumps(
    {
        "posts": [
            {
                "title": "Sniffed JSON object entry",
                "section": "Harbour",
                "date": "2026-11-20T10:00:00Z",
                "content": "<p>Wrapped in an object.</p>",
            }
        ]
    }
)
YAML_MD = (
    "---\ntitle: Sniffed Markdown post\ndate: 2026-11-21T09:30:00Z\nsection: Culture\n---\n\n"
    "A paragraph with **bold** words.\n"
)
TOML_MD = (
    '+++\ntitle = "Sniffed TOML post"\ndate = 2026-11-21T09:30:00Z\nsection = "Culture"\n+++\n\n'
    "A paragraph under TOML front matter.\n"
)
SCRAPED = (
    "Connect with us\n\nHarbour\n\nSniffed text article\n\nPublished\n\non\n\nNovember 20, 2026\n\n"
    "A paragraph of the scraped text page.\n"
)
HTML = (
    "<!DOCTYPE html><html><head><title>Sniffed HTML page</title></head><body><article>"
    "<h1>Sniffed HTML page</h1>"
    + "<p>A paragraph of article text, long enough to be a body. </p>" * 4
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (JSON_EXPORT, "json"),
        (JSON_LEADING_SPACE, "json"),
        (JSON_OBJECT, "json"),
        (YAML_MD, "markdown"),
        (TOML_MD, "markdown"),
        (SCRAPED, "scraped"),
        (HTML, "html"),
    ],
)
@pytest.mark.parametrize("name", ["export.dump", "capture", "page.bak", "notes.TXT.orig"])
def test_an_unknown_suffix_is_sniffed_from_the_first_bytes(text: str, kind: str, name: str) -> None:
    assert detect_format(name, text) == kind


@pytest.mark.parametrize(
    ("text", "title", "block"),
    [
        (JSON_EXPORT, "Sniffed JSON entry", Html),
        (JSON_OBJECT, "Sniffed JSON object entry", Html),
        (YAML_MD, "Sniffed Markdown post", Html),
        (TOML_MD, "Sniffed TOML post", Html),
        (SCRAPED, "Sniffed text article", Paragraph),
    ],
)
def test_a_sniffed_input_is_read_by_its_source(text: str, title: str, block: type) -> None:
    result = parse_text(text, SourceContext(path="input/unknown.dump", captured_at=NOW))
    assert [a.title for a in result.articles] == [title]
    assert result.problems == () or all(p.severity == "warning" for p in result.problems)
    assert isinstance(result.articles[0].body[0], block)


def test_a_known_suffix_wins_over_the_content() -> None:
    # a .txt file holding JSON is a text page (with a problem), not an export
    assert detect_format("export.txt", JSON_EXPORT) == "scraped"
    assert detect_format("post.md", SCRAPED) == "markdown"


def test_publish_with_format_auto_reads_each_sniffed_kind(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    text = site.config_path.read_text(encoding="utf-8").replace(
        'paths = ["pages/*.txt"]\nformat = "scraped"', 'paths = ["pages/*"]\nformat = "auto"'
    )
    site.config_path.write_text(text, encoding="utf-8")
    for name, body in (
        ("a.dump", JSON_EXPORT),
        ("b.export", YAML_MD),
        ("c", SCRAPED),
        ("d.bak", TOML_MD),
    ):
        site.write_page(name, body)
    report = publish(site.config(), now=NOW)
    assert report.errors == [] and report.new == 4
    parsed = feedparser.parse((site.output / "feed.xml").read_bytes())
    assert not parsed.bozo
    assert sorted(e.title for e in parsed.entries) == [
        "Sniffed JSON entry",
        "Sniffed Markdown post",
        "Sniffed TOML post",
        "Sniffed text article",
    ]
    assert {e.tags[0].term for e in parsed.entries} == {"Harbour", "Culture"}
