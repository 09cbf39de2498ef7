"""The body of an article page: a rule's element, or trafilatura's choice after the
article's own header and the furniture inside the article are taken out."""

from __future__ import annotations

import re
from collections.abc import Iterable

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, document_fromstring, tostring
from trafilatura.htmlprocessing import build_html_output

from ...sanitize import sanitize_html
from ..rules import Selector
from .cards import card_heading
from .dom import PARSER, first, mark_words, prose_chars, remove, text_of
from .figures import find_figures, place_figures
from .galleries import galleries
from .page import Page
from .repeats import find_repeats, restore_repeats

_BOILERPLATE = (
    "//nav",
    "//footer",
    "//aside",
    "//form",
    "//script",
    "//style",
    "//noscript",
    "//*[@role='navigation' or @role='complementary']",
    (
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' share') or "
        "contains(@class, 'social') or contains(@class, 'related') or contains(@class, 'comments') or "
        "contains(@class, 'advert') or contains(@class, 'newsletter') or contains(@id, 'comments')]"
    ),
)
_BOILERPLATE_XPATH = etree.XPath(" | ".join(_BOILERPLATE))
_LEAD_XPATH = etree.XPath(
    ".//p[contains(@class, 'teaser') or contains(@class, 'intro') or contains(@class, 'lead') "
    "or contains(@class, 'standfirst')]"
)
# Class, id and data-* words that mark page furniture inside an article: share bars,
# bylines, related links, comments, newsletter and sign-up boxes, ads.
_FURNITURE = frozenset(
    {
        "share",
        "sharing",
        "sharedaddy",
        "social",
        "byline",
        "related",
        "relatedposts",
        "comments",
        "newsletter",
        "signup",
        "subscribe",
        "subscription",
        "advert",
        "advertisement",
        "ad",
        "ads",
        "adv",
        "adsbygoogle",
        "recirculation",
        "interstitial",
        "outbrain",
        "taboola",
        "promo",
        # rails set inside the article: most-read and trending lists, recommendations, "more
        # stories", "read more" boxes (two words are also matched joined: "most-read")
        "mostread",
        "mostpopular",
        "mostviewed",
        "trending",
        "recommended",
        "recommendations",
        "morestories",
        "readmore",
        "alsoread",
        "promos",
        "promotion",
        "sponsored",
        "partner",
        # navigation set inside the page's main block: breadcrumbs ("Home > News >"),
        # prev/next and section menus (table layouts name them "TableNavi")
        "breadcrumb",
        "breadcrumbs",
        "crumbs",
        "topicpath",
        "nav",
        "navi",
        "navigation",
    }
)
_WORDS = re.compile(r"[a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])[A-Z][a-z]+")
_FURNITURE_ATTRS = ("class", "id", "data-component", "data-qa", "data-area", "data-testid")


def find_body(
    page: Page, container: HtmlElement | None, scope: HtmlElement, title_el: HtmlElement | None
) -> str:
    """Sanitized body HTML. Changes the tree (removes the header): call it last."""
    rule = page.rule
    if rule and rule.body:
        element = first(rule.body, container if container is not None else page.root)
        if element is not None:
            return clean_fragment(page, element, rule.drop)
    own_article = _article_block(scope, page.root, title_el)
    if title_el is not None:
        _remove_header(title_el, scope, container)
    drop_boilerplate(scope)
    # trafilatura drops any element whose class says "teaser"; inside an article a
    # <p class="teaser"> is the lead paragraph (German news CMSs print it so).
    for lead in scope.xpath(".//p[contains(@class, 'teaser') or contains(@class, 'intro')]"):
        lead.attrib.pop("class", None)
    target = container if container is not None else page.root
    if container is None and own_article:
        container = scope
    if container is not None:
        target = document_fromstring(tostring(container, encoding="unicode"), parser=PARSER)
    drop_hidden(target)
    figures, repeats = find_figures(target), find_repeats(target)
    extracted = extract_body(
        target, page.base_url, bool(page.ctx.options.get("favor_precision", False))
    )
    if not extracted:
        return ""
    body = restore_repeats(_unwrap(extracted), repeats)
    return sanitize_html(place_figures(body, figures), base_url=page.base_url)


def _remove_header(
    title_el: HtmlElement, scope: HtmlElement, container: HtmlElement | None
) -> None:
    """The article's own header (kicker, headline, byline, date) is not body text;
    trafilatura keeps it when it sits inside the article element."""
    header = next(
        (
            a
            for a in title_el.iterancestors("header")
            if container is None or container in set(a.iterancestors())
        ),
        None,
    )
    if header is None or len(text_of(header)) >= 1500:
        header = head_block(title_el, scope)
    # A lead paragraph is article text, even in the header: one the CMS marks as one,
    # or an unmarked paragraph of prose after the headline (gruene.de-style headers).
    leads = [
        lead
        for lead in (_LEAD_XPATH(header) if header is not title_el else [])
        if lead is not title_el and len(text_of(lead)) >= 60
    ]
    if header is not title_el:
        after = set(title_el.itersiblings()) | {
            e for sibling in title_el.itersiblings() for e in sibling.iterdescendants()
        }
        leads.extend(
            p
            for p in header.iter("p")
            if p in after and p not in leads and _prose(p) and not _furniture_words(p)
        )
    for lead in reversed(leads):
        remove(lead)
        lead.tail = None
        header.addnext(lead)
    remove(header)


def _prose(p: HtmlElement) -> bool:
    """A paragraph of running text: 100 characters or more, mostly not links."""
    text = text_of(p)
    linked = sum(len(text_of(a)) for a in p.iter("a"))
    return len(text) >= 100 and linked < len(text) / 2


def clean_fragment(page: Page, element: HtmlElement, drop: Iterable[Selector]) -> str:
    fragment = document_fromstring(tostring(element, encoding="unicode"), parser=PARSER)
    for selector in drop:
        for junk in selector(fragment):
            remove(junk)
    for junk in _BOILERPLATE_XPATH(fragment):
        if isinstance(junk, etree._Element):
            remove(junk)
    for img in fragment.iter("img"):  # lazy-loading themes keep the real URL aside
        lazy = img.get("data-src") or img.get("data-lazy-src")
        if lazy:
            img.set("src", lazy)
    body = fragment.find("body")
    inner = "".join(
        tostring(child, encoding="unicode") for child in (body if body is not None else fragment)
    )
    return sanitize_html(inner, base_url=page.base_url)


def _furniture_words(element: HtmlElement) -> bool:
    for attribute in _FURNITURE_ATTRS:
        value = element.get(attribute)
        if not value:
            continue
        words = _WORDS.findall(value.lower()) + [w.lower() for w in _CAMEL.findall(value)]
        if not _FURNITURE.isdisjoint(words) or not _FURNITURE.isdisjoint(
            a + b for a, b in zip(words, words[1:], strict=False)
        ):
            return True
    return False


_NOT_SHOWN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(element: HtmlElement) -> bool:
    """Hidden from the reader by the page itself: the ``hidden`` attribute or an inline
    ``display: none`` / ``visibility: hidden`` (as readability treats them)."""
    return element.get("hidden") is not None or bool(_NOT_SHOWN.search(element.get("style", "")))


def drop_hidden(tree: HtmlElement) -> None:
    """Remove what the page hides from the reader (templates, command palettes, a
    collapsed copy of the menu), anywhere trafilatura will read, unless it holds most
    of the text (a page that hides its story until a script shows it)."""
    total = len(tree.text_content()) or 1
    for element in [e for e in tree.iter() if isinstance(e.tag, str) and _hidden(e)]:
        if element.getparent() is not None and len(element.text_content()) <= total // 2:
            remove(element)


def drop_boilerplate(scope: HtmlElement) -> None:
    """Remove page furniture set inside the article before trafilatura reads it:
    blocks named as furniture (share, byline, related, newsletter, ad ...), article
    cards nested in the article, and short blocks that are mostly links ("Read more: ...",
    link cards, tag lists). Never a block holding most of the article's text."""
    for gallery in galleries(scope):
        remove(gallery)
    total = len(scope.text_content()) or 1
    doomed: list[HtmlElement] = []
    gone: set[HtmlElement] = set()
    for element in scope.iterdescendants():
        if not isinstance(element.tag, str) or element.tag in (
            "p",
            "a",
            "span",
            "b",
            "strong",
            "em",
            "i",
        ):
            continue
        if gone and any(a in gone for a in element.iterancestors()):
            continue
        size = len(element.text_content())
        if size > total // 2:
            continue
        if (
            _furniture_words(element)
            or (element.tag == "article" and card_heading(element) is not None)
        ) and not _holds_prose(element):
            # (prose is article text whatever the wrapper is called: NYT-style ids name
            # the ad slot a column follows, "after-story-ad-1"; BEM modifiers name what a
            # section may carry, "TestReport__Section--Ads")
            doomed.append(element)
            gone.add(element)
            continue
        if element.tag in ("div", "aside", "section", "figure", "ul", "ol") and 0 < size < 300:
            linked = sum(len(a.text_content()) for a in element.iter("a"))
            if linked / size > 0.5 and not any(len(text_of(p)) > 120 for p in element.iter("p")):
                doomed.append(element)
                gone.add(element)
    for element in doomed:
        remove(element)


def _holds_prose(element: HtmlElement) -> bool:
    """Two paragraphs of prose (over 120 characters each), or one long one (300 or
    more: a section written in one <p> broken by <br>s)."""
    lengths = [len(text_of(p)) for p in element.iter("p")]
    return sum(n > 120 for n in lengths) >= 2 or any(n >= 300 for n in lengths)


def head_block(title_el: HtmlElement, scope: HtmlElement) -> HtmlElement:
    """The headline with what is printed around it (kicker, date, byline, share bar)
    when no <header> holds them: its largest ancestor inside the article that has no
    paragraph of prose."""
    block = title_el
    for ancestor in title_el.iterancestors():
        if ancestor is scope or ancestor.tag in ("body", "html", "main", "article"):
            break
        if (
            len(ancestor.text_content()) > 600
            or any(len(text_of(p)) >= 100 for p in ancestor.iter("p"))
            or _holds_body(ancestor, block)
        ):
            break
        block = ancestor
    return block


# Class and id words of the element a CMS puts the article text in ("entrybody",
# "entry-content", "post-body", "article-text", itemprop=articleBody).
_BODY_WORDS = frozenset({"body", "entrybody", "content", "text", "articlebody", "storybody"})
_NOT_BODY_WORDS = frozenset({"header", "head", "meta", "title", "byline", "info", "nav"})


def _holds_body(ancestor: HtmlElement, inner: HtmlElement) -> bool:
    """Whether ``ancestor`` holds, beside ``inner`` (the headline's block so far), the
    element named as the article's text: then it is the article, not its header. A short
    post ("a link, two lines, a list") has no paragraph of prose to say so."""
    for element in ancestor.iterdescendants():
        if element is inner or not isinstance(element.tag, str):
            continue
        if element.get("itemprop") == "articleBody":
            return True
        words = mark_words(element)
        if words & _BODY_WORDS and not words & _NOT_BODY_WORDS and text_of(element):
            if inner not in set(element.iterancestors()) and element not in set(inner.iter()):
                return True
    return False


def extract_body(tree: HtmlElement, url: str | None, favor_precision: bool) -> str:
    """trafilatura's main-content extraction as HTML.

    ``bare_extraction`` + ``build_html_output`` is what ``extract(output_format="html")``
    does, minus a content fingerprint and a full-page text baseline that we do not use
    (a third of its time on our fixtures).

    ``include_images=False`` and ``fast=False`` (issue #9): images change which block
    trafilatura picks and keep captions and photo credits, and the fast path misses the
    main text on some layouts. On bench/score_real.py (394 public dev pages) body F1 went
    0.879 -> 0.892 and "with" snippets 0.874 -> 0.898, at 1.53x trafilatura's speed (was
    1.94x). The lead image stays on the article from the page's metadata, and inline
    figures go back in afterwards (:mod:`.figures`).
    """
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=False,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=True,
        include_formatting=True,
        output_format="html",
    )
    if document is None or isinstance(document, dict) or document.body is None:
        return ""
    return str(build_html_output(document))


def _unwrap(extracted: str) -> str:
    """trafilatura's html output without its <html><body> (and <main>/<doc>) wrapper."""
    return re.sub(r"</?(?:html|body|head|main|doc)(?:\s[^>]*)?>", "", extracted).strip()


def _article_block(scope: HtmlElement, root: HtmlElement, title_el: HtmlElement | None) -> bool:
    """Whether ``scope`` is the page's own story in an <article> element: the only
    <article> on the page (several are cards, or a story in pieces), holding the headline,
    an h1 (a slideshow's) or most of the page's prose, and prose of its own."""
    if scope.tag != "article" or sum(1 for _ in root.iter("article")) != 1:
        return False
    prose = prose_chars(scope)
    if prose < _OWN_PROSE:
        return False
    return (
        scope.find(".//h1") is not None
        or (title_el is not None and scope in set(title_el.iterancestors()))
        or 2 * prose > prose_chars(root)
    )


_OWN_PROSE = 400
