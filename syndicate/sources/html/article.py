"""One page to its articles: the main article, teaser posts, or the cards of a listing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement, document_fromstring

from ...model import Article, Html, Problem, SourceSpan
from ...sanitize import absolute_url
from .authors import find_authors
from .body import find_body
from .cards import card_elements, find_cards, find_teasers
from .dates import date_from, find_published
from .dom import PARSER, first, fold, in_rail, line_of, text_of
from .page import Page
from .section import find_section
from .title import find_headline, visible_headline, word_count


def read_page(page: Page) -> list[Article]:
    rule = page.rule
    container = first(rule.article, page.root) if rule and rule.article else None
    teasers: list[Article] = []
    if rule and rule.teaser:
        teasers = find_teasers(page, rule.teaser, exclude=container)
    mode = str(page.ctx.options.get("listing", "auto"))
    # A rule that names the article container, on a page without one but with the
    # rule's cards: a listing of the same site (homepage, category archive).
    listing_by_rule = bool(rule and rule.article and container is None and teasers)
    is_article = container is not None or (
        mode != "always" and not listing_by_rule and looks_like_article(page)
    )
    articles: list[Article] = []
    if is_article:
        main = read_article(page, container)
        if main is not None:
            articles.append(main)
    elif not teasers and mode != "never":
        teasers = find_cards(page)
        if not teasers:
            main = read_article(page, None)
            if main is not None:
                articles.append(main)
    seen = {a.url for a in articles if a.url}
    for teaser in teasers:
        if teaser.url and teaser.url in seen:
            continue
        if teaser.url:
            seen.add(teaser.url)
        articles.append(teaser)
    if not articles and not any(
        p.severity == "error" for p in page.problems
    ):  # one error per empty page
        page.problems.append(
            Problem(
                path=page.ctx.path,
                line=0,
                message="no article found on the page (no title or heading)",
            )
        )
    return articles


def looks_like_article(page: Page) -> bool:
    if page.meta.is_article:
        return True
    # No declaration: one headline over some paragraphs is an article; several
    # linked headings in repeated blocks, and little else, are a listing.
    cards = card_elements(page.root)
    if len(cards) < 2:
        return True
    in_cards = set(cards)
    prose = prose_chars(page.root, in_cards)
    headline, element = visible_headline(page, page.root)
    if prose <= _LISTING_PROSE:
        # A short story under related cards: its h1 is a headline that <title> repeats,
        # at a URL that names one story, not a section.
        return (
            element is not None
            and in_cards.isdisjoint(element.iterancestors())
            and word_count(headline) >= 4
            and fold(headline) in fold(page.meta.page_title or "")
            and story_url(canonical_url(page))
        )
    # The story's headline may be an h2 under a logo h1; then the prose outweighs the cards.
    return bool(headline) or prose > 2 * sum(len(text_of(c)) for c in cards)


_LISTING_PROSE = 600
# Text set straight in a block between <br>s, not in <p>: a chunk this long is prose.
_LOOSE_TEXT = 40
_LOOSE_BLOCKS = frozenset({"div", "td", "section", "article", "blockquote", "main", "font"})


def prose_chars(root: HtmlElement, cards: set[HtmlElement]) -> int:
    """Characters of running text outside the cards and rails: paragraphs, and text set
    loose in a block between line breaks (older CMSs print whole stories so)."""
    total = 0
    for element in root.iter("p", *_LOOSE_BLOCKS):
        if element.tag == "p":
            size = len(text_of(element))
        else:
            chunks = [element.text, *(child.tail for child in element)]
            size = sum(len(c.strip()) for c in chunks if c and len(c.strip()) >= _LOOSE_TEXT)
        if not size or element in cards or in_rail(element):
            continue
        if any(a in cards for a in element.iterancestors()):
            continue
        total += size
    return total


_STORY_PATH = re.compile(r"[^/]*(?:\w+-){3,}\w+[^/]*/?$|\d{5,}|\.s?html?$|/\d{4}/\d{1,2}/")


def story_url(url: str | None) -> bool:
    """A URL that names one story: a slug of four words or more, a long number, an
    .html page or a dated path ("/2024/03/"), not a section ("/news/", "/")."""
    if not url:
        return False
    path = urlsplit(url).path
    return bool(path.strip("/")) and _STORY_PATH.search(path) is not None


def read_article(page: Page, container: HtmlElement | None) -> Article | None:
    scope = container if container is not None else main_scope(page.root)
    headline = find_headline(page, scope)
    title, title_el = headline.text, headline.element
    if not title and not _has_text(scope):
        page.problems.append(
            Problem(
                path=page.ctx.path, line=line_of(scope), message="article skipped: no title found"
            )
        )
        return None
    line = line_of(title_el) or line_of(scope)
    published = find_published(page, scope, headline.anchors)
    updated = date_from(page, page.meta.modified)
    if published is None:
        page.warn(line, f"no publication date found for {title or 'the untitled page'!r}")
    if updated is not None and published is not None and updated < published:
        updated = None
    image = next((u for u in (absolute_url(i, page.base_url) for i in page.meta.images) if u), None)
    summary = page.meta.descriptions[0] if page.meta.descriptions else None
    section, authors = find_section(page, scope), find_authors(page, scope)
    # Last: the generic body path removes the headline block from the tree.
    body_html = find_body(page, container, scope, title_el)
    if not title:
        title = first_words(body_html)
        if not title:
            page.problems.append(
                Problem(path=page.ctx.path, line=line, message="article skipped: no title found")
            )
            return None
        page.warn(line, f"no title found: titled by the first words of its text, {title!r}")
    if not body_html:
        page.warn(line, f"no body text found for {title!r}")
    return Article(
        origin=SourceSpan(path=page.ctx.path, line=line),
        section=section,
        title=title,
        body=(Html(html=body_html),) if body_html else (),
        published=published,
        updated=updated,
        authors=authors,
        url=canonical_url(page),
        summary=summary,
        tags=tuple(dict.fromkeys(t for t in page.meta.tags if t))[:30],
        image=image,
    )


# A page with text but no title anywhere (no <title>, h1 or declared headline: a bare
# note, a forum post saved as a fragment) is still one article; a feed reader shows an
# untitled entry by its first words, so its title is those (issue 9).
_TITLE_WORDS = 12


def _has_text(scope: HtmlElement) -> bool:
    return any(len(text_of(e)) >= 2 for e in scope.iter("p", "li", "div", "td", "body", "section"))


def first_words(body_html: str) -> str:
    """The body's first sentence, cut after ``_TITLE_WORDS`` words with an ellipsis."""
    if not body_html.strip():
        return ""
    text = " ".join(document_fromstring(body_html, parser=PARSER).text_content().split())
    sentence = re.split(r"(?<=[.!?。！？])\s", text, maxsplit=1)[0]
    words = sentence.split()
    if len(words) > _TITLE_WORDS:
        return " ".join(words[:_TITLE_WORDS]) + " …"
    return sentence


def main_scope(root: HtmlElement) -> HtmlElement:
    """The element holding the main article: the <article> with the page's h1, or <main>."""
    for h1 in root.iter("h1"):
        for ancestor in h1.iterancestors("article"):
            return ancestor
    articles = list(root.iter("article"))
    if len(articles) == 1:
        return articles[0]
    main = root.find(".//main")
    if main is not None:
        return main
    body = root.find("body")
    return body if body is not None else root


def canonical_url(page: Page) -> str | None:
    for candidate in page.meta.urls:
        url = absolute_url(candidate, page.base_url)
        if url:
            return url
    return page.ctx.base_url
