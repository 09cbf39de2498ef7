"""OPML 2.0 list of every feed (http://opml.org/spec2.opml). Pure.

Two outline groups (issue 11): the combined feed, and the section feeds. Every item of
a section feed is also in the combined feed with the same id, so a reader that keys
items by id across feeds (newsboat) shows whichever it read second as empty: subscribe
to one group, not both. The group texts say so; the index page and README too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from ..model import FeedFormat, FeedInfo
from .body import EPOCH, clean

# OPML readers subscribe to each outline: one outline per feed, in the preferred format.
PREFERENCE = (FeedFormat.RSS, FeedFormat.ATOM, FeedFormat.JSON)
COMBINED_GROUP = "Everything in one feed (pick this group or the sections, not both)"
SECTIONS_GROUP = "One feed per section (pick these or the combined feed, not both)"


def _outline(parent: etree._Element, info: FeedInfo) -> None:
    fmt = next(f for f in PREFERENCE if f in info.self_urls)
    etree.SubElement(
        parent,
        "outline",
        type="rss",
        text=clean(info.title),
        title=clean(info.title),
        xmlUrl=info.self_urls[fmt],
        htmlUrl=info.home_url,
        description=clean(info.description),
    )


def render_opml(
    title: str, combined: FeedInfo, sections: Sequence[FeedInfo], *, updated: datetime | None
) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = clean(title)
    etree.SubElement(head, "dateModified").text = (updated or EPOCH).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    body = etree.SubElement(root, "body")
    _outline(etree.SubElement(body, "outline", text=COMBINED_GROUP, title=COMBINED_GROUP), combined)
    if sections:
        group = etree.SubElement(body, "outline", text=SECTIONS_GROUP, title=SECTIONS_GROUP)
        for info in sections:
            _outline(group, info)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
