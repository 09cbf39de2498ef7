"""The data model: what sources produce and what renderers consume. No I/O.

All types are frozen, slotted, keyword-only dataclasses holding tuples and aware
UTC datetimes, so that the same input always gives equal (and hashable) values.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime


def _require_utc(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() != UTC.utcoffset(None)):
        raise ValueError(f"{name} must be an aware UTC datetime, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpan:
    """Where something came from: a file (as the user named it) and a 1-based line."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# --- body blocks -------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Html:
    """A fragment of already *sanitized* HTML (from HTML, JSON or Markdown sources)."""

    html: str


Block = Paragraph | Heading | BulletList | Html


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    name: str
    email: str | None = None
    uri: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Enclosure:
    """A file attached to an article (audio, video, a PDF): RSS ``enclosure``, Atom
    ``link rel="enclosure"``, JSON Feed ``attachments``. ``length`` is in bytes, 0 when
    the source did not say (RSS asks for a length; 0 is the spelling for "unknown")."""

    url: str
    type: str
    length: int = 0
    title: str | None = None
    duration: int | None = None  # seconds, for audio and video (podcast episodes)

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"an enclosure needs an absolute http(s) URL, got {self.url!r}")
        if "/" not in self.type:
            raise ValueError(
                f"an enclosure needs a media type like 'audio/mpeg', got {self.type!r}"
            )
        if self.length < 0:
            raise ValueError(f"an enclosure length is a byte count, got {self.length}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One article as a source read it, before syndicate gave it an identity."""

    origin: SourceSpan
    section: str
    title: str
    body: tuple[Block, ...] = ()
    published: datetime | None = None  # None when the page gave no date
    updated: datetime | None = None  # the page's own "modified" date, if any
    authors: tuple[Author, ...] = ()
    url: str | None = None  # canonical URL when the input had one
    summary: str | None = None  # an explicit excerpt (listing cards, exports)
    tags: tuple[str, ...] = ()
    image: str | None = None  # the lead image (og:image, JSON-LD image, front matter)
    enclosures: tuple[Enclosure, ...] = ()

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("an article needs a title")
        if not self.section.strip():
            raise ValueError("an article needs a section")
        _require_utc("published", self.published)
        _require_utc("updated", self.updated)


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Something a source could not read; the rest of the input is still used."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" (something skipped) or "warning" (read, with a doubt)

    def __str__(self) -> str:
        """One printable line, whatever the path or message hold (a newline or tab as
        ``\\n``/``\\t``, an undecodable byte of a file name as ``\\xe9``)."""
        return f"{_one_line(self.path)}:{self.line}: {self.severity}: {_one_line(self.message)}"


_CONTROLS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _one_line(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")  # a file name's undecodable bytes
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "backslashreplace")  # other lone surrogates
    text = raw.decode("utf-8", "backslashreplace")
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseResult:
    articles: tuple[Article, ...] = ()
    problems: tuple[Problem, ...] = ()


# --- what the feeds are made of ------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """An article as syndicate publishes it: the parsed article wrapped with its identity.

    ``guid``, ``slug``, ``first_seen`` and ``published`` are fixed when the article is
    first seen and never change; ``updated`` and ``content_hash`` follow edits.
    """

    article: Article
    key: str
    guid: str
    slug: str
    section_slug: str
    link: str
    first_seen: datetime
    published: datetime
    updated: datetime
    content_hash: str
    seq: int = 0  # ledger order: ties on date keep the page's order

    def __post_init__(self) -> None:
        for name in ("first_seen", "published", "updated"):
            _require_utc(name, getattr(self, name))


class FeedFormat(enum.Enum):
    RSS = "rss"
    ATOM = "atom"
    JSON = "json"

    @property
    def filename(self) -> str:
        return {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}[self.value]

    @property
    def media_type(self) -> str:
        return {
            "rss": "application/rss+xml",
            "atom": "application/atom+xml",
            "json": "application/feed+json",
        }[self.value]


@dataclass(frozen=True, slots=True, kw_only=True)
class Podcast:
    """A section published as a podcast: Apple Podcasts (``itunes:``) and Podcasting 2.0
    (``podcast:``) channel tags in its RSS feed (``[sections.podcast]`` in the config)."""

    author: str
    image: str  # square artwork, 1400-3000 px (Apple's rule)
    category: str  # one of Apple's categories, e.g. "News"
    subcategory: str | None = None  # e.g. "Daily News"
    explicit: bool = False
    owner_name: str | None = None
    owner_email: str | None = None
    kind: str = "episodic"  # itunes:type: "episodic" or "serial"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedInfo:
    """Everything a renderer needs to know about one feed apart from its entries."""

    key: str  # section slug, or "" for the combined feed
    title: str
    description: str
    home_url: str  # the HTML page the feed is about
    self_urls: dict[FeedFormat, str] = field(default_factory=dict)
    hubs: tuple[str, ...] = ()
    language: str | None = None
    author: Author | None = None
    generator: str = "syndicate"
    podcast: Podcast | None = None

    def __hash__(self) -> int:
        return hash((self.key, self.title, self.home_url))


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """RFC 5005 (archived feeds) links of one feed document, a URL per format.

    A subscription document has ``prev_archive`` (its newest archive page) and nothing
    else; an archive page has ``archive=True``, ``current`` (the subscription document)
    and ``prev_archive`` / ``next_archive`` when there is an older / newer page."""

    archive: bool = False
    current: dict[FeedFormat, str] = field(default_factory=dict)
    prev_archive: dict[FeedFormat, str] = field(default_factory=dict)
    next_archive: dict[FeedFormat, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(
            (self.archive, tuple(self.prev_archive.items()), tuple(self.next_archive.items()))
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    info: FeedInfo
    entries: tuple[Entry, ...]
    history: History | None = None  # None: no archives (yet)

    @property
    def updated(self) -> datetime | None:
        """The newest change among the entries: never the clock."""
        return max((e.updated for e in self.entries), default=None)


# --- what pushes announce --------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemNotice:
    """A new or edited item, as a webhook payload carries it (kept small: no body)."""

    id: str
    title: str
    link: str
    section: str
    published: datetime
    updated: datetime
    summary: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedChange:
    """One feed file whose bytes changed in a run, durably in place before it is announced."""

    feed_key: str  # section slug, or "" for the combined feed
    title: str
    format: FeedFormat
    url: str  # the feed's self URL (the WebSub topic)
    path: str  # relative to output/


@dataclass(frozen=True, slots=True, kw_only=True)
class RunChanges:
    """Everything a publish run changed: what the outbox turns into notifications."""

    feeds: tuple[FeedChange, ...] = ()
    new: tuple[ItemNotice, ...] = ()
    updated: tuple[ItemNotice, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.feeds)
