"""Inline figures put back into a body that trafilatura chose without images.

Images steer trafilatura's choice of block and bring captions and photo credits with
them (issue #9), so the body is extracted with ``include_images=False``. An image that
sits between two paragraphs the extraction kept is part of the story: it goes back in
after the first of them, as ``<figure><img></figure>`` (no caption, no credit). The lead
image stays on the article from the page's metadata. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from .dom import fold, in_rail, inner_html, text_of

# Icons, avatars, tracking pixels and share buttons are smaller than this.
_MIN_SIDE = 100
_MAX_FIGURES = 30
_KEY_CHARS = 80


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """An image of the source page and the paragraphs it sits between."""

    src: str
    alt: str
    after: str  # folded start of the paragraph before it
    before: str  # and of the one after it


def _key(text: str) -> str:
    return fold(text)[:_KEY_CHARS]


def find_figures(tree: HtmlElement) -> list[Figure]:
    """Every content-sized image between two paragraphs, before extraction (which may
    change the tree). One pass in document order: the paragraph last opened before an
    image (its own, when it sits in one) and the next one opened after it."""
    out: list[Figure] = []
    previous: HtmlElement | None = None
    waiting: list[tuple[HtmlElement, str, HtmlElement]] = []  # img, src, paragraph before
    for element in tree.iter("p", "img"):
        if element.tag == "p":
            if not text_of(element):
                continue
            if waiting:
                out.extend(_figure(img, src, before, element) for img, src, before in waiting)
                waiting = []
                if len(out) >= _MAX_FIGURES:
                    break
            previous = element
            continue
        src = _source(element)
        if src and previous is not None and not _small(element) and not in_rail(element):
            waiting.append((element, src, previous))
    return [f for f in out if f.after and f.before][:_MAX_FIGURES]


def _source(img: HtmlElement) -> str:
    src = (img.get("data-src") or img.get("data-lazy-src") or img.get("src") or "").strip()
    return "" if src.startswith("data:") else src


def _figure(img: HtmlElement, src: str, before: HtmlElement, after: HtmlElement) -> Figure:
    return Figure(
        src=src,
        alt=img.get("alt") or "",
        after=_key(text_of(before)),
        before=_key(text_of(after)),
    )


def _small(img: HtmlElement) -> bool:
    for attribute in ("width", "height"):
        value = (img.get(attribute) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _MIN_SIDE:
            return True
    return False


def place_figures(body_html: str, figures: list[Figure]) -> str:
    """``body_html`` with each figure after the paragraph it followed in the source,
    when the paragraph after it was kept too."""
    if not figures or not body_html.strip():
        return body_html
    root = fragment_fromstring(body_html, create_parent="div")
    paragraphs: dict[str, HtmlElement] = {}
    for p in root.iter("p"):
        paragraphs.setdefault(_key(text_of(p)), p)
    last: dict[HtmlElement, HtmlElement] = {}  # paragraph -> the figure placed after it
    for figure in figures:
        anchor = paragraphs.get(figure.after)
        if anchor is None or figure.before not in paragraphs:
            continue
        element = etree.Element("figure")
        image = etree.SubElement(element, "img", src=figure.src)
        if figure.alt:
            image.set("alt", figure.alt)
        last.get(anchor, anchor).addnext(element)
        last[anchor] = element
    if not last:
        return body_html
    return inner_html(root)
