"""Reading one input file: the size listed when it was found, and the byte limit."""

from __future__ import annotations

from pathlib import Path

from syndicate.config import InputConfig
from syndicate.inputs import read_file
from syndicate.inputs.find import InputFile

TEXT = "World\n\nHarbour lights return\n\nThe lights are back on the quay.\n"


def _listed(path: Path, size: int) -> InputFile:
    group = InputConfig(name="pages", paths=("*.txt",))
    return InputFile(group=group, location=str(path), display=path.name, size=size, mtime_ns=0)


def test_a_file_read_as_listed_gives_its_whole_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, "utf-8")
    text, digest, problems = read_file(_listed(path, len(TEXT)), max_bytes=5_000_000)
    assert text == TEXT and len(digest) == 64 and problems == []


def test_a_file_that_grew_after_it_was_listed_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT * 50, "utf-8")
    text, _digest, problems = read_file(_listed(path, 10), max_bytes=5_000_000)
    assert text == TEXT * 50 and problems == []


def test_a_file_that_grew_past_the_limit_after_it_was_listed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT * 50, "utf-8")
    text, _digest, problems = read_file(_listed(path, 10), max_bytes=len(TEXT) * 10)
    assert text is None
    assert [p.severity for p in problems] == ["error"]
    assert "grew over the limit" in problems[0].message
