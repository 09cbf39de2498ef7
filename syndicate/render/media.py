"""Lead images and enclosures in RSS and Atom: what feedgen cannot write (right). Pure.

- RSS 2.0: the first enclosure as ``<enclosure url length type>`` (RSS allows one per
  item; the RSS Profile says so), every enclosure as ``<media:content>`` (Media RSS
  1.5.1, which allows many), and the lead image as ``<media:content medium="image">``
  plus ``<media:thumbnail>``.
- Atom 1.0: every enclosure as ``<link rel="enclosure" href type length>`` (RFC 4287
  4.2.7.2). feedgen 1.0 writes an Atom enclosure as a bare ``<link href>`` with no
  rel, type or length (checked: ``fe.enclosure()`` and ``fe.link(rel="enclosure")``
  both), which readers take for the alternate link, so these links are added here.
  The lead image goes in as in RSS (Media RSS elements are allowed in Atom entries).

The elements are added to feedgen's tree, entry by entry in feed order; a feed
without images and enclosures is left byte for byte as it was.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from ..model import Article, Entry

MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"


def has_media(entries: Iterable[Entry]) -> bool:
    return any(e.article.image or e.article.enclosures for e in entries)


def _media(parent: etree._Element, article: Article) -> None:
    for enc in article.enclosures:
        attrs = {"url": enc.url, "type": enc.type, "medium": _medium(enc.type)}
        if enc.length:
            attrs["fileSize"] = str(enc.length)
        if enc.duration is not None:
            attrs["duration"] = str(enc.duration)
        etree.SubElement(parent, f"{{{MEDIA_NS}}}content", attrs)
    if article.image:
        etree.SubElement(parent, f"{{{MEDIA_NS}}}content", url=article.image, medium="image")
        etree.SubElement(parent, f"{{{MEDIA_NS}}}thumbnail", url=article.image)


def _medium(mime: str) -> str:
    major = mime.split("/", 1)[0]
    return major if major in ("image", "audio", "video") else "document"


def add_rss_media(root: etree._Element, entries: Iterable[Entry]) -> None:
    channel = root.find("channel")
    assert channel is not None
    for item, entry in zip(channel.iterfind("item"), entries, strict=True):
        a = entry.article
        if a.enclosures:
            first = a.enclosures[0]
            etree.SubElement(
                item, "enclosure", url=first.url, length=str(first.length), type=first.type
            )
        _media(item, a)
    etree.cleanup_namespaces(root, top_nsmap={"media": MEDIA_NS})


def add_atom_media(root: etree._Element, entries: Iterable[Entry]) -> None:
    for node, entry in zip(root.iterfind(f"{{{ATOM_NS}}}entry"), entries, strict=True):
        a = entry.article
        anchor = node.find(f"{{{ATOM_NS}}}link")  # after the alternate link
        index = list(node).index(anchor) + 1 if anchor is not None else len(node)
        for n, enc in enumerate(a.enclosures):
            attrs = {"rel": "enclosure", "href": enc.url, "type": enc.type}
            if enc.length:
                attrs["length"] = str(enc.length)
            if enc.title:
                attrs["title"] = enc.title
            link = etree.Element(f"{{{ATOM_NS}}}link", attrs)
            node.insert(index + n, link)
        _media(node, a)
    etree.cleanup_namespaces(root, top_nsmap={"media": MEDIA_NS})


def declare(root: etree._Element, nsmap: dict[str, str]) -> etree._Element:
    """``root`` (a copy with its children moved over) declaring every prefix of ``nsmap``,
    used or not, in that order and then the root's others: render_chunks() slices items out
    of chunk documents and puts them under the head of an entry-less feed, so a prefix an
    item uses must be declared there too, and the root spelt alike however it was built."""
    merged: dict[str | None, str] = {k: v for k, v in root.nsmap.items() if k is None}
    merged.update(nsmap.items())
    merged |= {k: v for k, v in root.nsmap.items() if k not in merged}
    new = etree.Element(root.tag, dict(root.attrib), nsmap=merged)
    new.text = root.text
    new.extend(list(root))
    etree.cleanup_namespaces(new, top_nsmap=nsmap, keep_ns_prefixes=list(nsmap))
    return new


def serialize(root: etree._Element) -> bytes:
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
