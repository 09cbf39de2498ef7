"""Finding input files: globs, file names that cannot be published, symlinks, page URLs.

- A file name holding a control character (a newline, a tab) or a byte that is not
  UTF-8 is skipped with an error naming it escaped (``pages/bad\\nname.txt``,
  ``pages/caf\\xe9.txt``): such a name cannot go into a message line, the state or a
  feed unchanged. Rename the file.
- A symlink (or a file under a symlinked folder) whose target lies outside every
  input folder is skipped with a warning naming link and target, unless the input
  says ``follow_symlinks = true``. An input folder is the part of a glob before its
  first wildcard (``pages/`` for ``pages/**/*.html``).
- The page URL of a file (what an HTML page without a canonical link resolves its
  links against, and its identity) is ``base_url`` + the path below the input folder;
  with ``mirror = true`` the first folder below it is the host, as ``wget -m`` and
  HTTrack save sites (``example.org/news/a/index.html`` -> ``https://example.org/news/a/``).
"""

from __future__ import annotations

import glob
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..config import Config, InputConfig
from ..model import Problem

_MAGIC = re.compile(r"[*?[]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INDEX = ("index.html", "index.htm")


@dataclass(frozen=True, slots=True, kw_only=True)
class InputFile:
    group: InputConfig
    location: str  # absolute, normalised: the state's key for the file
    display: str  # as shown in messages: relative to the config folder when inside it
    size: int
    mtime_ns: int
    page_url: str | None = None  # from the input's base_url or mirror layout

    @property
    def path(self) -> Path:
        """The file (a Path made on demand: a run at 50k articles keeps 2,500 inputs and
        reads only the changed ones)."""
        return Path(self.location)

    @property
    def fingerprint(self) -> tuple[int, int]:
        return (self.size, self.mtime_ns)


def display_path(path: str | Path, root: str | Path) -> str:
    """The path relative to the config folder when inside it, else absolute (``root``
    may be given as that folder's prefix: its text ending in a separator)."""
    prefix = str(root)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    return str(path).removeprefix(prefix)


def escape_name(name: str) -> str:
    """A file name as one printable line: undecodable bytes as ``\\xe9``, controls as ``\\n``."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _bad_name(name: str) -> str | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8"
    if _CONTROL.search(name):
        return "its name holds a control character (a newline or tab)"
    return None


def literal_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard."""
    m = _MAGIC.search(pattern)
    if m is None:
        return os.path.dirname(pattern)
    head = pattern[: m.start()]
    return head if head.endswith(os.sep) else os.path.dirname(head)


def page_url(group: InputConfig, rel: str) -> str | None:
    """The URL of a file ``rel`` (path below its input folder) by the input's base_url/mirror."""
    parts = [p for p in rel.split(os.sep) if p]
    if group.mirror and len(parts) >= 2:
        scheme = urlsplit(group.base_url).scheme if group.base_url else "https"
        rest = parts[1:]
        if rest[-1].lower() in _INDEX:
            rest[-1] = ""
        return f"{scheme or 'https'}://{parts[0].lower()}/" + quote("/".join(rest))
    if group.base_url:
        base = group.base_url if group.base_url.endswith("/") else group.base_url + "/"
        return base + quote("/".join(parts))
    return None


class _Finder:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = Path(os.path.normpath(config.root))
        self.real_dirs: dict[str, str] = {}
        self.folders = sorted(
            {
                os.path.realpath(self.full(literal_root(p)) or ".")
                for g in config.inputs
                for p in g.paths
            }
        )
        self.prefixes = [(f, f.rstrip(os.sep) + os.sep) for f in self.folders]
        self.root_prefix = str(self.root).rstrip(os.sep) + os.sep

    def full(self, pattern: str) -> str:
        return pattern if os.path.isabs(pattern) else os.path.join(self.config.root, pattern)

    def realpath(self, path: str, st: os.stat_result) -> str:
        """Where a file really is: one realpath per folder, one more per symlink."""
        if stat.S_ISLNK(st.st_mode):
            return os.path.realpath(path)
        parent, name = os.path.split(path)
        real = self.real_dirs.get(parent)
        if real is None:
            real = self.real_dirs[parent] = os.path.realpath(parent)
        return os.path.join(real, name)

    def inside(self, real: str) -> bool:
        return any(real == f or real.startswith(p) for f, p in self.prefixes)


def find_inputs(config: Config) -> tuple[list[InputFile], list[Problem]]:
    """Expand every input group's globs (sorted, each file once)."""
    files: list[InputFile] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    finder = _Finder(config)
    for group in config.inputs:
        for pattern in group.paths:
            full = finder.full(pattern)
            folder = os.path.normpath(os.path.abspath(literal_root(full) or "."))
            matches = sorted(glob.glob(full, recursive=True))
            if not matches:
                problems.append(
                    Problem(
                        path=pattern,
                        line=0,
                        severity="warning",
                        message=f"input {group.name!r}: no file matches this pattern",
                    )
                )
            for match in matches:
                # normpath, not resolve(): one realpath per file cost 0.1 s at 2,500 files,
                # a third of a one-article republish at 50k articles
                text = os.path.normpath(os.path.abspath(match))
                if text in seen:
                    continue
                found = _one(finder, group, text, folder, problems)
                if found is not None:
                    seen.add(text)
                    files.append(found)
    return files, problems


def _one(
    finder: _Finder, group: InputConfig, text: str, folder: str, problems: list[Problem]
) -> InputFile | None:
    display = display_path(text, finder.root_prefix)
    try:
        st = os.lstat(text)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return None
    why = _bad_name(display)
    if why is not None:
        problems.append(
            Problem(
                path=escape_name(display),
                line=0,
                message=f"cannot publish this file: {why}; rename it; skipped",
            )
        )
        return None
    target = st if not stat.S_ISLNK(st.st_mode) else _stat_or_none(text)
    if target is not None and stat.S_ISDIR(target.st_mode):
        return None  # a symlink to a folder: glob lists what is inside; each file is checked
    warning = _skipped_because(finder, group, text, st, target)
    if warning is not None:
        problems.append(Problem(path=display, line=0, severity="warning", message=warning))
        return None
    assert target is not None  # _skipped_because warns of a broken symlink
    st = target
    url = page_url(group, os.path.relpath(text, folder)) if group.base_url or group.mirror else None
    return InputFile(
        group=group,
        location=text,
        display=display,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        page_url=url,
    )


def _stat_or_none(text: str) -> os.stat_result | None:
    try:
        return os.stat(text)
    except OSError:
        return None


def _skipped_because(
    finder: _Finder,
    group: InputConfig,
    text: str,
    st: os.stat_result,
    target: os.stat_result | None,
) -> str | None:
    """Why a listed file that is no folder is skipped with a warning, or None to read it."""
    real = finder.realpath(text, st)
    if not group.follow_symlinks and not finder.inside(real):
        shown = escape_name(display_path(real, finder.root_prefix))
        return (
            f"symlink to {shown}, outside the input folders; skipped (set"
            f" follow_symlinks = true on input {group.name!r} to read it)"
        )
    if target is None:
        return f"broken symlink (to {escape_name(os.readlink(text))}); skipped"
    if not stat.S_ISREG(target.st_mode):
        return "not a regular file (a pipe, socket or device); skipped"
    return None
