"""A heading's text as a reader sees it: a space where its children meet as separate
words, without its permalink mark."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ..metadata import clean_text

__all__ = ["heading_text"]


def heading_text(element: HtmlElement) -> str:
    """A heading's text with a space where inline children meet without one
    (``<h1><span>Kicker</span>Title</h1>`` is "Kicker Title", not "KickerTitle")."""
    parts: list[str] = []

    def add(text: str | None) -> None:
        if not text:
            return
        if parts and _word_break("".join(parts[-2:])[-2:], text[:2]):
            parts.append(" ")
        parts.append(text)

    def walk(node: HtmlElement) -> None:
        add(node.text)
        for child in node:
            if isinstance(child.tag, str) and not _permalink(child):
                block = child.tag == "br" or child.tag in _BLOCKS
                if block:
                    parts.append(" ")
                walk(child)
                if block:
                    parts.append(" ")
            add(child.tail)

    walk(element)
    return clean_text("".join(parts))


def _permalink(element: HtmlElement) -> bool:
    """A heading's own permalink: a link to an anchor on the page that shows only a mark
    (Sphinx's "¶", "#", "§"), not a word of the heading."""
    href = element.get("href") or ""
    return (
        element.tag == "a"
        and href.startswith("#")
        and bool(_PERMALINK_MARK.fullmatch(element.text_content().strip()))
    )


_PERMALINK_MARK = re.compile(r"[¶#§🔗⚓]")


def _word_break(left: str, right: str) -> bool:
    """Two texts that meet at an element boundary (``left`` ends, ``right`` begins
    there) are separate words when a lower-case letter, a closing punctuation mark or
    a run of capitals ("LIVE") is followed by a capitalised word."""
    if not right[:1].isupper():
        return False
    return (
        left[-1:].islower()
        or left[-1:] in (":", ".", "!", "?", "»", '"', "”", "’", ")")
        or len(left) == 2
        and left.isupper()
        and right[1:2].islower()
    )


# Children of a heading that are laid out as blocks: their text is a separate line.
_BLOCKS = frozenset(
    {"div", "p", "li", "ul", "ol", "section", "header", "figure", "figcaption", "blockquote"}
)
