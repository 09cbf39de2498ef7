"""Pages staged as temps (syndicate/page_writer.py), observed from outside: nothing is in
place before commit, everything is after it, a failed write renames nothing and leaves
no temp."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate.errors import OutputError
from syndicate.page_writer import PageWriter
from syndicate.writer import TEMP_PREFIX, temp_path


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def pages(n: int, tag: str = "") -> dict[str, bytes]:
    return {f"s{i % 5}/page-{i}.html": f"<p>{tag}{i}</p>".encode() for i in range(n)}


def test_staged_pages_appear_only_at_commit_each_with_its_bytes(tmp_path: Path) -> None:
    files = pages(300)
    w = PageWriter(tmp_path)
    assert sorted(w.stage(files)) == sorted(files)
    assert not any((tmp_path / rel).exists() for rel in files)  # temps only
    w.commit()
    assert {rel: (tmp_path / rel).read_bytes() for rel in files} == files
    assert temps(tmp_path) == []


def test_unchanged_pages_are_not_staged_and_keep_their_files(tmp_path: Path) -> None:
    first = PageWriter(tmp_path)
    first.stage(pages(20))
    first.commit()
    inode = (tmp_path / "s1/page-1.html").stat().st_ino
    again = PageWriter(tmp_path)
    changed = {**pages(20), "s1/page-6.html": b"<p>edited</p>"}
    assert again.stage(changed) == ["s1/page-6.html"]
    again.commit()
    assert (tmp_path / "s1/page-1.html").stat().st_ino == inode
    assert (tmp_path / "s1/page-6.html").read_bytes() == b"<p>edited</p>"


def test_a_page_staged_twice_ends_with_the_last_bytes(tmp_path: Path) -> None:
    w = PageWriter(tmp_path)
    for n in range(50):
        assert w.stage({"a/page.html": b"x" * 100_000 + str(n).encode()}) == ["a/page.html"]
    w.commit()
    assert (tmp_path / "a/page.html").read_bytes() == b"x" * 100_000 + b"49"


def test_a_failed_write_renames_nothing_names_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    for rel, data in pages(10, "old").items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    blocked = tmp_path / "s3/page-3.html"
    temp_path(blocked).mkdir()  # its temp cannot be opened for writing: EISDIR
    w = PageWriter(tmp_path)
    with pytest.raises(OutputError, match=r"cannot write output: .*page-3\.html: Is a directory"):
        w.stage(pages(10, "new"))  # with no thread, it fails here
        w.commit()
    assert {rel: (tmp_path / rel).read_bytes() for rel in pages(10)} == pages(10, "old")
    assert temps(tmp_path) == [temp_path(blocked)]  # only the folder the test made


def test_discard_removes_every_temp_and_keeps_the_old_files(tmp_path: Path) -> None:
    (tmp_path / "s0").mkdir()
    (tmp_path / "s0/page-0.html").write_bytes(b"old")
    w = PageWriter(tmp_path)
    w.stage(pages(40))
    w.discard()
    assert temps(tmp_path) == []
    assert (tmp_path / "s0/page-0.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.rglob("*.html")) == ["page-0.html"]
