"""The authors of an article page."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...model import Author
from .dom import text_of
from .page import Page

_BY = re.compile(r"^(?:by|von|par|por|di)\s+", re.IGNORECASE)


def find_authors(page: Page, scope: HtmlElement) -> tuple[Author, ...]:
    names = list(page.meta.authors)
    if not names and page.rule and page.rule.author:
        names = [text_of(e) for e in page.rule.author(scope)]
    if not names:
        names = [text_of(a) for a in scope.xpath(".//a[@rel='author']")]
    cleaned = [_BY.sub("", n).strip() for n in names]
    return tuple(Author(name=n) for n in dict.fromkeys(cleaned) if n and len(n) < 100)[:10]
