"""Rails set inside the article container (most-read lists, trending, "more stories",
sponsored promos) do not reach the body; the article's own paragraphs do."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.model import Html
from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Paragraph {i} tells how the harbour wall was repaired, stone by stone, over one long "
    "and windy winter on the quay.</p>"
    for i in range(8)
)


@pytest.mark.parametrize(
    "rail_class",
    ["most-read", "mostRead-list", "trending-now", "more-stories", "sponsored-box", "recommended"],
)
def test_a_rail_inside_the_article_is_not_body_text(rail_class: str) -> None:
    rail = (
        f'<div class="{rail_class}"><h3>Elsewhere on the site</h3><ol>'
        + "".join(
            f'<li><a href="/s/{i}">Another story number {i}</a> <span>in which the council '
            "meets again, the ferry runs late and the market traders ask for a roof over "
            "their stalls before the winter</span></li>"
            for i in range(5)
        )
        + "</ol></div>"
    )
    page = (
        f"<html><head><title>Wall repaired</title></head><body><article><h1>The harbour wall is repaired</h1>"
        f"{PROSE[:400]}{rail}{PROSE[400:]}</article></body></html>"
    )
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"), base_url="https://paper.example/a"
    )
    article = parse(page, ctx).articles[0]
    body = "".join(b.html for b in article.body if isinstance(b, Html))
    assert "Another story number" not in body and "Elsewhere on the site" not in body
    assert all(f"Paragraph {i} " in body for i in range(8))
