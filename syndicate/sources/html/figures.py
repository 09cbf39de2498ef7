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
from lxml.html import HtmlElement, fragment_fromstring, tostring

from .dom import fold, in_rail, text_of

_PREVIOUS_P = etree.XPath("preceding::p[normalize-space()][1]")
_NEXT_P = etree.XPath("following::p[normalize-space()][1]")
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
    change the tree)."""
    out: list[Figure] = []
    for img in tree.iter("img"):
        src = (img.get("data-src") or img.get("data-lazy-src") or img.get("src") or "").strip()
        if not src or src.startswith("data:") or _small(img) or in_rail(img):
            continue
        previous, following = _PREVIOUS_P(img), _NEXT_P(img)
        if not previous or not following:
            continue
        after, before = _key(text_of(previous[0])), _key(text_of(following[0]))
        if after and before:
            out.append(Figure(src=src, alt=img.get("alt") or "", after=after, before=before))
        if len(out) >= _MAX_FIGURES:
            break
    return out


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
    inner = (root.text or "") + "".join(tostring(c, encoding="unicode") for c in root)
    return str(inner)
