"""Several articles on one page: a rule's teaser posts, or the cards of a listing."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from lxml.html import HtmlElement

from ...model import Article, SourceSpan
from ...sanitize import absolute_url
from ..rules import Selector, TeaserRule
from .dates import date_value, read_date
from .dom import first, in_rail, line_of, text_of
from .page import Page
from .section import default_section, find_section

# A card's category label: span.mvp-cd-cat, .card__kicker, .post-category, .section-label.
# A class word that ends in the label's name (not "mvp-cat-date-wrap", which holds it).
_LABEL_CLASS = re.compile(
    r"(?:^|[\s_-])(?:cat|category|categories|kicker|section|rubric|label)(?:$|\s)"
)
_MAX_LABEL_WORDS = 4
_MAX_DATE_CHARS = 40


def find_teasers(page: Page, rule: TeaserRule, exclude: HtmlElement | None) -> list[Article]:
    out = []
    for block in rule.container(page.root):
        if exclude is not None and (block is exclude or exclude in set(block.iterancestors())):
            continue
        article = read_card(page, block, rule)
        if article is not None:
            out.append(article)
    return out


def card_elements(root: HtmlElement) -> list[HtmlElement]:
    """Repeated blocks with a linked heading, outside the page's rails (aside, nav,
    footer, "related" blocks): <article> elements when there are several, else the
    blocks found by structure (:func:`structural_cards`) at any depth."""
    found = [
        e
        for e in root.iter("article")
        if card_heading(e) is not None and not in_rail(e) and not _is_story(e)
    ]
    if len(found) >= 2:
        return found
    return structural_cards(root)


def _is_story(article: HtmlElement) -> bool:
    """The page's own story in an <article>: an unlinked h1 (a kicker may be linked
    above it), or more prose than a card."""
    if any(heading_link(h1) is None and text_of(h1) for h1 in article.iter("h1")):
        return True
    return sum(len(text_of(p)) for p in article.iter("p")) > _MAX_CARD_CHARS


# A card is a headline with a line or two of teaser; a block with more text than this
# is a column or the article itself, not one card.
_MAX_CARD_CHARS = 1200
_MAX_HEADINGS = 600


def structural_cards(root: HtmlElement) -> list[HtmlElement]:
    """Cards by structure: every h2-h4 with a link (inside it, or wrapping it several
    elements up, as in ``a[href] > div > div > h2``) grows into the largest ancestor
    that holds no other linked heading and stays card-sized. Such a block is a card
    when the next element up holds another linked heading (it sits beside other
    cards), or when another block has its tag and class."""
    headings = [h for h in root.iter("h2", "h3", "h4") if heading_link(h) is not None][
        :_MAX_HEADINGS
    ]
    counts: dict[HtmlElement, int] = {}
    for heading in headings:
        for ancestor in heading.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    blocks: list[HtmlElement] = []
    beside: set[HtmlElement] = set()  # blocks that stopped where a neighbour card begins
    for heading in headings:
        block = heading
        for ancestor in heading.iterancestors():
            if counts[ancestor] > 1:
                beside.add(block)
                break
            if ancestor.tag in ("body", "html", "main") or len(text_of(ancestor)) > _MAX_CARD_CHARS:
                break
            block = ancestor
        if not in_rail(heading):  # the block may have grown into the rail itself
            blocks.append(block)
    shapes = Counter((b.tag, b.get("class") or "") for b in blocks)
    return [b for b in blocks if b in beside or shapes[(b.tag, b.get("class") or "")] >= 2]


def find_cards(page: Page) -> list[Article]:
    out = []
    for block in card_elements(page.root):
        article = read_card(page, block, None)
        if article is not None:
            out.append(article)
    return out


def read_card(page: Page, block: HtmlElement, rule: TeaserRule | None) -> Article | None:
    heading = first(rule.title, block) if rule and rule.title else card_heading(block)
    title = text_of(heading) if heading is not None else ""
    if not title:
        return None
    link_el = first(rule.link, block) if rule and rule.link else None
    if link_el is None and heading is not None:
        link_el = heading_link(heading)
    if link_el is None:
        link_el = block.find(".//a[@href]")
    url = absolute_url(link_el.get("href", ""), page.base_url) if link_el is not None else None
    line = line_of(heading) or line_of(block)
    if url is None:
        page.warn(line, f"teaser {title!r} skipped: no link to the article")
        return None
    summary_el = first(rule.summary, block) if rule and rule.summary else _card_summary(block)
    summary = text_of(summary_el) if summary_el is not None else None
    return Article(
        origin=SourceSpan(path=page.ctx.path, line=line),
        section=_card_section(page, block, rule.section if rule else None),
        title=title,
        body=(),
        published=_card_date(page, block, rule.date if rule else None),
        url=url,
        summary=summary or None,
        image=_card_image(page, block),
    )


def _card_date(page: Page, block: HtmlElement, selector: Selector | None) -> datetime | None:
    elements = (
        selector(block)
        if selector
        else list(block.iter("time")) + block.xpath(".//*[contains(@class, 'date')][not(*)]")
    )
    fmt = page.rule.date_format if page.rule else None
    for element in elements:
        value = date_value(element)
        found = read_date(page, value, fmt) if value else None
        if found is not None:
            return found
    if selector is None:  # an unnamed span beside the headline: "3 hours ago", "12.03.2024"
        for element in block.iter("span", "div", "p", "small", "li"):
            if len(element) == 0 and element.text and len(element.text) <= _MAX_DATE_CHARS:
                found = read_date(page, element.text.strip(), fmt)
                if found is not None:
                    return found
    return None


def _card_section(page: Page, block: HtmlElement, selector: Selector | None) -> str:
    if page.ctx.section:
        return page.ctx.section
    if selector:
        element = first(selector, block)
        if element is not None and text_of(element):
            return text_of(element)
    label = _card_label(block)
    if label:
        return label
    return find_section(page, block) if page.meta.sections or page.rule else default_section(page)


def _card_label(block: HtmlElement) -> str:
    """The short category label a card prints beside its headline, if any."""
    for element in block.iter("span", "div", "a", "p", "strong"):
        if not _LABEL_CLASS.search(element.get("class") or ""):
            continue
        text = text_of(element)
        if text and len(text.split()) <= _MAX_LABEL_WORDS and card_heading(element) is None:
            return text
    return ""


def _card_image(page: Page, block: HtmlElement) -> str | None:
    image_el = block.find(".//img")
    if image_el is None:
        return None
    return absolute_url(image_el.get("data-src") or image_el.get("src") or "", page.base_url)


def card_heading(block: HtmlElement) -> HtmlElement | None:
    for tag in ("h1", "h2", "h3", "h4"):
        for heading in block.iter(tag):
            if heading_link(heading) is not None:
                return heading
    return None


# How far up a link may wrap its heading: Zox News cards are ``a > div > div > div > h2``.
_LINK_DEPTH = 6


def heading_link(heading: HtmlElement) -> HtmlElement | None:
    """The link a heading holds, or the one that wraps it a few elements up; links to
    a place on the same page ("#comments") do not count."""
    for link in heading.iter("a"):
        if _real_href(link):
            return link
    for depth, ancestor in enumerate(heading.iterancestors()):
        if depth >= _LINK_DEPTH:
            break
        if ancestor.tag == "a" and _real_href(ancestor):
            return ancestor
    return None


def _real_href(link: HtmlElement) -> bool:
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:"))


def _card_summary(block: HtmlElement) -> HtmlElement | None:
    for p in block.iter("p"):
        if len(text_of(p)) > 40:
            return p
    return None
