"""The scraped text-page format: a news page saved as text. Pure.

A page is a run of non-blank lines ("elements"). An article starts where four
elements read ``<section label>``, ``<title>``, ``Published``, ``on`` (themes also
print ``Published on`` or ``Published on <date>`` on one line), optionally followed by
a date line and a ``By <name>`` line. Its body runs to ``Continue Reading``, a chrome
marker (``Most Viewed`` ...), or the next article's header. In the body:

- a line starting with a bullet ("•", "▪", "●", "◦", "·") is a list item; neighbouring
  items form one list;
- a short line (at most 15 words and 120 characters) that does not end in sentence
  punctuation and is followed by more body is a subheading;
- every other line is a paragraph.

Everything else (text before the first article, after a chrome marker) is chrome.
:func:`classify` gives every line a role, so that a test can check that each line is
accounted for; :func:`parse` assembles the articles.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ..dates import parse_date as _parse_date
from ..model import (
    Article,
    Author,
    Block,
    BulletList,
    Heading,
    Paragraph,
    ParseResult,
    Problem,
    SourceSpan,
)
from ..text import xml_safe
from . import SourceContext

BULLETS = ("\u2022", "\u25aa", "\u25cf", "\u25e6", "\u00b7")
CONTINUE = frozenset({"continue reading", "read more", "continue reading \u2192"})
# Lines after which the rest of a page (up to the next article header) is theme chrome.
CHROME_END = frozenset(
    {
        "most viewed",
        "you may like",
        "you may also like",
        "related topics:",
        "up next",
        "don't miss",
        "don\u2019t miss",
        "click to comment",
        "trending",
        "latest news",
        "related posts",
        "related articles",
        "more stories",
    }
)
CHROME_TOP = frozenset(
    {"connect with us", "advertisement", "share", "share this", "tweet", "follow us"}
)
_MARKER_MAX = max(len(m) for m in (*CONTINUE, *CHROME_END))
_PUBLISHED = re.compile(r"^published(?:\s+on)?(?:\s*[:\-]?\s*(?P<date>.+))?$", re.IGNORECASE)
_BYLINE = re.compile(r"^by\s+(?P<name>[^\s].{0,80})$", re.IGNORECASE)
_DATEISH = re.compile(r"\d|\b(ago|yesterday|today|just now)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_SENTENCE_END = tuple(".!?:;\"')]\u201d\u2019\u00bb\u2026")  # a body that ends otherwise was cut
_HEADING_END = tuple(".,;:!\"\u201d\u2019')\u2026")  # a "?" may end a subheading


_EPOCH = datetime(
    1970, 1, 1, tzinfo=UTC
)  # classify() needs a clock; relative dates do not matter there


@functools.lru_cache(maxsize=4096)  # a page repeats its dates; relative ones key on `now` too
def parse_date(text: str, *, tz: ZoneInfo, now: datetime) -> datetime | None:
    return _parse_date(text, tz=tz, now=now)


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based
    text: str  # stripped


def _elements(text: str) -> list[Line]:
    text = text.removeprefix("\ufeff")
    # Lines end at \n, \r\n or \r only: str.splitlines() would also split at \v, \f,
    # \x1c-\x1e, \x85, \u2028 and \u2029, so a stray control character inside a title
    # would cut it in two. Then the whole text is cleaned in one pass.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = (
        xml_safe(text)
        .replace("\u00a0", " ")
        .replace("\u2028", " ")
        .replace("\u2029", " ")
        .split("\n")
    )
    return [Line(i, c.strip()) for i, c in enumerate(cleaned, start=1) if c and not c.isspace()]


def _header_at(els: list[Line], i: int) -> tuple[int, str | None] | None:
    """If an article header starts at els[i], return (index after 'on', inline date)."""
    if i + 2 >= len(els):
        return None
    m = _PUBLISHED.match(els[i + 2].text)
    if not m:
        return None
    label, title = els[i].text, els[i + 1].text
    if (
        _is_marker(label)
        or _is_marker(title)
        or label.startswith(BULLETS)
        or title.startswith(BULLETS)
    ):
        return None
    inline = m.group("date")
    if inline and inline.strip().lower() == "on":
        inline = None
    if inline is None and i + 3 < len(els) and els[i + 3].text.lower() == "on":
        return i + 4, None
    if els[i + 2].text.lower() in ("published on",) or inline:
        return i + 3, inline
    return None


def _is_marker(text: str) -> bool:
    low = text.lower()
    return (
        low in CONTINUE
        or low in CHROME_END
        or low in CHROME_TOP
        or low == "published"
        or low == "on"
    )


def _is_heading(text: str) -> bool:
    return (
        len(text) <= 120
        and len(text.split()) <= 15
        and not text.endswith(_HEADING_END)
        and not text.startswith(BULLETS)
        and (text[0].isupper() or text[0].isdigit())
    )


@dataclass(frozen=True, slots=True)
class _Header:
    start: int  # index of the label element
    body: int  # index of the first element after the header lines


def _find_headers(els: list[Line]) -> list[_Header]:
    # A header's third line starts with "Published": look only there (a regex per line
    # was a third of the parse time on a 10k-article corpus).
    headers: list[_Header] = []
    after = 0  # headers never overlap
    for j, e in enumerate(els):
        if j < 2 or j - 2 < after or e.text[:9].lower() != "published":
            continue
        found = _header_at(els, j - 2)
        if found is not None:
            headers.append(_Header(j - 2, found[0]))
            after = found[0]
    return headers


def classify(text: str) -> dict[int, str]:
    """Role of every non-blank line: label, title, meta, date, byline, body, chrome."""
    roles: dict[int, str] = {}
    for piece in _split(text, SourceContext(path="-", captured_at=_EPOCH)):
        roles.update(piece.roles)
    return roles


@dataclass(slots=True)
class _Piece:
    roles: dict[int, str]
    article: Article | None
    problems: list[Problem]


def _split(text: str, ctx: SourceContext) -> list[_Piece]:
    els = _elements(text)
    headers = _find_headers(els)
    pieces: list[_Piece] = []
    first = headers[0].start if headers else len(els)
    pieces.append(_Piece({e.number: "chrome" for e in els[:first]}, None, []))
    if not headers:
        problems = []
        if els:
            problems.append(
                Problem(
                    path=ctx.path,
                    line=els[0].number,
                    message="no article found (expected a section label, a title, then"
                    " 'Published' and 'on' lines)",
                )
            )
        pieces[0].problems.extend(problems)
        return pieces
    for n, header in enumerate(headers):
        end = headers[n + 1].start if n + 1 < len(headers) else len(els)
        pieces.append(_article(els, header, end, ctx))
    return pieces


def _article(els: list[Line], header: _Header, end: int, ctx: SourceContext) -> _Piece:
    label, title = els[header.start], els[header.start + 1]
    roles = {label.number: "label", title.number: "title"}
    for e in els[header.start + 2 : header.body]:
        roles[e.number] = "meta"
    problems: list[Problem] = []
    published = None
    inline = _PUBLISHED.match(els[header.start + 2].text)
    inline_date = inline.group("date") if inline else None
    if inline_date and inline_date.lower() != "on":
        published = parse_date(inline_date, tz=ctx.tz, now=ctx.captured_at)
        if published is None:
            problems.append(
                Problem(
                    path=ctx.path,
                    line=els[header.start + 2].number,
                    severity="warning",
                    message=f"unreadable date {inline_date!r}; using the first-seen time",
                )
            )
    i = header.body
    # the date line (optional): short, date-like
    if (
        published is None
        and not inline_date
        and i < end
        and len(els[i].text) <= 60
        and _DATEISH.search(els[i].text)
    ):
        candidate = parse_date(els[i].text, tz=ctx.tz, now=ctx.captured_at)
        if candidate is not None:
            published = candidate
            roles[els[i].number] = "date"
            i += 1
        elif len(els[i].text.split()) <= 6:
            problems.append(
                Problem(
                    path=ctx.path,
                    line=els[i].number,
                    severity="warning",
                    message=f"unreadable date {els[i].text!r}; using the first-seen time",
                )
            )
            roles[els[i].number] = "date"
            i += 1
    if published is not None and i < end and _second_date(els[i].text, ctx):
        problems.append(
            Problem(
                path=ctx.path,
                line=els[i].number,
                severity="warning",
                message=f"a second date line {els[i].text!r}; using the first",
            )
        )
        roles[els[i].number] = "date"
        i += 1
    authors: tuple[Author, ...] = ()
    if i < end:
        m = _BYLINE.match(els[i].text)
        if m and len(els[i].text.split()) <= 8 and not els[i].text.endswith("."):
            names = re.split(r"\s*(?:,|\band\b|&)\s*", m.group("name"))
            authors = tuple(Author(name=n.strip()) for n in names if n.strip())
            roles[els[i].number] = "byline"
            i += 1
    # body: to "Continue Reading" or a chrome marker; the rest up to the next header is chrome
    body_end = end
    for j in range(i, end):
        text = els[j].text
        if len(text) <= _MARKER_MAX and (text.lower() in CONTINUE or text.lower() in CHROME_END):
            body_end = j
            break
    for e in els[body_end:end]:
        roles[e.number] = "chrome"
    body_lines = els[i:body_end]
    for e in body_lines:
        roles[e.number] = "body"
    blocks = _blocks(body_lines)
    if not blocks:
        problems.append(
            Problem(
                path=ctx.path,
                line=title.number,
                message=f"article {title.text!r} has no body (truncated page?); skipped",
            )
        )
        return _Piece(roles, None, problems)
    if (
        body_end == end == len(els)
        and not body_lines[-1].text.endswith(_SENTENCE_END)
        and not body_lines[-1].text.startswith(BULLETS)
    ):
        last = body_lines[-1]
        problems.append(
            Problem(
                path=ctx.path,
                line=last.number,
                severity="warning",
                message=f"article {title.text!r} stops mid-sentence at the end of the file"
                " (truncated capture?); published as it is",
            )
        )
    try:
        article = Article(
            origin=SourceSpan(path=ctx.path, line=label.number),
            section=ctx.section or label.text,
            title=title.text,
            body=tuple(blocks),
            published=published,
            authors=authors,
        )
    except ValueError as err:
        problems.append(
            Problem(path=ctx.path, line=label.number, message=f"cannot read article: {err}")
        )
        return _Piece(roles, None, problems)
    return _Piece(roles, article, problems)


def _second_date(text: str, ctx: SourceContext) -> bool:
    """A line right after the date that is a date too (short, with a digit, not a sentence)."""
    if len(text) > 60 or _DIGIT.search(text) is None or text.endswith(("!", "?")):
        return False
    words = text.split()
    if len(words) > 6:
        return False
    if text.endswith(".") and len(words) >= 4:
        return False
    return parse_date(text, tz=ctx.tz, now=ctx.captured_at) is not None


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    bullets: list[str] = []
    for n, line in enumerate(lines):
        text = line.text
        if text.startswith(BULLETS):
            bullets.append(text[1:].strip())
            continue
        if bullets:
            blocks.append(BulletList(items=tuple(bullets)))
            bullets = []
        is_last = n == len(lines) - 1
        blocks.append(
            Heading(text=text) if not is_last and _is_heading(text) else Paragraph(text=text)
        )
    if bullets:
        blocks.append(BulletList(items=tuple(bullets)))
    return blocks


def parse(text: str, ctx: SourceContext) -> ParseResult:
    """Articles of a scraped text page, in page order, and the problems met."""
    articles: list[Article] = []
    problems: list[Problem] = []
    for piece in _split(text, ctx):
        problems.extend(piece.problems)
        if piece.article is not None:
            articles.append(piece.article)
    return ParseResult(articles=tuple(articles), problems=tuple(problems))
