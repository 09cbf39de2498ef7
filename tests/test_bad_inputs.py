"""Every bad input (tests/badinputs.py) is one problem line naming the file, and the line
where there is one; `syndicate check` prints the same lines; the good article beside it
is still published, and nothing the input should not publish reaches a feed."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from badinputs import CASES, GOOD_PAGE, GOOD_TITLE, Bad
from click.testing import CliRunner

from syndicate.cli import cli
from syndicate.config import load_config
from syndicate.publish import EXIT_OK, EXIT_PROBLEMS, publish

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def build(root: Path, case: Bad) -> Path:
    pages = root / "pages"
    pages.mkdir(parents=True)
    (pages / "good.txt").write_text(GOOD_PAGE, encoding="utf-8")
    for name, data in case.files.items():
        target = os.path.join(os.fsencode(pages), name) if isinstance(name, bytes) else pages / name
        with open(target, "wb") as fh:
            fh.write(data)
    if case.setup is not None:
        case.setup(root)
    extra = "".join(f"{k} = {v}\n" for k, v in case.extra.items())
    config = root / "site.toml"
    config.write_text(
        f"""
[site]
title = "Bad Input Gazette"
base_url = "https://news.example.org/"

[[inputs]]
name = "pages"
paths = ["pages/**/*"]
captured_at = 2026-11-27T09:00:00Z
{extra}
[output]
dir = "out"
max_input_bytes = 1_000_000

[state]
path = "state/site.db"
""",
        encoding="utf-8",
    )
    return config


def unmatched(case: Bad, lines: list[str]) -> tuple[list[str], list[str]]:
    """(expected lines not printed, printed lines not expected)."""
    left = list(lines)
    missing = []
    for want in case.expect:
        hit = next((line for line in left if want.matches(line)), None)
        if hit is None:
            missing.append(f"{want.path}:{want.line}: {want.severity}: ...{want.fragment}...")
        else:
            left.remove(hit)
    return missing, left


def feed_texts(out: Path) -> tuple[list[str], str]:
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert not atom.bozo, atom.get("bozo_exception")
    everything = "".join(
        p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()
    )
    return [e.title for e in parsed.entries], everything


def assert_state_is_clean_utf8(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.text_factory = bytes
    try:
        tables = [
            r[0].decode()
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - our own table names
                for value in row:
                    if isinstance(value, bytes):
                        value.decode("utf-8")  # raises on a surrogate or a stray byte
    finally:
        conn.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_input_is_named_and_the_rest_is_published(tmp_path: Path, case: Bad) -> None:
    config_path = build(tmp_path, case)
    report = publish(load_config(config_path), now=NOW)
    lines = [str(p) for p in report.problems]
    assert all("\n" not in line and "\r" not in line for line in lines), lines
    missing, extra = unmatched(case, lines)
    assert (missing, extra) == ([], []), f"printed: {lines}"

    titles, everything = feed_texts(tmp_path / "out")
    assert GOOD_TITLE in titles
    for title in case.published:
        assert title in titles, titles
    for text in case.absent:
        assert text not in everything
    assert all(len(t) <= 300 for t in titles)
    json.loads((tmp_path / "out" / "feed.json").read_bytes())
    assert_state_is_clean_utf8(tmp_path / "state" / "site.db")

    result = CliRunner().invoke(cli, ["check", "-c", str(config_path)])
    errors = any(": error: " in line for line in lines)
    assert result.exit_code == (EXIT_PROBLEMS if errors else EXIT_OK), result.output
    assert sorted(result.stderr.splitlines()) == sorted(lines)


def test_the_corpus_covers_the_four_input_kinds() -> None:
    kinds = Counter(c.kind for c in CASES)
    assert set(kinds) == {"text", "html", "markdown", "json"}
    assert len(CASES) >= 75 and min(kinds.values()) >= 15
    assert len({c.id for c in CASES}) == len(CASES)
