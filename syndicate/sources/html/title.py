"""The headline of an article page, and the site names to strip from declared titles."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from .. import SourceContext
from ..metadata import PageMeta, clean_text
from .dom import first_in, fold, host_matches, same, text_of
from .page import Page

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|:|·|»|•|/|::)\s+")
_HEADING_XPATH = etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3 or contains(@class, 'title') or contains(@class, 'headline')]")
_LOGO_XPATH = etree.XPath(
    "//h1[a[@href='/']] | //*[contains(@class, 'logo') or contains(@id, 'logo') or "
    "contains(@id, 'site-title') or contains(@class, 'site-title') or contains(@class, 'site-name')]")


def find_title(page: Page, scope: HtmlElement) -> tuple[str, HtmlElement | None]:
    """The title and the element that shows it (None when only declared)."""
    if page.rule and page.rule.title:
        element = first_in(page.rule.title, scope, page.root)
        if element is not None and text_of(element):
            return text_of(element), element
    headline, element = visible_headline(page, scope)
    declared = [strip_site(page, t) for t in page.meta.titles]
    page_title = strip_site(page, page.meta.page_title) if page.meta.page_title else ""
    if headline:
        # A visible headline beats a declared one: og:title is often a teaser or
        # an SEO variant, and the visible h1 is what the reader saw. A short h1 that
        # only names the section or site is not the headline, though.
        if (len(headline.split()) > 2 or not declared
                or any(same(headline, d) for d in declared + [page_title])):
            return headline, element
    if declared:
        return declared[0], element if element is not None else locate(declared[0], scope)
    return page_title, element if element is not None else locate(page_title, scope)


def locate(title: str, scope: HtmlElement) -> HtmlElement | None:
    """The visible element that shows a declared title (an h2 or a div when the
    page has no article h1), so its date and header can be found around it."""
    if not title:
        return None
    nearly: HtmlElement | None = None
    for element in _HEADING_XPATH(scope)[:200]:
        text = text_of(element)
        if same(text, title):
            return element
        if nearly is None and element.tag in ("h1", "h2") and fold(title) in fold(text) \
                and len(text) <= len(title) + 40:
            nearly = element   # the headline with its kicker ("Wirtschaft Bahn streicht ...")
    return nearly


def visible_headline(page: Page, scope: HtmlElement) -> tuple[str, HtmlElement | None]:
    candidates = list(scope.iter("h1")) or list(page.root.iter("h1"))
    for h1 in candidates:
        text = text_of(h1)
        if not text or len(text) > 400:
            continue
        if any(same(text, name) for name in page.site_names):
            continue   # the site's logo set in an h1
        if any(a.tag in ("header", "nav") and a.get("id") != "mvp-post-head"
               and "post" not in (a.get("class") or "") and "entry" not in (a.get("class") or "")
               and a.getparent() is not None and a.getparent().tag == "body"
               for a in h1.iterancestors()):
            continue   # site header, not an article header
        return text, h1
    return "", None


def strip_site(page: Page, title: str) -> str:
    """'Headline | Site' or 'Site - Headline' without the site (or section) name."""
    title = clean_text(title)
    names = list(page.site_names) + page.meta.sections[:1]
    for _ in range(2):
        parts = _SEPARATORS.split(title)
        if len(parts) < 2:
            break
        if any(same(parts[-1], n) for n in names) or host_matches(parts[-1], page.base_url):
            title = parts[0] if len(parts) == 2 else _rsplit_sep(title)
        elif any(same(parts[0], n) for n in names) or host_matches(parts[0], page.base_url):
            title = _lsplit_sep(title)
        else:
            break
    return title.strip()


def find_site_names(root: HtmlElement, meta: PageMeta, ctx: SourceContext) -> tuple[str, ...]:
    names = list(dict.fromkeys(meta.site_names))
    extra = ctx.options.get("site_name")
    if isinstance(extra, str) and extra:
        names.append(extra)
    # Undeclared: a <title> segment that the page's logo or site-title repeats.
    if meta.page_title:
        segments = _SEPARATORS.split(meta.page_title)
        if len(segments) > 1:
            logos = [text_of(e) for e in _LOGO_XPATH(root)[:20]]
            for segment in (segments[0], segments[-1]):
                if any(same(segment, logo) for logo in logos) and segment not in names:
                    names.append(segment)
    return tuple(names)


def _rsplit_sep(title: str) -> str:
    matches = list(_SEPARATORS.finditer(title))
    return title[:matches[-1].start()] if matches else title


def _lsplit_sep(title: str) -> str:
    match = _SEPARATORS.search(title)
    return title[match.end():] if match else title
