"""The headline of an article page (site names: site_names.py; heading text: heading.py).

Policy (docs/inputs.md, "HTML titles"): an h1 that is the site's name (og:site_name,
the logo, the short end segment of ``<title>``) or sits in the site header is skipped;
then :func:`choose_title` decides between the h1 and the declared titles (JSON-LD
``headline``, ``og:title``, ``<title>``) from the evidence: a declared title that is
``<title>`` itself, with the h1 not in ``<title>`` -> the declared one (even when
og:title repeats the h1), unless the h1 is a longer wording holding nearly all its
words; same after folding typography, or declared = h1 + a site suffix -> the h1; one
is the other plus a short kicker or badge -> the declared one; a declared title
``<title>`` repeats and the h1 is not in it -> the declared one; nothing declared and
an h1 sharing no word with a ``<title>`` at least as long -> ``<title>``; otherwise
the h1 unless it is a one- or two-word label. A declared headline of more than 40 words or
equal to the description is a description. Separators may lack spaces or be
full-width; CJK counts two characters a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from .dom import first_in, fold, in_rail, marks, same, text_of
from .heading import heading_text
from .page import Page
from .site_names import SEPARATORS, find_site_names, strip_site, strip_unknown_site, word_count

__all__ = [
    "Headline",
    "choose_title",
    "find_headline",
    "find_site_names",
    "find_title",
    "heading_text",
    "locate",
    "strip_unknown_site",
    "visible_headline",
    "word_count",
]

_HEADING_XPATH = etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3 or contains(@class, 'title') or contains(@class, 'headline')]"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Headline:
    """The chosen title; ``element`` shows it (lifted out of the body; None when only
    declared); ``anchors`` are where the byline and date are looked for, best first."""

    text: str
    element: HtmlElement | None
    anchors: tuple[HtmlElement, ...]


def find_headline(page: Page, scope: HtmlElement) -> Headline:
    """The title, the element that shows it, and the elements its date is printed near:
    the shown element, then an h1 that lost to a declared title (still where the
    article begins when the declared title is shown nowhere, or only in a widget)."""
    text, element, h1 = _find_title(page, scope)
    anchors = tuple(e for e in (element, h1) if e is not None)
    return Headline(text=text, element=element, anchors=tuple(dict.fromkeys(anchors)))


def find_title(page: Page, scope: HtmlElement) -> tuple[str, HtmlElement | None]:
    """The title and the element that shows it (None when only declared)."""
    found = find_headline(page, scope)
    return found.text, found.element


def _find_title(
    page: Page, scope: HtmlElement
) -> tuple[str, HtmlElement | None, HtmlElement | None]:
    if page.rule and page.rule.title:
        element = first_in(page.rule.title, scope, page.root)
        if element is not None and text_of(element):
            return heading_text(element), element, None
    headline, element = visible_headline(page, scope)
    descriptions = {fold(d) for d in page.meta.descriptions}
    declared = [
        t
        for t in (strip_site(page, t) for t in page.meta.titles)
        if t and fold(t) not in descriptions and len(t.split()) <= _MAX_DECLARED_WORDS
    ]
    page_title = strip_site(page, page.meta.page_title) if page.meta.page_title else ""
    chosen = choose_title(headline, declared, page_title, page.meta.page_title or "")
    if page.meta.is_live and declared and chosen == headline and not _agrees(headline, declared):
        chosen = declared[0]  # a live page's first h1 is as often the latest entry's
    if chosen == headline and headline and not declared:
        shown = _section_h1(headline, page_title, page.meta.page_title or "", scope)
        if shown is not None:
            return text_of(shown), shown, element
    if chosen == headline and headline:
        return headline, element, None
    if not chosen and page_title:
        chosen = strip_unknown_site(page_title)
    # The h1 shows the chosen title only when it holds it (with a kicker or badge); an
    # h1 that lost to a declared title is a section or widget heading, not the headline
    # to lift out of the body; it stays a second place to look for the date.
    if element is not None and headline and fold(chosen) and fold(chosen) in fold(headline):
        return chosen, element, None
    return chosen, locate(chosen, scope), element


def _section_h1(
    headline: str, page_title: str, raw_page_title: str, scope: HtmlElement
) -> HtmlElement | None:
    """Nothing declared, an h1 that ``<title>`` does not repeat, and ``<title>`` shown
    word for word in an unlinked h2 or h3: the h1 is a section heading ("Allergies
    Health Center") and the h2 is the story's headline."""
    if word_count(page_title) < 4 or fold(headline) in fold(raw_page_title):
        return None
    for element in scope.iter("h2", "h3"):
        if same(text_of(element), page_title):
            if in_rail(element) or element.find(".//a[@href]") is not None:
                return None
            return element
    return None


# A declared "headline" longer than this is a description (seen on WordPress SEO plugins).
_MAX_DECLARED_WORDS = 40
# A kicker or badge is a few words: "Live", "Exclusive", "Ukraine war:".
_KICKER_WORDS = 5


def choose_title(headline: str, declared: list[str], page_title: str, raw_page_title: str) -> str:
    """The policy between the visible h1 and the declared headlines (issue #9):

    0. A declared title is ``<title>`` word for word (once its site name is gone) and
       the h1 is not in ``<title>``: two declarations agree on it, and it wins even over
       an h1 that another declared title repeats (og:title = h1, JSON-LD = ``<title>``)
       -- unless the h1 says it at more length (more words, nearly all of the declared
       one's among them: the declared one is a copy shortened for search results).
    1. They are the same after folding case, typography and punctuation: the h1, as the
       reader saw it (on the dev sets the declared copy more often lost curly quotes or
       title case than the h1 did). One is the other plus a short kicker ("Live",
       "Ukraine war:"): the declared one, which the publisher sends to search engines
       and feeds without the h1's badges.
    2. A declared one is repeated in ``<title>`` and the h1 is not, or is a shorter part
       of it (the blog's name in "Blog name: Post title"): the h1 is a brand, section or
       widget heading ("Business Monday"), the declared one wins -- again unless the
       h1 says it at more length.
    3. Nothing declared, and the h1 shares no word with a ``<title>`` at least as
       long: the h1 is a label ("Information and Resources"), ``<title>`` wins.
    4. Otherwise the h1 (og:title is often a teaser or an SEO variant), unless it is a
       one- or two-word label and something was declared.
    """
    if not headline:
        return declared[0] if declared else page_title
    if not declared:
        return _undeclared(headline, page_title, raw_page_title)
    h, in_title = fold(headline), fold(raw_page_title)
    titled = [d for d in declared if fold(d) == fold(page_title) and word_count(d) > 2]
    if titled and h not in in_title and not _expands(headline, titled[0]):
        return titled[0]
    for candidate in declared:
        d = fold(candidate)
        if d == h or _with_site_suffix(candidate, headline) or _with_site_prefix(candidate, h):
            return headline
        if _kicker_only(headline, candidate):
            return candidate
    # (a one- or two-word label never outranks a headline that contains it: "Arbeit")
    repeated = [
        d for d in declared if fold(d) in in_title and h not in fold(d) and word_count(d) > 2
    ]
    if (
        repeated
        and (h not in in_title or len(fold(repeated[0])) > len(h))
        and not _expands(headline, repeated[0])
    ):
        return repeated[0]
    if word_count(headline) > 2:
        return headline
    # A short h1 that <title> repeats as one of its segments, over declared titles that
    # <title> does not hold: the declared one is a description ("matrix equal to its
    # conjugate-transpose" for "Hermitian matrix - Wikipedia").
    segments = {fold(s) for s in SEPARATORS.split(raw_page_title)}
    if h in segments and not any(fold(d) in in_title for d in declared):
        return headline
    return declared[0]


def _undeclared(headline: str, page_title: str, raw_page_title: str) -> str:
    """Rules 1, 3 and 4 when nothing is declared: the h1 against ``<title>``."""
    h, named = fold(headline), strip_unknown_site(page_title)
    # The h1 is <title> with a kicker in front ("Live", "Ukraine war:"): <title>'s words.
    # (Words behind are the h1's fuller wording: <title> was shortened.)
    if h.endswith(fold(named)) and len(h) > len(fold(named)) and _kicker_only(headline, named):
        return named
    # An h1 that shares no word with a <title> at least as long is a label ("Lorem",
    # "Information and Resources"), and <title> names the page.
    if (
        named
        and word_count(page_title) >= word_count(headline)
        and _overlap(headline, [raw_page_title]) == 0
    ):
        return named
    if word_count(headline) > 2:
        return headline
    if h in {fold(s) for s in SEPARATORS.split(raw_page_title)}:
        return headline
    # A one- or two-word h1 ("Sports", "Lorem") under a <title> that says more and does
    # not contain it: a label, and the <title> names the page.
    if word_count(named) >= 3 and h not in fold(named):
        return named
    return headline


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _overlap(headline: str, others: list[str]) -> float:
    """The share of the h1's words that any of ``others`` has."""
    words = _words(headline)
    seen = {w for other in others for w in _words(other)}
    return sum(w in seen for w in words) / len(words) if words else 1.0


def _expands(headline: str, declared: str) -> bool:
    """The h1 is the declared title said at more length: more words, among them nearly
    every word of the declared one (a shortened copy for search results and tabs)."""
    h, d = _words(headline), set(_words(declared))
    return len(h) > len(d) >= 3 and len(d & set(h)) >= 0.8 * len(d)


def _with_site_suffix(declared: str, headline: str) -> bool:
    """The declared title is the h1 and a separator with something after it (a site
    or section name no site_name declared): "Headline ｜ Site", "Headline：Site"."""
    if not declared.startswith(headline) or len(declared) == len(headline):
        return False
    match = SEPARATORS.match(declared, len(headline))
    return match is not None and match.start() == len(headline)


def _agrees(headline: str, declared: list[str]) -> bool:
    """The h1 is one of the declared titles, give or take typography, a site name or
    a kicker."""
    h = fold(headline)
    return any(
        fold(d) == h
        or _with_site_suffix(d, headline)
        or _with_site_prefix(d, h)
        or _kicker_only(headline, d)
        for d in declared
    )


def _with_site_prefix(declared: str, folded_headline: str) -> bool:
    """The declared title is a site or section name, a separator other than a colon
    (which sets off a kicker), and the h1: "r/videos - Headline", "Site | Headline"."""
    matches = [m for m in SEPARATORS.finditer(declared) if ":" not in m.group()]
    return any(fold(declared[m.end() :]) == folded_headline for m in matches)


def _kicker_only(headline: str, declared: str) -> bool:
    """The h1 is the declared title with a few words in front (a kicker) or behind (a
    "Live" badge), or the declared title is the h1 with a kicker in front. (Declared
    words *behind* the h1 are a subtitle: "... im Winter – trotz Frost".)"""
    h, d = fold(headline), fold(declared)
    if not h or not d or h == d:
        return False
    if len(h) > len(d):
        longer, shorter, fits = headline, declared, h.endswith(d) or h.startswith(d)
    else:
        longer, shorter, fits = declared, headline, d.endswith(h)
    return (
        fits
        and len(shorter.split()) >= 3
        and len(longer.split()) - len(shorter.split()) <= _KICKER_WORDS
    )


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
        if (
            nearly is None
            and element.tag in ("h1", "h2")
            and fold(title) in fold(text)
            and len(text) <= len(title) + 40
        ):
            nearly = element  # the headline with its kicker ("Wirtschaft Bahn streicht ...")
    return nearly


def visible_headline(page: Page, scope: HtmlElement) -> tuple[str, HtmlElement | None]:
    candidates = list(scope.iter("h1")) or list(page.root.iter("h1"))
    for h1 in candidates:
        text = heading_text(h1)
        if not text or len(text) > 400:
            continue
        if any(same(text, name) for name in page.site_names):
            continue  # the site's logo set in an h1
        if "alternativeheadline" in (h1.get("itemprop") or "").lower():
            continue  # microdata says another element holds the headline
        if any(_is_live_entry(a) for a in h1.iterancestors()):
            continue  # a live ticker's entry, not the page's headline
        if any(
            a.tag in ("header", "nav")
            and a.get("id") != "mvp-post-head"
            and "post" not in (a.get("class") or "")
            and "entry" not in (a.get("class") or "")
            and a.getparent() is not None
            and a.getparent().tag == "body"
            for a in h1.iterancestors()
        ):
            continue  # site header, not an article header
        return text, h1
    return "", None


# One entry of a live ticker: itemprop="liveBlogUpdate", or a class or id like
# "live-entry", "liveblog-update", "live__post", "ticker-item".
_LIVE_ENTRY = re.compile(
    r"(?:live|ticker)[-_]*(?:blog)?[-_]*(?:entry|update|post|item)", re.IGNORECASE
)


def _is_live_entry(element: HtmlElement) -> bool:
    if "liveblogupdate" in (element.get("itemprop") or "").lower():
        return True
    return bool(_LIVE_ENTRY.search(marks(element)))
