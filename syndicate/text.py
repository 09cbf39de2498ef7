"""Small pure text helpers: XML-safe text, slugs, title keys, plain summaries."""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

# XML 1.0 section 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# C1 controls (0x80-0x9F) are allowed by XML but are never text in a news page (they are
# what cp1252 bytes look like when read as latin-1): drop them too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Remove characters that XML 1.0 forbids (and C1 controls)."""
    return _NOT_XML.sub("", text)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


@functools.lru_cache(maxsize=8192)     # identity asks for each title's key several times
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
