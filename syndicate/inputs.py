"""The input edge: find input files, read and decode them, hand the text to a source.

Unchanged files (same size, mtime and path as recorded in the state) are not read
again: their articles are already in the ledger. A file that cannot be read gives one
:class:`Problem` and is skipped; the rest of the run goes on.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .config import Config, InputConfig
from .model import Article, Problem
from .sources import SourceContext, detect_format, get_source


@dataclass(frozen=True, slots=True, kw_only=True)
class InputFile:
    group: InputConfig
    path: Path          # absolute
    display: str        # as shown in messages: relative to the config folder when inside it
    size: int
    mtime_ns: int

    @property
    def fingerprint(self) -> tuple[int, int]:
        return (self.size, self.mtime_ns)


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """What one run read: articles in read order, problems, and the files read."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    read: tuple[tuple[InputFile, str], ...]     # (file, sha256) for every file read
    skipped_unchanged: int


def display_path(path: Path, root: Path) -> str:
    """The path relative to the config folder when inside it, else absolute."""
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    return text.removeprefix(prefix)


def find_inputs(config: Config) -> tuple[list[InputFile], list[Problem]]:
    """Expand every input group's globs (sorted, each file once)."""
    files: list[InputFile] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    root = Path(os.path.normpath(config.root))
    for group in config.inputs:
        for pattern in group.paths:
            full = pattern if os.path.isabs(pattern) else str(config.root / pattern)
            matches = sorted(glob.glob(full, recursive=True))
            if not matches:
                problems.append(Problem(path=pattern, line=0, severity="warning",
                                        message=f"input {group.name!r}: no file matches this pattern"))
            for match in matches:
                # normpath, not resolve(): one realpath per file cost 0.1 s at 2,500 files,
                # a third of a one-article republish at 50k articles
                path = Path(os.path.normpath(os.path.abspath(match)))
                if path in seen:
                    continue
                try:
                    st = path.stat()
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                seen.add(path)
                files.append(InputFile(group=group, path=path, display=display_path(path, root),
                                       size=st.st_size, mtime_ns=st.st_mtime_ns))
    return files, problems


def decode(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Bytes -> (text, encoding used): a BOM wins, then UTF-8, then cp1252 (then latin-1)."""
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_file(f: InputFile, *, max_bytes: int) -> tuple[str | None, str, list[Problem]]:
    """Read and decode one input: (text or None when refused, sha256, problems)."""
    if f.size > max_bytes:
        return None, "", [Problem(path=f.display, line=0, message=f"input is {f.size:,} bytes, over the limit of"
                                  f" {max_bytes:,} (raise output.max_input_bytes to accept it); skipped")]
    try:
        with open(f.path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        return None, "", [Problem(path=f.display, line=0, message=f"cannot read input: {err.strerror}; skipped")]
    if len(data) > max_bytes:
        return None, "", [Problem(path=f.display, line=0, message=f"input grew over the limit of {max_bytes:,} bytes"
                                  " while being read; skipped")]
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, "", [Problem(path=f.display, line=0, message="input looks binary (NUL bytes); skipped")]
    text, _ = decode(data, encoding=f.group.encoding)
    return text, hashlib.sha256(data).hexdigest(), []


def parse_file(f: InputFile, text: str) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    group = f.group
    captured = group.captured_at or datetime.fromtimestamp(f.mtime_ns / 1e9, tz=UTC)
    ctx = SourceContext(path=f.display, captured_at=captured, tz=ZoneInfo(group.timezone), section=group.section,
                        options=dict(group.options))
    name = detect_format(f.display, text) if group.format == "auto" else group.format
    try:
        source = get_source(name)
    except KeyError:
        return (), (Problem(path=f.display, line=0, message=f"no source for input format {name!r} in this"
                            " installation; skipped"),)
    result = source(text, ctx)
    return result.articles, result.problems


def read_and_parse(f: InputFile, *, max_bytes: int, known_digest: str | None = None
                   ) -> tuple[str | None, tuple[Article, ...], tuple[Problem, ...]]:
    """One input: (sha256, or None when it could not be read; articles; problems).
    A file whose digest is ``known_digest`` (touched, not changed) is not parsed."""
    text, digest, problems = read_file(f, max_bytes=max_bytes)
    if text is None:
        return None, (), tuple(problems)
    if digest == known_digest:
        return digest, (), tuple(problems)
    articles, more = parse_file(f, text)
    return digest, articles, tuple(problems) + more


def iter_batches(config: Config, *, known: Mapping[str, tuple[int, int, str]] | None = None,
                 on_file: Callable[[InputFile], None] | None = None,
                 chunk: int = 2000) -> Iterator[Batch]:
    """Read every input that changed since ``known`` (path -> size, mtime_ns, sha256),
    yielding batches of about ``chunk`` articles, so memory stays flat however large the
    corpus (the last batch also carries the glob problems and the unchanged count)."""
    files, problems = find_inputs(config)
    known = known or {}
    articles: list[Article] = []
    read: list[tuple[InputFile, str]] = []
    skipped = 0
    for f in files:
        if on_file is not None:
            on_file(f)
        prev = known.get(str(f.path))
        if prev is not None and prev[:2] == f.fingerprint:
            skipped += 1
            continue
        digest, found, file_problems = read_and_parse(f, max_bytes=config.output.max_input_bytes,
                                                      known_digest=prev[2] if prev else None)
        problems.extend(file_problems)
        if digest is None:
            continue
        read.append((f, digest))
        articles.extend(found)
        if len(articles) >= chunk:
            yield Batch(articles=tuple(articles), problems=tuple(problems), read=tuple(read), skipped_unchanged=0)
            articles, problems, read = [], [], []
    yield Batch(articles=tuple(articles), problems=tuple(problems), read=tuple(read), skipped_unchanged=skipped)
