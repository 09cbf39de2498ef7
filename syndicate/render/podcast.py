"""Podcast tags for the RSS feed of a section configured as a podcast. Pure.

Channel: ``itunes:author``, ``itunes:image``, ``itunes:category`` (with a subcategory),
``itunes:explicit``, ``itunes:type``, ``itunes:owner`` when configured (Apple Podcasts'
RSS requirements), and ``podcast:guid`` (Podcasting 2.0: a UUIDv5 of the feed URL
without its scheme and trailing slash, under the namespace the spec fixes) plus
``podcast:locked`` ``no``. Item: ``itunes:duration`` (seconds) from the first enclosure
that has one, ``itunes:image`` from the lead image, ``itunes:episodeType`` ``full``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from lxml import etree

from ..model import Entry, Podcast
from .body import clean

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# Podcasting 2.0 <podcast:guid>: uuidv5 with this namespace over the feed URL
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_I = f"{{{ITUNES_NS}}}"
_P = f"{{{PODCAST_NS}}}"


def podcast_guid(feed_url: str) -> str:
    bare = re.sub(r"^[a-zA-Z]+://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NS, bare))


def add_podcast_tags(
    root: etree._Element, podcast: Podcast, feed_url: str, entries: Iterable[Entry]
) -> None:
    channel = root.find("channel")
    assert channel is not None
    first_item = channel.find("item")
    nodes = [_text(f"{_I}author", podcast.author), etree.Element(f"{_I}image", href=podcast.image)]
    category = etree.Element(f"{_I}category", text=podcast.category)
    if podcast.subcategory:
        etree.SubElement(category, f"{_I}category", text=podcast.subcategory)
    nodes += [
        category,
        _text(f"{_I}explicit", "true" if podcast.explicit else "false"),
        _text(f"{_I}type", podcast.kind),
    ]
    if podcast.owner_name or podcast.owner_email:
        owner = etree.Element(f"{_I}owner")
        if podcast.owner_name:
            owner.append(_text(f"{_I}name", podcast.owner_name))
        if podcast.owner_email:
            owner.append(_text(f"{_I}email", podcast.owner_email))
        nodes.append(owner)
    nodes += [_text(f"{_P}locked", "no"), _text(f"{_P}guid", podcast_guid(feed_url))]
    index = list(channel).index(first_item) if first_item is not None else len(channel)
    for n, node in enumerate(nodes):
        channel.insert(index + n, node)
    for item, entry in zip(channel.iterfind("item"), entries, strict=True):
        a = entry.article
        duration = next((e.duration for e in a.enclosures if e.duration is not None), None)
        if duration is not None:
            item.append(_text(f"{_I}duration", str(duration)))
        if a.image:
            item.append(etree.Element(f"{_I}image", href=a.image))
        item.append(_text(f"{_I}episodeType", "full"))
    etree.cleanup_namespaces(root, top_nsmap={"itunes": ITUNES_NS, "podcast": PODCAST_NS})


def _text(tag: str, text: str) -> etree._Element:
    el = etree.Element(tag)
    el.text = clean(text)
    return el
