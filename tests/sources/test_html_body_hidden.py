"""What the page hides from its reader (the ``hidden`` attribute, inline ``display:
none`` or ``visibility: hidden``) is not body text, wherever it sits; a page that hides
its whole story until a script shows it keeps the story."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.model import Html
from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Paragraph {i} tells how the lighthouse lamp was cleaned, lens by lens, by the "
    "keeper and two volunteers from the village.</p>"
    for i in range(8)
)
TIPS = "".join(
    f'<div class="palette-tip" hidden><span>Tip:</span> Press key {i} to open the menu of '
    "shortcuts and settings</div>"
    for i in range(6)
)


def body_of(page: str) -> str:
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"), base_url="https://lamp.example/a"
    )
    [article] = parse(page, ctx).articles
    return "".join(b.html for b in article.body if isinstance(b, Html))


@pytest.mark.parametrize(
    "hide", ["hidden", 'hidden="hidden"', 'style="display: none"', 'style="visibility:hidden"']
)
def test_a_hidden_block_inside_the_article_is_not_body_text(hide: str) -> None:
    hidden = f"<p {hide}>A draft sentence the editors hid about the old keeper's cottage.</p>"
    page = (
        "<html><head><title>Lamp cleaned</title></head><body><article>"
        f"<h1>The lighthouse lamp is cleaned</h1>{PROSE[:300]}{hidden}{PROSE[300:]}"
        "</article></body></html>"
    )
    body = body_of(page)
    assert "draft sentence" not in body
    assert all(f"Paragraph {i} " in body for i in range(8))


def test_hidden_tips_outside_the_article_do_not_start_the_body() -> None:
    page = (
        "<html><head><title>Lamp cleaned</title></head><body>"
        f"<details><div class='palette'>{TIPS}</div></details>"
        "<main><h1>lamp-notes</h1><div class='box'><article class='readme'>"
        "<h1>The lighthouse lamp is cleaned</h1>" + PROSE[:330] + "</article></div></main>"
        "</body></html>"
    )
    body = body_of(page)
    assert "Tip:" not in body and "shortcuts" not in body
    assert "Paragraph 0 " in body and "Paragraph 1 " in body


def test_a_story_hidden_whole_until_a_script_shows_it_is_kept() -> None:
    page = (
        "<html><head><title>Lamp cleaned</title></head><body>"
        '<article><h1>The lighthouse lamp is cleaned</h1><div class="story" style="display:none">'
        f"{PROSE}</div></article></body></html>"
    )
    body = body_of(page)
    assert all(f"Paragraph {i} " in body for i in range(8))
