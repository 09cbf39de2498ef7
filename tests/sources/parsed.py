"""What the HTML source's field tests share: a capture time, story-length prose, and a
page read the way publish reads it (one article), for its published date or its body."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from syndicate.model import Article, Html
from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def prose(topic: str, paragraphs: int = 12) -> str:
    """Paragraphs enough for a page to read as one story about ``topic``."""
    return "".join(
        f"<p>Line {i} of a report on {topic}, long enough to be a story.</p>"
        for i in range(paragraphs)
    )


def article_of(
    page: str, tz: ZoneInfo = ZoneInfo("UTC"), *, base_url: str | None = "https://a.example/s"
) -> Article:
    """The one article the source reads from ``page`` (fails if it reads several)."""
    ctx = SourceContext(path="p.html", captured_at=CAPTURED, tz=tz, base_url=base_url)
    [article] = parse(page, ctx).articles
    return article


def published_of(
    page: str, tz: ZoneInfo = ZoneInfo("UTC"), *, base_url: str | None = "https://a.example/s"
) -> datetime | None:
    """The published date of the one article the source reads from ``page``."""
    return article_of(page, tz, base_url=base_url).published


def body_of(page: str, *, base_url: str | None = "https://paper.example/a") -> str:
    """The body HTML of the one article the source reads from ``page``."""
    return "".join(b.html for b in article_of(page, base_url=base_url).body if isinstance(b, Html))
