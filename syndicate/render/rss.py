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
from datetime import datetime
from html import escape

from feedgen.feed import FeedGenerator
from lxml import etree

from ..model import Entry, Feed, FeedFormat
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


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    node = etree.SubElement(parent, tag)
    node.text = text or None  # empty: <x/>, as feedgen's (reparsed) output spells it
    return node


def rfc2822(when: datetime) -> str:
    """An RSS date, in English whatever the locale (feedgen's formatRFC2822 sets the C
    locale around strftime for the same reason)."""
    return when.strftime(f"{_DAYS[when.weekday()]}, %d {_MONTHS[when.month - 1]} %Y %H:%M:%S %z")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def add_item(channel: etree._Element, entry: Entry) -> etree._Element:
    """``entry``'s ``<item>``, appended to ``channel``: the elements, order and spelling
    feedgen 1.0's ``FeedEntry.rss_entry`` gives them (with the dc extension), built with
    lxml directly. feedgen building, serialising and our parsing it again cost about
    0.3 ms an item, the largest CPU cost of a cold publish (issue 12)."""
    a = entry.article
    item = etree.SubElement(channel, "item")
    title = rss_title(a.title)
    if title:
        _text(item, "title", title)
    if entry.link:
        _text(item, "link", entry.link)
    summary, body = escape(entry_summary(entry), quote=False), entry_body(entry)
    if summary:
        _text(item, "description", summary)
    if summary and body:
        etree.SubElement(item, f"{{{CONTENT_NS}}}encoded").text = etree.CDATA(body)
    elif body:
        etree.SubElement(item, "description").text = etree.CDATA(body)
    if entry.guid:
        _text(item, "guid", entry.guid).set("isPermaLink", "false")
    for term in (a.section, *a.tags):
        _text(item, "category", clean(term))
    _text(item, "pubDate", rfc2822(entry.published))
    for author in a.authors:
        _text(item, f"{{{DC_NS}}}creator", clean(author.name))
    return item


def render_rss(feed: Feed) -> bytes:
    info = feed.info
    fg = FeedGenerator()
    fg.load_extension("dc")  # xmlns:dc on the root, as the items use it
    fg.title(clean(info.title))
    # feedgen takes the RSS <link> from the *last* link() call: self first, then alternate
    fg.link(href=info.self_urls[FeedFormat.RSS], rel="self", type=FeedFormat.RSS.media_type)
    fg.link(href=info.home_url, rel="alternate")
    fg.description(clean(info.description) or clean(info.title))
    if info.language:
        fg.language(info.language)
    fg.generator(info.generator)
    fg.lastBuildDate(feed.updated or EPOCH)
    xml: bytes = fg.rss_str(pretty=True)
    # always through the tree, declaring every prefix an item can use on the root: then a
    # feed's head and items are spelt alike whether rendered whole or by render_chunks
    # (an entry-less head, then items sliced from chunk documents)
    root = etree.fromstring(xml, _KEEP_CDATA)
    channel = root.find("channel")
    assert channel is not None
    for entry in feed.entries:  # where feedgen puts them: last in the channel
        add_item(channel, entry)
    if info.hubs:  # in the same tree: content:encoded stays CDATA with hubs too
        _add_hub_links(root, info.hubs)
    if info.podcast is not None:
        add_podcast_tags(root, info.podcast, info.self_urls[FeedFormat.RSS], feed.entries)
    if has_media(feed.entries):
        add_rss_media(root, feed.entries)
    if feed.history is not None:
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


def _hex_refs(xml: bytes) -> bytes:
    """``&amp;`` -> ``&#x26;`` and ``&lt;`` -> ``&#x3C;`` outside CDATA: the same XML, spelt
    as the RSS Profile asks; CDATA (content:encoded) is literal and left alone. (Found with
    ``bytes.find``: a regex split over a 30 MB feed took longer than building it.)"""
    out: list[bytes] = []
    i = 0
    while (start := xml.find(b"<![CDATA[", i)) >= 0:
        end = xml.index(b"]]>", start) + 3
        out += (_refs(xml[i:start]), xml[start:end])
        i = end
    out.append(_refs(xml[i:]))
    return b"".join(out)


def _refs(text: bytes) -> bytes:
    return text.replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
