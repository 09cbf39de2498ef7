"""Site rules: selectors for pages the generic HTML path gets wrong.

A rule is a plain table (from TOML, see ``config/rules/zox-news.toml``) handed to the
HTML source as ``options["rule"]``. Each selector is CSS, or XPath when it starts
with ``/``, ``./`` or ``(``. Compiling is pure; :func:`load_rule_file` is the one
helper here that reads a file, for the edge that builds ``options``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

__all__ = ["RuleError", "Selector", "SiteRule", "TeaserRule", "compile_rule", "load_rule_file"]

Selector = Callable[[HtmlElement], list[HtmlElement]]


class RuleError(ValueError):
    """A rule table has an unknown key or a selector that does not compile."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TeaserRule:
    """A repeated block holding another article: a teaser post or a listing card."""

    container: Selector
    title: Selector | None = None
    link: Selector | None = None
    summary: Selector | None = None
    date: Selector | None = None
    section: Selector | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteRule:
    name: str
    article: Selector | None = None  # the main article's container
    title: Selector | None = None
    date: Selector | None = None  # element; its datetime/content attribute wins over text
    date_format: str | None = None  # strptime format for the date text, if not generic
    dayfirst: bool = True
    section: Selector | None = None
    author: Selector | None = None
    body: Selector | None = None
    drop: tuple[Selector, ...] = ()  # removed from the body before sanitizing
    teaser: TeaserRule | None = None


_TOP_KEYS = {
    "name",
    "description",
    "article",
    "title",
    "date",
    "date_format",
    "dayfirst",
    "section",
    "author",
    "body",
    "drop",
    "teaser",
}
_TEASER_KEYS = {"container", "title", "link", "summary", "date", "section"}


def compile_selector(text: str) -> Selector:
    """A CSS selector, or XPath when it starts with ``/``, ``./`` or ``(``."""
    text = text.strip()
    try:
        if text.startswith(("/", "./", "(")):
            xpath = etree.XPath(text)

            def select(root: HtmlElement) -> list[HtmlElement]:
                found = xpath(root)
                return (
                    [e for e in found if isinstance(e, etree._Element)]
                    if isinstance(found, list)
                    else []
                )

            return select
        css = CSSSelector(text, translator="html")
    except Exception as err:  # cssselect raises several unrelated types for bad syntax
        raise RuleError(f"selector {text!r} does not compile: {err}") from err

    def select_css(root: HtmlElement) -> list[HtmlElement]:
        return list(css(root))

    return select_css


def compile_rule(table: Mapping[str, Any]) -> SiteRule:
    """Turn a rule table into a :class:`SiteRule`; :class:`RuleError` says what is wrong."""
    unknown = set(table) - _TOP_KEYS
    if unknown:
        raise RuleError(f"unknown rule keys: {', '.join(sorted(unknown))}")

    def opt(key: str, source: Mapping[str, Any] = table) -> Selector | None:
        value = source.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise RuleError(f"{key}: expected a selector string")
        return compile_selector(value)

    teaser = None
    if "teaser" in table:
        raw = table["teaser"]
        if not isinstance(raw, Mapping) or "container" not in raw:
            raise RuleError("teaser: expected a table with at least 'container'")
        unknown = set(raw) - _TEASER_KEYS
        if unknown:
            raise RuleError(f"unknown teaser keys: {', '.join(sorted(unknown))}")
        container = opt("container", raw)
        assert container is not None
        teaser = TeaserRule(
            container=container,
            title=opt("title", raw),
            link=opt("link", raw),
            summary=opt("summary", raw),
            date=opt("date", raw),
            section=opt("section", raw),
        )
    drop = table.get("drop", [])
    if isinstance(drop, str):
        drop = [drop]
    date_format = table.get("date_format")
    return SiteRule(
        name=str(table.get("name", "rule")),
        article=opt("article"),
        title=opt("title"),
        date=opt("date"),
        date_format=str(date_format) if date_format else None,
        dayfirst=bool(table.get("dayfirst", True)),
        section=opt("section"),
        author=opt("author"),
        body=opt("body"),
        drop=tuple(compile_selector(str(s)) for s in drop),
        teaser=teaser,
    )


def load_rule_file(path: str) -> dict[str, Any]:
    """Read a rule file (TOML). Edge helper: the HTML source itself never reads files."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)
