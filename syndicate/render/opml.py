"""OPML 2.0 list of every feed (http://opml.org/spec2.opml). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from ..model import FeedFormat, FeedInfo
from .body import EPOCH, clean

# OPML readers subscribe to each outline: one outline per feed, in the preferred format.
PREFERENCE = (FeedFormat.RSS, FeedFormat.ATOM, FeedFormat.JSON)


def render_opml(title: str, feeds: Sequence[FeedInfo], *, updated: datetime | None) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = clean(title)
    etree.SubElement(head, "dateModified").text = (updated or EPOCH).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = etree.SubElement(root, "body")
    for info in feeds:
        fmt = next(f for f in PREFERENCE if f in info.self_urls)
        etree.SubElement(body, "outline", type="rss", text=clean(info.title), title=clean(info.title),
                         xmlUrl=info.self_urls[fmt], htmlUrl=info.home_url,
                         description=clean(info.description))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
