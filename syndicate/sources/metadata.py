"""What a page declares about itself: JSON-LD, OpenGraph / article:* meta, microdata.

Raw strings only (dates are read by the caller, which knows the site's zone). Each
field keeps its candidates in the order publishers are most often right about them:
JSON-LD first (what search engines are fed, so it is maintained), then OpenGraph
(what social previews show), then generic ``<meta>`` names, then microdata. Pure.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from .meta_tags import read_meta_tags

__all__ = ["ARTICLE_TYPES", "PageMeta", "clean_text", "read_metadata"]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "socialmediaposting",
        "posting",
    }
)

_PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "aboutpage", "profilepage"})

# JSON-LD blocks larger than this are not metadata; bounds the work on hostile pages.
_MAX_JSONLD = 1_000_000
_MAX_NODES = 2_000


@dataclass(slots=True, kw_only=True)
class PageMeta:
    """Candidates per field, best first. Mutable while being collected, then read."""

    titles: list[str] = field(default_factory=list)  # declared headlines
    page_title: str | None = None  # <title>
    site_names: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # canonical first
    sections: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # JSON-LD Article nodes' authors
    tag_authors: list[str] = field(default_factory=list)  # <meta> author, article:author ...
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    page_titles: list[str] = field(default_factory=list)  # headlines of other nodes: fallbacks
    page_published: list[str] = field(default_factory=list)  # WebPage node dates: fallbacks
    page_modified: list[str] = field(default_factory=list)
    is_article: bool = False
    is_live: bool = False  # a LiveBlogPosting: the first h1 may be the latest entry's
    language: str | None = None


# Soft hyphens and zero-width characters: invisible, but they make two equal titles differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(value: str) -> str:
    """Whitespace folded, invisible characters dropped and HTML entities undone,
    twice if the CMS escaped twice."""
    text = " ".join(value.split())
    for _ in range(2):  # "&amp;amp;" and "&amp;#8217;" are common CMS double escapes
        if "&" not in text:
            break
        text = htmllib.unescape(text)
    return " ".join(text.translate(_INVISIBLE).split())


def read_metadata(root: HtmlElement) -> PageMeta:
    meta = PageMeta()
    for node in _jsonld_nodes(root):
        _take_jsonld(node, meta)
    _take_meta_tags(root, meta)
    _take_microdata(root, meta)
    meta.titles.extend(t for t in meta.page_titles if t not in meta.titles)
    meta.published.extend(meta.page_published)
    meta.modified.extend(meta.page_modified)
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        meta.page_title = clean_text(title.text_content())
    lang = root.get("lang")
    meta.language = lang.strip() if lang else None
    return meta


# --- JSON-LD ---------------------------------------------------------------------------


def _jsonld_nodes(root: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every object in every ld+json script, @graph and nested lists flattened."""
    count = 0
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        raw = script.text or ""
        if len(raw) > _MAX_JSONLD:
            continue
        try:
            data = json.loads(_strip_cdata(raw), strict=False)
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack and count < _MAX_NODES:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[0:0] = item
            elif isinstance(item, dict):
                count += 1
                if "@graph" in item:
                    graph = item["@graph"]
                    stack[0:0] = graph if isinstance(graph, list) else [graph]
                yield item


_CDATA_OPEN = re.compile(r"^\s*(?://|/\*)?\s*<!\[CDATA\[\s*(?:\*/)?")
_CDATA_CLOSE = re.compile(r"(?://|/\*)?\s*\]\]>\s*(?:\*/)?\s*$")


def _strip_cdata(raw: str) -> str:
    """JSON-LD as some CMSs print it: ``<![CDATA[ ... ]]>``, ``//<![CDATA[ ... //]]>``
    or ``/*<![CDATA[*/ ... /*]]>*/``."""
    raw = _CDATA_CLOSE.sub("", _CDATA_OPEN.sub("", raw))
    return raw.strip().rstrip(";")


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1].lower() for k in kinds if k}


def _take_jsonld(node: dict[str, Any], meta: PageMeta) -> None:
    types = _types(node)
    if types & {"organization", "newsmediaorganization", "website"}:
        name = _text(node.get("name"))
        if name:
            meta.site_names.append(name)
    elif not types & ARTICLE_TYPES:
        _take_other_node(node, types, meta)
    else:
        meta.is_article = True
        if "liveblogposting" in types:
            meta.is_live = True
        _take_article_ids(node, meta)
        _take_article_fields(node, meta)


def _take_other_node(node: dict[str, Any], types: set[str], meta: PageMeta) -> None:
    """A headline on another node (WebPage, VideoObject, Recipe ...) is still the page's
    headline, and some CMSs date only the WebPage node: fallbacks after every Article
    node's."""
    headline = _text(node.get("headline"))
    if headline:
        meta.page_titles.append(headline)
    if types & _PAGE_TYPES:
        for key, target in (
            ("datePublished", meta.page_published),
            ("dateModified", meta.page_modified),
        ):
            text = _text(node.get(key))
            if text:
                target.append(text)


def _take_article_ids(node: dict[str, Any], meta: PageMeta) -> None:
    """An Article node's title, URLs, section and authors."""
    for key in ("headline", "name"):
        value = _text(node.get(key))
        if value:
            meta.titles.append(value)
            break
    for key in ("url", "mainEntityOfPage"):
        raw = node.get(key)
        if isinstance(raw, dict):
            raw = raw.get("@id") or raw.get("url")
        text = _text(raw)
        if text and text.startswith("http"):
            meta.urls.append(text)
    section = node.get("articleSection")
    for item in section if isinstance(section, list) else [section]:
        text = _text(item)
        if text:
            meta.sections.append(text)
            break
    for person in _as_list(node.get("author")):
        name = _text(person.get("name") if isinstance(person, dict) else person)
        if name and name not in meta.authors:
            meta.authors.append(name)


def _take_article_fields(node: dict[str, Any], meta: PageMeta) -> None:
    """An Article node's dates, keywords, image, description and publisher."""
    for key, target in (
        ("datePublished", meta.published),
        ("dateCreated", meta.published),
        ("dateModified", meta.modified),
    ):
        text = _text(node.get(key))
        if text:
            target.append(text)
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        meta.tags.extend(k.strip() for k in keywords.split(",") if k.strip())
    elif isinstance(keywords, list):
        meta.tags.extend(_text(k) for k in keywords if _text(k))
    for image in _as_list(node.get("image")):
        url = _text(image.get("url") if isinstance(image, dict) else image)
        if url:
            meta.images.append(url)
            break
    description = _text(node.get("description"))
    if description:
        meta.descriptions.append(description)
    publisher = node.get("publisher")
    if isinstance(publisher, dict):
        name = _text(publisher.get("name"))
        if name:
            meta.site_names.append(name)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return ""
    return clean_text(value)


# --- OpenGraph, article:*, generic <meta> (read by meta_tags) -------------------------


def _take_meta_tags(root: HtmlElement, meta: PageMeta) -> None:
    declared = read_meta_tags(root)
    for url in declared.canonical:
        meta.urls.insert(0, url)
    if declared.is_article:
        meta.is_article = True
    for tag in declared.tags:
        target: list[str] = getattr(meta, tag.field)
        if tag.field == "tags" and tag.key in ("keywords", "news_keywords"):
            if meta.tags:
                continue
            target.extend(t.strip() for t in tag.content.split(",") if t.strip())
            continue
        value = clean_text(tag.content)
        if tag.field == "authors":
            if value.startswith("http"):
                continue  # article:author is often a profile URL, not a name
            target = meta.tag_authors
        if value not in target:
            target.append(value)


# --- microdata ---------------------------------------------------------------------------


def _take_microdata(root: HtmlElement, meta: PageMeta) -> None:
    seen = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        itemtype = element.get("itemtype")
        if itemtype and itemtype.rstrip("/").rsplit("/", 1)[-1].lower() in ARTICLE_TYPES:
            meta.is_article = True
        prop = element.get("itemprop")
        if not prop:
            continue
        seen += 1
        if seen > _MAX_NODES:
            break
        prop = prop.strip().lower()
        value = (
            element.get("content")
            or element.get("datetime")
            or (element.get("value") if element.tag == "meta" else None)
            or element.text_content()
        )
        value = clean_text(value or "")
        if not value:
            continue
        if prop == "headline":
            meta.titles.append(value)
        elif prop == "datepublished":
            meta.published.append(value)
        elif prop == "datemodified":
            meta.modified.append(value)
        elif prop == "articlesection":
            meta.sections.append(value)
