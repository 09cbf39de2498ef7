"""The one gate every HTML body passes before it may reach a feed. Pure.

An allow-list (nh3, the Rust ammonia sanitizer; the maintained successor of bleach):
only the tags and attributes a feed reader needs survive. Scripts, styles, iframes,
forms and their content are dropped whole; event attributes, ``style`` and ``class``
are dropped; only http(s), mailto and tel URLs survive, so no ``javascript:`` or
``data:`` link reaches a feed (``cite`` URLs are checked here, since nh3 checks only
links and sources). Relative URLs are made absolute against the page URL,
because a feed item is read far from the page it came from (RSS Best Practices
Profile, "relative links").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

__all__ = ["ALLOWED_TAGS", "absolute_url", "sanitize_html"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    }
)

_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
}

# Content that is never article text: removed with everything inside it.
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "noscript",
    "template",
    "object",
    "embed",
    "form",
    "button",
    "select",
    "textarea",
    "svg",
    "math",
}

_SCHEMES = {"http", "https", "mailto", "tel"}

# ammonia checks the scheme of href and src only: ``cite`` (blockquote, q, del, ins) kept
# ``javascript:`` and ``data:`` URLs until this filter (tests/test_sanitize_contract.py).
_UNCHECKED_URL_ATTRIBUTES = {"cite"}


def absolute_url(url: str, base_url: str | None) -> str | None:
    """``url`` resolved against ``base_url``; ``None`` if it is not an http(s) URL then."""
    url = url.strip()
    if not url:
        return None
    joined = urljoin(base_url, url) if base_url else url
    try:
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return joined


def sanitize_html(html: str, *, base_url: str | None = None) -> str:
    """``html`` with everything outside the allow-list removed and URLs made absolute.

    Relative URLs are resolved against ``base_url``; without one they are dropped,
    since a relative link in a feed points nowhere.
    """
    relative: Any = ("rewrite_with_base", base_url) if base_url else "deny"

    def check_urls(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _UNCHECKED_URL_ATTRIBUTES:
            return absolute_url(value, base_url)
        return value

    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        url_relative=relative,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=check_urls,
    )
    return cleaned.strip()
