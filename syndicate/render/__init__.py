"""Renderers: a :class:`~syndicate.model.Feed` (or the site) -> bytes. Pure.

Same feed in, same bytes out: no clock, no randomness; dates come from the entries.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Feed, FeedFormat
from . import atom, jsonfeed, rss

Renderer = Callable[[Feed], bytes]

RENDERERS: dict[FeedFormat, Renderer] = {
    FeedFormat.RSS: rss.render_rss,
    FeedFormat.ATOM: atom.render_atom,
    FeedFormat.JSON: jsonfeed.render_jsonfeed,
}

# Bump when a renderer's output changes, so that the next publish re-renders everything.
RENDER_VERSION = "3"     # 3: relative page links, OPML groups, whole-second Atom dates (issue 11)

__all__ = ["RENDERERS", "RENDER_VERSION", "Renderer"]
