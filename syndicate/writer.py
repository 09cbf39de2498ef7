"""Atomic writes into output/.

Each file is written to a temp file in its own folder, made durable, then renamed over
the target with ``os.replace`` (atomic on POSIX), and the folder is fsynced. A reader
sees the old file or the new one, never half of one, even if the process is killed at
any moment. Files whose bytes are unchanged are not touched, so their mtime stays.

For a large batch (a cold publish writes thousands of article pages) one ``os.sync()``
replaces an ``fsync`` per temp file: the same guarantee (all data on disk before any
rename) for one system call instead of thousands. Recipe after
untitaker/python-atomicwrites.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .errors import OutputError
from .faults import crash_point

TEMP_PREFIX = ".syndicate-tmp-"
# Up to this many files, fsync each; above, write all and sync once (see module doc).
FSYNC_EACH_MAX = 32


def same_bytes(path: str | Path, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read() == data
    except OSError:
        return False


def _fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def changed_files(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """The relative paths whose bytes differ from what is on disk (or are missing)."""
    return [rel for rel, data in files.items() if not same_bytes(out_dir / rel, data)]


def temp_name(target: str) -> str:
    """The temp file a write of ``target`` goes through (swept by a later run if left)."""
    head, name = os.path.split(target)
    return os.path.join(head, f"{TEMP_PREFIX}{os.getpid()}-{name}")


def temp_path(target: Path) -> Path:
    """:func:`temp_name` as a Path."""
    return Path(temp_name(os.fspath(target)))


def open_temp(tmp: str | Path) -> int:
    """``tmp`` created (or emptied), open for writing."""
    return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)


def _open_temp(target: Path, made: set[Path]) -> tuple[int, Path]:
    """A temp file beside ``target`` (its folder made once per ``made``), open for writing."""
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    tmp = temp_path(target)
    return open_temp(tmp), tmp


def write_all(fd: int, data: bytes, *, fsync: bool = False) -> None:
    """Write ``data`` to ``fd`` (fsync it if asked), then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_files(out_dir: Path, files: Mapping[str, bytes], *, durable: bool = True) -> list[str]:
    """Write every changed file atomically, in the given order; return the changed paths."""
    todo = changed_files(out_dir, files)
    if not todo:
        return []
    temps: list[tuple[Path, Path]] = []
    fsync_each = durable and len(todo) <= FSYNC_EACH_MAX
    made: set[Path] = set()
    try:
        for rel in todo:
            target = out_dir / rel
            fd, tmp = _open_temp(target, made)
            temps.append((tmp, target))
            write_all(fd, files[rel], fsync=fsync_each)
        if durable and not fsync_each:
            os.sync()
        for tmp, target in temps:
            os.replace(tmp, target)
            if durable:
                crash_point("feed-replaced")  # renamed, the folder not yet fsynced
        if durable:
            for folder in sorted({t.parent for _, t in temps}):
                _fsync_dir(folder)
    except OSError as err:
        for tmp, _ in temps:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        raise OutputError(
            f"cannot write output: {err.filename or out_dir}: {err.strerror}"
        ) from err
    return todo


# targets whose temp file (temp_name) is written but not yet renamed; an ordered set of
# strings, not Paths: a cold 50k run stages 50k pages, and two Paths each held ~55 MB
Pending = dict[str, None]


FEW_PENDING = 64  # up to this many pending temps are fsynced one by one, not by os.sync()


def rename_pending(out_dir: Path, pending: Pending) -> None:
    """Make every pending temp durable, rename each over its target, then fsync each
    folder once; ``pending`` is emptied. Many temps (a cold run): one ``os.sync()``; a
    few (an incremental run's one or two pages): an fsync each, since ``os.sync()``
    flushes every dirty page of the machine: 0.33 s of a one-article run into a 50k
    corpus while another process was writing (cProfile, issue 12)."""
    if not pending:
        return
    folders = sorted({os.path.dirname(t) for t in pending})
    try:
        if len(pending) > FEW_PENDING:
            os.sync()
        else:
            for target in pending:
                _fsync_file(temp_name(target))
        for target in list(pending):
            os.replace(temp_name(target), target)
            del pending[target]
        for folder in folders:
            _fsync_dir(folder)
    except OSError as err:
        discard_pending(pending)
        raise OutputError(
            f"cannot write output: {err.filename or out_dir}: {err.strerror}"
        ) from err


def discard_pending(pending: Pending) -> None:
    """Remove the pending temps (a failed run): their targets keep their old bytes. Best
    effort, so that the run's own error is the one reported: a temp that cannot be
    removed is swept by the next run (clean_temps)."""
    for target in pending:
        try:
            os.unlink(temp_name(target))
        except OSError:  # FileNotFoundError included
            pass
    pending.clear()


def _same_digest(path: Path, size: int, digest: str) -> bool:
    try:
        if path.stat().st_size != size:
            return False
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
        return h.hexdigest() == digest
    except OSError:
        return False


Staged = list[tuple[Path, Path]]  # (temp file, target) written but not yet renamed


def stage_streams(
    out_dir: Path, streams: Mapping[str, Iterable[bytes]], *, dry_run: bool = False
) -> tuple[dict[str, tuple[bool, str]], Staged]:
    """Write each stream of pieces to a temp file beside its target, never holding a whole
    file: ``(rel -> (changed, sha256), the temps of the changed ones)``; unchanged bytes: the
    temp goes, the target keeps its mtime. One piece is taken from each stream in turn, so
    streams fed from one source (a feed's formats) advance together. Nothing is synced or
    renamed: :func:`commit_staged` does that. ``dry_run``: nothing is written."""
    hashes = {rel: hashlib.sha256() for rel in streams}
    sizes = dict.fromkeys(streams, 0)
    fds: dict[str, tuple[int, Path, Path]] = {}
    pending: dict[str, Iterator[bytes]] = {rel: iter(s) for rel, s in streams.items()}
    staged: Staged = []
    try:
        if not dry_run:
            for rel in streams:
                target = out_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = temp_path(target)
                fds[rel] = (open_temp(tmp), tmp, target)
        while pending:
            for rel, it in list(pending.items()):
                piece = next(it, None)
                if piece is None:
                    del pending[rel]
                    continue
                hashes[rel].update(piece)
                sizes[rel] += len(piece)
                if rel in fds:
                    view = memoryview(piece)
                    while view:
                        view = view[os.write(fds[rel][0], view) :]
        out = {
            rel: (not _same_digest(out_dir / rel, sizes[rel], h.hexdigest()), h.hexdigest())
            for rel, h in hashes.items()
        }
        for rel, (fd, tmp, target) in list(fds.items()):
            os.close(fd)
            del fds[rel]
            if out[rel][0]:
                staged.append((tmp, target))
            else:
                tmp.unlink()
    except OSError as err:
        discard_staged(staged)
        raise OutputError(
            f"cannot write output: {err.filename or out_dir}: {err.strerror}"
        ) from err
    except BaseException:
        discard_staged(staged)
        raise
    finally:
        for fd, tmp, _target in fds.values():  # left open by an error: close and remove
            os.close(fd)
            tmp.unlink(missing_ok=True)
    return out, staged


def commit_staged(out_dir: Path, staged: Staged) -> None:
    """Make the staged temps durable (an fsync each when few, else one ``os.sync()``), rename
    each over its target in order, then fsync each folder once."""
    try:
        if len(staged) <= FSYNC_EACH_MAX:
            for tmp, _target in staged:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        elif staged:
            os.sync()
        for n, (tmp, target) in enumerate(staged):
            os.replace(tmp, target)
            staged[n] = (target, target)
            crash_point("feed-replaced")  # renamed, the folder not yet fsynced
        for folder in sorted({t.parent for _, t in staged}):
            _fsync_dir(folder)
    except OSError as err:
        discard_staged([(tmp, t) for tmp, t in staged if tmp != t])
        raise OutputError(
            f"cannot write output: {err.filename or out_dir}: {err.strerror}"
        ) from err


def discard_staged(staged: Staged) -> None:
    for tmp, target in staged:
        if tmp != target:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass


def write_streams(
    out_dir: Path, streams: Mapping[str, Iterable[bytes]], *, dry_run: bool = False
) -> dict[str, tuple[bool, str]]:
    """:func:`stage_streams` then :func:`commit_staged`: each stream written atomically."""
    out, staged = stage_streams(out_dir, streams, dry_run=dry_run)
    commit_staged(out_dir, staged)
    return out


def remove_files(out_dir: Path, rels: Iterable[str]) -> list[str]:
    removed = []
    for rel in rels:
        try:
            (out_dir / rel).unlink()
            removed.append(rel)
        except FileNotFoundError:
            pass
    return removed


def clean_temps(out_dir: Path) -> int:
    """Remove temp files a killed run left behind (call only while holding the state lock)."""
    n = 0
    if not out_dir.exists():
        return 0
    for root, _dirs, names in os.walk(out_dir):
        for name in names:
            if name.startswith(TEMP_PREFIX):
                try:
                    os.unlink(os.path.join(root, name))
                    n += 1
                except FileNotFoundError:
                    pass
    return n
