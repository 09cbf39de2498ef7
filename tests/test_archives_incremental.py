"""Incremental archive pages (issue 12): a run renders, gates and writes only the archive
pages whose items or links it changed, and whatever sequence of runs led to it, output/
is byte for byte what a full rebuild of the same ledger writes into an empty folder."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from publisher_helpers import page_text
from test_archives import NOW, _files, _publish, _site

from syndicate.config import load_config
from syndicate.publish import publish


def _write(
    root: Path, name: str, section: str, titles: list[str], *, day: int, body: str = ""
) -> None:
    text = "".join(
        page_text(
            t,
            section=section,
            date=f"November {day}, 2026",
            body=body or f"Report {t}: written for the incremental archive test, long enough.",
        )
        for t in titles
    )
    (root / "pages" / f"{name}.txt").write_text(text, encoding="utf-8")


def _cold(root: Path, config: Path, where: Path) -> dict[str, bytes]:
    """output/ of a full rebuild of ``config``'s ledger (a copy, same dates) into an empty folder."""
    cold = _site(where)
    shutil.rmtree(where / "pages")
    shutil.copytree(root / "pages", where / "pages")
    (where / "state").mkdir()
    src = sqlite3.connect(load_config(config).state_path)
    dst = sqlite3.connect(where / "state" / "site.db")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    report = publish(load_config(cold), now=NOW, deliver=False, rebuild=True)
    assert report.errors == [], report.errors
    return _files(where / "output")


def _same_as_cold(root: Path, config: Path, step: str) -> None:
    got = _files(root / "output")
    want = _cold(root, config, root.parent / f"cold-{step}")
    assert sorted(got) == sorted(want), f"{step}: files differ: {set(got) ^ set(want)}"
    differ = [rel for rel in want if got[rel] != want[rel]]
    assert differ == [], f"{step}: bytes differ from a cold rebuild: {differ}"


def _archive_written(report_files: list[str]) -> set[str]:
    return {rel for rel in report_files if "archive/" in rel}


def test_incremental_runs_leave_the_output_a_cold_rebuild_would_write(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    config = _site(root)  # archive pages of 4 items, item limit 5
    _write(root, "world", "World", [f"World story {n}" for n in range(11)], day=1)
    _write(root, "science", "Science", [f"Science story {n}" for n in range(9)], day=2)
    _publish(config)  # world: 2 full pages + 3; science 2 + 1; combined 20: 5 pages
    steps = [
        # one item: fills world page 3, starts combined page 6
        ("fill", lambda: _write(root, "w1", "World", ["World late 0"], day=10)),
        ("open", lambda: _write(root, "s1", "Science", ["Science late 0"], day=11)),
        # three at once: combined page 6 fills, world page 4 is still open
        (
            "three",
            lambda: _write(root, "w3", "World", [f"World later {n}" for n in range(3)], day=12),
        ),
        # an edit of an item on world page 1 and combined page 1
        (
            "edit",
            lambda: _write(
                root,
                "world",
                "World",
                [f"World story {n}" for n in range(11)],
                day=1,
                body="Corrected report: the figures were wrong, now they are right.",
            ),
        ),
        (
            "section",
            lambda: _write(
                root, "culture", "Culture", [f"Culture story {n}" for n in range(5)], day=13
            ),
        ),
        ("nothing", lambda: None),
    ]
    for step, change in steps:
        change()
        _publish(config)
        _same_as_cold(root, config, step)
    victim = "World later 1"
    report = publish(load_config(config), now=NOW, deliver=False, withdraw=[_guid(config, victim)])
    assert report.errors == []
    _same_as_cold(root, config, "withdraw")


def _guid(config: Path, title: str) -> str:
    from syndicate.state import open_state

    with open_state(load_config(config).state_path) as store:
        for record, data in store.all_entries():
            if data.get("title") == title:
                return record.guid
    raise AssertionError(f"no item titled {title!r}")


def test_adding_an_item_to_an_open_page_writes_no_archive_page(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    config = _site(root)
    _write(root, "world", "World", [f"World story {n}" for n in range(9)], day=1)
    _publish(config)  # world and combined: 2 full pages + 1
    report = publish(load_config(config), now=NOW, deliver=False)
    assert _archive_written(report.files_written) == set()
    _write(root, "w1", "World", ["World late 0"], day=10)
    report = publish(load_config(config), now=NOW, deliver=False)
    assert report.errors == []
    assert _archive_written(report.files_written) == set()  # page 3 is not full yet


def test_filling_a_page_writes_it_and_the_one_before_only(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    config = _site(root)
    _write(root, "world", "World", [f"World story {n}" for n in range(11)], day=1)
    _publish(config)  # world and combined: 2 full pages + 3
    _write(root, "w1", "World", ["World late 0"], day=10)
    report = publish(load_config(config), now=NOW, deliver=False)
    assert report.errors == []
    written = _archive_written(report.files_written)
    pages = {rel.rsplit("/", 1)[0] for rel in written}
    assert pages == {"archive/2", "archive/3", "world/archive/2", "world/archive/3"}, written


def test_a_page_deleted_by_hand_comes_back(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    config = _site(root)
    _write(root, "world", "World", [f"World story {n}" for n in range(11)], day=1)
    _publish(config)
    before = _files(root / "output")
    shutil.rmtree(root / "output" / "world" / "archive" / "1")
    _write(root, "w1", "World", ["World late 0"], day=10)  # touches the world feed
    _publish(config)
    after = _files(root / "output")
    assert after["world/archive/1/atom.xml"] == before["world/archive/1/atom.xml"]


def test_changed_page_numbers_name_the_pages_whose_items_or_links_change() -> None:
    from syndicate.history import changed_page_numbers

    # 13 slots of pages of 4: pages 1-3 full, slot 12 open
    assert changed_page_numbers(13, 4, {"new": 12}, {"new"}) == set()  # into the open page
    assert changed_page_numbers(12, 4, {"new": 11}, {"new"}) == {2, 3}  # fills page 3
    assert changed_page_numbers(4, 4, {"new": 3}, {"new"}) == {1}  # the first page: none before
    # five new items fill pages 2 and 3 of 3 (from 7 slots to 12)
    new = {f"n{i}": 7 + i for i in range(5)}
    assert changed_page_numbers(12, 4, new, set(new)) == {1, 2, 3}
    assert changed_page_numbers(13, 4, {"old": 5}, ()) == {2}  # an edit or withdrawal
    assert changed_page_numbers(13, 4, {"old": 5, "new": 12}, {"new"}) == {2}
    assert changed_page_numbers(13, 4, {}, ()) == set()
