"""The section (category) of an article or card."""

from __future__ import annotations

from lxml.html import HtmlElement

from .dom import first_in, text_of
from .page import Page


def find_section(page: Page, scope: HtmlElement) -> str:
    if page.ctx.section:
        return page.ctx.section
    if page.rule and page.rule.section:
        element = first_in(page.rule.section, scope, page.root)
        if element is not None and text_of(element):
            return text_of(element)
    if page.meta.sections:
        return page.meta.sections[0]
    # WordPress prints the post's categories as rel="category tag" links.
    category = scope.xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
    if category and text_of(category[0]):
        return text_of(category[0])
    return default_section(page)


def default_section(page: Page) -> str:
    return str(page.ctx.options.get("default_section", "News"))
