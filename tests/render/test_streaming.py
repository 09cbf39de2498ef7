"""Feeds rendered a chunk of entries at a time (render_chunks) are the renderers' bytes,
for every format, chunk size and kind of feed (issue 12: a feed of every article is
written as it renders, never held whole)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from syndicate.model import (
    Article,
    Author,
    BulletList,
    Enclosure,
    Entry,
    Feed,
    FeedFormat,
    FeedInfo,
    Heading,
    History,
    Html,
    Paragraph,
    Podcast,
    SourceSpan,
)
from syndicate.render import RENDERERS, render_chunks
from syndicate.render.body import body_html, entry_body, entry_summary, summary_text

BASE = "http://127.0.0.1:8080/"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def info(
    *, hubs: tuple[str, ...] = (), author: Author | None = None, description: str = ""
) -> FeedInfo:
    return FeedInfo(
        key="harbour",
        title="Harbour & Quay <news>",
        description=description,
        home_url=f"{BASE}harbour/",
        hubs=hubs,
        language="en",
        author=author,
        self_urls={
            FeedFormat.RSS: f"{BASE}harbour/feed.xml",
            FeedFormat.ATOM: f"{BASE}harbour/atom.xml",
            FeedFormat.JSON: f"{BASE}harbour/feed.json",
        },
    )


def entry(i: int, *, title: str | None = None, edited: bool = False, media: bool = False) -> Entry:
    body = (
        Paragraph(
            text=f'Paragraph {i}: fish & chips cost \u20ac{i}, \u201cquoted\u201d, a < b, \\ "q" / \u2028 \U0001f41f.'
        ),
        Heading(text="Next steps"),
        BulletList(items=("one", "two & three")),
        Html(html=f"<p>Trusted <em>html</em> {i}</p>"),
    )
    article = Article(
        origin=SourceSpan(path="p.txt", line=i),
        section="Harbour",
        title=title or f"Ferry fares, No. {i}",
        body=body if i % 3 else body[:1],
        authors=(Author(name="Nell Ashdown"),) if i % 2 else (),
        tags=("ferries",) if i % 4 == 0 else (),
        image=f"{BASE}img/{i}.jpg" if media and i % 2 else None,
        enclosures=(
            Enclosure(
                url=f"{BASE}audio/{i}.mp3", type="audio/mpeg", length=1000 + i, duration=60 * i
            ),
        )
        if media and i % 3 == 0
        else (),
    )
    published = T0 - timedelta(hours=i)
    return Entry(
        article=article,
        key=f"k{i}",
        guid=f"{BASE}item/{i}",
        slug=f"ferry-{i}",
        section_slug="harbour",
        link=f"{BASE}harbour/ferry-{i}.html",
        first_seen=published,
        published=published,
        updated=published + timedelta(days=3) if edited else published,
        content_hash=f"1:{i:032d}",
        seq=i,
    )


def _pages(n: int) -> dict[FeedFormat, str]:
    return {f: f"{BASE}harbour/archive/{n}/{f.filename}" for f in FeedFormat}


PODCAST = Podcast(
    author="Harbour Radio", image=f"{BASE}img/cover.jpg", category="News", subcategory="Daily News"
)
HISTORY = History(prev_archive=_pages(4))
ARCHIVE_PAGE = History(
    archive=True, current=info().self_urls, prev_archive=_pages(2), next_archive=_pages(4)
)

FEEDS = {
    "empty": Feed(info=info(), entries=()),
    "images and enclosures in some items only": Feed(
        info=info(), entries=tuple(entry(i, media=True) for i in range(7))
    ),
    "with archive links (RFC 5005)": Feed(
        info=info(), entries=tuple(entry(i, media=True) for i in range(5)), history=HISTORY
    ),
    "an archive page": Feed(
        info=info(), entries=tuple(entry(i) for i in range(4)), history=ARCHIVE_PAGE
    ),
    "a podcast with archives": Feed(
        info=replace(info(), podcast=PODCAST),
        entries=tuple(entry(i, media=True) for i in range(6)),
        history=HISTORY,
    ),
    "a podcast, empty": Feed(info=replace(info(), podcast=PODCAST), entries=()),
    "one": Feed(info=info(), entries=(entry(0),)),
    "seven, an older one edited last": Feed(
        info=info(description="All the harbour news"),
        entries=tuple(entry(i, edited=i == 5) for i in range(7)),
    ),
    "hubs and a feed author": Feed(
        info=info(
            hubs=("https://hub.example.net/", "https://hub2.example.net/"),
            author=Author(name="The Courier", uri="https://c.example.net/"),
        ),
        entries=tuple(entry(i) for i in range(5)),
    ),
    "a tag-like title in the middle": Feed(
        info=info(),
        entries=tuple(
            entry(i, title="Quay <img src=x onerror=alert(1)> claims" if i == 3 else None)
            for i in range(6)
        ),
    ),
}


@pytest.mark.parametrize("fmt", list(FeedFormat))
@pytest.mark.parametrize("chunk", [1, 2, 3, 200])
@pytest.mark.parametrize("name", list(FEEDS))
def test_chunked_rendering_gives_the_renderers_bytes(
    name: str, chunk: int, fmt: FeedFormat
) -> None:
    feed = FEEDS[name]
    whole = RENDERERS[fmt](feed)
    pieces = list(
        render_chunks(
            fmt,
            feed.info,
            iter(feed.entries),
            updated=feed.updated,
            history=feed.history,
            chunk=chunk,
        )
    )
    assert b"".join(pieces) == whole
    if fmt is not FeedFormat.JSON:
        parsed = feedparser.parse(whole)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == len(feed.entries)


def test_chunks_hold_at_most_chunk_entries_each() -> None:
    feed = FEEDS["seven, an older one edited last"]
    pieces = list(
        render_chunks(FeedFormat.RSS, feed.info, feed.entries, updated=feed.updated, chunk=2)
    )
    assert [p.count(b"<item>") for p in pieces] == [0, 2, 2, 2, 1, 0]


def test_cached_body_and_summary_are_the_articles_and_follow_an_edit() -> None:
    e = entry(1)
    assert entry_body(e) == body_html(e.article) and entry_summary(e) == summary_text(e.article)
    edited = replace(e, content_hash="1:edited", article=entry(2).article)
    assert entry_body(edited) == body_html(entry(2).article) != entry_body(e)


@pytest.mark.parametrize("name", list(FEEDS))
def test_json_feed_is_spelt_as_the_json_module_spells_it(name: str) -> None:
    out = RENDERERS[FeedFormat.JSON](FEEDS[name])
    assert out == (json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
