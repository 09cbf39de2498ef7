"""HTML pages: one article page, an article page with teaser posts, or a listing of cards.

Metadata comes first from what the publisher declares (JSON-LD incl. ``@graph``, then
OpenGraph / ``article:*`` meta, then microdata, then ``<time datetime>``, then the
visible page); the body comes from trafilatura (``fast=True``: its readability/jusText
fallbacks cost about half the time for little gain on news pages; see docs/inputs.md)
unless a site rule names the body element. Every body is sanitized
(:mod:`syndicate.sanitize`) with URLs made absolute against the page URL.

Pure: text in, :class:`ParseResult` out. lxml's HTML parser never loads a DTD or an
external entity and caps nesting at 256 levels without ``huge_tree``; this module adds
size and binary-data guards so a hostile page becomes a Problem naming the file.

Options (``[inputs.options]``): ``rule`` (a rule table, see :mod:`.rules`),
``default_section``, ``max_chars``, ``dayfirst``, ``listing`` (``"auto"``, ``"always"``
or ``"never"``: read cards on pages that are not one article), ``favor_precision``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring, tostring
from trafilatura.htmlprocessing import build_html_output

from ..dates import parse_date, parse_date_format
from ..model import Article, Author, Html, ParseResult, Problem, SourceSpan
from ..sanitize import absolute_url, sanitize_html
from . import SourceContext
from .metadata import PageMeta, clean_text, read_metadata
from .rules import RuleError, Selector, SiteRule, TeaserRule, compile_rule

__all__ = ["parse"]

# A news article page is 50 KB to 2 MB; 8 M characters is far past any real one and
# keeps a hostile page's parse under a second.
DEFAULT_MAX_CHARS = 8_000_000
# libxml2 stops nesting here without huge_tree (deeper content is dropped).
_PARSER_DEPTH_CAP = 255
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|:|·|»|•|/|::)\s+")
_HAS_TIME = re.compile(r"\d{1,2}[:h]\d{2}|\d\s*[ap]\.?m\b", re.IGNORECASE)
_BOILERPLATE = (
    "//nav", "//footer", "//aside", "//form", "//script", "//style", "//noscript",
    "//*[@role='navigation' or @role='complementary']",
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' share') or "
     "contains(@class, 'social') or contains(@class, 'related') or contains(@class, 'comments') or "
     "contains(@class, 'advert') or contains(@class, 'newsletter') or contains(@id, 'comments')]"),
)
_BOILERPLATE_XPATH = etree.XPath(" | ".join(_BOILERPLATE))
_LEAD_XPATH = etree.XPath(
    ".//p[contains(@class, 'teaser') or contains(@class, 'intro') or contains(@class, 'lead') "
    "or contains(@class, 'standfirst')]")
_HEADING_XPATH = etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3 or contains(@class, 'title') or contains(@class, 'headline')]")
_PARSER = HTMLParser(
    no_network=True, huge_tree=False, remove_comments=True, remove_pis=True,
    remove_blank_text=False, recover=True, default_doctype=False,
)


def parse(text: str, ctx: SourceContext) -> ParseResult:
    """Every article on one HTML page; what cannot be read becomes a Problem."""
    problems: list[Problem] = []
    root = _load(text, ctx, problems)
    if root is None:
        return ParseResult(problems=tuple(problems))
    rule: SiteRule | None = None
    raw_rule = ctx.options.get("rule")
    if raw_rule is not None:
        try:
            if not isinstance(raw_rule, Mapping):
                raise RuleError("expected a table")
            rule = _compiled(raw_rule)
        except RuleError as err:
            problems.append(Problem(path=ctx.path, line=0, message=f"site rule ignored: {err}"))
    page = _Page(root, ctx, rule, problems)
    articles = page.read()
    return ParseResult(articles=tuple(articles), problems=tuple(problems))


_RULE_CACHE: dict[str, SiteRule] = {}


def _compiled(table: Mapping[str, Any]) -> SiteRule:
    """Compiling a rule's selectors costs more than parsing a small page; do it once."""
    key = repr(sorted(table.items(), key=lambda kv: kv[0]))
    if key not in _RULE_CACHE:
        if len(_RULE_CACHE) > 64:
            _RULE_CACHE.clear()
        _RULE_CACHE[key] = compile_rule(table)
    return _RULE_CACHE[key]


def _load(text: str, ctx: SourceContext, problems: list[Problem]) -> HtmlElement | None:
    limit = int(ctx.options.get("max_chars", DEFAULT_MAX_CHARS))
    if len(text) > limit:
        problems.append(Problem(path=ctx.path, line=0, message=(
            f"page refused: {len(text):,} characters is over the limit of {limit:,} "
            "(raise [inputs.options] max_chars if the page is real)")))
        return None
    sample = text[:100_000]
    if sample and len(_BINARY.findall(sample)) > max(8, len(sample) // 100):
        problems.append(Problem(path=ctx.path, line=0,
                                message="page refused: binary data, not HTML text (wrong file or charset?)"))
        return None
    text = _XML_DECL.sub("", text.replace("\x00", ""), count=1)
    if not text.strip():
        problems.append(Problem(path=ctx.path, line=0, message="page is empty"))
        return None
    try:
        root = document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        problems.append(Problem(path=ctx.path, line=0, message=f"page cannot be parsed as HTML: {err}"))
        return None
    if root is None or not isinstance(root.tag, str):
        problems.append(Problem(path=ctx.path, line=0, message="page cannot be parsed as HTML"))
        return None
    deepest = max((len(e.xpath("ancestor::*")) for e in root.iter("p", "div")
                   if e.getparent() is not None and not len(e)), default=0) if len(text) < 2_000_000 else 0
    if deepest >= _PARSER_DEPTH_CAP - 1:
        problems.append(Problem(path=ctx.path, line=0, severity="warning", message=(
            f"elements nested deeper than {_PARSER_DEPTH_CAP} levels; the parser dropped what was below")))
    return root


class _Page:
    """One parsed page and what it declares; builds the articles on it."""

    def __init__(self, root: HtmlElement, ctx: SourceContext, rule: SiteRule | None,
                 problems: list[Problem]) -> None:
        self.root = root
        self.ctx = ctx
        self.rule = rule
        self.problems = problems
        self.meta: PageMeta = read_metadata(root)
        self.base_url = self._base_url()
        self.site_names = self._site_names()

    # --- the whole page -----------------------------------------------------------------

    def read(self) -> list[Article]:
        rule = self.rule
        container = _first(rule.article, self.root) if rule and rule.article else None
        teasers: list[Article] = []
        if rule and rule.teaser:
            teasers = self._teasers(rule.teaser, exclude=container)
        mode = str(self.ctx.options.get("listing", "auto"))
        is_article = container is not None or (mode != "always" and self._looks_like_article())
        articles: list[Article] = []
        if is_article:
            main = self._article(container)
            if main is not None:
                articles.append(main)
        elif not teasers and mode != "never":
            teasers = self._generic_cards()
            if not teasers:
                main = self._article(None)
                if main is not None:
                    articles.append(main)
        seen = {a.url for a in articles if a.url}
        for teaser in teasers:
            if teaser.url and teaser.url in seen:
                continue
            if teaser.url:
                seen.add(teaser.url)
            articles.append(teaser)
        if not articles:
            self.problems.append(Problem(path=self.ctx.path, line=0,
                                         message="no article found on the page (no title or heading)"))
        return articles

    def _looks_like_article(self) -> bool:
        if self.meta.is_article:
            return True
        # No declaration: one headline over some paragraphs is an article; several
        # linked headings in repeated blocks, and little else, are a listing.
        cards = self._card_elements()
        if len(cards) < 2:
            return True
        in_cards = set(cards)
        prose = sum(len(_text(p)) for p in self.root.iter("p")
                    if not _in_rail(p) and not any(a in in_cards for a in p.iterancestors()))
        return prose > 600 and bool(self._visible_headline(self.root)[0])

    # --- one article -------------------------------------------------------------------

    def _article(self, container: HtmlElement | None) -> Article | None:
        scope = container if container is not None else self._main_scope()
        title, title_el = self._title(scope)
        if not title:
            self.problems.append(Problem(path=self.ctx.path, line=_line(scope),
                                         message="article skipped: no title found"))
            return None
        line = _line(title_el) or _line(scope)
        published = self._published(scope, title_el)
        updated = self._date_from(self.meta.modified)
        if published is None:
            self.problems.append(Problem(path=self.ctx.path, line=line, severity="warning",
                                         message=f"no publication date found for {title!r}"))
        if updated is not None and published is not None and updated < published:
            updated = None
        image = next((u for u in (absolute_url(i, self.base_url) for i in self.meta.images) if u), None)
        summary = self.meta.descriptions[0] if self.meta.descriptions else None
        section, authors = self._section(scope), self._authors(scope)
        # Last: the generic body path removes the headline block from the tree.
        body_html = self._body(container, title_el)
        if not body_html:
            self.problems.append(Problem(path=self.ctx.path, line=line, severity="warning",
                                         message=f"no body text found for {title!r}"))
        return Article(
            origin=SourceSpan(path=self.ctx.path, line=line),
            section=section,
            title=title,
            body=(Html(html=body_html),) if body_html else (),
            published=published,
            updated=updated,
            authors=authors,
            url=self._canonical_url(),
            summary=summary,
            tags=tuple(dict.fromkeys(t for t in self.meta.tags if t))[:30],
            image=image,
        )

    def _main_scope(self) -> HtmlElement:
        """The element holding the main article: the <article> with the page's h1, or <main>."""
        for h1 in self.root.iter("h1"):
            for ancestor in h1.iterancestors("article"):
                return ancestor
        articles = list(self.root.iter("article"))
        if len(articles) == 1:
            return articles[0]
        main = self.root.find(".//main")
        if main is not None:
            return main
        body = self.root.find("body")
        return body if body is not None else self.root

    # title ---------------------------------------------------------------------------

    def _title(self, scope: HtmlElement) -> tuple[str, HtmlElement | None]:
        if self.rule and self.rule.title:
            element = _first_in(self.rule.title, scope, self.root)
            if element is not None and _text(element):
                return _text(element), element
        headline, element = self._visible_headline(scope)
        declared = [self._strip_site(t) for t in self.meta.titles]
        page_title = self._strip_site(self.meta.page_title) if self.meta.page_title else ""
        if headline:
            # A visible headline beats a declared one: og:title is often a teaser or
            # an SEO variant, and the visible h1 is what the reader saw. A short h1 that
            # only names the section or site is not the headline, though.
            if (len(headline.split()) > 2 or not declared
                    or any(_same(headline, d) for d in declared + [page_title])):
                return headline, element
        if declared:
            return declared[0], element if element is not None else self._locate(declared[0], scope)
        return page_title, element if element is not None else self._locate(page_title, scope)

    def _locate(self, title: str, scope: HtmlElement) -> HtmlElement | None:
        """The visible element that shows a declared title (an h2 or a div when the
        page has no article h1), so its date and header can be found around it."""
        if not title:
            return None
        nearly: HtmlElement | None = None
        for element in _HEADING_XPATH(scope)[:200]:
            text = _text(element)
            if _same(text, title):
                return element
            if nearly is None and element.tag in ("h1", "h2") and _fold(title) in _fold(text) \
                    and len(text) <= len(title) + 40:
                nearly = element   # the headline with its kicker ("Wirtschaft Bahn streicht ...")
        return nearly

    def _visible_headline(self, scope: HtmlElement) -> tuple[str, HtmlElement | None]:
        candidates = list(scope.iter("h1")) or list(self.root.iter("h1"))
        for h1 in candidates:
            text = _text(h1)
            if not text or len(text) > 400:
                continue
            if any(_same(text, name) for name in self.site_names):
                continue   # the site's logo set in an h1
            if any(a.tag in ("header", "nav") and a.get("id") != "mvp-post-head"
                   and "post" not in (a.get("class") or "") and "entry" not in (a.get("class") or "")
                   and a.getparent() is not None and a.getparent().tag == "body"
                   for a in h1.iterancestors()):
                continue   # site header, not an article header
            return text, h1
        return "", None

    def _strip_site(self, title: str) -> str:
        """'Headline | Site' or 'Site - Headline' without the site (or section) name."""
        title = clean_text(title)
        names = self.site_names + self.meta.sections[:1]
        for _ in range(2):
            parts = _SEPARATORS.split(title)
            if len(parts) < 2:
                break
            if any(_same(parts[-1], n) or _host_matches(parts[-1], self.base_url) for n in names) \
                    or _host_matches(parts[-1], self.base_url):
                title = _SEPARATORS.split(title)[0] if len(parts) == 2 else _rsplit_sep(title)
            elif any(_same(parts[0], n) for n in names) or _host_matches(parts[0], self.base_url):
                title = _lsplit_sep(title)
            else:
                break
        return title.strip()

    # dates ---------------------------------------------------------------------------

    def _published(self, scope: HtmlElement, title_el: HtmlElement | None = None) -> datetime | None:
        candidates: list[str] = []
        if self.rule and self.rule.date:
            # A rule's date goes first, but a day-only or relative one ("6 hours ago")
            # still gives way to a same-day candidate that keeps the minute.
            values = [_date_value(e) for e in self.rule.date(scope) or self.rule.date(self.root)]
            values.sort(key=lambda v: not _HAS_TIME.search(v))
            for value in values:
                found = self._parse_date(value, self.rule.date_format) if self.rule.date_format else None
                if found is not None:
                    return found
            candidates.extend(v for v in values if v)
        candidates.extend(self.meta.published)
        # Undeclared: the visible dates nearest the headline first (the byline under it),
        # so a "latest news" ticker or a sidebar above the article does not win.
        times = list(scope.iter("time"))
        if title_el is not None and times:
            near: list[HtmlElement] = []
            for ancestor in title_el.iterancestors():
                near.extend(e for e in ancestor.iter("time") if e not in near and not _in_rail(e))
                if near or ancestor is scope:
                    break
            times = near + [e for e in times if e not in near]
        for time_el in times:
            value = time_el.get("datetime") or _text(time_el)
            if value:
                candidates.append(value)
        for element in scope.xpath(".//*[contains(@class, 'date') or contains(@class, 'time')]"
                                   "[not(*) or count(*) < 3]")[:10]:
            value = _text(element)
            if value:
                candidates.append(value)
        return self._date_from(candidates)

    def _date_from(self, candidates: Iterable[str]) -> datetime | None:
        """The first readable candidate; if it has no time of day, a later one that
        agrees on the day and has a time (JSON-LD dates are often day-only while
        ``<time datetime>`` keeps the minute)."""
        first: datetime | None = None
        for raw in candidates:
            found = self._parse_date(raw, None)
            if found is None:
                continue
            if first is None:
                first = found
                if _HAS_TIME.search(raw):
                    return found
                continue
            local_first = first.astimezone(self.ctx.tz).date()
            if _HAS_TIME.search(raw) and found.astimezone(self.ctx.tz).date() == local_first:
                return found
        return first

    def _parse_date(self, raw: str, fmt: str | None) -> datetime | None:
        if fmt:
            found = parse_date_format(raw, fmt, tz=self.ctx.tz)
            if found is not None:
                return found
        dayfirst = bool(self.ctx.options.get("dayfirst", self.rule.dayfirst if self.rule else True))
        return parse_date(raw, tz=self.ctx.tz, now=self.ctx.captured_at, dayfirst=dayfirst)

    # the rest of the fields ----------------------------------------------------------------

    def _section(self, scope: HtmlElement) -> str:
        if self.ctx.section:
            return self.ctx.section
        if self.rule and self.rule.section:
            element = _first_in(self.rule.section, scope, self.root)
            if element is not None and _text(element):
                return _text(element)
        if self.meta.sections:
            return self.meta.sections[0]
        # WordPress prints the post's categories as rel="category tag" links.
        category = scope.xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
        if category and _text(category[0]):
            return _text(category[0])
        return str(self.ctx.options.get("default_section", "News"))

    def _authors(self, scope: HtmlElement) -> tuple[Author, ...]:
        names = list(self.meta.authors)
        if not names and self.rule and self.rule.author:
            names = [_text(e) for e in self.rule.author(scope)]
        if not names:
            names = [_text(a) for a in scope.xpath(".//a[@rel='author']")]
        cleaned = [re.sub(r"^(?:by|von|par|por|di)\s+", "", n, flags=re.IGNORECASE).strip() for n in names]
        return tuple(Author(name=n) for n in dict.fromkeys(cleaned) if n and len(n) < 100)[:10]

    def _canonical_url(self) -> str | None:
        for candidate in self.meta.urls:
            url = absolute_url(candidate, self.base_url)
            if url:
                return url
        return self.ctx.base_url

    def _base_url(self) -> str | None:
        base = self.root.find(".//base[@href]")
        known = self.ctx.base_url
        if base is not None:
            return absolute_url(base.get("href", ""), known) or known
        if known:
            return known
        for candidate in self.meta.urls:
            if candidate.startswith(("http://", "https://")):
                return candidate
        return None

    def _site_names(self) -> list[str]:
        names = list(dict.fromkeys(self.meta.site_names))
        extra = self.ctx.options.get("site_name")
        if isinstance(extra, str) and extra:
            names.append(extra)
        # Undeclared: a <title> segment that the page's logo or site-title repeats.
        if self.meta.page_title:
            segments = _SEPARATORS.split(self.meta.page_title)
            if len(segments) > 1:
                logos = [_text(e) for e in self.root.xpath(
                    "//h1[a[@href='/']] | //*[contains(@class, 'logo') or contains(@id, 'logo') or "
                    "contains(@id, 'site-title') or contains(@class, 'site-title') or "
                    "contains(@class, 'site-name')]")[:20]]
                for segment in (segments[0], segments[-1]):
                    if any(_same(segment, logo) for logo in logos) and segment not in names:
                        names.append(segment)
        return names

    # body ----------------------------------------------------------------------------

    def _body(self, container: HtmlElement | None, title_el: HtmlElement | None) -> str:
        rule = self.rule
        if rule and rule.body:
            scope = container if container is not None else self.root
            element = _first(rule.body, scope)
            if element is not None:
                return self._clean_fragment(element, rule.drop)
        scope = container if container is not None else self._main_scope()
        if title_el is not None:
            # The article's own header (kicker, headline, byline, date) is not body text;
            # trafilatura keeps it when it sits inside the article element.
            header = next((a for a in title_el.iterancestors("header")
                           if container is None or container in set(a.iterancestors())), None)
            if header is None or len(_text(header)) >= 1500:
                header = _head_block(title_el, scope)
            # A lead paragraph the CMS marks as one is article text, even in the header.
            for lead in _LEAD_XPATH(header) if header is not title_el else []:
                if lead is not title_el and len(_text(lead)) >= 60:
                    _remove(lead)
                    lead.tail = None
                    header.addnext(lead)
            _remove(header)
        _drop_boilerplate(scope)
        # trafilatura drops any element whose class says "teaser"; inside an article a
        # <p class="teaser"> is the lead paragraph (German news CMSs print it so).
        for lead in scope.xpath(".//p[contains(@class, 'teaser') or contains(@class, 'intro')]"):
            lead.attrib.pop("class", None)
        target = container if container is not None else self.root
        if container is not None:
            target = document_fromstring(tostring(container, encoding="unicode"), parser=_PARSER)
        extracted = _extract_body(target, self.base_url,
                                  bool(self.ctx.options.get("favor_precision", False)))
        if not extracted:
            return ""
        return sanitize_html(_unwrap(extracted), base_url=self.base_url)

    def _clean_fragment(self, element: HtmlElement, drop: Iterable[Selector]) -> str:
        fragment = document_fromstring(tostring(element, encoding="unicode"), parser=_PARSER)
        for selector in drop:
            for junk in selector(fragment):
                _remove(junk)
        for junk in _BOILERPLATE_XPATH(fragment):
            if isinstance(junk, etree._Element):
                _remove(junk)
        for img in fragment.iter("img"):   # lazy-loading themes keep the real URL aside
            lazy = img.get("data-src") or img.get("data-lazy-src")
            if lazy:
                img.set("src", lazy)
        body = fragment.find("body")
        inner = "".join(tostring(child, encoding="unicode") for child in (body if body is not None else fragment))
        return sanitize_html(inner, base_url=self.base_url)

    # several articles on one page ----------------------------------------------------

    def _teasers(self, rule: TeaserRule, exclude: HtmlElement | None) -> list[Article]:
        out = []
        for block in rule.container(self.root):
            if exclude is not None and (block is exclude or exclude in set(block.iterancestors())):
                continue
            article = self._card(block, rule.title, rule.link, rule.summary, rule.date, rule.section)
            if article is not None:
                out.append(article)
        return out

    def _card_elements(self) -> list[HtmlElement]:
        """Repeated blocks with a linked heading: <article> elements, or post/card classes,
        outside the page's rails (aside, nav, footer, "related" blocks)."""
        found = [e for e in self.root.iter("article") if _card_heading(e) is not None and not _in_rail(e)]
        if len(found) >= 2:
            return found
        xpath = ("//*[self::li or self::div][contains(@class, 'card') or contains(@class, 'teaser') "
                 "or contains(@class, 'post-item') or contains(@class, 'story')]")
        blocks = [e for e in self.root.xpath(xpath) if _card_heading(e) is not None and not _in_rail(e)]
        # a block inside another block is the same card
        outer = [b for b in blocks if not any(a in blocks for a in b.iterancestors())]
        return outer

    def _generic_cards(self) -> list[Article]:
        out = []
        for block in self._card_elements():
            article = self._card(block, None, None, None, None, None)
            if article is not None:
                out.append(article)
        return out

    def _card(self, block: HtmlElement, title_sel: Selector | None, link_sel: Selector | None,
              summary_sel: Selector | None, date_sel: Selector | None,
              section_sel: Selector | None) -> Article | None:
        heading = _first(title_sel, block) if title_sel else _card_heading(block)
        title = _text(heading) if heading is not None else ""
        if not title:
            return None
        link_el = _first(link_sel, block) if link_sel else None
        if link_el is None and heading is not None:
            link_el = heading if heading.tag == "a" else heading.find(".//a[@href]")
        if link_el is None:
            link_el = block.find(".//a[@href]")
        url = absolute_url(link_el.get("href", ""), self.base_url) if link_el is not None else None
        line = _line(heading) or _line(block)
        if url is None:
            self.problems.append(Problem(path=self.ctx.path, line=line, severity="warning",
                                         message=f"teaser {title!r} skipped: no link to the article"))
            return None
        summary_el = _first(summary_sel, block) if summary_sel else _card_summary(block, heading)
        summary = _text(summary_el) if summary_el is not None else None
        date_values: list[str] = []
        date_elements = date_sel(block) if date_sel else list(block.iter("time")) + block.xpath(
            ".//*[contains(@class, 'date')][not(*)]")
        for element in date_elements:
            value = _date_value(element)
            if value:
                date_values.append(value)
        fmt = self.rule.date_format if self.rule else None
        published = next((d for d in (self._parse_date(v, fmt) for v in date_values) if d), None)
        section = self.ctx.section
        if not section and section_sel:
            element = _first(section_sel, block)
            section = _text(element) if element is not None else None
        if not section:
            section = self._section(block) if self.meta.sections or self.rule else str(
                self.ctx.options.get("default_section", "News"))
        image_el = block.find(".//img")
        image = None
        if image_el is not None:
            src = image_el.get("data-src") or image_el.get("src") or ""
            image = absolute_url(src, self.base_url)
        return Article(
            origin=SourceSpan(path=self.ctx.path, line=line),
            section=section,
            title=title,
            body=(),
            published=published,
            url=url,
            summary=summary or None,
            image=image,
        )


# --- small helpers -------------------------------------------------------------------------

def _first(selector: Selector | None, root: HtmlElement) -> HtmlElement | None:
    if selector is None:
        return None
    found = selector(root)
    return found[0] if found else None


def _first_in(selector: Selector, scope: HtmlElement, root: HtmlElement) -> HtmlElement | None:
    found = _first(selector, scope)
    return found if found is not None else _first(selector, root)


def _text(element: HtmlElement | None) -> str:
    if element is None:
        return ""
    return clean_text(element.text_content())


def _line(element: HtmlElement | None) -> int:
    if element is None:
        return 0
    return int(element.sourceline or 0)


def _date_value(element: HtmlElement) -> str:
    for attribute in ("datetime", "content", "data-date", "title"):
        value = element.get(attribute)
        if value and any(ch.isdigit() for ch in value):
            return str(value).strip()
    inner = element.find(".//time[@datetime]")
    if inner is not None:
        return str(inner.get("datetime", "")).strip()
    return _text(element)


def _same(a: str, b: str) -> bool:
    return _fold(a) == _fold(b) and bool(_fold(a))


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _host_matches(part: str, base_url: str | None) -> bool:
    """'Golem.de' or 'golem' against https://www.golem.de/..."""
    if not base_url:
        return False
    host = (urlsplit(base_url).hostname or "").removeprefix("www.")
    folded = _fold(part)
    return bool(folded) and (folded == _fold(host) or folded == _fold(host.split(".")[0]))


def _rsplit_sep(title: str) -> str:
    matches = list(_SEPARATORS.finditer(title))
    return title[:matches[-1].start()] if matches else title


def _lsplit_sep(title: str) -> str:
    match = _SEPARATORS.search(title)
    return title[match.end():] if match else title


def _in_rail(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("aside", "nav", "footer"):
            return True
        if "related" in (ancestor.get("class") or "") or "sidebar" in (ancestor.get("id") or ""):
            return True
    return False


def _card_heading(block: HtmlElement) -> HtmlElement | None:
    for tag in ("h1", "h2", "h3", "h4"):
        for heading in block.iter(tag):
            if heading.find(".//a[@href]") is not None or heading.getparent() is not None and \
                    heading.getparent().tag == "a":
                return heading
    return None


def _card_summary(block: HtmlElement, heading: HtmlElement | None) -> HtmlElement | None:
    for p in block.iter("p"):
        if len(_text(p)) > 40:
            return p
    return None


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# Class, id and data-* words that mark page furniture inside an article: share bars,
# bylines, related links, comments, newsletter and sign-up boxes, ads.
_FURNITURE = frozenset({
    "share", "sharing", "sharedaddy", "social", "byline", "related", "relatedposts", "comments",
    "newsletter", "signup", "subscribe", "subscription", "advert", "advertisement", "ad", "ads",
    "adv", "adsbygoogle", "recirculation", "interstitial", "outbrain", "taboola", "promo",
})
_WORDS = re.compile(r"[a-z]+")
_FURNITURE_ATTRS = ("class", "id", "data-component", "data-qa", "data-area", "data-testid")


def _furniture_words(element: HtmlElement) -> bool:
    for attribute in _FURNITURE_ATTRS:
        value = element.get(attribute)
        if value and not _FURNITURE.isdisjoint(_WORDS.findall(value.lower())):
            return True
    return False


def _drop_boilerplate(scope: HtmlElement) -> None:
    """Remove page furniture set inside the article before trafilatura reads it:
    blocks named as furniture (share, byline, related, newsletter, ad ...), article
    cards nested in the article, and short blocks that are mostly links ("Read more: ...",
    link cards, tag lists). Never a block holding most of the article's text."""
    total = len(scope.text_content()) or 1
    doomed: list[HtmlElement] = []
    gone: set[HtmlElement] = set()
    for element in scope.iterdescendants():
        if not isinstance(element.tag, str) or element.tag in ("p", "a", "span", "b", "strong", "em", "i"):
            continue
        if gone and any(a in gone for a in element.iterancestors()):
            continue
        size = len(element.text_content())
        if size > total // 2:
            continue
        if (_furniture_words(element) or (element.tag == "article" and _card_heading(element) is not None)) \
                and sum(len(_text(p)) > 120 for p in element.iter("p")) < 2:
            # (two paragraphs of prose are article text whatever the wrapper is called:
            # NYT-style ids name the ad slot a column follows, "after-story-ad-1")
            doomed.append(element)
            gone.add(element)
            continue
        if element.tag in ("div", "aside", "section", "figure", "ul", "ol") and 0 < size < 300:
            linked = sum(len(a.text_content()) for a in element.iter("a"))
            if linked / size > 0.5 and not any(len(_text(p)) > 120 for p in element.iter("p")):
                doomed.append(element)
                gone.add(element)
    for element in doomed:
        _remove(element)


def _head_block(title_el: HtmlElement, scope: HtmlElement) -> HtmlElement:
    """The headline with what is printed around it (kicker, date, byline, share bar)
    when no <header> holds them: its largest ancestor inside the article that has no
    paragraph of prose."""
    block = title_el
    for ancestor in title_el.iterancestors():
        if ancestor is scope or ancestor.tag in ("body", "html", "main", "article"):
            break
        if len(ancestor.text_content()) > 600 or any(len(_text(p)) >= 100 for p in ancestor.iter("p")):
            break
        block = ancestor
    return block


def _extract_body(tree: HtmlElement, url: str | None, favor_precision: bool) -> str:
    """trafilatura's main-content extraction as HTML.

    ``bare_extraction`` + ``build_html_output`` is what ``extract(output_format="html")``
    does, minus a content fingerprint and a full-page text baseline that we do not use
    (a third of its time on our fixtures).
    """
    document = trafilatura.bare_extraction(
        tree, url=url, fast=True, favor_precision=favor_precision, include_comments=False,
        include_tables=True, include_images=True, include_links=True, include_formatting=True,
        output_format="html",
    )
    if document is None or isinstance(document, dict) or document.body is None:
        return ""
    return str(build_html_output(document))


def _unwrap(extracted: str) -> str:
    """trafilatura's html output without its <html><body> (and <main>/<doc>) wrapper."""
    return re.sub(r"</?(?:html|body|head|main|doc)(?:\s[^>]*)?>", "", extracted).strip()
