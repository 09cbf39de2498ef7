"""Dates shown for other stories (a card whose heading links elsewhere, a block named
for recommended stories) do not date the article; the article's own byline does, even
when it links its date to the permalink or its text has linked subheadings."""

from __future__ import annotations

from datetime import UTC, datetime

from .parsed import published_of

PROSE = "".join(
    f"<p>Line {i} of a story about the school garden and its first harvest.</p>" for i in range(12)
)
OWN = datetime(2024, 3, 12, 14, 5, tzinfo=UTC)
OWN_TIME = "<time datetime='2024-03-12T14:05:00Z'>12 March 2024</time>"


def _published(article: str) -> datetime | None:
    page = (
        "<html><head><title>School garden harvest</title></head><body>"
        f"<article><h1>School garden harvest</h1>{article}</article></body></html>"
    )
    return published_of(page)


def _card(n: int) -> str:
    return (
        f"<li><h3><a href='/story-{n}'>Another story {n}</a></h3>"
        f"<time datetime='2023-0{n}-01T08:00:00Z'>1 month ago</time></li>"
    )


def test_a_card_listed_before_the_byline_does_not_date_the_article() -> None:
    cards = f"<ul>{_card(1)}{_card(2)}</ul>"
    assert _published(f"{cards}<div class='byline'>{OWN_TIME}</div>{PROSE}") == OWN


def test_a_block_named_for_recommended_stories_does_not_date_the_article() -> None:
    block = "<div class='recommended-box'><span class='date'>01.02.2023</span></div>"
    assert _published(f"{block}<p class='date'>12.03.2024 14:05</p>{PROSE}") == OWN


def test_a_byline_that_links_its_date_to_the_permalink_still_dates_the_article() -> None:
    byline = f"<span class='posted-on'><a href='/school-garden-harvest' rel='bookmark'>{OWN_TIME}</a></span>"
    assert _published(f"{byline}{PROSE}") == OWN


def test_an_article_with_linked_subheadings_keeps_its_own_date() -> None:
    text = f"<h2><a href='/gardens'>Gardens in town</a></h2>{PROSE}"
    assert _published(f"<div class='meta'>{OWN_TIME}</div>{text}") == OWN
