"""Atom 1.0 (RFC 4287) with feedgen.

feedgen sets feed and entry ``updated`` to now when unset and prepends entries: both are
always set here (``Feed.updated`` is the newest entry's), entries appended in order.
Atom allows any number of feed links, so rel=hub goes through feedgen unchanged.
"""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from ..model import Feed, FeedFormat
from .body import EPOCH, body_html, clean, summary_text


def render_atom(feed: Feed) -> bytes:
    info = feed.info
    fg = FeedGenerator()
    fg.id(info.self_urls[FeedFormat.ATOM])
    fg.title(clean(info.title))
    if info.description:
        fg.subtitle(clean(info.description))
    fg.link(href=info.home_url, rel="alternate", type="text/html")
    fg.link(href=info.self_urls[FeedFormat.ATOM], rel="self", type=FeedFormat.ATOM.media_type)
    for hub in info.hubs:
        fg.link(href=hub, rel="hub")
    if info.language:
        fg.language(info.language)
    if info.author is not None:
        fg.author({k: v for k, v in (("name", info.author.name), ("email", info.author.email),
                                     ("uri", info.author.uri)) if v})
    fg.generator(info.generator)
    fg.updated(feed.updated or EPOCH)
    for entry in feed.entries:
        a = entry.article
        fe = fg.add_entry(order="append")
        fe.id(entry.guid)
        fe.title(clean(a.title))
        fe.link(href=entry.link, rel="alternate", type="text/html")
        fe.published(entry.published)
        fe.updated(entry.updated)
        fe.summary(summary_text(a))
        fe.content(body_html(a), type="html")
        fe.category([{"term": clean(a.section)}] + [{"term": clean(t)} for t in a.tags])
        for author in a.authors:
            fe.author({"name": clean(author.name)})
        if not a.authors and info.author is None:
            # RFC 4287 4.1.1: an entry needs an author unless the feed has one
            fe.author({"name": clean(info.title)})
    xml: bytes = fg.atom_str(pretty=True)
    return xml
