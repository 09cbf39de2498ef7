"""The authors of an article page.

One source is used, the first that names anyone, so that a publisher's name in a
``<meta name=author>`` or the bylines of related stories are not added to the article's:

1. the authors of the page's JSON-LD Article nodes;
2. ``<meta>`` authors (``author``, ``article:author``, ``dc.creator``, ``parsely-author``);
3. a site rule's ``author`` selector;
4. microdata in the article: the first ``itemprop="author"`` outside the rails and cards,
   with the others beside it (its siblings' and cousins' under the same byline);
5. the visible byline: the first element in the article, outside rails and cards,
   whose class, id or ``rel`` names an author or byline; the names are its author-page
   links, else its parts named as names (``author-name``, ``byline__name``), else its
   own short text; a role ("Staff Writer"), a date or a "Follow" button beside the name
   is left out;
6. ``<a rel="author">`` links in the article.

"By", "von", "par", "por", "di" in front of a name are dropped; at most ten names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from ...model import Author
from .dom import in_rail, text_of
from .elsewhere import in_card
from .page import Page

MAX_AUTHORS = 10
_BY = re.compile(
    r"^(?:(?:written|posted|reported|words|text)\s+)?(?:by|von|par|por|di|door|av|af)\s*[:\s]\s*",
    re.IGNORECASE,
)
_BY_ONLY = re.compile(r"^(?:by|von|par|por|di|door|av|af)$", re.IGNORECASE)
_BETWEEN = re.compile(r"\s*[,;]\s*|\s+(?:and|und|et|y|e|en|och|og|i)\s+|\s*&\s*")
_MARKS = re.compile(r"(?:^|[\s_-])(?:author|byline|writer|autor|auteur)", re.IGNORECASE)
_CAMEL_MARK = re.compile(r"(?:Author|Byline|Writer)")
_NAME_PART = re.compile(r"(?:name|author-link|byline-author|authorlink)", re.IGNORECASE)
_NOT_NAME = re.compile(
    r"title|role|position|job|date|time|bio|desc|avatar|image|photo|img|follow|social|share"
    r"|twitter|email|label|prefix",
    re.IGNORECASE,
)
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|people|person|staff|profiles?|journalists?|writers?|contributors?"
    r"|autor(?:en)?|auteurs?|redaktion|by)/",
    re.IGNORECASE,
)
_ITEMPROP_AUTHOR = etree.XPath(".//*[@itemprop='author' or @itemprop='creator']")
_ITEMPROP_NAME = etree.XPath(".//*[@itemprop='name']")
_MARKED = etree.XPath(".//*[@class or @id or @rel]")
_LINKS = etree.XPath(".//a[@href]")
_REL_AUTHOR = etree.XPath(".//a[@rel='author']")
_MAX_NAME_WORDS = 6
_MAX_BYLINE_TEXT = 200


def find_authors(page: Page, scope: HtmlElement) -> tuple[Author, ...]:
    # the publisher named as an author beside people ("Condé Nast") is not one of them
    sites = frozenset(n.casefold() for n in page.meta.site_names)
    for names in _sources(page, scope):
        cleaned = _cleaned(names, sites)
        if cleaned:
            return tuple(Author(name=n) for n in cleaned)
    return ()


def _sources(page: Page, scope: HtmlElement) -> Iterator[list[str]]:
    """Each source's names, best first (module doc); a later one is read only when the
    earlier ones named nobody."""
    yield page.meta.authors
    yield page.meta.tag_authors
    if page.rule and page.rule.author:
        yield [text_of(e) for e in page.rule.author(scope)]
    yield _microdata(scope)
    yield _byline(scope)
    yield [text_of(a) for a in _REL_AUTHOR(scope) if not in_rail(a)]


def _cleaned(names: list[str], site_names: frozenset[str] = frozenset()) -> list[str]:
    out = [
        part
        for n in names
        for part in _split(_BY.sub("", " ".join(n.split())).strip(" ,;:|·-–—"))
        if part and len(part) < 100 and not _BY_ONLY.match(part)
    ]
    people = [n for n in out if n.casefold() not in site_names]
    return list(dict.fromkeys(people or out))[:MAX_AUTHORS]


def _split(name: str) -> list[str]:
    """ "Ann Quay, Ben Rhee" and "Ann Quay and Ben Rhee" are two names; "Quay, Ann" and
    "Mac & i" (a part of one word) are one."""
    parts = [p.strip() for p in _BETWEEN.split(name)]
    return parts if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts) else [name]


def _outside(element: HtmlElement, scope: HtmlElement) -> bool:
    return not in_rail(element) and not in_card(element, scope)


def _microdata(scope: HtmlElement) -> list[str]:
    found = [e for e in _ITEMPROP_AUTHOR(scope) if _outside(e, scope)]
    if not found:
        return []
    byline = found[0].getparent()
    group = [e for e in found if byline is not None and _within(e, byline, 3)] or found[:1]
    names = []
    for element in group:
        named = _ITEMPROP_NAME(element)
        names.append(element.get("content") or text_of(named[0] if named else element))
    return names


def _within(element: HtmlElement, ancestor: HtmlElement, levels: int) -> bool:
    for n, parent in enumerate(element.iterancestors()):
        if parent is ancestor:
            return True
        if n >= levels:
            return False
    return False


def _marks(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''} {element.get('rel') or ''}"


def _is_byline(element: HtmlElement) -> bool:
    marks = _marks(element)
    return bool(_MARKS.search(marks) or _CAMEL_MARK.search(marks)) and not re.search(
        r"comment|avatar|bio\b|about-the-author|author-box|authorbox", marks, re.IGNORECASE
    )


def _byline(scope: HtmlElement) -> list[str]:
    for element in _MARKED(scope):
        if not _is_byline(element) or not _outside(element, scope):
            continue
        text = text_of(element)
        if not text or len(text) > _MAX_BYLINE_TEXT:
            continue
        names = _names_in(element)
        if names:
            return names
    return []


def _names_in(byline: HtmlElement) -> list[str]:
    linked = [text_of(a) for a in _LINKS(byline) if _AUTHOR_HREF.search(a.get("href") or "")]
    if any(linked):
        return [n for n in linked if _name_like(n)]
    parts = [
        e
        for e in byline.iterdescendants()
        if isinstance(e.tag, str)
        and _NAME_PART.search(_marks(e))
        and not _NOT_NAME.search(_marks(e))
    ]
    if parts:
        return [n for n in (_own_text(e) for e in parts) if _name_like(n)]
    text = _own_text(byline)
    return [text] if _name_like(text) else []


def _own_text(element: HtmlElement) -> str:
    """The element's text without the parts named as something else than a name."""
    pieces: list[str] = [element.text or ""]
    for child in element:
        if (
            isinstance(child.tag, str)
            and not _NOT_NAME.search(_marks(child))
            and (child.tag not in ("time", "script", "style", "button", "svg", "img"))
        ):
            pieces.append(_own_text(child))
        pieces.append(child.tail or "")
    return _BY.sub("", " ".join(" ".join(pieces).split())).strip(" ,;:|·-–—")


def _name_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _MAX_NAME_WORDS and not re.search(r"\d|@|https?:", text)
