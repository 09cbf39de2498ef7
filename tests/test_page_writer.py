"""Pages written by background threads (syndicate/page_writer.py), observed from outside:
nothing is in place before commit, everything is after it, a failed write renames
nothing and leaves no temp, and no thread outlives the run."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from syndicate.errors import OutputError
from syndicate.page_writer import MAX_QUEUED_BYTES, PageWriter
from syndicate.writer import TEMP_PREFIX, temp_path


@pytest.fixture(params=[0, 1, 2], ids=lambda n: f"{n} threads")
def threads(request: pytest.FixtureRequest) -> int:
    return int(request.param)


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def pages(n: int, tag: str = "") -> dict[str, bytes]:
    return {f"s{i % 5}/page-{i}.html": f"<p>{tag}{i}</p>".encode() for i in range(n)}


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("syndicate-pages")]


def test_staged_pages_appear_only_at_commit_each_with_its_bytes(
    tmp_path: Path, threads: int
) -> None:
    files = pages(300)
    w = PageWriter(tmp_path, threads=threads)
    assert sorted(w.stage(files)) == sorted(files)
    assert not any((tmp_path / rel).exists() for rel in files)  # temps only
    w.commit()
    assert {rel: (tmp_path / rel).read_bytes() for rel in files} == files
    assert temps(tmp_path) == []
    assert writer_threads() == []


def test_unchanged_pages_are_not_staged_and_keep_their_files(tmp_path: Path, threads: int) -> None:
    first = PageWriter(tmp_path, threads=threads)
    first.stage(pages(20))
    first.commit()
    inode = (tmp_path / "s1/page-1.html").stat().st_ino
    again = PageWriter(tmp_path, threads=threads)
    changed = {**pages(20), "s1/page-6.html": b"<p>edited</p>"}
    assert again.stage(changed) == ["s1/page-6.html"]
    again.commit()
    assert (tmp_path / "s1/page-1.html").stat().st_ino == inode
    assert (tmp_path / "s1/page-6.html").read_bytes() == b"<p>edited</p>"


def test_a_page_staged_twice_ends_with_the_last_bytes(tmp_path: Path, threads: int) -> None:
    w = PageWriter(tmp_path, threads=threads)
    for n in range(50):
        assert w.stage({"a/page.html": b"x" * 100_000 + str(n).encode()}) == ["a/page.html"]
    w.commit()
    assert (tmp_path / "a/page.html").read_bytes() == b"x" * 100_000 + b"49"


def test_more_bytes_than_the_queue_holds_are_all_written(tmp_path: Path, threads: int) -> None:
    big = b"y" * (1 << 20)
    files = {
        f"big/{i}.html": big + str(i).encode() for i in range(MAX_QUEUED_BYTES // len(big) * 3)
    }
    w = PageWriter(tmp_path, threads=threads)
    w.stage(files)
    w.commit()
    assert all((tmp_path / rel).read_bytes() == data for rel, data in files.items())


def test_a_failed_write_renames_nothing_names_the_file_and_leaves_no_temp(
    tmp_path: Path, threads: int
) -> None:
    for rel, data in pages(10, "old").items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    blocked = tmp_path / "s3/page-3.html"
    temp_path(blocked).mkdir()  # its temp cannot be opened for writing: EISDIR
    w = PageWriter(tmp_path, threads=threads)
    with pytest.raises(OutputError, match=r"cannot write output: .*page-3\.html: Is a directory"):
        w.stage(pages(10, "new"))  # with no thread, it fails here
        w.commit()
    assert {rel: (tmp_path / rel).read_bytes() for rel in pages(10)} == pages(10, "old")
    assert temps(tmp_path) == [temp_path(blocked)]  # only the folder the test made
    assert writer_threads() == []


def test_a_failure_is_reported_by_the_next_stage_too(tmp_path: Path) -> None:
    blocked = tmp_path / "s0/page-0.html"
    blocked.parent.mkdir()
    temp_path(blocked).mkdir()
    w = PageWriter(tmp_path, threads=1)
    w.stage(pages(1))
    w._wait()  # the failed write is done, not yet reported  # noqa: SLF001
    with pytest.raises(OutputError, match="page-0.html"):
        w.stage(pages(5, "more"))
    assert [p for p in temps(tmp_path) if p.is_file()] == []


def test_discard_removes_every_temp_and_keeps_the_old_files(tmp_path: Path, threads: int) -> None:
    (tmp_path / "s0").mkdir()
    (tmp_path / "s0/page-0.html").write_bytes(b"old")
    w = PageWriter(tmp_path, threads=threads)
    w.stage(pages(40))
    w.discard()
    assert temps(tmp_path) == []
    assert (tmp_path / "s0/page-0.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.rglob("*.html")) == ["page-0.html"]
    assert writer_threads() == []
