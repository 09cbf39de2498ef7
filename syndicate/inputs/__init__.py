"""The input edge: find input files, read and decode them, hand the text to a source.

Unchanged files (same size, mtime and path as recorded in the state) are not read
again: their articles are already in the ledger. A file that cannot be read gives one
:class:`Problem` and is skipped; the rest of the run goes on. Every doubt about an
input (its name, a symlink, its bytes, a title or date) is one problem line naming
the file, and the line where there is one: see :mod:`.find`, :mod:`.decode`,
:mod:`.checks`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from ..config import PAGE_ZONE, Config, fallback_zone
from ..model import Article, Problem
from ..sources import SourceContext, detect_format, get_source
from .checks import check_articles
from .decode import decode_input, strip_control_refs
from .find import InputFile, display_path, find_inputs

__all__ = [
    "Batch",
    "InputFile",
    "display_path",
    "find_inputs",
    "iter_batches",
    "parse_file",
    "read_and_parse",
    "read_file",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """What one run read: articles in read order, problems, and the files read."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    read: tuple[tuple[InputFile, str], ...]  # (file, sha256) for every file read
    skipped_unchanged: int


def _read_upto(fh: BinaryIO, listed: int, limit: int) -> bytes:
    """At most ``limit`` bytes of ``fh``. The buffer is sized from the file's listed size,
    not ``limit``: ``read(limit)`` allocates all of ``limit`` first (500 MB a file under a
    raised output.max_input_bytes). A file that grew since it was listed is read on."""
    data = fh.read(min(listed + 1, limit))
    if len(data) == listed + 1 and len(data) < limit:
        data += fh.read(limit - len(data))
    return data


def read_file(f: InputFile, *, max_bytes: int) -> tuple[str | None, str, list[Problem]]:
    """Read and decode one input: (text or None when refused, sha256, problems)."""
    if f.size > max_bytes:
        return (
            None,
            "",
            [
                Problem(
                    path=f.display,
                    line=0,
                    message=f"input is {f.size:,} bytes, over the limit of"
                    f" {max_bytes:,} (raise output.max_input_bytes to accept it); skipped",
                )
            ],
        )
    try:
        with open(f.path, "rb") as fh:
            data = _read_upto(fh, f.size, max_bytes + 1)
    except OSError as err:
        return (
            None,
            "",
            [
                Problem(
                    path=f.display, line=0, message=f"cannot read input: {err.strerror}; skipped"
                )
            ],
        )
    if len(data) > max_bytes:
        return (
            None,
            "",
            [
                Problem(
                    path=f.display,
                    line=0,
                    message=f"input grew over the limit of {max_bytes:,} bytes"
                    " while being read; skipped",
                )
            ],
        )
    text, problems = decode_input(data, f.display, encoding=f.group.encoding)
    return text, hashlib.sha256(data).hexdigest(), problems


def parse_file(
    f: InputFile, text: str, *, now: datetime | None = None
) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    group = f.group
    captured = group.captured_at or datetime.fromtimestamp(f.mtime_ns / 1e9, tz=UTC)
    name = detect_format(f.display, text) if group.format == "auto" else group.format
    # An HTML file is a page: its URL is the file's. A Markdown file or an export is not:
    # its links and slugs resolve against the input's base_url itself.
    base_url = f.page_url if name == "html" else group.base_url
    refs: list[Problem] = []
    if name == "html":
        text, refs = strip_control_refs(text, f.display)
    ctx = SourceContext(
        path=f.display,
        captured_at=captured,
        tz=ZoneInfo(fallback_zone(group.timezone)),
        zone_from_page=group.timezone == PAGE_ZONE,
        section=group.section,
        base_url=base_url,
        options=dict(group.options),
    )
    try:
        source = get_source(name)
    except KeyError:
        return (), (
            Problem(
                path=f.display,
                line=0,
                message=f"no source for input format {name!r} in this installation; skipped",
            ),
        )
    result = source(text, ctx)
    articles, problems = check_articles(result.articles, now=now or datetime.now(UTC))
    return articles, (*refs, *result.problems, *problems)


def read_and_parse(
    f: InputFile, *, max_bytes: int, known_digest: str | None = None, now: datetime | None = None
) -> tuple[str | None, tuple[Article, ...], tuple[Problem, ...]]:
    """One input: (sha256, or None when it could not be read; articles; problems).
    A file whose digest is ``known_digest`` (touched, not changed) is not parsed."""
    text, digest, problems = read_file(f, max_bytes=max_bytes)
    if text is None:
        return None, (), tuple(problems)
    if digest == known_digest or not text.strip():  # an empty input has its warning already
        return digest, (), tuple(problems)
    articles, more = parse_file(f, text, now=now)
    return digest, articles, tuple(problems) + more


def iter_batches(
    config: Config,
    *,
    known: Mapping[str, tuple[int, int, str]] | None = None,
    on_file: Callable[[InputFile], None] | None = None,
    chunk: int = 2000,
    now: datetime | None = None,
) -> Iterator[Batch]:
    """Read every input that changed since ``known`` (path -> size, mtime_ns, sha256),
    yielding batches of about ``chunk`` articles, so memory stays flat however large the
    corpus (the last batch also carries the glob problems and the unchanged count).
    ``now`` (default: the clock) is what a date "in the future" is measured against."""
    files, problems = find_inputs(config)
    known = known or {}
    now = now or datetime.now(UTC)
    articles: list[Article] = []
    read: list[tuple[InputFile, str]] = []
    skipped = 0
    for f in files:
        if on_file is not None:
            on_file(f)
        prev = known.get(f.location)
        if prev is not None and prev[:2] == f.fingerprint:
            skipped += 1
            continue
        digest, found, file_problems = read_and_parse(
            f,
            max_bytes=config.output.max_input_bytes,
            known_digest=prev[2] if prev else None,
            now=now,
        )
        problems.extend(file_problems)
        if digest is None:
            continue
        read.append((f, digest))
        articles.extend(found)
        if len(articles) >= chunk:
            yield Batch(
                articles=tuple(articles),
                problems=tuple(problems),
                read=tuple(read),
                skipped_unchanged=0,
            )
            articles, problems, read = [], [], []
    yield Batch(
        articles=tuple(articles),
        problems=tuple(problems),
        read=tuple(read),
        skipped_unchanged=skipped,
    )
