"""Sources: text in, articles and problems out. Pure: no files, network or clock.

Every source is a function ``parse(text, ctx) -> ParseResult``. It never raises for
bad content: what it cannot read becomes a :class:`~syndicate.model.Problem` with the
file and line, and the rest is still returned. Reading bytes from disk, decoding and
size limits happen at the edge (:mod:`syndicate.inputs`).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..model import ParseResult


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceContext:
    """What a source may know besides the text."""

    path: str  # as shown in messages (relative to the config)
    captured_at: datetime  # "now" for relative dates ("2 hours ago"); aware UTC
    tz: ZoneInfo = ZoneInfo("UTC")  # for dates printed without a zone
    # HTML: read them in the zone the page's language names, when it names one
    # (``timezone = "page"``); ``tz`` is the fallback.
    zone_from_page: bool = False
    section: str | None = None  # force this section on every article
    base_url: str | None = None  # the page's own URL, to absolutize links (HTML)
    options: dict[str, Any] = field(default_factory=dict)  # per-input options from the config


Source = Callable[[str, SourceContext], ParseResult]


# name -> (module, function). Modules are imported on first use: the HTML source pulls
# in trafilatura (~0.4 s of imports), which a run over text pages never needs.
_SOURCES: dict[str, tuple[str, str]] = {
    "scraped": ("scraped", "parse"),
    "html": ("html", "parse"),
    "json": ("cms", "parse_json"),
    "jsonl": ("cms", "parse_jsonl"),
    "markdown": ("markdown", "parse"),
}


@functools.cache
def get_source(name: str) -> Source:
    """The parse function of a source by name; KeyError when unknown or not installed."""
    if name not in _SOURCES:
        raise KeyError(name)
    module, attr = _SOURCES[name]
    try:
        mod = importlib.import_module(f"{__name__}.{module}")
    except ImportError as err:
        raise KeyError(name) from err
    source: Source = getattr(mod, attr)
    return source


_SUFFIXES = {
    ".txt": "scraped",
    ".text": "scraped",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".md": "markdown",
    ".markdown": "markdown",
}


def detect_format(path: str, text: str) -> str:
    """Pick a source by file suffix, then by sniffing the first bytes."""
    lower = path.lower()
    for suffix, name in _SUFFIXES.items():
        if lower.endswith(suffix):
            return name
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")) or "<head" in head:
        return "html"
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith(("---", "+++")):
        return "markdown"
    return "scraped"


def parse_text(text: str, ctx: SourceContext, format: str = "auto") -> ParseResult:
    name = detect_format(ctx.path, text) if format == "auto" else format
    return get_source(name)(text, ctx)
