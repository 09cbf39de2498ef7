"""Inline figures: back in the body after extraction without images (issue 9), where the
story had them; icons, sidebar pictures and captions stay out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def _p(i: int) -> str:
    return (
        f"<p>Paragraph {i} of the story about the harbour wall, long enough to be prose "
        "that any extractor keeps as the body of the article.</p>"
    )


def _body(article: str) -> str:
    page = (
        "<html><head><title>Harbour wall repairs begin this week - Paper</title>"
        '<meta property="og:type" content="article"></head><body>'
        f"<article><h1>Harbour wall repairs begin this week</h1>{article}</article>"
        '<aside class="sidebar"><p>Most read</p><img src="/side.jpg" alt="side">'
        "<p>Another story in the rail</p></aside></body></html>"
    )
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"), base_url="https://paper.example/a"
    )
    return str(parse(page, ctx).articles[0].body[0].html)


def test_an_image_between_two_kept_paragraphs_is_kept_in_place_without_its_caption() -> None:
    html = _body(
        _p(1) + _p(2) + '<figure><img src="/wall.jpg" alt="The wall" width="800">'
        "<figcaption>The wall in March. Photo: A. Snapper</figcaption></figure>" + _p(3) + _p(4)
    )
    assert '<img src="https://paper.example/wall.jpg" alt="The wall">' in html
    assert html.index("Paragraph 2") < html.index("wall.jpg") < html.index("Paragraph 3")
    assert "Photo: A. Snapper" not in html


def test_icons_and_rail_images_are_not_figures() -> None:
    html = _body(_p(1) + '<img src="/icon.png" width="16" height="16">' + _p(2) + _p(3) + _p(4))
    assert "icon.png" not in html
    assert "side.jpg" not in html


def test_lazy_images_keep_their_real_address() -> None:
    html = _body(_p(1) + _p(2) + '<img src="data:image/gif;base64,R0" data-src="/big.jpg">' + _p(3))
    assert "https://paper.example/big.jpg" in html
