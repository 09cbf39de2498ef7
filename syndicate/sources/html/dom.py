"""Small lxml helpers shared by the field modules of the HTML source. Pure."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, tostring

from ..metadata import clean_text
from ..rules import Selector

PARSER = HTMLParser(
    no_network=True,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    remove_blank_text=False,
    recover=True,
    default_doctype=False,
)


def first(selector: Selector | None, root: HtmlElement) -> HtmlElement | None:
    if selector is None:
        return None
    found = selector(root)
    return found[0] if found else None


def first_in(selector: Selector, scope: HtmlElement, root: HtmlElement) -> HtmlElement | None:
    found = first(selector, scope)
    return found if found is not None else first(selector, root)


def text_of(element: HtmlElement | None) -> str:
    if element is None:
        return ""
    return clean_text(element.text_content())


def line_of(element: HtmlElement | None) -> int:
    if element is None:
        return 0
    return int(element.sourceline or 0)


def fold(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def same(a: str, b: str) -> bool:
    return fold(a) == fold(b) and bool(fold(a))


def host_matches(part: str, base_url: str | None) -> bool:
    """'Golem.de' or 'golem' against https://www.golem.de/..."""
    if not base_url:
        return False
    host = (urlsplit(base_url).hostname or "").removeprefix("www.")
    folded = fold(part)
    return bool(folded) and (folded == fold(host) or folded == fold(host.split(".")[0]))


# A sidebar column: id "sidebar", class "sidebar-primary", Zox News' #mvp-side-wrap and
# section.mvp-side-widget; not "content-sidebar-wrap", which holds the article too.
_SIDE_CLASS = re.compile(
    r"(?:^|\s)(?:sidebar|(?:[a-z]+-)?side-?(?:wrap|widget|col|column|rail))(?:[-_\w]*)?(?:$|\s)",
    re.IGNORECASE,
)


def in_rail(element: HtmlElement) -> bool:
    """Inside the page's rails: aside, nav, footer, a "related" block or a sidebar."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("aside", "nav", "footer"):
            return True
        if ancestor.tag in ("body", "html"):
            break
        if "related" in (ancestor.get("class") or "") or (
            (
                "sidebar" in (ancestor.get("id") or "")
                or _SIDE_CLASS.search(ancestor.get("class") or "")
                or _SIDE_CLASS.search(ancestor.get("id") or "")
            )
            and not _MAIN_CONTENT(ancestor)
        ):
            return True
    return False


# A "sidebar" class on a block that holds the headline or the article body is a layout
# switch ("sidebar-right", "sidebar-layout", id "content-sidebar"), not a rail. (Not
# any <article>: sidebars list their cards as articles.)
_MAIN_CONTENT = etree.XPath(
    "(.//h1 | .//main | .//*[@itemprop='articleBody'])[1]",
    smart_strings=False,
)


def marks(element: HtmlElement, attributes: tuple[str, ...] = ("class", "id")) -> str:
    """What an element names itself: its class and id (or the ``attributes`` asked for),
    space-separated."""
    return " ".join(element.get(a) or "" for a in attributes)


_WORDS = re.compile(r"[a-z]+")


def mark_words(element: HtmlElement) -> set[str]:
    """The lowercase words of an element's class and id ("entry-content" -> entry, content)."""
    return set(_WORDS.findall(marks(element).lower()))


def prose_chars(element: HtmlElement, skip: frozenset[HtmlElement] = frozenset()) -> int:
    """Characters of prose in ``element``: its paragraphs of 60 characters or more, less
    those in ``skip``."""
    return sum(
        len(text)
        for text in (text_of(p) for p in element.iter("p") if p not in skip)
        if len(text) >= 60
    )


def inner_html(root: HtmlElement) -> str:
    """The markup inside ``root`` (a fragment's wrapper): its text and its children."""
    return (root.text or "") + "".join(tostring(c, encoding="unicode") for c in root)


def remove(element: Any) -> None:
    """Drop an element but keep its tail text."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
