"""Images and enclosures from JSON exports and Markdown front matter (issue 15)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from syndicate.codec import article_from_dict, article_to_dict, content_hash
from syndicate.model import Article, Enclosure, SourceSpan
from syndicate.sources import SourceContext
from syndicate.sources.cms import parse_json
from syndicate.sources.markdown import parse as parse_markdown

CAPTURED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _ctx(path: str) -> SourceContext:
    return SourceContext(path=path, captured_at=CAPTURED, base_url="https://pods.example.net/")


def test_json_attachments_in_json_feed_spelling_and_relative_urls() -> None:
    text = json.dumps(
        [
            {
                "title": "Low tide walk",
                "url": "https://pods.example.net/ep/7",
                "date": "2026-11-19T06:00:00Z",
                "image": "/art/7.jpg",
                "attachments": [
                    {
                        "url": "/media/7.mp3",
                        "mime_type": "audio/mpeg",
                        "size_in_bytes": 1234,
                        "duration_in_seconds": 95,
                    },
                    "/media/7.ogg",
                ],
            }
        ]
    )
    result = parse_json(text, _ctx("export.json"))
    (article,) = result.articles
    assert article.image == "https://pods.example.net/art/7.jpg"
    assert article.enclosures == (
        Enclosure(
            url="https://pods.example.net/media/7.mp3", type="audio/mpeg", length=1234, duration=95
        ),
        Enclosure(url="https://pods.example.net/media/7.ogg", type="audio/ogg"),
    )
    assert result.problems == ()


def test_an_enclosure_of_unknown_type_is_a_warning_with_the_line_and_the_article_stays() -> None:
    text = '[\n{"title": "One", "url": "https://pods.example.net/1",\n "enclosures": ["/files/blob"]}\n]'
    result = parse_json(text, _ctx("export.json"))
    assert len(result.articles) == 1 and result.articles[0].enclosures == ()
    (problem,) = result.problems
    assert problem.severity == "warning" and problem.line == 2 and problem.path == "export.json"
    assert "no media type" in problem.message and "type =" in problem.message


def test_markdown_front_matter_enclosure_with_hms_duration() -> None:
    text = (
        "---\ntitle: Harbour sounds\ndate: 2026-11-18\nimage: cover.png\n"
        "enclosure:\n  url: https://cdn.example.net/harbour.m4a\n  length: 5000\n  duration: '00:12:30'\n"
        "---\nGulls and ropes.\n"
    )
    (article,) = parse_markdown(text, _ctx("harbour.md")).articles
    assert article.image == "https://pods.example.net/cover.png"
    assert article.enclosures == (
        Enclosure(
            url="https://cdn.example.net/harbour.m4a", type="audio/mp4", length=5000, duration=750
        ),
    )


def test_enclosures_survive_the_ledger_codec_and_change_the_hash_only_when_present() -> None:
    plain = Article(origin=SourceSpan(path="a", line=1), section="News", title="Same words")
    with_file = Article(
        origin=plain.origin,
        section="News",
        title="Same words",
        enclosures=(Enclosure(url="https://x.example/a.mp3", type="audio/mpeg"),),
    )
    assert "enclosures" not in article_to_dict(plain)
    assert article_from_dict(article_to_dict(with_file)) == with_file
    assert content_hash(with_file) != content_hash(plain)
    # the hash of an article without enclosures is what it was before the field existed
    assert (
        content_hash(plain)
        == "1:"
        + __import__("hashlib").sha256(b'{"section":"News","title":"Same words"}').hexdigest()[:32]
    )
