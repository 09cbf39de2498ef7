"""RFC 5005 archived feeds: pages of a feed's whole history, and their links. Pure.

Paging (docs/feeds.md, "Full history"):

- A feed's items in ledger order (``seq``: the order syndicate first saw them) are cut
  into fixed slots of ``size``: page 1 holds slots 1..size, page 2 the next, and so on.
  Only a *full* page is published. A withdrawn item keeps its slot (and is left out of
  its page), so withdrawing or editing an item changes its own page and no other.
- Archive page *n* is ``<feed>/archive/<n>/<feed file>`` (``world/archive/3/atom.xml``):
  ``fh:archive``, ``rel=current`` to the subscription document, ``prev-archive`` to
  page n-1 (from page 2 on), ``next-archive`` to page n+1 once that page exists and,
  on the newest page, to the subscription document, where the entries after it are (so
  the newest page changes exactly once more, when the next one fills, and a lone first
  page still links somewhere: the W3C validator warns of an archive page with neither).
- The subscription document (the usual feed, newest items by date) gets a
  ``prev-archive`` link to the newest page; JSON Feed has no archive links and uses
  ``next_url`` (its pagination: "the next n items") on the subscription document and
  on every page but the first.

Items of the page still being filled are in the subscription document (they are the
newest), so a reader that walks ``prev-archive`` from it sees every item; an item in
the subscription document can also be in the newest full page, and RFC 5005 section
4.2 has readers keep one copy per id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from lxml import etree

from ..model import Author, Feed, FeedFormat, FeedInfo, History

FH_NS = "http://purl.org/syndication/history/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
ARCHIVE_DIR = "archive"

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot:
    """One ledger position of a feed: its key, and whether it is still live."""

    key: str
    live: bool


def full_pages(slots: Sequence[T], size: int) -> list[Sequence[T]]:
    """The full pages of ``slots`` (in ledger order); a last, partial page is not one."""
    if size < 1:
        raise ValueError("an archive page holds at least one item")
    return [slots[i : i + size] for i in range(0, len(slots) - size + 1, size)]


def page_path(feed_key: str, number: int, fmt: FeedFormat) -> str:
    prefix = f"{feed_key}/" if feed_key else ""
    return f"{prefix}{ARCHIVE_DIR}/{number}/{fmt.filename}"


def is_archive_path(rel: str) -> bool:
    """Whether an output path is an archive page (for Cache-Control in serve)."""
    parts = rel.strip("/").split("/")
    return len(parts) >= 3 and parts[-3] == ARCHIVE_DIR and parts[-2].isdigit()


def _urls(
    base_url: str, feed_key: str, number: int, formats: Iterable[FeedFormat]
) -> dict[FeedFormat, str]:
    return {f: base_url + page_path(feed_key, number, f) for f in formats}


def subscription_history(info: FeedInfo, pages: int, base_url: str) -> History | None:
    if pages == 0:
        return None
    return History(prev_archive=_urls(base_url, info.key, pages, info.self_urls))


def page_info(info: FeedInfo, number: int, base_url: str) -> FeedInfo:
    """An archive page's feed info: its own self URLs and title, no hubs (a page that
    never changes has nothing to push), and the feed's author (by default its title)."""
    return replace(
        info,
        title=f"{info.title} (archive {number})",
        author=info.author or Author(name=info.title),
        self_urls=_urls(base_url, info.key, number, info.self_urls),
        hubs=(),
    )


def page_history(info: FeedInfo, number: int, pages: int, base_url: str) -> History:
    fmts = info.self_urls
    return History(
        archive=True,
        current=dict(info.self_urls),
        prev_archive=_urls(base_url, info.key, number - 1, fmts) if number > 1 else {},
        next_archive=(
            _urls(base_url, info.key, number + 1, fmts) if number < pages else dict(fmts)
        ),
    )


def history_elements(
    parent: etree._Element,
    history: History,
    fmt: FeedFormat,
    *,
    atom_prefixed: bool,
    before: etree._Element | None = None,
) -> None:
    """fh:archive and the current / prev-archive / next-archive links, as Atom links
    (``atom:link`` in RSS: RFC 5005 section 4 allows that for RSS 2.0)."""
    nodes: list[etree._Element] = []
    if history.archive:
        nodes.append(etree.Element(f"{{{FH_NS}}}archive"))
    mime = fmt.media_type
    for rel, urls in (
        ("current", history.current),
        ("prev-archive", history.prev_archive),
        ("next-archive", history.next_archive),
    ):
        if fmt in urls:
            nodes.append(etree.Element(f"{{{ATOM_NS}}}link", rel=rel, type=mime, href=urls[fmt]))
    index = list(parent).index(before) if before is not None else len(parent)
    for n, node in enumerate(nodes):
        parent.insert(index + n, node)
    nsmap = {"fh": FH_NS} if history.archive else {}
    if atom_prefixed:
        nsmap["atom"] = ATOM_NS
    etree.cleanup_namespaces(parent.getroottree().getroot(), top_nsmap=nsmap)


def with_history(feed: Feed, history: History | None) -> Feed:
    return feed if history is None else replace(feed, history=history)
