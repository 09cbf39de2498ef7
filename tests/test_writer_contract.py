"""Atomic writes into output/, observed from outside: a reader holding the old file
keeps reading all of it, a failed batch changes no target and leaves no temp file,
unchanged bytes are not touched. (The kill-at-random test covers crashes; these need
no kill to catch a write made in place.)"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from syndicate.errors import OutputError
from syndicate.writer import TEMP_PREFIX, clean_temps, write_files, write_streams

OLD = b"<rss>" + b"old item " * 2000 + b"</rss>"
NEW = b"<rss>" + b"new" * 10 + b"</rss>"


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.parametrize("durable", [True, False])
def test_a_reader_of_the_old_file_never_sees_a_partial_one(tmp_path: Path, durable: bool) -> None:
    write_files(tmp_path, {"feed.xml": OLD})
    before = (tmp_path / "feed.xml").stat().st_ino
    with open(tmp_path / "feed.xml", "rb") as reader:
        assert write_files(tmp_path, {"feed.xml": NEW}, durable=durable) == ["feed.xml"]
        assert reader.read() == OLD  # the old file, whole: replaced, not rewritten
    assert (tmp_path / "feed.xml").read_bytes() == NEW
    assert (tmp_path / "feed.xml").stat().st_ino != before
    assert temps(tmp_path) == []


def test_many_files_are_written_atomically_too(tmp_path: Path) -> None:
    files = {
        f"s{i % 7}/page-{i}.html": f"<p>{i}</p>".encode() for i in range(100)
    }  # over the fsync-each batch
    assert sorted(write_files(tmp_path, files)) == sorted(files)
    assert {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*.html")} == files
    assert temps(tmp_path) == []


def test_unchanged_bytes_are_not_touched(tmp_path: Path) -> None:
    write_files(tmp_path, {"feed.xml": OLD, "atom.xml": OLD})
    os.utime(tmp_path / "feed.xml", ns=(1_000_000_000, 1_000_000_000))
    inode = (tmp_path / "feed.xml").stat().st_ino
    assert write_files(tmp_path, {"feed.xml": OLD, "atom.xml": NEW}) == ["atom.xml"]
    st = (tmp_path / "feed.xml").stat()
    assert st.st_mtime_ns == 1_000_000_000 and st.st_ino == inode


def test_a_failed_batch_changes_no_target_and_leaves_no_temp(tmp_path: Path) -> None:
    write_files(tmp_path, {"feed.xml": OLD, "a/feed.xml": OLD})
    (tmp_path / "blocked").write_text("a file where a folder must go", encoding="utf-8")
    with pytest.raises(OutputError, match=r"cannot write output: .*blocked"):
        write_files(tmp_path, {"feed.xml": NEW, "a/feed.xml": NEW, "blocked/feed.xml": NEW})
    assert (tmp_path / "feed.xml").read_bytes() == OLD
    assert (tmp_path / "a" / "feed.xml").read_bytes() == OLD
    assert temps(tmp_path) == []


def test_clean_temps_removes_only_temp_files(tmp_path: Path) -> None:
    write_files(tmp_path, {"feed.xml": OLD, "s/index.html": b"<p>x</p>"})
    (tmp_path / f"{TEMP_PREFIX}123-feed.xml").write_bytes(b"half")
    (tmp_path / "s" / f"{TEMP_PREFIX}9-index.html").write_bytes(b"half")
    assert clean_temps(tmp_path) == 2
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        "feed.xml",
        "s/index.html",
    ]
    assert clean_temps(tmp_path / "missing") == 0


# --- streamed feeds (write_streams, issue 12) ------------------------------------------


def pieces(data: bytes, size: int = 1000) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_streamed_files_replace_the_old_ones_whole_and_report_their_hash(tmp_path: Path) -> None:
    import hashlib

    write_files(tmp_path, {"feed.xml": OLD})
    with open(tmp_path / "feed.xml", "rb") as reader:
        got = write_streams(
            tmp_path, {"feed.xml": iter(pieces(NEW)), "s/atom.xml": iter(pieces(OLD))}
        )
        assert reader.read() == OLD
    assert got == {
        "feed.xml": (True, hashlib.sha256(NEW).hexdigest()),
        "s/atom.xml": (True, hashlib.sha256(OLD).hexdigest()),
    }
    assert (tmp_path / "feed.xml").read_bytes() == NEW and (
        tmp_path / "s/atom.xml"
    ).read_bytes() == OLD
    assert temps(tmp_path) == []


def test_streamed_unchanged_bytes_leave_the_file_untouched(tmp_path: Path) -> None:
    write_files(tmp_path, {"feed.xml": OLD})
    before = (tmp_path / "feed.xml").stat()
    changed, _digest = write_streams(tmp_path, {"feed.xml": pieces(OLD, 7)})["feed.xml"]
    after = (tmp_path / "feed.xml").stat()
    assert not changed and (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert temps(tmp_path) == []


def test_a_dry_run_stream_writes_nothing(tmp_path: Path) -> None:
    write_files(tmp_path, {"feed.xml": OLD})
    got = write_streams(tmp_path, {"feed.xml": pieces(NEW), "new.xml": pieces(NEW)}, dry_run=True)
    assert got["feed.xml"][0] and got["new.xml"][0]
    assert (tmp_path / "feed.xml").read_bytes() == OLD and not (tmp_path / "new.xml").exists()
    assert temps(tmp_path) == []


def test_a_stream_that_fails_midway_changes_no_target_and_leaves_no_temp(tmp_path: Path) -> None:
    write_files(tmp_path, {"feed.xml": OLD, "atom.xml": OLD})

    def broken() -> Iterator[bytes]:
        yield NEW[:10]
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        write_streams(tmp_path, {"feed.xml": pieces(NEW), "atom.xml": broken()})
    assert (tmp_path / "feed.xml").read_bytes() == OLD and (
        tmp_path / "atom.xml"
    ).read_bytes() == OLD
    assert temps(tmp_path) == []
