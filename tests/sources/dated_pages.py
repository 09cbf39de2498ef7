"""What the date tests of the HTML source share: a capture time, story-length prose and
the published date the source reads from a page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def prose(topic: str, paragraphs: int = 12) -> str:
    """Paragraphs enough for a page to read as one story about ``topic``."""
    return "".join(
        f"<p>Line {i} of a report on {topic}, long enough to be a story.</p>"
        for i in range(paragraphs)
    )


def published_of(
    page: str, tz: ZoneInfo = ZoneInfo("UTC"), *, base_url: str | None = "https://a.example/s"
) -> datetime | None:
    """The published date of the one article the source reads from ``page``."""
    ctx = SourceContext(path="p.html", captured_at=CAPTURED, tz=tz, base_url=base_url)
    return parse(page, ctx).articles[0].published
