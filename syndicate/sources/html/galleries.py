"""Photo galleries and slideshows set into an article that outweigh its story: their
text is captions and photo credits, not the article's (issue #9). Pure."""

from __future__ import annotations

from lxml.html import HtmlElement

from .dom import mark_words, prose_chars, text_of

__all__ = ["galleries"]

# Class and id words of a photo gallery or slideshow set into an article.
_GALLERY_WORDS = frozenset({"gallery", "slideshow", "carousel", "lightbox"})
# A story beside the gallery: this many characters of prose outside it.
_STORY_BESIDE = 1000


def galleries(scope: HtmlElement) -> list[HtmlElement]:
    """Photo galleries and slideshows inside an article that outweigh the story beside
    them (fifty captioned photos of other news under a short story): their text is
    captions and photo credits. The furniture check keeps any block holding half the
    text, so they need their own. A page that is a gallery (no story of 1000 characters
    beside it) keeps it, and so does an article's own small slideshow, whose captions
    tell its story."""
    found: list[HtmlElement] = []
    for element in scope.iterdescendants():
        if not isinstance(element.tag, str) or any(a in found for a in element.iterancestors()):
            continue
        if _GALLERY_WORDS.isdisjoint(mark_words(element)) or element.find(".//h1") is not None:
            continue
        found.append(element)
    if not found:
        return []
    beside = prose_chars(scope, skip=frozenset(p for g in found for p in g.iter("p")))
    if beside < _STORY_BESIDE:
        return []
    return [g for g in found if len(text_of(g)) > beside]
