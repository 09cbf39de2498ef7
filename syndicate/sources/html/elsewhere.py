"""Dates that belong to other stories: in the page's rails, in a block named for
related or recommended stories, or in a card (a list item or teaser whose heading links
to another page). Such a date is another article's, whatever its position (issue 9: "a
date taken from a related-article block")."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from .dom import in_rail, marks

__all__ = ["in_card", "other_story"]

_OTHER_STORIES = re.compile(
    r"related|recommend|more-?stor|read-?more|also-?read|trending|popular|most-?read"
    r"|teaser|promo|further|weitere|mehr-?zum|lesen-?sie|outbrain|taboola",
    re.IGNORECASE,
)
# A heading that links elsewhere: a card's title.
_LINKED_HEADING = etree.XPath(
    "(.//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href] | .//a[@href][.//h2 or .//h3"
    " or .//h4])[1]",
    smart_strings=False,
)
_CARD_TAGS = ("li", "article")


def other_story(element: HtmlElement, scope: HtmlElement) -> bool:
    """Whether ``element`` (a date) is shown for another story than the one ``scope``
    holds."""
    return in_rail(element) or in_card(element, scope)


def in_card(element: HtmlElement, scope: HtmlElement) -> bool:
    """Inside ``scope``: below a block named for other stories, or in a short list item
    or ``<article>`` whose heading links to another page (a card)."""
    for ancestor in element.iterancestors():
        if ancestor is scope or ancestor.tag in ("body", "html"):
            return False
        if _OTHER_STORIES.search(marks(ancestor)):
            return True
        if ancestor.tag in _CARD_TAGS and _is_card(ancestor):
            return True
    return False


# A card is short: a heading, a line of standfirst, a date. An <article> or list item
# that holds a whole text with a linked subheading is the story itself.
_MAX_CARD_TEXT = 400


def _is_card(block: HtmlElement) -> bool:
    if block.find(".//h1") is not None or not _LINKED_HEADING(block):
        return False
    return len(" ".join(block.text_content().split())) <= _MAX_CARD_TEXT
