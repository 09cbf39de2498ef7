"""Site names: the separators of a ``<title>``, word counts, and the site (or section)
name taken off a declared title, known (og:site_name, the logo, a brand h1, the host)
or not (a short last segment)."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from .. import SourceContext
from ..metadata import PageMeta, clean_text
from .dom import host_matches, same, text_of
from .heading import heading_text
from .page import Page

__all__ = ["SEPARATORS", "find_site_names", "strip_site", "strip_unknown_site", "word_count"]

# " | ", " - ", " – ", " :: " ...; also "Title|Site" and "Title –Site", which CMS
# templates print without one of the spaces (a pipe or a dash against a word never
# joins the words of one headline).
# Chinese and Japanese titles use full-width bars and colons, underscores, and a bare
# ":" against the script ("…「Treeviz」:phpspot開発日誌", "…_科技_腾讯网").
SEPARATORS = re.compile(
    r"\s*(?:\||::|｜|：|_)\s*|\s+(?:-|–|—|:|·|»|•|/)\s+|\s+[–—](?=\w)|(?<=\w)[–—]\s+"
    r"|(?<=[^\x00-\x7f]):\s*|\s*:(?=[^\x00-\x7f\s])"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LOGO_XPATH = etree.XPath(
    "//h1[a[@href='/']] | //*[contains(@class, 'logo') or contains(@id, 'logo') or "
    "contains(@id, 'site-title') or contains(@class, 'site-title') or contains(@class, 'site-name')]"
)


def word_count(text: str) -> int:
    """Words, with a Chinese, Japanese or Korean run counted at two characters a word."""
    return len(re.findall(r"\w+", _CJK.sub(" ", text))) + len(_CJK.findall(text)) // 2


def strip_unknown_site(title: str) -> str:
    """'Headline words here - My website' when no site name is known: the last segment
    goes if it is short and the headline before it has four words or more."""
    matches = list(SEPARATORS.finditer(title))
    if not matches:
        return title
    head, tail = title[: matches[-1].start()], title[matches[-1].end() :]
    if word_count(tail) <= 4 and word_count(head) >= 4:
        return head.strip()
    return title


def strip_site(page: Page, title: str) -> str:
    """'Headline | Site' or 'Site - Headline' without the site (or section) name."""
    title = clean_text(title)
    names = list(page.site_names) + page.meta.sections[:1]
    stripped = False
    for _ in range(2):
        parts = SEPARATORS.split(title)
        if len(parts) < 2:
            break
        if any(same(parts[-1], n) for n in names) or host_matches(parts[-1], page.base_url):
            title = parts[0] if len(parts) == 2 else _rsplit_sep(title)
        elif any(same(parts[0], n) for n in names) or host_matches(parts[0], page.base_url):
            title = _lsplit_sep(title)
        elif (
            stripped
            and word_count(parts[-1]) <= 2
            and word_count(title) - word_count(parts[-1]) >= 4
        ):
            title = _rsplit_sep(title)  # "Headline_Section" once "_Site" has gone
        else:
            break
        stripped = True
    return title.strip()


def find_site_names(root: HtmlElement, meta: PageMeta, ctx: SourceContext) -> tuple[str, ...]:
    names = list(dict.fromkeys(meta.site_names))
    extra = ctx.options.get("site_name")
    if isinstance(extra, str) and extra:
        names.append(extra)
    # Undeclared: a <title> segment that the page's logo or site-title repeats (when no
    # site name is declared: beside a declared one, the logo names a product or section
    # the declared title keeps, "Firefox" beside "Mozilla"), or an h1 repeats when a
    # longer segment beside it is the headline ("高木浩光＠自宅の日記" in
    # "高木浩光＠自宅の日記 - 改正NICT法が…").
    if meta.page_title:
        segments = SEPARATORS.split(meta.page_title)
        if len(segments) > 1:
            logos = [] if names else [text_of(e) for e in _LOGO_XPATH(root)[:20]]
            longest = max(word_count(s) for s in segments)
            h1s = [heading_text(h) for h in list(root.iter("h1"))[:5]]
            for segment, other in ((segments[0], segments[-1]), (segments[-1], segments[0])):
                # (of two end segments that are both h1s, the one after is the site's)
                shorter = word_count(segment) < longest or (
                    segment is segments[-1] and any(same(other, h) for h in h1s)
                )
                brand = shorter and any(same(segment, h) for h in h1s)
                if (brand or any(same(segment, logo) for logo in logos)) and segment not in names:
                    names.append(segment)
    return tuple(names)


def _rsplit_sep(title: str) -> str:
    matches = list(SEPARATORS.finditer(title))
    return title[: matches[-1].start()] if matches else title


def _lsplit_sep(title: str) -> str:
    match = SEPARATORS.search(title)
    return title[match.end() :] if match else title
