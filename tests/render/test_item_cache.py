"""Documents assembled from cached item bytes (render/items.py) are the renderers' bytes,
for every kind of feed, whatever other feeds put the same items in the cache first, and
an edit is never served from the cache (issue 12: each item rendered once a run)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from syndicate.model import Author, Feed, FeedFormat
from syndicate.render import RENDERERS, items

from .test_streaming import FEEDS, PODCAST, entry, info

XML = [FeedFormat.RSS, FeedFormat.ATOM]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    items.clear()


@pytest.mark.parametrize("fmt", list(FeedFormat))
@pytest.mark.parametrize("name", list(FEEDS))
def test_a_feed_from_cached_items_is_the_renderers_bytes(name: str, fmt: FeedFormat) -> None:
    feed = FEEDS[name]
    assert items.render_feed(fmt, feed) == RENDERERS[fmt](feed)  # cold cache
    assert items.render_feed(fmt, feed) == RENDERERS[fmt](feed)  # every item cached


@pytest.mark.parametrize("fmt", XML)
@pytest.mark.parametrize("name", list(FEEDS))
def test_items_cached_by_other_feeds_fit_every_feed(name: str, fmt: FeedFormat) -> None:
    # the same entries first rendered in other contexts: an archive page's title, a
    # podcast, a feed author, a different order and subset
    feed = FEEDS[name]
    others = [
        replace(feed, info=replace(feed.info, title="Harbour (archive 3)")),
        replace(feed, info=replace(feed.info, podcast=PODCAST)),
        replace(feed, info=replace(feed.info, author=Author(name="The Courier"))),
        replace(feed, info=replace(feed.info, hubs=("https://hub.example.net/",))),
        replace(feed, entries=tuple(reversed(feed.entries[1::2])), history=None),
    ]
    for other in others:
        items.render_feed(fmt, other)
    assert items.render_feed(fmt, feed) == RENDERERS[fmt](feed)
    for other in others:
        assert items.render_feed(fmt, other) == RENDERERS[fmt](other)


@pytest.mark.parametrize("fmt", XML)
def test_an_edited_item_is_rendered_again(fmt: FeedFormat) -> None:
    feed = Feed(info=info(), entries=tuple(entry(i) for i in range(4)))
    before = items.render_feed(fmt, feed)
    edited = replace(
        feed.entries[1],
        article=replace(feed.entries[1].article, title="Ferry fares cut"),
        content_hash="1:retitled-in-test-item-cache",
    )
    feed2 = replace(feed, entries=(feed.entries[0], edited, *feed.entries[2:]))
    after = items.render_feed(fmt, feed2)
    assert after == RENDERERS[fmt](feed2) != before
    assert b"Ferry fares cut" in after


def test_the_cache_keeps_at_most_max_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(items, "MAX_ITEMS", 5)
    feed = Feed(info=info(), entries=tuple(entry(i) for i in range(12)))
    assert items.render_feed(FeedFormat.RSS, feed) == RENDERERS[FeedFormat.RSS](feed)
    assert len(items._cache) == 5
    assert items.render_feed(FeedFormat.RSS, feed) == RENDERERS[FeedFormat.RSS](feed)
