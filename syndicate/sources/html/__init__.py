"""HTML pages: one article page, an article page with teaser posts, or a listing of cards.

Metadata comes first from what the publisher declares (JSON-LD incl. ``@graph``, then
OpenGraph / ``article:*`` meta, then microdata, then ``<time datetime>``, then the
visible page); the body comes from trafilatura unless a site rule names the body
element. Every body is sanitized (:mod:`syndicate.sanitize`) with URLs made absolute
against the page URL. One module per field: :mod:`.title`, :mod:`.dates`,
:mod:`.section`, :mod:`.authors`, :mod:`.body`, :mod:`.cards`; :mod:`.article` puts
them together.

Pure: text in, :class:`ParseResult` out. lxml's HTML parser never loads a DTD or an
external entity and caps nesting at 256 levels without ``huge_tree``; this module adds
size and binary-data guards so a hostile page becomes a Problem naming the file.

Options (``[inputs.options]``): ``rule`` (a rule table, see :mod:`..rules`),
``default_section``, ``max_chars``, ``dayfirst``, ``listing`` (``"auto"``, ``"always"``
or ``"never"``: read cards on pages that are not one article), ``favor_precision``,
``site_name``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from lxml import etree
from lxml.html import HtmlElement, document_fromstring

from ...model import ParseResult, Problem
from ...sanitize import absolute_url
from .. import SourceContext
from ..metadata import PageMeta, read_metadata
from ..rules import RuleError, SiteRule, compile_rule
from .article import canonical_url, read_page
from .dom import PARSER
from .page import Page
from .title import find_site_names
from .zone import page_zone

__all__ = ["parse"]

# A news article page is 50 KB to 2 MB; 8 M characters is far past any real one and
# keeps a hostile page's parse under a second.
DEFAULT_MAX_CHARS = 8_000_000
# libxml2 stops nesting here without huge_tree (deeper content is dropped).
_PARSER_DEPTH_CAP = 255
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Characters XML forbids: one stray control character (a U+0010 in a script string)
# made trafilatura give up on the whole page and the article had no body (issue 9).
# The binary-data guard above has already refused pages with many of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    meta = read_metadata(root)
    base_url = _base_url(root, meta, ctx)
    page = Page(
        root=root,
        ctx=ctx,
        rule=rule,
        problems=problems,
        meta=meta,
        base_url=base_url,
        site_names=find_site_names(root, meta, ctx),
    )
    zone = page_zone(root) if ctx.zone_from_page and canonical_url(page) else None
    if zone is not None:
        # Only for a page with a URL: an item without one is keyed by its day, and a
        # guessed zone must not move an item recorded before into another day (a
        # duplicate; tests/test_publish_page_zone.py).
        page = replace(page, ctx=replace(ctx, tz=zone))
    articles = read_page(page)
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


def _base_url(root: HtmlElement, meta: PageMeta, ctx: SourceContext) -> str | None:
    base = root.find(".//base[@href]")
    known = ctx.base_url
    if base is not None:
        return absolute_url(base.get("href", ""), known) or known
    if known:
        return known
    for candidate in meta.urls:
        if candidate.startswith(("http://", "https://")):
            return candidate
    return None


def _load(text: str, ctx: SourceContext, problems: list[Problem]) -> HtmlElement | None:
    limit = int(ctx.options.get("max_chars", DEFAULT_MAX_CHARS))
    if len(text) > limit:
        problems.append(
            Problem(
                path=ctx.path,
                line=0,
                message=(
                    f"page refused: {len(text):,} characters is over the limit of {limit:,} "
                    "(raise [inputs.options] max_chars if the page is real)"
                ),
            )
        )
        return None
    sample = text[:100_000]
    if sample and len(_BINARY.findall(sample)) > max(8, len(sample) // 100):
        problems.append(
            Problem(
                path=ctx.path,
                line=0,
                message="page refused: binary data, not HTML text (wrong file or charset?)",
            )
        )
        return None
    text = _XML_DECL.sub("", _NOT_XML.sub("", text), count=1)
    if not text.strip():
        problems.append(Problem(path=ctx.path, line=0, message="page is empty"))
        return None
    try:
        root = document_fromstring(text, parser=PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        problems.append(
            Problem(path=ctx.path, line=0, message=f"page cannot be parsed as HTML: {err}")
        )
        return None
    if root is None or not isinstance(root.tag, str):
        problems.append(Problem(path=ctx.path, line=0, message="page cannot be parsed as HTML"))
        return None
    deepest = (
        max(
            (
                len(e.xpath("ancestor::*"))
                for e in root.iter("p", "div")
                if e.getparent() is not None and not len(e)
            ),
            default=0,
        )
        if len(text) < 2_000_000
        else 0
    )
    if deepest >= _PARSER_DEPTH_CAP - 1:
        problems.append(
            Problem(
                path=ctx.path,
                line=0,
                severity="warning",
                message=(
                    f"elements nested deeper than {_PARSER_DEPTH_CAP} levels; the parser dropped what was below"
                ),
            )
        )
    return root
