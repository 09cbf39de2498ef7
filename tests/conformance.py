"""Conformance checks for everything `syndicate publish` writes, shared by the tests.

Each ``check_*`` takes the bytes of one file, raises AssertionError naming the rule it
broke (and where), and returns what it read, so that tests can compare formats:

- :func:`check_rss`: RSS 2.0 (https://www.rssboard.org/rss-specification) plus what
  issue 2 asks of ours (guid, RFC 822 pubDate, content:encoded, atom:link rel=self);
- :func:`check_atom`: RFC 4287, by its RELAX NG grammar (tests/data/schemas/atom.rng,
  converted by hand from the RFC's Appendix B) and, in Python, the Schematron rules
  that grammar leaves out;
- :func:`check_jsonfeed`: JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) by a
  JSON Schema written from the spec (syndicate/schemas/jsonfeed-1.1.schema.json);
- :func:`check_opml`: OPML 2.0 (http://opml.org/spec2.opml), as a feed list;
- :func:`check_html_autodiscovery`: <link rel="alternate"> feed autodiscovery;
- :func:`check_output_dir`: every file of an output folder, by its kind, plus the
  links between them (self URLs, item links, OPML and index entries all resolve).

RSS and Atom also go through feedparser 6 and JSON Feed through the feedparser
development line that reader vendors (feedparser 6.0.x cannot read JSON Feed): a real
consumer must read every feed with bozo false and find title, link, id and date of
every item.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import jsonschema
from lxml import etree
from lxml import html as lxml_html

from syndicate.render.archive import is_archive_path

SCHEMAS = Path(__file__).parent / "data" / "schemas"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
TEMP_PREFIX = ".syndicate-tmp-"  # the writer's temp files (syndicate/writer.py)

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"
FEED_TYPES = frozenset({RSS_TYPE, ATOM_TYPE, JSON_TYPE})

# XML 1.0 section 2.2 Char, inverted: what must never reach a feed (also as JSON text).
FORBIDDEN_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text that was escaped twice reads, once parsed, as an entity reference.
ENTITY_TEXT = re.compile(r"&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
# Text a reader could take for a tag ("<" then a letter, "/", "!" or "?").
TAG_LIKE = re.compile(r"<[a-zA-Z/!?]")
# RFC 3339 section 5.6 date-time (a zone is required, unlike xsd:dateTime).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One item as a feed states it (read by lxml/json, not by feedparser)."""

    id: str
    title: str
    link: str
    published: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedView:
    """What a feed states about itself, plus its items in document order."""

    format: str  # "rss" | "atom" | "json"
    title: str
    self_url: str
    hubs: tuple[str, ...]
    items: tuple[Item, ...]
    consumer: Any = field(default=None, compare=False, repr=False)  # the feedparser result


# --- shared pieces -------------------------------------------------------------


def _fail(where: str, message: str) -> AssertionError:
    return AssertionError(f"{where}: {message}")


def parse_xml(data: bytes, where: str = "xml") -> etree._Element:
    """Well-formed XML, read with no network, no DTD and no entity expansion; a DOCTYPE
    (the door to entity tricks) is refused outright."""
    assert isinstance(data, bytes), f"{where}: expected bytes, got {type(data).__name__}"
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise _fail(where, f"not well-formed XML: {err}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _fail(
            where, f"has a DOCTYPE ({tree.docinfo.doctype!r}); feeds must carry no DTD or entities"
        )
    encoding = (tree.docinfo.encoding or "").upper()
    if encoding not in ("UTF-8", ""):
        raise _fail(where, f"declares encoding {encoding!r}; expected UTF-8")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise _fail(where, f"contains an entity reference {node!r}")
    return root


def _text(el: etree._Element | None) -> str:
    return "" if el is None else "".join(el.itertext())


def _absolute_url(url: str, where: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _fail(where, f"{what} {url!r} is not an absolute http(s) URL")
    return url


def _no_forbidden_chars(text: str, where: str, what: str) -> None:
    m = FORBIDDEN_XML_CHARS.search(text)
    if m:
        raise _fail(
            where,
            f"{what} contains U+{ord(m.group()):04X}, a character XML 1.0 forbids: {text[:80]!r}",
        )


def _not_double_escaped(text: str, where: str, what: str) -> None:
    m = ENTITY_TEXT.search(text)
    if m:
        raise _fail(
            where, f"{what} reads {m.group()!r} after parsing: escaped twice? {text[:120]!r}"
        )


def _unique(values: list[str], where: str, what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise _fail(where, f"{what} {v!r} appears more than once")
        seen.add(v)


def _consume(
    data: bytes, where: str, expected_version: str, items: list[Item], *, dev: bool = False
) -> Any:
    """Read the feed as a feed reader would; every item needs title, link, id and a date."""
    if dev:
        from reader._vendor import feedparser as parser  # JSON Feed support lives here
    else:
        parser = feedparser
    d = parser.parse(data)
    if d.get("bozo"):
        raise _fail(where, f"feedparser sets bozo: {d.get('bozo_exception')!r}")
    if d.get("version") != expected_version:
        raise _fail(
            where, f"feedparser reads version {d.get('version')!r}, expected {expected_version!r}"
        )
    if not d.feed.get("title"):
        raise _fail(where, "feedparser finds no feed title")
    for n, e in enumerate(d.entries, start=1):
        for key in ("title", "link", "id"):
            if not e.get(key):
                raise _fail(where, f"feedparser finds no {key} in item {n} ({e.get('title')!r})")
        if not (e.get("published_parsed") or e.get("updated_parsed")):
            raise _fail(where, f"feedparser finds no date in item {n} ({e.get('title')!r})")
    if len(d.entries) != len(items):
        raise _fail(
            where, f"feedparser reads {len(d.entries)} items, the document has {len(items)}"
        )
    if [e.id for e in d.entries] != [i.id for i in items]:
        raise _fail(where, "feedparser reads other ids than the document states")
    return d


# --- RSS 2.0 -------------------------------------------------------------------


def _self_and_hubs(
    links: list[Any], media_type: str, where: str, owner: str, tag: str
) -> tuple[str, tuple[str, ...]]:
    """Exactly one rel=self link of the feed's own media type, and unique absolute hub links."""
    selfs = [li for li in links if li.get("rel") == "self"]
    if len(selfs) != 1:
        raise _fail(where, f"{owner} has {len(selfs)} {tag} rel=self, expected exactly 1")
    if selfs[0].get("type") != media_type:
        raise _fail(
            where, f"{tag} rel=self has type {selfs[0].get('type')!r}, expected {media_type!r}"
        )
    self_url = _absolute_url(selfs[0].get("href") or "", where, f"{tag} rel=self href")
    hubs = tuple(
        _absolute_url(li.get("href") or "", where, f"{tag} rel=hub href")
        for li in links
        if li.get("rel") == "hub"
    )
    _unique(list(hubs), where, "hub")
    return self_url, hubs


def check_rss(data: bytes, where: str = "rss", *, consumer: bool = True) -> FeedView:
    root = parse_xml(data, where)
    if root.tag != "rss" or root.get("version") != "2.0":
        raise _fail(
            where,
            f'root is <{root.tag} version={root.get("version")!r}>, expected <rss version="2.0">',
        )
    channels = root.findall("channel")
    if len(channels) != 1:
        raise _fail(where, f"has {len(channels)} <channel> elements, expected 1")
    ch = channels[0]
    for name in ("title", "link", "description"):  # RSS 2.0 "Required channel elements"
        if not _text(ch.find(name)).strip():
            raise _fail(where, f"channel has no {name} (RSS 2.0 requires title, link, description)")
    _absolute_url(_text(ch.find("link")).strip(), where, "channel link")
    for name in ("title", "description"):
        _not_double_escaped(_text(ch.find(name)), where, f"channel {name}")
    if ch.find("lastBuildDate") is not None:
        _rfc822(_text(ch.find("lastBuildDate")), where, "lastBuildDate")

    self_url, hubs = _self_and_hubs(
        ch.findall(f"{{{ATOM_NS}}}link"), RSS_TYPE, where, "channel", "atom:link"
    )

    items: list[Item] = []
    for n, it in enumerate(ch.findall("item"), start=1):
        at = f"{where}: item {n}"
        title, desc = it.find("title"), it.find("description")
        if not _text(title).strip() and not _text(desc).strip():
            raise _fail(at, "has neither title nor description (RSS 2.0 needs one)")
        guid = _text(it.find("guid")).strip()
        if not guid:
            raise _fail(at, "has no guid")
        pub = it.find("pubDate")
        if pub is None:
            raise _fail(at, "has no pubDate")
        published = _rfc822(_text(pub), at, "pubDate")
        link = _text(it.find("link")).strip()
        if not link:
            raise _fail(at, "has no link")
        _absolute_url(link, at, "link")
        encoded = it.find(f"{{{CONTENT_NS}}}encoded")
        if encoded is None or not _text(encoded).strip():
            raise _fail(at, "has no content:encoded")
        for name, el in (("title", title), ("description", desc)):
            if el is not None:
                _no_forbidden_chars(_text(el), at, name)
        # RSS descriptions are HTML; so is a title holding tag-like text (issue 8, section 5)
        shown_title = _rss_title(_text(title), at)
        if desc is not None:
            _not_double_html(_text(desc), at, "description")
        for el in it.findall("category") + it.findall(f"{{{DC_NS}}}creator"):
            _not_double_escaped(_text(el), at, etree.QName(el).localname)
        _not_double_html(_text(encoded), at, "content:encoded")
        items.append(Item(id=guid, title=shown_title, link=link, published=published))
    _unique([i.id for i in items], where, "guid")

    d = _consume(data, where, "rss20", items) if consumer else None
    return FeedView(
        format="rss",
        title=_text(ch.find("title")),
        self_url=self_url,
        hubs=hubs,
        items=tuple(items),
        consumer=d,
    )


def _rss_title(text: str, where: str) -> str:
    """The title a reader shows: plain text, or (tag-like text) escaped once as HTML."""
    unescaped = html.unescape(text)
    if TAG_LIKE.search(unescaped) and html.escape(unescaped, quote=False) == text:
        _not_double_html(text, where, "title")
        return unescaped
    _not_double_escaped(text, where, "title")
    return text


def _rfc822(text: str, where: str, what: str) -> datetime:
    try:
        dt = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError) as err:
        raise _fail(where, f"{what} {text!r} is not an RFC 822 date: {err}") from None
    if dt is None or dt.tzinfo is None:
        raise _fail(where, f"{what} {text!r} has no time zone (RFC 822 requires one)")
    return dt


def _not_double_html(html: str, where: str, what: str) -> None:
    """HTML carried as text: one level of escaping is right (&amp;), two is not (&amp;amp;)."""
    _no_forbidden_chars(html, where, what)
    m = re.search(r"&amp;(?:amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);", html)
    if m:
        raise _fail(where, f"{what} contains {m.group()!r}: escaped twice?")


# --- Atom 1.0 ------------------------------------------------------------------


@cache
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))


def check_atom(data: bytes, where: str = "atom", *, consumer: bool = True) -> FeedView:
    root = parse_xml(data, where)
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise _fail(where, f"root is {root.tag!r}, expected atom:feed")
    schema = atom_schema()
    if not schema.validate(root.getroottree()):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        raise _fail(where, f"does not validate against RFC 4287's RELAX NG schema: {errors}")
    a = f"{{{ATOM_NS}}}"

    # The Schematron rules of RFC 4287 Appendix B, and 4.1.1.1, which RELAX NG cannot say.
    feed_has_author = root.find(f"{a}author") is not None
    entries = root.findall(f"{a}entry")
    _one_alternate_per_type(root.findall(f"{a}link"), where)
    for n, e in enumerate(entries, start=1):
        at = f"{where}: entry {n}"
        if not (
            feed_has_author
            or e.find(f"{a}author") is not None
            or e.find(f"{a}source/{a}author") is not None
        ):
            raise _fail(at, "has no atom:author and neither has the feed (RFC 4287 4.1.2)")
        links = e.findall(f"{a}link")
        alternates = [li for li in links if li.get("rel", "alternate") == "alternate"]
        content = e.find(f"{a}content")
        if not alternates and content is None:
            raise _fail(at, "has neither an alternate link nor atom:content (RFC 4287 4.1.2)")
        _one_alternate_per_type(links, at)
        if content is not None and e.find(f"{a}summary") is None:
            ctype = content.get("type", "text")
            xmlish = (
                ctype in ("text", "html", "xhtml")
                or ctype.endswith(("+xml", "/xml"))
                or ctype.startswith("text/")
            )
            if content.get("src") is not None or not xmlish:
                raise _fail(
                    at, "has out-of-line or base64 content but no atom:summary (RFC 4287 4.1.1.1)"
                )

    # RFC 3339 dates (xsd:dateTime in the grammar lets a date without a zone through).
    for el in root.iter(f"{a}updated", f"{a}published"):
        if not RFC3339.match((el.text or "").strip()):
            raise _fail(
                where, f"{etree.QName(el).localname} {el.text!r} is not an RFC 3339 date-time"
            )

    links = root.findall(f"{a}link")
    self_url, hubs = _self_and_hubs(links, ATOM_TYPE, where, "feed", "link")
    _not_double_escaped(_text(root.find(f"{a}title")), where, "feed title")

    items: list[Item] = []
    for n, e in enumerate(entries, start=1):
        at = f"{where}: entry {n}"
        title = e.find(f"{a}title")
        shown_title = _text(title)
        if title is not None and title.get("type", "text") == "text":
            _not_double_escaped(_text(title), at, "title")
        elif title is not None and title.get("type") == "html":
            _not_double_html(shown_title, at, "title")
            shown_title = html.unescape(shown_title)
        summary = e.find(f"{a}summary")
        if summary is not None and summary.get("type") == "html":
            _not_double_html(_text(summary), at, "summary")
        content = e.find(f"{a}content")
        if content is not None and content.get("type") == "html":
            _not_double_html(_text(content), at, "content")
        alt = next(
            (
                li.get("href") or ""
                for li in e.findall(f"{a}link")
                if li.get("rel", "alternate") == "alternate"
            ),
            "",
        )
        pub = e.find(f"{a}published")
        if pub is None:
            pub = e.find(f"{a}updated")
        items.append(
            Item(
                id=_text(e.find(f"{a}id")).strip(),
                title=shown_title,
                link=alt,
                published=datetime.fromisoformat(_text(pub).strip()),
            )
        )
    _unique([i.id for i in items], where, "atom:id")

    d = _consume(data, where, "atom10", items) if consumer else None
    return FeedView(
        format="atom",
        title=_text(root.find(f"{a}title")),
        self_url=self_url,
        hubs=hubs,
        items=tuple(items),
        consumer=d,
    )


def _one_alternate_per_type(links: list[etree._Element], where: str) -> None:
    seen: set[tuple[str | None, str | None]] = set()
    for li in links:
        if li.get("rel", "alternate") != "alternate":
            continue
        key = (li.get("type"), li.get("hreflang"))
        if key in seen:
            raise _fail(
                where,
                f"has two rel=alternate links with type={key[0]!r} hreflang={key[1]!r}"
                " (RFC 4287 4.1.1)",
            )
        seen.add(key)


# --- JSON Feed 1.1 -------------------------------------------------------------


@cache
def jsonfeed_schema() -> dict[str, Any]:
    # the gate (syndicate/gate.py) checks every publish against the same file
    schema: dict[str, Any] = json.loads(
        (
            SCHEMAS.parents[1].parent / "syndicate" / "schemas" / "jsonfeed-1.1.schema.json"
        ).read_text("utf-8")
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@cache
def _jsonfeed_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(jsonfeed_schema())


def check_jsonfeed(data: bytes, where: str = "json", *, consumer: bool = True) -> FeedView:
    try:
        doc = json.loads(data.decode("utf-8"))  # JSON Feed: "UTF-8 encoded JSON"
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _fail(where, f"not UTF-8 JSON: {err}") from None
    validator = _jsonfeed_validator()
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        msgs = "; ".join(f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
        raise _fail(where, f"does not validate against the JSON Feed 1.1 schema: {msgs}")

    def strings(node: Any, path: str) -> None:
        if isinstance(node, str):
            _no_forbidden_chars(node, where, path)
        elif isinstance(node, dict):
            for k, v in node.items():
                strings(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                strings(v, f"{path}/{i}")

    strings(doc, "")

    if "feed_url" not in doc:
        raise _fail(where, "has no feed_url (the spec: strongly recommended; ours: required)")
    self_url = _absolute_url(doc["feed_url"], where, "feed_url")
    hubs = tuple(_absolute_url(h["url"], where, "hub url") for h in doc.get("hubs", ()))
    _not_double_escaped(doc["title"], where, "title")
    items: list[Item] = []
    for n, it in enumerate(doc["items"], start=1):
        at = f"{where}: item {n}"
        for key in ("url", "title", "date_published"):
            if key not in it:
                raise _fail(at, f"has no {key}")
        _not_double_escaped(it["title"], at, "title")
        if "content_html" in it:
            _not_double_html(it["content_html"], at, "content_html")
        items.append(
            Item(
                id=it["id"],
                title=it["title"],
                link=_absolute_url(it["url"], at, "url"),
                published=datetime.fromisoformat(it["date_published"]),
            )
        )
    _unique([i.id for i in items], where, "id")

    d = _consume(data, where, "json11", items, dev=True) if consumer else None
    return FeedView(
        format="json",
        title=doc["title"],
        self_url=self_url,
        hubs=hubs,
        items=tuple(items),
        consumer=d,
    )


# --- OPML 2.0 ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OpmlView:
    title: str
    feeds: tuple[str, ...]  # xmlUrl of every outline, in order


def check_opml(data: bytes, where: str = "opml") -> OpmlView:
    root = parse_xml(data, where)
    if root.tag != "opml" or root.get("version") not in ("2.0", "1.0"):
        raise _fail(
            where,
            f'root is <{root.tag} version={root.get("version")!r}>, expected <opml version="2.0">',
        )
    head, body = root.find("head"), root.find("body")
    if head is None or body is None:
        raise _fail(where, "needs a <head> and a <body>")
    title = _text(head.find("title")).strip()
    if not title:
        raise _fail(where, "head has no title")
    modified = head.find("dateModified")
    if modified is not None:
        _rfc822(_text(modified), where, "dateModified")
    outlines = body.findall(".//outline")
    if not outlines:
        raise _fail(where, "body has no outline (OPML 2.0: at least one)")
    feeds = []
    for n, o in enumerate(outlines, start=1):
        at = f"{where}: outline {n}"
        if not o.get("text"):
            raise _fail(at, "has no text attribute (OPML 2.0 requires it)")
        if o.get("type") == "rss" or o.get("xmlUrl"):
            if o.get("type") != "rss":
                raise _fail(at, "has xmlUrl but type is not 'rss' (OPML 2.0 subscription lists)")
            feeds.append(_absolute_url(o.get("xmlUrl") or "", at, "xmlUrl"))
    if not feeds:
        raise _fail(where, "lists no feed (no outline with xmlUrl)")
    _unique(feeds, where, "xmlUrl")
    return OpmlView(title=title, feeds=tuple(feeds))


# --- HTML ----------------------------------------------------------------------


def _parse_html(data: bytes, where: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _fail(where, f"not UTF-8: {err}") from None
    _no_forbidden_chars(text, where, "page")
    try:
        doc = lxml_html.document_fromstring(data)
    except (etree.ParserError, ValueError) as err:
        raise _fail(where, f"not parseable HTML: {err}") from None
    if not (doc.findtext(".//title") or "").strip():
        raise _fail(where, "has no <title>")
    if doc.findall(".//script"):
        raise _fail(where, "has a <script> element (nothing from the input may become markup)")
    return doc


def check_html_autodiscovery(data: bytes, where: str = "index.html") -> dict[str, str]:
    """Every <link rel="alternate"> with a feed type: href -> type. At least one, each href
    absolute and listed once, each type one of the three feed media types."""
    doc = _parse_html(data, where)
    found: dict[str, str] = {}
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "alternate" not in rels:
            continue
        ftype, href = link.get("type"), link.get("href") or ""
        if ftype not in FEED_TYPES:
            if ftype and ("rss" in ftype or "atom" in ftype or "json" in ftype):
                raise _fail(
                    where, f"alternate link {href!r} has type {ftype!r}, not a feed media type"
                )
            continue
        _absolute_url(href, where, "alternate link href")
        if href in found:
            raise _fail(where, f"alternate link {href!r} appears more than once")
        if not (link.get("title") or "").strip():
            raise _fail(where, f"alternate link {href!r} has no title")
        found[href] = ftype
    if not found:
        raise _fail(where, 'has no <link rel="alternate"> to a feed')
    return found


def check_article_page(data: bytes, where: str = "article") -> Any:
    return _parse_html(data, where)


# --- a whole output folder -----------------------------------------------------

FEED_FILES: dict[str, tuple[str, Callable[..., FeedView]]] = {
    "feed.xml": ("rss", check_rss),
    "atom.xml": ("atom", check_atom),
    "feed.json": ("json", check_jsonfeed),
}
MEDIA_TYPES = {"rss": RSS_TYPE, "atom": ATOM_TYPE, "json": JSON_TYPE}


@dataclass(slots=True, kw_only=True)
class OutputView:
    """What check_output_dir read: feeds by relative path, the site's base URL, and more."""

    root: Path
    base_url: str = ""
    feeds: dict[str, FeedView] = field(default_factory=dict)
    opml: dict[str, OpmlView] = field(default_factory=dict)
    autodiscovery: dict[str, dict[str, str]] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    temps: list[str] = field(default_factory=list)

    def by_format(self, fmt: str) -> dict[str, FeedView]:
        return {rel: v for rel, v in self.feeds.items() if v.format == fmt}


def _check_file(name: str, data: bytes, rel: str, *, consumers: bool) -> Any:
    suffix = name.rpartition(".")[2]
    if name in FEED_FILES:
        _kind, check = FEED_FILES[name]
        return check(data, rel, consumer=consumers)
    if suffix == "opml":
        return check_opml(data, rel)
    if name == "index.html":
        return check_html_autodiscovery(data, rel)
    if suffix == "html":
        check_article_page(data, rel)
        return None
    raise AssertionError(f"{rel}: a file of no known kind in the output folder")


def check_output_dir(
    path: Path | str,
    *,
    allow_temps: bool = False,
    consumers: bool = True,
    require_feeds: bool = True,
    cache: dict[str, tuple[tuple[int, int, int], Any]] | None = None,
    ignore: frozenset[str] = frozenset({"README.md"}),
) -> OutputView:
    """Check every file under an output folder by its kind, then the links between them.

    ``allow_temps``: skip the writer's ``.syndicate-tmp-*`` files (a killed run leaves
    them; the next run removes them) instead of failing on them.
    ``consumers``: also read each feed with feedparser (most of the time spent here:
    about 0.2 s per 50-item feed, for its HTML sanitizer).
    ``require_feeds``: False accepts a folder with article pages but no feed yet (a first
    publish killed before it wrote its first feed: pages are written first).
    ``cache``: pass the same dict to repeated calls to skip files already checked and
    unchanged since (same inode, size and mtime: the writer replaces, never rewrites).
    """
    root = Path(path)
    assert root.is_dir(), f"{root}: no output folder"
    view = OutputView(root=root)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert files, f"{root}: output folder is empty"
    for p in files:
        rel = p.relative_to(root).as_posix()
        if p.name.startswith(TEMP_PREFIX):
            if not allow_temps:
                raise AssertionError(f"{rel}: a temp file left behind by the writer")
            view.temps.append(rel)
            continue
        if rel in ignore:
            continue
        st = p.stat()
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        known = cache.get(rel) if cache is not None else None
        if known is not None and known[0] == stamp:
            result = known[1]
        else:
            result = _check_file(p.name, p.read_bytes(), rel, consumers=consumers)
            if cache is not None:
                cache[rel] = (stamp, result)
        if isinstance(result, FeedView):
            view.feeds[rel] = result
        elif isinstance(result, OpmlView):
            view.opml[rel] = result
        elif isinstance(result, dict):
            view.autodiscovery[rel] = result
        else:
            view.pages.append(rel)
    if not view.feeds:
        assert not require_feeds, f"{root}: no feed in the output folder"
        assert not view.opml and not view.autodiscovery, f"{root}: a feed list or index but no feed"
        return view

    # Each feed's self URL is the site's base URL + its own path: one base for all.
    bases = set()
    for rel, feed in view.feeds.items():
        if not feed.self_url.endswith("/" + rel):
            raise AssertionError(f"{rel}: self URL {feed.self_url!r} does not end in its own path")
        bases.add(feed.self_url[: -len(rel)])
    if len(bases) != 1:
        raise AssertionError(f"feeds disagree on the base URL: {sorted(bases)}")
    view.base_url = bases.pop()
    base = view.base_url

    def local(url: str, where: str) -> str:
        if not url.startswith(base):
            raise AssertionError(f"{where}: {url!r} is not under the site's base URL {base!r}")
        rel = url[len(base) :]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if not (root / rel).is_file():
            raise AssertionError(
                f"{where}: {url!r} does not resolve to a file in the output folder ({rel})"
            )
        return rel

    # subscription documents; RFC 5005 archive pages are not listed or announced (docs/feeds.md)
    feed_urls = {f.self_url: rel for rel, f in view.feeds.items() if not is_archive_path(rel)}
    for rel, feed in view.feeds.items():
        for item in feed.items:
            local(item.link, f"{rel}: item {item.id}")
    for rel, opml in view.opml.items():
        for url in opml.feeds:
            local(url, rel)
        missing = {u for u, r in feed_urls.items() if r.endswith("feed.xml")} - set(opml.feeds)
        if missing and len(view.opml) == 1:
            raise AssertionError(f"{rel}: does not list the feeds {sorted(missing)}")
    for rel, links in view.autodiscovery.items():
        for url, ftype in links.items():
            target = local(url, rel)
            if target not in view.feeds:
                raise AssertionError(f"{rel}: alternate link {url!r} is not a feed")
            if MEDIA_TYPES[view.feeds[target].format] != ftype:
                raise AssertionError(
                    f"{rel}: alternate link {url!r} has type {ftype!r}, the feed is"
                    f" {view.feeds[target].format}"
                )
    root_index = view.autodiscovery.get("index.html")
    if root_index is not None:
        missing = set(feed_urls) - set(root_index)
        if missing:
            raise AssertionError(f"index.html: no autodiscovery link for {sorted(missing)}")
    for rel, links in view.autodiscovery.items():  # a section page announces its own feeds
        folder = rel.rpartition("/")[0]
        if folder:
            own = {u for u, r in feed_urls.items() if r.rpartition("/")[0] == folder}
            if own - set(links):
                raise AssertionError(f"{rel}: no autodiscovery link for {sorted(own - set(links))}")
    return view


__all__ = [
    "FeedView",
    "Item",
    "OpmlView",
    "OutputView",
    "check_article_page",
    "check_atom",
    "check_html_autodiscovery",
    "check_jsonfeed",
    "check_opml",
    "check_output_dir",
    "check_rss",
    "parse_xml",
]
