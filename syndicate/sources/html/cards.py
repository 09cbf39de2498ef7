"""Several articles on one page: a rule's teaser posts, or the cards of a listing."""

from __future__ import annotations

from datetime import datetime

from lxml.html import HtmlElement

from ...model import Article, SourceSpan
from ...sanitize import absolute_url
from ..rules import Selector, TeaserRule
from .dates import date_value, read_date
from .dom import first, in_rail, line_of, text_of
from .page import Page
from .section import default_section, find_section

_CARD_XPATH = ("//*[self::li or self::div][contains(@class, 'card') or contains(@class, 'teaser') "
               "or contains(@class, 'post-item') or contains(@class, 'story')]")


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
    """Repeated blocks with a linked heading: <article> elements, or post/card classes,
    outside the page's rails (aside, nav, footer, "related" blocks)."""
    found = [e for e in root.iter("article") if card_heading(e) is not None and not in_rail(e)]
    if len(found) >= 2:
        return found
    blocks = [e for e in root.xpath(_CARD_XPATH) if card_heading(e) is not None and not in_rail(e)]
    # a block inside another block is the same card
    return [b for b in blocks if not any(a in blocks for a in b.iterancestors())]


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
        link_el = heading if heading.tag == "a" else heading.find(".//a[@href]")
        if link_el is None:
            link_el = next((a for a in heading.iterancestors("a") if a.get("href")), None)
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
    elements = selector(block) if selector else list(block.iter("time")) + block.xpath(
        ".//*[contains(@class, 'date')][not(*)]")
    fmt = page.rule.date_format if page.rule else None
    for element in elements:
        value = date_value(element)
        found = read_date(page, value, fmt) if value else None
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
    return find_section(page, block) if page.meta.sections or page.rule else default_section(page)


def _card_image(page: Page, block: HtmlElement) -> str | None:
    image_el = block.find(".//img")
    if image_el is None:
        return None
    return absolute_url(image_el.get("data-src") or image_el.get("src") or "", page.base_url)


def card_heading(block: HtmlElement) -> HtmlElement | None:
    for tag in ("h1", "h2", "h3", "h4"):
        for heading in block.iter(tag):
            if heading.find(".//a[@href]") is not None or heading.getparent() is not None and \
                    heading.getparent().tag == "a":
                return heading
    return None


def _card_summary(block: HtmlElement) -> HtmlElement | None:
    for p in block.iter("p"):
        if len(text_of(p)) > 40:
            return p
    return None
