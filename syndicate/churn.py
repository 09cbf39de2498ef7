"""The churn guard: two ways a publish run hurts subscribers, stopped before they happen.
Pure but for :class:`Guard`, its ledger edge (docs/feeds.md, "The churn guard").

- Re-identification: the run would publish as *new* items articles whose content
  matches items already in the feed: the same body (a hash of the rendered body), or
  the same title and day under another id or URL. A site migration, a changed rule or a
  broken capture does this, and every reader shows the whole feed again as unread.
- Loss: the run would drop items from a feed for another reason than newer items
  pushing them past the item limit: withdrawals en masse, a section emptied.

Either trips when it touches more than ``share`` of the feed's items (default 0.5, at
least 2 items). A re-identification is caught before the ledger takes the batch, a loss
before any feed is written; either way the feeds stay as they were and the run exits 3
(ChurnError) until it is accepted with ``--accept-churn`` (or ``--force``) or the
input is fixed. Ordinary news flow never trips it: new articles are not copies of
published ones, and items pushed out by newer ones are no loss.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .docscan import Doc, Unreadable, json_parts, scan_xml
from .errors import ChurnError
from .model import Entry, FeedFormat, FeedInfo
from .render.body import body_html
from .text import title_key

if TYPE_CHECKING:
    from .config import Config
    from .state import StateStore

DEFAULT_SHARE = 0.5
MIN_ITEMS = 2


def body_fingerprint(entry: Entry) -> str | None:
    """A hash of what the body says (whitespace folded); None for an empty body."""
    text = " ".join(body_html(entry.article).split())
    return hashlib.sha256(text.encode()).hexdigest()[:24] if text else None


def title_day(entry: Entry) -> str:
    return f"{title_key(entry.article.title)}|{entry.published.date().isoformat()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    feed: str  # section slug ("" for the combined feed)
    kind: str  # "re-identification" | "loss"
    count: int
    size: int  # items in the feed before the run
    examples: tuple[str, ...]

    def __str__(self) -> str:
        where = f"feed {self.feed!r}" if self.feed else "the combined feed"
        what = (
            "new items that are copies of published ones"
            if self.kind == "re-identification"
            else "items that would be dropped (not pushed out by newer ones)"
        )
        sample = "; ".join(self.examples)
        return f"{where}: {self.kind}: {self.count} of {self.size} items are {what}: {sample}"


def reidentified(
    new: Iterable[Entry], published: Mapping[str, Sequence[Entry]]
) -> dict[str, list[str]]:
    """Per section: a description of each new entry matching a published one of that
    section under another key (same body, or same title and day)."""
    out: dict[str, list[str]] = {}
    index: dict[str, tuple[dict[str, Entry], dict[str, Entry]]] = {}
    for entry in new:
        feed = published.get(entry.section_slug, ())
        if not feed:
            continue
        if entry.section_slug not in index:
            index[entry.section_slug] = (
                {fp: e for e in feed if (fp := body_fingerprint(e))},
                {title_day(e): e for e in feed},
            )
        by_body, by_title = index[entry.section_slug]
        fp = body_fingerprint(entry)
        match = (by_body.get(fp) if fp else None) or by_title.get(title_day(entry))
        if match is not None and match.key != entry.key:
            out.setdefault(entry.section_slug, []).append(
                f"{entry.article.title!r} ({entry.link}) copies {match.article.title!r} ({match.link})"
            )
    return out


def check_reidentification(
    new: Sequence[Entry], published: Mapping[str, Sequence[Entry]], *, share: float
) -> list[Finding]:
    found = reidentified(new, published)
    return [
        Finding(
            feed=slug,
            kind="re-identification",
            count=len(copies),
            size=len(published[slug]),
            examples=tuple(copies[:3]),
        )
        for slug, copies in sorted(found.items())
        if _trips(len(copies), len(published[slug]), share)
    ]


def _trips(count: int, size: int, share: float) -> bool:
    return count >= MIN_ITEMS and count > share * max(size, 1)


# --- loss -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OldItem:
    id: str
    published: datetime | None


def published_items(data: Doc, fmt: FeedFormat) -> list[OldItem]:
    """The items of a feed document (ids and publication dates), read as a stream."""
    if fmt is FeedFormat.JSON:
        return [
            OldItem(id=str(value["id"]), published=_iso(value.get("date_published")))
            for part, value in json_parts(data)
            if part == "item"
        ]
    parse = _rfc822 if fmt is FeedFormat.RSS else _iso
    wanted = "pubDate" if fmt is FeedFormat.RSS else "published"
    return [
        OldItem(
            id=item.id or "",
            published=next((parse(text) for name, text in item.dates if name == wanted), None),
        )
        for item in scan_xml(data, fmt).items
    ]


def _rfc822(text: str | None) -> datetime | None:
    return parsedate_to_datetime(text) if text else None


def _iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def lost(
    old: Sequence[OldItem], new: Sequence[OldItem], *, limit: int, live: Callable[[str], bool]
) -> list[str]:
    """Ids of ``old`` items missing from ``new`` that were not pushed out by newer items:
    an item is pushed out when it is still live and the new feed has at least ``limit``
    items as recent as it (a subscription document can hold a few older items besides:
    those of the archive page being filled, render/archive.py)."""
    ids = {e.id for e in new}
    dates = sorted(e.published.timestamp() for e in new if e.published is not None)
    out = []
    for item in old:
        if item.id in ids:
            continue
        newer = (
            len(dates) - bisect.bisect_left(dates, item.published.timestamp())
            if item.published
            else 0
        )
        if not (newer >= limit and live(item.id)):
            out.append(item.id)
    return out


def check_loss(
    feeds: Mapping[str, tuple[str, FeedFormat]],
    new_files: Mapping[str, Doc],
    old_file: Callable[[str], Doc | None],
    *,
    limit: int,
    live: Callable[[str], bool],
    share: float,
) -> list[Finding]:
    """Loss per feed: ``feeds`` maps a feed key to one of its documents (path, format);
    ``old_file`` reads what is published at a path now (None: nothing yet)."""
    findings = []
    for key, (rel, fmt) in sorted(feeds.items()):
        before = old_file(rel)
        if before is None or rel not in new_files:
            continue
        try:
            old = published_items(before, fmt)
        except (OSError, ValueError, KeyError, TypeError, Unreadable):
            continue  # a damaged file on disk: nothing a subscriber can lose
        gone = lost(old, published_items(new_files[rel], fmt), limit=limit, live=live)
        if _trips(len(gone), len(old), share):
            findings.append(
                Finding(
                    feed=key, kind="loss", count=len(gone), size=len(old), examples=tuple(gone[:3])
                )
            )
    return findings


def refuse(findings: Sequence[Finding]) -> None:
    """Raise :class:`ChurnError` naming every finding, when there is one."""
    if findings:
        lines = "\n".join(f"  {f}" for f in findings)
        raise ChurnError(
            f"churn guard: {len(findings)} feed(s) would change too much; no feed was replaced"
            f" (fix the input, or accept the change with --accept-churn):\n{lines}"
        )


# --- the ledger edge ---------------------------------------------------------------------


class Guard:
    """The guard of one publish run: reads what is published (ledger, output/) lazily."""

    def __init__(
        self,
        store: StateStore,
        config: Config,
        entry_from_row: Callable[[Any, dict[str, Any]], Entry],
    ):
        self.store, self.entry_from_row = store, entry_from_row
        self.share, self.limit = config.output.churn_share, config.output.item_limit
        self._published: dict[str, list[Entry]] = {}

    def _feed(self, section_slug: str) -> list[Entry]:
        if section_slug not in self._published:
            self._published[section_slug] = [
                self.entry_from_row(r, d)
                for r, d in self.store.top_entries(section_slug, self.limit)
            ]
        return self._published[section_slug]

    def check_new(self, new: Sequence[Entry]) -> None:
        """Raises ChurnError when a batch's new items copy too much of a feed."""
        if self.share >= 1 or not new:
            return
        published = {slug: self._feed(slug) for slug in {e.section_slug for e in new}}
        refuse(check_reidentification(new, published, share=self.share))

    def check_loss(
        self,
        files: Mapping[str, Doc],
        feeds: Mapping[str, tuple[FeedInfo, FeedFormat]],
        out_dir: Path,
    ) -> None:
        """Raises ChurnError when a feed about to be written drops too many items."""
        if self.share >= 1:
            return
        one: dict[str, tuple[str, FeedFormat]] = {}
        for rel, (info, fmt) in feeds.items():
            one.setdefault(info.key, (rel, fmt))

        def live(guid: str) -> bool:
            return (
                self.store.conn.execute(
                    "SELECT 1 FROM articles WHERE guid = ? AND withdrawn = 0", (guid,)
                ).fetchone()
                is not None
            )

        def old_file(rel: str) -> Path | None:
            path = out_dir / rel
            return path if path.is_file() else None

        refuse(check_loss(one, files, old_file, limit=self.limit, live=live, share=self.share))


def stale_lines(store: StateStore) -> list[str]:
    """For ``syndicate status``: whether the feeds are older than the inputs, since when
    and why (the last run failed, was refused by the gate or the guard, or skipped inputs)."""
    last = store.last_run(ok_only=False)
    if last is None:
        return []
    good = store.last_run(ok_only=True)
    since = good["finished"] if good else "never published"
    if last["status"] == "problems":
        errors = last["summary"].get("errors", 0)
        return [
            f"stale inputs: {errors} input problem(s) in the last run (their feeds keep the last good"
            f" items; `syndicate check` names them)"
        ]
    if last["status"] in ("ok", None):
        return []
    error = str(last["summary"].get("error", "")).splitlines()
    lines = [
        f"stale feeds: every feed is as published at {since}; the last run failed: "
        f"{error[0] if error else last['status']}"
    ]
    lines += [f"  {line.strip()}" for line in error[1:] if line.strip()]
    return lines
