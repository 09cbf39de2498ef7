"""Feed documents read as a stream: what the publish gate and the churn guard need from a
feed (its own links and dates, each item's id and dates) without holding the document or
its tree in memory. A combined feed at item limit "all" runs to hundreds of megabytes;
read whole, as bytes and then as a tree or as JSON objects, it set the peak of a run.

A document is its bytes or the file holding them (:data:`Doc`). XML is read by lxml's
``iterparse`` with the gate's strict parser settings (no recovery, no entities, no
network), each item dropped from the tree once read; JSON by ijson (yajl, C), an item
at a time.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson
from lxml import etree

from .model import FeedFormat

Doc = bytes | Path
WHOLE_MAX = 4 << 20  # bytes: an XML document up to this size is parsed whole
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
ATOM = "{http://www.w3.org/2005/Atom}"
# item-level elements read per format: element tag -> the name a message gives it
_ITEM = {
    FeedFormat.RSS: ("item", {"guid": "id", "pubDate": "pubDate"}),
    FeedFormat.ATOM: (
        f"{ATOM}entry",
        {f"{ATOM}id": "id", f"{ATOM}published": "published", f"{ATOM}updated": "updated"},
    ),
}
_FEED_DATES = {
    FeedFormat.RSS: {"lastBuildDate": "lastBuildDate"},
    FeedFormat.ATOM: {f"{ATOM}updated": "updated"},
}


class Unreadable(Exception):
    """The document is not well formed, or not the format it claims to be."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemScan:
    id: str | None  # None: the item has no id element (RSS guid, Atom id, JSON id)
    dates: tuple[tuple[str, str], ...]  # (element or key name, text), in document order


@dataclass(frozen=True, slots=True, kw_only=True)
class DocScan:
    links: tuple[tuple[str, str], ...]  # feed-level (rel, href); JSON: feed_url, hubs
    dates: tuple[tuple[str, str], ...]  # feed-level dates (RSS lastBuildDate, Atom updated)
    items: tuple[ItemScan, ...]
    schema_errors: tuple[str, ...] = ()  # JSON Feed only

    def ids(self) -> list[str]:
        return [i.id for i in self.items if i.id is not None]


def open_doc(doc: Doc) -> IO[bytes]:
    return doc.open("rb") if isinstance(doc, Path) else io.BytesIO(doc)


def read_bytes(doc: Doc) -> bytes:
    return doc.read_bytes() if isinstance(doc, Path) else doc


def scan_xml(doc: Doc, fmt: FeedFormat) -> DocScan:
    """Links, dates and items of an RSS 2.0 or Atom 1.0 document; raises
    :class:`Unreadable` for one that is not well formed or has the wrong root. A document
    up to :data:`WHOLE_MAX` bytes is parsed whole (twice as fast as ``iterparse``: a
    subscription document at limit 50, an archive page), a larger one as a stream."""
    size = len(doc) if isinstance(doc, bytes) else doc.stat().st_size
    if size > WHOLE_MAX:
        return _scan_stream(doc, fmt)
    try:
        root = etree.fromstring(read_bytes(doc), _PARSER)
    except etree.XMLSyntaxError as err:
        raise Unreadable(f"not well-formed XML: line {err.lineno}: {err.msg}") from err
    return _scan_tree(root, fmt)


def _scan_tree(root: Any, fmt: FeedFormat) -> DocScan:
    item_tag, item_fields = _ITEM[fmt]
    feed_dates = _FEED_DATES[fmt]
    _check_root(root, fmt)
    container = root if fmt is FeedFormat.ATOM else root.find("channel")
    if container is None:
        raise Unreadable(_wrong_root(fmt, root))
    items = []
    for item in container.iterchildren(item_tag):
        item_id, item_dates = None, []
        for el in item.iterchildren(*item_fields):
            name = item_fields[el.tag]
            if name == "id":
                item_id = el.text or ""
            else:
                item_dates.append((name, el.text or ""))
        items.append(ItemScan(id=item_id, dates=tuple(item_dates)))
    return DocScan(
        links=tuple(
            (el.get("rel", ""), el.get("href", "")) for el in container.iterchildren(f"{ATOM}link")
        ),
        dates=tuple(
            (feed_dates[el.tag], el.text or "") for el in container.iterchildren(*feed_dates)
        ),
        items=tuple(items),
    )


def _scan_stream(doc: Doc, fmt: FeedFormat) -> DocScan:
    item_tag, item_fields = _ITEM[fmt]
    feed_dates = _FEED_DATES[fmt]
    links: list[tuple[str, str]] = []
    dates: list[tuple[str, str]] = []
    items: list[ItemScan] = []
    item_id: str | None = None
    item_dates: list[tuple[str, str]] = []
    container: Any = None  # RSS: the channel; Atom: the feed element
    root_checked = False
    # events for these elements only (the rest of an item is built, then dropped with it)
    tags = [item_tag, f"{ATOM}link", *item_fields, *feed_dates]
    tags.append("channel" if fmt is FeedFormat.RSS else f"{ATOM}feed")
    with open_doc(doc) as fp:
        context = etree.iterparse(
            fp, events=("start", "end"), tag=tags, resolve_entities=False, no_network=True
        )
        try:
            for event, el in context:
                if not root_checked:
                    _check_root(el.getroottree().getroot(), fmt)
                    root_checked = True
                if event == "start":
                    if container is None:
                        container = _container(el, fmt)
                    continue
                parent = el.getparent()
                if parent is container and container is not None:
                    tag = el.tag
                    if tag == item_tag:
                        items.append(ItemScan(id=item_id, dates=tuple(item_dates)))
                        item_id, item_dates = None, []
                        el.clear()
                        while el.getprevious() is not None:
                            del container[0]
                    elif tag == f"{ATOM}link":
                        links.append((el.get("rel", ""), el.get("href", "")))
                    elif tag in feed_dates:
                        dates.append((feed_dates[tag], el.text or ""))
                elif parent is not None and parent.tag == item_tag:
                    name = item_fields.get(el.tag)
                    if name == "id":
                        item_id = el.text or ""
                    elif name is not None:
                        item_dates.append((name, el.text or ""))
        except etree.XMLSyntaxError as err:
            raise Unreadable(f"not well-formed XML: line {err.lineno}: {err.msg}") from err
    if not root_checked:
        _check_root(context.root, fmt)
    if container is None:
        raise Unreadable(_wrong_root(fmt, context.root))
    return DocScan(links=tuple(links), dates=tuple(dates), items=tuple(items))


def _check_root(root: Any, fmt: FeedFormat) -> None:
    want = "rss" if fmt is FeedFormat.RSS else f"{ATOM}feed"
    if getattr(root, "tag", None) != want:
        raise Unreadable(_wrong_root(fmt, root))


def _container(el: Any, fmt: FeedFormat) -> Any:
    """The element holding feed-level links and items, when ``el`` is it (else None):
    the root ``feed`` (Atom), or a ``channel`` child of the root (RSS)."""
    parent = el.getparent()
    if fmt is FeedFormat.ATOM:
        return el if parent is None and el.tag == f"{ATOM}feed" else None
    return el if el.tag == "channel" and parent is not None and parent.getparent() is None else None


def _wrong_root(fmt: FeedFormat, root: Any) -> str:
    tag = getattr(root, "tag", None)
    if fmt is FeedFormat.ATOM:
        return f"not an Atom 1.0 document (root element {tag!r})"
    return f"not an RSS 2.0 document (root element {tag!r})"


def json_parts(doc: Doc) -> Iterator[tuple[str, Any]]:
    """A JSON Feed document in parts: ``("item", object)`` for each member of ``items``
    as it ends, then ``("top", object)``: the document with ``items`` left empty (when it
    is an object). Raises :class:`Unreadable` for invalid JSON. Up to :data:`WHOLE_MAX`
    bytes, the document is parsed whole by the json module (C), else item by item."""
    size = len(doc) if isinstance(doc, bytes) else doc.stat().st_size
    if size > WHOLE_MAX:
        yield from _json_stream(doc)
        return
    try:
        whole = json.loads(read_bytes(doc))
    except ValueError as err:  # UnicodeDecodeError included
        raise Unreadable(f"not valid JSON: {err}") from err
    if isinstance(whole, dict) and isinstance(whole.get("items"), list):
        for item in whole["items"]:
            yield "item", item
        whole = {**whole, "items": []}
    yield "top", whole


def _json_stream(doc: Doc) -> Iterator[tuple[str, Any]]:
    top = ijson.ObjectBuilder()
    item: Any = None
    with open_doc(doc) as fp:
        try:
            for prefix, event, value in ijson.parse(fp, use_float=True):
                if prefix == "items.item" and item is None:
                    if event not in ("start_map", "start_array"):
                        yield "item", value  # a scalar member: the schema names it
                        continue
                    item = ijson.ObjectBuilder()
                if item is None:
                    top.event(event, value)
                    continue
                item.event(event, value)
                if prefix == "items.item" and event in ("end_map", "end_array"):
                    yield "item", item.value
                    item = None
        except (ijson.JSONError, ValueError) as err:
            raise Unreadable(f"not valid JSON: {str(err).splitlines()[0]}") from err
    yield "top", getattr(top, "value", None)
