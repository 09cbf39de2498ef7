"""RSS 2.0 with feedgen, plus what feedgen cannot do.

feedgen's traps, and what we do about each (feedgen 1.0, feedgen/feed.py):
- it sets lastBuildDate (and entry dates) to *now* when unset: we always set them,
  from the newest entry (``Feed.updated``), never the clock;
- ``add_entry`` prepends by default: entries are sorted here and added with
  ``order='append'``;
- it writes content:encoded only when a description is set too: every item gets a
  description: its plain summary escaped as HTML, since readers render RSS
  descriptions as HTML (issue 8, section 5: a text page's ``<img onerror=...>`` must
  stay text);
- it cannot write Media RSS images or more than one enclosure: render/media.py adds
  them to the tree;
- it writes only the first atom:link (rel=self) into an RSS channel: the rel=hub links
  are added to the tree afterwards (``_add_hub_links``).

Plain-text elements (title, category, dc:creator) carry ``&`` and ``<`` as hexadecimal
character references (``&#x26;``, ``&#x3C;``), as the RSS Profile asks (rssboard.org
rss-profile, "Data types: character data"): some readers treat an RSS title as HTML,
and this spelling is the one they all read as text (``_hex_refs``). A title holding
tag-like text is escaped as HTML first (``rss_title``).
"""

from __future__ import annotations

import re
from html import escape

from feedgen.feed import FeedGenerator
from lxml import etree

from ..model import Feed, FeedFormat
from .archive import history_elements
from .body import EPOCH, clean, entry_body, entry_summary
from .media import MEDIA_NS, add_rss_media, declare, has_media, serialize
from .podcast import ITUNES_NS, PODCAST_NS, add_podcast_tags

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def _add_hub_links(root: etree._Element, hubs: tuple[str, ...]) -> None:
    channel = root.find("channel")
    assert channel is not None
    self_link = channel.find(f"{{{ATOM_NS}}}link")
    index = list(channel).index(self_link) + 1 if self_link is not None else 3
    for n, hub in enumerate(hubs):
        link = etree.Element(f"{{{ATOM_NS}}}link", href=hub, rel="hub")
        channel.insert(index + n, link)


# Something a reader could take for a tag: "<" then a letter, "/", "!" or "?".
TAG_LIKE = re.compile(r"<[a-zA-Z/!?]")


def rss_title(title: str) -> str:
    """An item title: plain text, but escaped as HTML when it holds tag-like text, since
    readers sniff RSS titles for HTML (feedparser does when it sees a closing tag) and
    would render ``<img onerror=...>``; escaped, every HTML reader shows the text."""
    text = clean(title)
    return escape(text, quote=False) if TAG_LIKE.search(text) else text


def render_rss(feed: Feed) -> bytes:
    info = feed.info
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.title(clean(info.title))
    # feedgen takes the RSS <link> from the *last* link() call: self first, then alternate
    fg.link(href=info.self_urls[FeedFormat.RSS], rel="self", type=FeedFormat.RSS.media_type)
    fg.link(href=info.home_url, rel="alternate")
    fg.description(clean(info.description) or clean(info.title))
    if info.language:
        fg.language(info.language)
    fg.generator(info.generator)
    fg.lastBuildDate(feed.updated or EPOCH)
    for entry in feed.entries:
        a = entry.article
        fe = fg.add_entry(order="append")
        fe.title(rss_title(a.title))
        fe.link(href=entry.link)
        fe.guid(entry.guid, permalink=False)
        fe.pubDate(entry.published)
        fe.updated(entry.updated)
        fe.description(escape(entry_summary(entry), quote=False))
        fe.content(entry_body(entry), type="CDATA")
        fe.category([{"term": clean(a.section)}] + [{"term": clean(t)} for t in a.tags])
        for author in a.authors:
            fe.dc.dc_creator(clean(author.name))
    xml: bytes = fg.rss_str(pretty=True)
    # always through the tree, declaring every prefix an item can use on the root: then a
    # feed's head and items are spelt alike whether rendered whole or by render_chunks
    # (an entry-less head, then items sliced from chunk documents)
    root = etree.fromstring(xml, _KEEP_CDATA)
    if info.hubs:  # in the same tree: content:encoded stays CDATA with hubs too
        _add_hub_links(root, info.hubs)
    if info.podcast is not None:
        add_podcast_tags(root, info.podcast, info.self_urls[FeedFormat.RSS], feed.entries)
    if has_media(feed.entries):
        add_rss_media(root, feed.entries)
    if feed.history is not None:
        channel = root.find("channel")
        assert channel is not None
        history_elements(
            channel, feed.history, FeedFormat.RSS, atom_prefixed=True, before=channel.find("item")
        )
    nsmap = {
        "dc": DC_NS,
        "atom": ATOM_NS,
        "content": CONTENT_NS,
        "media": MEDIA_NS,
    }  # feedgen's order first
    if info.podcast is not None:
        nsmap |= {"itunes": ITUNES_NS, "podcast": PODCAST_NS}
    return _hex_refs(serialize(declare(root, nsmap)))


_KEEP_CDATA = etree.XMLParser(strip_cdata=False, remove_blank_text=True)


_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.S)


def _hex_refs(xml: bytes) -> bytes:
    """``&amp;`` -> ``&#x26;`` and ``&lt;`` -> ``&#x3C;`` outside CDATA: the same XML, spelt
    as the RSS Profile asks; CDATA (content:encoded) is literal and left alone."""
    parts = _CDATA.split(xml)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
    return b"".join(parts)
