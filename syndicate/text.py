"""Small pure text helpers: XML-safe text, slugs, title keys, plain summaries."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from anyascii import anyascii

# XML 1.0 section 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# C1 controls (0x80-0x9F) are allowed by XML but are never text in a news page (they are
# what cp1252 bytes look like when read as latin-1): drop them too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Remove characters that XML 1.0 forbids (and C1 controls).

    Every character removed is unprintable (Cc, Cs or Cn), so printable text, the usual
    case, is returned without the regex scan (several times faster: issue 12)."""
    return text if text.isprintable() else _NOT_XML.sub("", text)


_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


@functools.lru_cache(maxsize=8192)  # identity asks for each title's key several times
def title_key(title: str) -> str:
    """A normalised title for identity: case, quotes, dashes and spacing do not matter."""
    text = unicodedata.normalize("NFKC", title).translate(_QUOTES).casefold()
    return " ".join(text.split())


def _ascii(char: str) -> str:
    """One character in ASCII; a wide (CJK, kana, hangul) one as its own word, since
    those scripts write words without spaces and their syllables would run together."""
    if char.isascii():
        return char
    text = anyascii(char)
    return f" {text} " if unicodedata.east_asian_width(char) in ("W", "F") else text


@functools.lru_cache(maxsize=8192)
def slugify(text: str, *, max_length: int = 80) -> str:
    """ASCII slug: 'Ferry Fares “Frozen” Again' -> 'ferry-fares-frozen-again'.

    Letters of other scripts are transliterated with anyascii (issue 11), so that
    '東京の天気' -> 'dong-jing-no-tian-qi', 'Москва' -> 'moskva', 'Αθήνα' -> 'athina'
    instead of the empty slug (which became 'item'). Latin letters with accents
    lose them, as before. Slugs already in the ledger are stored, never recomputed.
    """
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES))
    text = "".join(map(_ascii, text)).lower()
    text = re.sub(r"['\"]", "", text)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "item"


def summarize(text: str, limit: int = 280) -> str:
    """A plain one-paragraph summary cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "\u2026"


def strip_tags(html: str) -> str:
    """Plain text of a small trusted HTML fragment (for summaries)."""
    from lxml import html as lxml_html

    if not html.strip():
        return ""
    try:
        return str(lxml_html.fragment_fromstring(html, create_parent="div").text_content())
    except Exception:  # noqa: BLE001 - malformed fragments fall back to a regex
        return re.sub(r"<[^>]+>", " ", html)


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(
    value: Any, _memo: dict[int, tuple[Any, int]] | None = None
) -> tuple[Any, int]:
    """A parsed JSON/YAML/TOML value with lone UTF-16 surrogates (from ``\\ud800``-style
    escapes) replaced by U+FFFD, and how many there were: no encoder downstream (the
    sanitizer, the state, orjson) accepts them. Shared lists and dicts (YAML aliases)
    are walked once, so an alias bomb costs no more than its text."""
    if isinstance(value, str):
        if value.isascii():
            return value, 0
        return _SURROGATE.subn("\ufffd", value)
    if not isinstance(value, (list, dict)):
        return value, 0
    memo = {} if _memo is None else _memo
    if id(value) in memo:
        return memo[id(value)]
    memo[id(value)] = (value, 0)  # a cycle (YAML can make one) is walked once
    total = 0
    if isinstance(value, list):
        items = []
        for v in value:
            fixed, n = scrub_surrogates(v, memo)
            items.append(fixed)
            total += n
        result: tuple[Any, int] = ((items if total else value), total)
    else:
        pairs = {}
        for k, v in value.items():
            fixed_k, n_k = scrub_surrogates(k, memo)
            fixed_v, n_v = scrub_surrogates(v, memo)
            pairs[fixed_k] = fixed_v
            total += n_k + n_v
        result = ((pairs if total else value), total)
    memo[id(value)] = result
    return result
