"""Markdown files with front matter: YAML between ``---`` lines or TOML between ``+++``. Pure.

Front matter keys (Jekyll / Hugo / Eleventy spellings): ``title``, ``date``
(or ``published``), ``updated`` (or ``lastmod``, ``modified``), ``section``
(or ``category``, ``categories``), ``slug``, ``url`` (or ``canonical_url``),
``author`` / ``authors``, ``tags``, ``summary`` (or ``description``, ``excerpt``),
``image``, ``enclosures`` (or ``attachments``: see sources/attachments.py). The body is rendered with markdown-it-py in CommonMark mode with raw HTML
allowed, then sanitized like every other body. A file without a title takes its
first ``# heading``. ``url`` defaults to ``base_url`` + slug when ``[inputs.options]
base_url`` is set.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time
from typing import Any

import yaml
from markdown_it import MarkdownIt

from ..dates import parse_date
from ..model import Article, Author, Html, ParseResult, Problem, SourceSpan
from ..sanitize import absolute_url, sanitize_html
from ..text import scrub_surrogates, title_key
from . import SourceContext
from .attachments import read_enclosures
from .metadata import clean_text

__all__ = ["parse"]

_MD = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
_FENCES = {"---": "yaml", "+++": "toml"}


def parse(text: str, ctx: SourceContext) -> ParseResult:
    """One article from a Markdown file; a bad front matter is a Problem."""
    text = text.lstrip("\ufeff")
    problems: list[Problem] = []
    front, body, body_line = _split(text, ctx, problems)
    if front is None:
        return ParseResult(problems=tuple(problems))
    if "draft" in front and front["draft"] is True:
        return ParseResult(
            problems=(
                Problem(path=ctx.path, line=1, severity="warning", message="skipped: draft = true"),
            )
        )
    title = clean_text(_str(front.get("title")))
    if not title:
        title, body = _title_from_heading(body)
    elif title_key(_title_from_heading(body)[0]) == title_key(title):
        body = _title_from_heading(body)[
            1
        ]  # a leading "# Title" repeating the front matter's (issue 11)
    if not title:
        problems.append(
            Problem(path=ctx.path, line=1, message="skipped: no title in front matter or # heading")
        )
        return ParseResult(problems=tuple(problems))
    url = _url(front, ctx)
    html = sanitize_html(_MD.render(body), base_url=url or ctx.base_url) if body.strip() else ""
    published = _date(front, ("date", "published", "pubDate"), ctx, problems)
    updated = _date(front, ("updated", "lastmod", "modified"), ctx, problems)
    section = (
        ctx.section
        or clean_text(_str(_first(front, "section", "category", "categories")))
        or str(ctx.options.get("default_section", "News"))
    )
    authors_raw = _first(front, "authors", "author")
    authors = tuple(Author(name=clean_text(_str(a))) for a in _list(authors_raw) if _str(a).strip())
    tags = tuple(
        dict.fromkeys(clean_text(_str(t)) for t in _list(front.get("tags")) if _str(t).strip())
    )
    summary = clean_text(_str(_first(front, "summary", "description", "excerpt"))) or None
    image_raw = _str(front.get("image"))
    image = absolute_url(image_raw, url or ctx.base_url) if image_raw else None
    enclosures, notes = read_enclosures(front, url or ctx.base_url)
    problems.extend(Problem(path=ctx.path, line=1, severity="warning", message=n) for n in notes)
    try:
        article = Article(
            origin=SourceSpan(path=ctx.path, line=1),
            section=section,
            title=title,
            body=(Html(html=html),) if html else (),
            published=published,
            updated=updated,
            authors=authors,
            url=url,
            summary=summary,
            tags=tags,
            image=image,
            enclosures=enclosures,
        )
    except ValueError as err:
        problems.append(Problem(path=ctx.path, line=body_line, message=f"skipped: {err}"))
        return ParseResult(problems=tuple(problems))
    return ParseResult(articles=(article,), problems=tuple(problems))


def _split(
    text: str, ctx: SourceContext, problems: list[Problem]
) -> tuple[dict[str, Any] | None, str, int]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() not in _FENCES:
        return {}, text, 1
    fence = lines[0].strip()
    for index in range(1, len(lines)):
        if lines[index].strip() == fence:
            raw = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            try:
                if _FENCES[fence] == "yaml":
                    loaded = yaml.safe_load(raw) if raw.strip() else {}
                else:
                    loaded = tomllib.loads(raw)
            except (yaml.YAMLError, tomllib.TOMLDecodeError, RecursionError) as err:
                line = getattr(getattr(err, "problem_mark", None), "line", 0) + 2
                problems.append(
                    Problem(
                        path=ctx.path,
                        line=line,
                        message=f"skipped: front matter is not valid {_FENCES[fence].upper()}: "
                        f"{str(err).splitlines()[0]}",
                    )
                )
                return None, "", 0
            if not isinstance(loaded, dict):
                problems.append(
                    Problem(
                        path=ctx.path,
                        line=2,
                        message="skipped: front matter is not a table of keys",
                    )
                )
                return None, "", 0
            loaded, scrubbed = scrub_surrogates(loaded)
            if scrubbed:
                problems.append(
                    Problem(
                        path=ctx.path,
                        line=2,
                        severity="warning",
                        message=f"{scrubbed} lone UTF-16 surrogate escape{'s' if scrubbed > 1 else ''}"
                        " in the front matter replaced by U+FFFD",
                    )
                )
            return loaded, body, index + 2
    problems.append(
        Problem(
            path=ctx.path, line=1, message=f"skipped: front matter opened with {fence} never closes"
        )
    )
    return None, "", 0


def _title_from_heading(body: str) -> tuple[str, str]:
    lines = body.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip():
            if line.startswith("# "):
                return clean_text(line[2:].strip().strip("#").strip()), "".join(lines[index + 1 :])
            break
    return "", body


def _url(front: dict[str, Any], ctx: SourceContext) -> str | None:
    explicit = _str(_first(front, "canonical_url", "url", "permalink"))
    base = ctx.options.get("base_url") or ctx.base_url
    if explicit:
        return absolute_url(explicit, base if isinstance(base, str) else None)
    slug = _str(front.get("slug")).strip("/")
    if slug and isinstance(base, str) and base:
        return absolute_url(slug + "/", base.rstrip("/") + "/")
    return None


def _date(
    front: dict[str, Any], keys: tuple[str, ...], ctx: SourceContext, problems: list[Problem]
) -> datetime | None:
    raw = _first(front, *keys)
    if raw is None or raw == "":
        return None
    # YAML and TOML hand over real dates and datetimes; a naive one is in the site zone.
    if isinstance(raw, datetime):
        moment = raw if raw.tzinfo else raw.replace(tzinfo=ctx.tz)
        return moment.astimezone(UTC)
    if isinstance(raw, date):
        return datetime.combine(raw, time(), tzinfo=ctx.tz).astimezone(UTC)
    found = parse_date(_str(raw), tz=ctx.tz, now=ctx.captured_at)
    if found is None:
        problems.append(
            Problem(
                path=ctx.path,
                line=1,
                severity="warning",
                message=f"{keys[0]} {_str(raw)[:40]!r} is not a date I can read",
            )
        )
    return found


def _first(front: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if front.get(key) not in (None, "", []):
            return front[key]
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in (p.strip() for p in value.split(",")) if v] if "," in value else [value]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _str(value: Any) -> str:
    if isinstance(value, list):
        return _str(value[0]) if value else ""
    if isinstance(value, dict):
        return _str(value.get("name") or value.get("title") or "")
    if value is None or isinstance(value, bool):
        return ""
    return str(value)
