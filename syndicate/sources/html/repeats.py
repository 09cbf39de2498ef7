"""Paragraphs the page prints twice in a row, printed twice in the body too.

trafilatura drops a block whose text repeats the block before it (over 50 characters):
it guards against its own overlapping candidates, which emit one element twice. A page
that really prints a paragraph two or more times in a row (a refrain, a repeated
notice, a paste the author left in) loses the copies. The runs are read from the page
before extraction; a run the body holds fewer times is given its copies back, after the
last one kept. Pure.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from lxml.html import HtmlElement, fragment_fromstring

from .dom import fold, inner_html, text_of

__all__ = ["Repeat", "find_repeats", "restore_repeats"]

# Blocks that hold a paragraph's text (a leaf: no such block inside it).
_BLOCKS = ("p", "div", "li", "blockquote", "pre", "td", "h2", "h3", "h4", "h5", "h6")
_BLOCK_SET = frozenset(_BLOCKS)
# trafilatura's MIN_DUPLICATE_LENGTH: shorter repeats it keeps anyway.
_MIN_CHARS = 50
_MAX_COPIES = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Repeat:
    """A paragraph's folded text and how many times in a row the page prints it."""

    key: str
    count: int


def _leaf_blocks(root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The blocks with no block inside them, in document order, with their text."""
    blocks = list(root.iter(*_BLOCKS))
    outer: set[HtmlElement] = set()  # blocks with a block inside
    for element in blocks:
        for ancestor in element.iterancestors():
            if ancestor in outer:
                break
            if ancestor.tag in _BLOCK_SET:
                outer.add(ancestor)
    out = []
    for element in blocks:
        if element not in outer:
            text = text_of(element)
            if text:
                out.append((element, text))
    return out


def _runs(blocks: list[tuple[HtmlElement, str]]) -> list[tuple[str, list[HtmlElement]]]:
    """Consecutive blocks with the same folded text, as (key, elements)."""
    runs: list[tuple[str, list[HtmlElement]]] = []
    for element, text in blocks:
        key = fold(text)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(element)
        else:
            runs.append((key, [element]))
    return runs


def find_repeats(tree: HtmlElement) -> list[Repeat]:
    """Every paragraph of more than 50 characters that the page prints two or more
    times in a row (nothing else between the copies), before extraction."""
    return [
        Repeat(key=key, count=min(len(elements), _MAX_COPIES))
        for key, elements in _runs(_leaf_blocks(tree))
        if len(elements) > 1 and len(text_of(elements[0])) > _MIN_CHARS
    ]


def restore_repeats(body_html: str, repeats: list[Repeat]) -> str:
    """``body_html`` with each repeated run as long as the page printed it."""
    if not repeats or not body_html.strip():
        return body_html
    wanted = {r.key: r.count for r in repeats}
    root = fragment_fromstring(body_html, create_parent="div")
    changed = False
    for key, elements in _runs(_leaf_blocks(root)):
        missing = wanted.get(key, 0) - len(elements)
        last = elements[-1]
        for _ in range(max(missing, 0)):
            copy = deepcopy(last)
            copy.tail = last.tail
            last.addnext(copy)
            changed = True
    if not changed:
        return body_html
    return inner_html(root)
