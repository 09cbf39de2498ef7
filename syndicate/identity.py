"""Identity rules: which parsed articles are "the same item", and their fixed ids. Pure.

- An article with a canonical URL is identified by that URL normalised by
  :func:`normalize_url`: tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ...),
  the fragment, a default port, the case of scheme and host and a trailing slash do
  not matter. Keys issued under the older, looser rule (scheme and host lower-cased,
  fragment dropped) still match: :func:`match_record` normalises them again.
- An article without one (text pages) is identified by its section and normalised
  title (case, quotes, dashes and spacing ignored) plus the *day* of its page date
  when the page printed one. So the same story on another page, or in a later capture,
  is the same item; a recurring title ("Morning Briefing") on different days is not.
- A dated capture of an article first seen undated (or the reverse) is the same item:
  :func:`match_record` falls back to the section + title key.
- A text-page capture and the HTML page of the same article are one item when their
  section and title agree: whichever came first keeps its id, and the item takes the
  canonical URL once it is known.
- A title longer than :data:`KEY_TITLE_CHARS` (200) characters of title key is
  identified by its first 200: the input edge caps titles at :data:`TITLE_CAP`, and
  an item first seen with its whole long title (before the cap) is still matched.
- The guid is a UUID derived from the site URL and the key when the article is first
  seen; it is stored and never recomputed, so later config changes do not move it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .model import Article
from .text import slugify, title_key

if TYPE_CHECKING:
    from .state import LedgerRecord


TITLE_CAP = 300  # characters of a published title
KEY_TITLE_CHARS = 200  # characters of title key that identify a long title
_LONG = "\n|"  # ends the base of a long title (a title key never holds a newline)

# Query parameters that only say where a reader came from (compared case-insensitively).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "smid",
        "cmpid",
        "ocid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PARAM = re.compile(r"[^&;]+")


def _tracking(param: str) -> bool:
    name = param.split("=", 1)[0].lower()
    return name in TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """The link to publish: without tracking parameters, fragment and default port;
    scheme and host lower-cased. Other URLs (not http/https) only lose surrounding space."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)
    hostport = host[-1].lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port == _DEFAULT_PORTS[scheme] and hostport.endswith(f":{port}"):
        hostport = hostport[: -len(f":{port}")]
    netloc = f"{host[0]}@{hostport}" if len(host) == 2 else hostport
    query = (
        "&".join(p for p in _PARAM.findall(parts.query) if not _tracking(p)) if parts.query else ""
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def normalize_url(url: str) -> str:
    """A URL for identity: :func:`clean_url`, and a trailing slash does not matter."""
    cleaned = clean_url(url)
    parts = urlsplit(cleaned)
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        parts = urlsplit(url.strip())
        return urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
        )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def cap_text(text: str, cap: int) -> str:
    """``text`` cut to at most ``cap`` characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= cap:
        return text
    cut = text[: cap - 1]
    head = cut.rsplit(" ", 1)[0]
    if len(head) < cap * 4 // 5:  # a very long last word: cut inside it (and a capped
        head = cut  # title keeps over KEY_TITLE_CHARS for its key)
    return head.rstrip(",;:-–— ") + "…"


def title_base(section_slug: str, title: str) -> str:
    """The key prefix shared by every dated or undated capture of one titled article.

    For a long title it is the first :data:`KEY_TITLE_CHARS` of the title key, open
    (no closing bar), so that the ledger lookup finds an item first seen with its whole
    title as well as those keyed since the cap."""
    key = title_key(title)
    if len(key) > KEY_TITLE_CHARS:
        return f"text:{section_slug}|{key[:KEY_TITLE_CHARS]}"
    return f"text:{section_slug}|{key}|"


def article_key(article: Article, section_slug: str) -> str:
    if article.url:
        return "url:" + normalize_url(article.url)
    day = article.published.date().isoformat() if article.published else ""
    base = title_base(section_slug, article.title)
    return (base if base.endswith("|") else base + _LONG) + day


def _old_url_match(
    key: str, candidates: Sequence[tuple[LedgerRecord, str | None, str]]
) -> LedgerRecord | None:
    """A record keyed by an older URL rule whose URL normalises to ``key``'s."""
    for record, _url, _base in candidates:
        if record.key.startswith("url:") and "url:" + normalize_url(record.key[4:]) == key:
            return record
    return None


def _old_long_title_match(
    key: str, candidates: Sequence[tuple[LedgerRecord, str | None, str]]
) -> LedgerRecord | None:
    """A record first seen with the whole of a long title, before titles were capped."""
    closed = key[: key.rindex("|") + 1]
    opened, day = closed.removesuffix(_LONG), key[len(closed) :]
    olds = [
        r for r, _u, _b in candidates if r.key.startswith(opened) and not r.key.startswith(closed)
    ]
    if day:  # as for short titles: the same day, else an undated capture
        pick = [r for r in olds if r.key.endswith("|" + day)] or [
            r for r in olds if r.key.endswith("|")
        ]
    else:  # an undated capture: the newest
        pick = olds
    return max(pick, key=lambda r: r.published) if pick else None


def match_record(
    key: str, candidates: Sequence[tuple[LedgerRecord, str | None, str]]
) -> LedgerRecord | None:
    """The ledger record an article belongs to, among ``(record, its url, its title
    base)`` candidates that share the article's key prefix or title base:

    1. the exact key;
    2. for an article with a URL: a text-page record of the same section and title that
       has no URL yet (the HTML page of an article first read from a text dump);
    3. for a text-page article: an undated record of the same title; when the article
       itself is undated, the newest dated one; else a URL record of the same section
       and title (the text dump of an article first read from its HTML page).

    Keys issued under older rules match too: a URL key whose URL normalises to the
    article's (tracking parameters, trailing slash), and a long title first keyed whole.
    """
    for record, _url, _base in candidates:
        if record.key == key:
            return record
    if key.startswith("url:"):
        old = _old_url_match(key, candidates)
        if old is not None:
            return old
        texts = [r for r, url, _b in candidates if r.key.startswith("text:") and not url]
        return max(texts, key=lambda r: r.published) if texts else None
    base = key[: key.rindex("|") + 1]
    if base.endswith(_LONG):
        old = _old_long_title_match(key, [c for c in candidates if not c[0].key.startswith(base)])
        same = [r for r, _u, _b in candidates if r.key.startswith(base)]
        if old is not None and not same:
            return old
    same_title = [r for r, _u, _b in candidates if r.key.startswith(base)]
    for r in same_title:
        if r.key == base:
            return r
    if key == base and same_title:
        return max(same_title, key=lambda r: r.published)
    if not same_title:
        tbase = base.removesuffix(_LONG) if base.endswith(_LONG) else base
        urls = [r for r, _u, b in candidates if r.key.startswith("url:") and b == tbase]
        return max(urls, key=lambda r: r.published) if urls else None
    return None


def make_guid(site_url: str, key: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, site_url + "#" + key))


def unique_slug(title: str, taken: Iterable[str], *, day: str | None = None) -> str:
    """A slug for a new article not in ``taken``: the title's, then with the day, then -2, -3..."""
    used = set(taken)
    base = slugify(title)
    if base not in used:
        return base
    if day:
        dated = f"{base}-{day}"
        if dated not in used:
            return dated
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"
