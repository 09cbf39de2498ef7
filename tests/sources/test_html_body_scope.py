"""Which part of the page the body is read from: the page's own <article> when it is the
only one and holds the story, not the whole page (whose stream of other stories can
outweigh it); the whole page when the <article> elements are cards."""

from __future__ import annotations

from .parsed import body_of

_body = body_of


STORY = "".join(
    f"<p>Paragraph {i} of the story: the lighthouse keeper counted the ships that passed "
    "the point in the fog and wrote each one down in the log.</p>"
    for i in range(5)
)
# A stream of other stories after the article, each a linkless summary paragraph: more
# prose than the story itself.
STREAM = "".join(
    f'<li><div><h3><a href="/other/{i}">Other story {i}</a></h3><p>Summary {i} of a story '
    "elsewhere on the site, about the price of bread, the new bridge and the football club "
    "that lost again on Saturday in the rain.</p></div></li>"
    for i in range(12)
)


def test_the_only_article_element_is_read_not_the_stream_beside_it() -> None:
    page = (
        "<html><head><title>Fog at the point</title></head><body>"
        "<header><h1>Fog at the point</h1></header>"
        f'<div id="main"><article><div class="gallery"><h1>The keeper at work</h1></div>'
        f'{STORY}</article><div class="stream"><ul>{STREAM}</ul></div></div>'
        "</body></html>"
    )
    body = _body(page)
    assert all(f"Paragraph {i} of the story" in body for i in range(5))
    assert "Summary" not in body


def test_the_whole_page_is_read_when_the_article_elements_are_cards() -> None:
    cards = "".join(
        f'<article class="card"><h2><a href="/c/{i}">Card {i}</a></h2><p>A short teaser '
        f"for card {i}, one line of it.</p></article>"
        for i in range(3)
    )
    page = (
        "<html><head><title>Fog at the point</title></head><body>"
        f'<header><h1>Fog at the point</h1></header><div class="story">{STORY}</div>'
        f'<div class="more">{cards}</div></body></html>'
    )
    body = _body(page)
    assert all(f"Paragraph {i} of the story" in body for i in range(5))
