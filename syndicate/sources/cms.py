"""JSON and JSON Lines exports: one object per article. Pure.

A JSON input is an array of objects, or an object holding one under a common key
(``items``, ``posts``, ``articles``, ``data``, ``entries``, ``results``). Field names
default to what common CMS exports use (WordPress REST, Ghost, Contentful-style flat
exports) and can be mapped per input with ``[inputs.options] fields``::

    [inputs.options.fields]
    title = "headline"          # dotted paths reach into nested objects: "title.rendered"
    published = "meta.first_published"

Unmapped fields keep their defaults. A bad object is a Problem (with its line), the
others are still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import nh3

from ..dates import parse_date
from ..model import Article, Author, Html, ParseResult, Problem, SourceSpan
from ..sanitize import absolute_url, sanitize_html
from ..text import scrub_surrogates
from . import SourceContext
from .attachments import read_enclosures
from .metadata import clean_text

__all__ = ["DEFAULT_FIELDS", "parse_json", "parse_jsonl"]

# Candidates per field, first present wins.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title.rendered", "title", "headline", "name"),
    "url": ("canonical_url", "url", "link", "permalink", "href"),
    "published": (
        "published_at",
        "date_gmt",
        "published",
        "date",
        "pubDate",
        "created_at",
        "datePublished",
    ),
    "updated": ("updated_at", "modified_gmt", "modified", "updated", "dateModified"),
    "section": ("section", "category", "primary_tag.name", "categories", "tags.0.name"),
    "authors": ("authors", "author", "byline", "creator"),
    "body": ("content.rendered", "html", "content", "body_html", "body", "text"),
    "summary": ("excerpt.rendered", "custom_excerpt", "excerpt", "summary", "description"),
    "tags": ("tags", "keywords"),
    "image": ("feature_image", "image", "featured_image", "thumbnail"),
}
_CONTAINER_KEYS = ("items", "posts", "articles", "data", "entries", "results")
_MAX_DEPTH = 64


def parse_json(text: str, ctx: SourceContext) -> ParseResult:
    """Articles from a JSON array (or an object wrapping one)."""
    problems: list[Problem] = []
    try:
        data = json.loads(text)
    except RecursionError:
        return _fail(ctx, 0, "JSON nested too deeply")
    except ValueError as err:
        line = getattr(err, "lineno", 0)
        return _fail(ctx, line, f"not valid JSON: {getattr(err, 'msg', err)}")
    if isinstance(data, dict):
        for key in _CONTAINER_KEYS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        return _fail(ctx, 1, "expected an array of article objects")
    data, scrubbed = scrub_surrogates(data)
    if scrubbed:
        problems.append(_surrogate_problem(ctx, text, scrubbed))
    lines = _array_lines(text) or _object_lines(text, len(data))
    articles = []
    for index, item in enumerate(data):
        line = lines[index] if index < len(lines) else 0
        article = _article(item, ctx, line, problems)
        if article is not None:
            articles.append(article)
    return ParseResult(articles=tuple(articles), problems=tuple(problems))


def parse_jsonl(text: str, ctx: SourceContext) -> ParseResult:
    """Articles from JSON Lines: one object per line; blank lines are skipped."""
    problems: list[Problem] = []
    articles = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except RecursionError:
            problems.append(Problem(path=ctx.path, line=number, message="JSON nested too deeply"))
            continue
        except ValueError as err:
            problems.append(
                Problem(
                    path=ctx.path,
                    line=number,
                    message=f"line skipped: not valid JSON: {getattr(err, 'msg', err)}",
                )
            )
            continue
        item, scrubbed = scrub_surrogates(item)
        if scrubbed:
            problems.append(_surrogate_problem(ctx, raw, scrubbed, line=number))
        article = _article(item, ctx, number, problems)
        if article is not None:
            articles.append(article)
    return ParseResult(articles=tuple(articles), problems=tuple(problems))


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _surrogate_problem(ctx: SourceContext, text: str, count: int, *, line: int = 0) -> Problem:
    m = _SURROGATE_ESCAPE.search(text)
    if not line:
        line = text.count("\n", 0, m.start()) + 1 if m else 0
    return Problem(
        path=ctx.path,
        line=line,
        severity="warning",
        message=f"{count} lone UTF-16 surrogate escape{'s' if count > 1 else ''}"
        f" ({m.group() if m else 'escaped'}) replaced by U+FFFD",
    )


def _array_lines(text: str) -> list[int]:
    """The line where each element of a top-level array starts; [] when not one."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    i = len(text) - len(text.lstrip())
    if not text.startswith("[", i):
        return []
    i += 1
    line, counted = 1, 0
    try:
        while True:
            while text[i : i + 1].isspace():
                i += 1
            if text.startswith("]", i):
                return lines
            line += text.count("\n", counted, i)
            counted = i
            lines.append(line)
            _value, i = decoder.raw_decode(text, i)
            while text[i : i + 1].isspace():
                i += 1
            if text.startswith(",", i):
                i += 1
            elif text.startswith("]", i):
                return lines
            else:
                return []
    except (ValueError, RecursionError):
        return []


def _fail(ctx: SourceContext, line: int, message: str) -> ParseResult:
    return ParseResult(problems=(Problem(path=ctx.path, line=line, message=message),))


def _object_lines(text: str, count: int) -> list[int]:
    """The line where each article object starts (for messages)."""
    target = 2 if text.lstrip().startswith("[") else 3
    lines: list[int] = []
    depth = 0
    line = 1
    in_string = escaped = False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth == target and char == "{":
                lines.append(line)
                if len(lines) >= count:
                    break
        elif char in "]}":
            depth -= 1
    return lines


def _lookup(item: dict[str, Any], path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


def _field(item: dict[str, Any], name: str, ctx: SourceContext) -> Any:
    mapping = ctx.options.get("fields", {})
    mapped = mapping.get(name) if isinstance(mapping, dict) else None
    paths: tuple[str, ...] = (mapped,) if isinstance(mapped, str) else DEFAULT_FIELDS[name]
    for path in paths:
        value = _lookup(item, path)
        if value not in (None, "", [], {}):
            return value
    return None


def _string(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("rendered") or value.get("name") or value.get("title") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
        return _string(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def _names(value: Any) -> Iterator[str]:
    for entry in value if isinstance(value, list) else [value]:
        name = _string(entry)
        if name.strip():
            yield clean_text(name)


def _article(item: Any, ctx: SourceContext, line: int, problems: list[Problem]) -> Article | None:
    if not isinstance(item, dict):
        problems.append(Problem(path=ctx.path, line=line, message="entry skipped: not an object"))
        return None
    title = clean_text(_string(_field(item, "title", ctx)))
    if not title:
        problems.append(Problem(path=ctx.path, line=line, message="entry skipped: no title"))
        return None
    url = absolute_url(_string(_field(item, "url", ctx)), ctx.base_url)
    published = _date(item, "published", ctx, line, problems, title)
    updated = _date(item, "updated", ctx, line, problems, title)
    section = (
        ctx.section
        or clean_text(_string(_field(item, "section", ctx)))
        or str(ctx.options.get("default_section", "News"))
    )
    body_raw = _string(_field(item, "body", ctx))
    body_html = sanitize_html(body_raw, base_url=url or ctx.base_url) if body_raw else ""
    summary_raw = _string(_field(item, "summary", ctx))
    summary = clean_text(_strip_tags(summary_raw)) if summary_raw else None
    tags = tuple(dict.fromkeys(_names(_field(item, "tags", ctx) or [])))
    image_raw = _field(item, "image", ctx)
    image = absolute_url(
        _string(image_raw.get("url") if isinstance(image_raw, dict) else image_raw),
        url or ctx.base_url,
    )
    enclosures, notes = read_enclosures(item, url or ctx.base_url)
    problems.extend(Problem(path=ctx.path, line=line, severity="warning", message=n) for n in notes)
    try:
        return Article(
            origin=SourceSpan(path=ctx.path, line=line),
            section=section,
            title=title,
            body=(Html(html=body_html),) if body_html else (),
            published=published,
            updated=updated,
            authors=tuple(
                Author(name=n) for n in dict.fromkeys(_names(_field(item, "authors", ctx) or []))
            ),
            url=url,
            summary=summary or None,
            tags=tags,
            image=image,
            enclosures=enclosures,
        )
    except ValueError as err:
        problems.append(Problem(path=ctx.path, line=line, message=f"entry skipped: {err}"))
        return None


def _date(
    item: dict[str, Any],
    name: str,
    ctx: SourceContext,
    line: int,
    problems: list[Problem],
    title: str,
) -> datetime | None:
    raw = _field(item, name, ctx)
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:  # Unix seconds, or milliseconds as JavaScript exports print them
            return datetime.fromtimestamp(raw / 1000 if raw > 1e11 else raw, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raw = str(raw)
    found = parse_date(_string(raw), tz=ctx.tz, now=ctx.captured_at)
    if found is None:
        problems.append(
            Problem(
                path=ctx.path,
                line=line,
                severity="warning",
                message=f"{name} date {_string(raw)[:40]!r} of {title!r} not understood",
            )
        )
    return found


def _strip_tags(fragment: str) -> str:
    if "<" not in fragment:
        return fragment
    return nh3.clean(fragment, tags=set())
