"""A photo gallery that outweighs the story beside it (dozens of captioned photos of
other news) is not body text; a page that is a gallery, and a story's own small
slideshow, keep their captions."""

from __future__ import annotations

from .parsed import body_of

STORY = "".join(
    f"<p>Paragraph {i}: the night ferry ran again after the storm, with the cars on the "
    "lower deck and the lorries waiting on the quay for the morning crossing.</p>"
    for i in range(8)
)


def _gallery(items: int) -> str:
    legends = "".join(
        f"<li><h2><span>{i}/{items}</span> Photo title {i}</h2><p>Caption {i}: a long line "
        "about a market, a bank, a shipyard and the people who work there, told in full "
        "for the reader of the slideshow.</p><p class='credits'>AGENCY</p></li>"
        for i in range(items)
    )
    return f'<div class="full-gallery"><ul class="legends">{legends}</ul></div>'


_body = body_of


def _page(inner: str) -> str:
    return (
        "<html><head><title>Ferry</title></head><body><article>"
        f"<h1>The night ferry runs again</h1>{inner}</article></body></html>"
    )


def test_a_gallery_that_outweighs_the_story_is_not_body_text() -> None:
    body = _body(_page(STORY + _gallery(20)))
    assert all(f"Paragraph {i}:" in body for i in range(8))
    assert "Caption" not in body and "AGENCY" not in body


def test_a_story_keeps_its_own_small_slideshow() -> None:
    body = _body(_page(_gallery(2) + STORY))
    assert "Caption 0:" in body and "Paragraph 7:" in body


def test_a_page_that_is_a_gallery_keeps_it() -> None:
    body = _body(_page(STORY[:300] + _gallery(12)))
    assert "Caption 0:" in body and "Caption 11:" in body
