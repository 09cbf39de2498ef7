"""Checks on parsed articles, the same for every kind of input. Pure (``now`` comes in).

- A title over :data:`TITLE_CAP` characters (300) and an explicit summary over
  :data:`SUMMARY_CAP` (1,000) are cut at a word boundary with an ellipsis and a
  warning. The item's identity does not move with the cap (see
  :func:`syndicate.identity.title_base`).
- A published or updated date more than a day after ``now`` is dropped with a
  warning: the item takes its first-seen date instead of pinning itself to the top.
- Control characters and lone surrogates in a title or summary (JSON escapes such as
  ``\\u0000``; raw bytes were stripped when decoding) are removed with a warning.
- An article URL is cleaned (tracking parameters, fragment, default port, host case:
  :func:`syndicate.identity.clean_url`); that is the link published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from ..identity import TITLE_CAP, cap_text, clean_url
from ..model import Article, Problem

SUMMARY_CAP = 1000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # from JSON escapes
FUTURE_SLACK = timedelta(days=1)


def _fine(a: Article, limit: datetime) -> bool:
    """The common case, cheaply: nothing to cap, clean, strip or doubt."""
    return (
        len(a.title) <= TITLE_CAP
        and a.title.isprintable()
        and not a.url
        and (a.summary is None or (len(a.summary) <= SUMMARY_CAP and a.summary.isprintable()))
        and (a.published is None or a.published <= limit)
        and (a.updated is None or a.updated <= limit)
    )


def check_article(a: Article, *, now: datetime) -> tuple[Article, list[Problem]]:
    if _fine(a, now + FUTURE_SLACK):
        return a, []
    problems: list[Problem] = []
    changes: dict[str, object] = {}
    where = a.origin

    def warn(message: str) -> None:
        problems.append(
            Problem(path=where.path, line=where.line, severity="warning", message=message)
        )

    for name in ("title", "summary"):
        value = changes.get(name, getattr(a, name))
        if isinstance(value, str) and _CONTROL.search(value):
            changes[name] = _CONTROL.sub("", value)
            warn(f"control characters removed from the {name}")
    title = str(changes.get("title", a.title))
    if not title.strip():
        return a, problems  # nothing but controls: leave it to the renderer's XML filter
    if len(title) > TITLE_CAP:
        changes["title"] = cap_text(title, TITLE_CAP)
        warn(f"title of {len(title):,} characters cut to {TITLE_CAP} at a word boundary")
    summary = changes.get("summary", a.summary)
    if isinstance(summary, str) and len(summary) > SUMMARY_CAP:
        changes["summary"] = cap_text(summary, SUMMARY_CAP)
        warn(f"summary of {len(summary):,} characters cut to {SUMMARY_CAP} at a word boundary")
    limit = now + FUTURE_SLACK
    for name in ("published", "updated"):
        when: datetime | None = getattr(a, name)
        if when is not None and when > limit:
            changes[name] = None
            warn(
                f"{name} date {when.isoformat()} is more than a day in the future;"
                + (" using the first-seen date" if name == "published" else " ignored")
            )
    if a.url:
        cleaned = clean_url(a.url)
        if cleaned != a.url:
            changes["url"] = cleaned
    return (replace(a, **changes) if changes else a), problems  # type: ignore[arg-type]


def check_articles(
    articles: Sequence[Article], *, now: datetime
) -> tuple[tuple[Article, ...], list[Problem]]:
    out: list[Article] = []
    problems: list[Problem] = []
    for a in articles:
        checked, more = check_article(a, now=now)
        out.append(checked)
        problems.extend(more)
    return tuple(out), problems
