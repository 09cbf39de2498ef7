"""What a page's ``<meta>`` tags and canonical ``<link>`` declare: OpenGraph, article:*,
Twitter, Dublin Core, Parse.ly, Sailthru and generic names.

Raw strings, each tagged with the :class:`~syndicate.sources.metadata.PageMeta` field it
feeds, best first (the order of :data:`META_FIELDS`; tags in the head before named tags
a CMS printed in the body). :func:`syndicate.sources.metadata.read_metadata` merges them
after JSON-LD. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

__all__ = ["META_FIELDS", "MetaTag", "MetaTags", "read_meta_tags"]

# name/property -> field; order within a field is the order of this table.
META_FIELDS: tuple[tuple[str, str], ...] = (
    ("og:title", "titles"),
    ("twitter:title", "titles"),
    ("parsely-title", "titles"),
    ("parsely-page", "titles"),  # JSON: {"title": ..., "pub_date": ...}; its title only
    ("sailthru.title", "titles"),
    ("dc.title", "titles"),
    ("dc:title", "titles"),
    ("dcterms.title", "titles"),
    ("og:site_name", "site_names"),
    ("application-name", "site_names"),
    ("og:url", "urls"),
    ("article:section", "sections"),
    ("section", "sections"),
    ("article:author", "authors"),
    ("author", "authors"),
    ("dc.creator", "authors"),
    ("parsely-author", "authors"),
    ("article:published_time", "published"),
    ("og:article:published_time", "published"),
    ("article:published", "published"),
    ("datepublished", "published"),
    ("pubdate", "published"),
    ("publishdate", "published"),
    ("publish-date", "published"),
    ("parsely-pub-date", "published"),
    ("sailthru.date", "published"),
    ("dc.date.issued", "published"),
    ("dc.date", "published"),
    ("dcterms.created", "published"),
    ("date", "published"),
    ("article:modified_time", "modified"),
    ("og:updated_time", "modified"),
    ("datemodified", "modified"),
    ("dcterms.modified", "modified"),
    ("article:tag", "tags"),
    ("news_keywords", "tags"),
    ("keywords", "tags"),
    ("og:image", "images"),
    ("twitter:image", "images"),
    ("og:description", "descriptions"),
    ("description", "descriptions"),
)
_RANK = {key: rank for rank, (key, _) in enumerate(META_FIELDS)}
_FIELD = dict(META_FIELDS)

_BODY_META = etree.XPath("/html/body//meta[@name or @property]")


@dataclass(frozen=True, slots=True)
class MetaTag:
    """One declared value: the PageMeta ``field`` it feeds, the tag's ``key`` (its
    lower-cased name or property) and its ``content`` as written."""

    field: str
    key: str
    content: str


@dataclass(frozen=True, slots=True)
class MetaTags:
    """``tags`` best first; ``canonical`` the canonical links in document order;
    ``is_article`` when og:type says so."""

    tags: tuple[MetaTag, ...]
    canonical: tuple[str, ...]
    is_article: bool


def read_meta_tags(root: HtmlElement) -> MetaTags:
    found: list[tuple[int, MetaTag]] = []
    canonical: list[str] = []
    is_article = False
    head = root.find("head")
    scope = head if head is not None else root
    for element in scope.iter("meta", "link"):
        if element.tag == "link":
            if "canonical" in (element.get("rel") or "").lower().split() and element.get("href"):
                canonical.append(element.get("href", "").strip())
            continue
        keys = _keys(element, ("property", "name", "itemprop"))
        content = _content(element)
        if "og:type" in keys and content.strip().lower() == "article":
            is_article = True
        found.extend(_ranked(keys, content, 0))
    if head is not None:
        # Named <meta> tags a CMS printed in the body, after every one in the head (never
        # itemprop ones there: those describe the item around them, often a related story).
        for element in _BODY_META(root):
            found.extend(_ranked(_keys(element, ("property", "name")), _content(element), 1))
    found.sort(key=lambda item: item[0])
    return MetaTags(
        tags=tuple(tag for _, tag in found), canonical=tuple(canonical), is_article=is_article
    )


def _keys(element: HtmlElement, attributes: tuple[str, ...]) -> list[str]:
    """The names a tag declares: the first of ``attributes`` it has, split on spaces
    (property="og:title twitter:title": one tag, several names; RDFa allows a list)."""
    for attribute in attributes:
        value = element.get(attribute)
        if value:
            return str(value).lower().split()
    return []


def _content(element: HtmlElement) -> str:
    # some CMSs (and archived copies) say value= instead of content=
    return str(element.get("content") or element.get("value") or "")


def _ranked(keys: list[str], content: str, tier: int) -> Iterator[tuple[int, MetaTag]]:
    for key in keys:
        value = _parsely_title(content) if key == "parsely-page" else content
        if key in _RANK and value.strip():
            yield _RANK[key] + tier * len(_RANK), MetaTag(_FIELD[key], key, value)


def _parsely_title(content: str) -> str:
    """The title in Parse.ly's ``parsely-page`` tag, a JSON object."""
    try:
        data = json.loads(content, strict=False)
    except ValueError:
        return ""
    title = data.get("title") if isinstance(data, dict) else None
    return title if isinstance(title, str) else ""
