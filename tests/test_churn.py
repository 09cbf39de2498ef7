"""The churn guard (issue 15): a bad capture or a bad rule change never floods
subscribers with copies nor wipes a feed; ordinary news flow is published as usual."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from publisher_helpers import page_text
from test_archives import NOW, _files, _publish, _site

from syndicate.config import load_config
from syndicate.errors import ChurnError
from syndicate.publish import publish
from syndicate.state import open_state

BODIES = [
    f"The harbour board met on day {n} and agreed on plan number {n * 7} for the pier."
    for n in range(5)
]


def _write(
    root: Path, titles: list[str], bodies: list[str], *, name: str = "world", day: int = 10
) -> None:
    text = "".join(
        page_text(t, section="World", date=f"November {day + i}, 2026", body=b)
        for i, (t, b) in enumerate(zip(titles, bodies, strict=True))
    )
    (root / "pages" / f"{name}.txt").write_text(text, encoding="utf-8")


def _count(config: Path) -> int:
    with open_state(load_config(config).state_path) as store:
        return store.count_articles()


def _feed_files(out: Path) -> dict[str, bytes]:
    return {
        rel: data
        for rel, data in _files(out).items()
        if rel.endswith(("feed.xml", "atom.xml", "feed.json"))
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    config = _site(tmp_path, page_size=0)  # item_limit 5
    _write(tmp_path, [f"Pier plan {n}" for n in range(5)], BODIES)
    _publish(config)
    return config


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", "publish", "--config", str(config), "--no-push", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_capture_that_renames_every_item_is_refused_with_exit_3_and_accepted_with_the_flag(
    site: Path,
) -> None:
    out = site.parent / "output"
    before = _feed_files(out)
    # a broken rule: every title now carries a prefix; the bodies are the published ones
    _write(site.parent, [f"UPDATE: Pier plan {n}" for n in range(5)], BODIES)
    run = _cli(site)
    assert run.returncode == 3, run.stderr
    assert "churn guard" in run.stderr and "re-identification: 5 of 5 items" in run.stderr
    assert "'UPDATE: Pier plan 0'" in run.stderr and "--accept-churn" in run.stderr
    assert _feed_files(out) == before  # the feeds stay as they were
    assert _count(site) == 5  # and the ledger did not take the copies
    run = _cli(site, "--accept-churn")
    assert run.returncode == 0, run.stderr
    assert _count(site) == 10


def test_same_title_and_day_under_new_urls_is_refused(tmp_path: Path) -> None:
    config = _site(tmp_path, page_size=0)
    text = config.read_text(encoding="utf-8").replace(
        'paths = ["pages/*.txt"]\nformat = "scraped"', 'paths = ["pages/*.json"]\nformat = "json"'
    )
    config.write_text(text, encoding="utf-8")

    def export(host: str) -> None:
        items = [
            {
                "title": f"Tide report {n}",
                "url": f"https://{host}/tides/{n}",
                "section": "World",
                "date": f"2026-11-{10 + n}T08:00:00Z",
                "content": f"<p>Water rose {n} cm.</p>",
            }
            for n in range(4)
        ]
        (tmp_path / "pages" / "export.json").write_text(json.dumps(items), encoding="utf-8")

    export("old.example.org")
    _publish(config)
    export("new.example.org")  # a site migration: new URLs, same articles
    with pytest.raises(ChurnError, match=r"feed 'world': re-identification: 4 of 4"):
        publish(load_config(config), now=NOW, deliver=False)
    with open_state(load_config(config).state_path) as store:
        assert store.count_articles() == 4


def test_a_day_of_news_that_replaces_every_item_is_published(site: Path) -> None:
    out = site.parent / "output"
    titles = [f"Ferry timetable change {n}" for n in range(6)]
    bodies = [
        f"From next week the ferry leaves at {n + 6} o'clock, the operator said on the radio."
        for n in range(6)
    ]
    _write(site.parent, titles, bodies, name="world-next", day=20)
    _publish(site)  # 6 new items into a feed of 5: every item replaced
    feed = json.loads((out / "world" / "feed.json").read_bytes())
    assert sorted(i["title"] for i in feed["items"]) == sorted(titles[1:])


def test_a_large_edit_of_every_body_is_published(site: Path) -> None:
    _write(
        site.parent,
        [f"Pier plan {n}" for n in range(5)],
        [b + " Correction: the vote was held online." for b in BODIES],
    )
    report = publish(load_config(site), now=NOW, deliver=False)
    assert (report.new, report.updated) == (0, 5)


def test_withdrawing_most_of_a_feed_is_refused_until_accepted(site: Path) -> None:
    out = site.parent / "output"
    before = _feed_files(out)
    ids = [i["id"] for i in json.loads((out / "world" / "feed.json").read_bytes())["items"]]
    with pytest.raises(ChurnError, match=r"feed 'world': loss: 4 of 5 items"):
        publish(load_config(site), now=NOW, deliver=False, withdraw=ids[:4])
    assert _feed_files(out) == before
    report = publish(load_config(site), now=NOW, deliver=False, withdraw=ids[:4], accept_churn=True)
    assert report.errors == []
    assert [
        i["id"] for i in json.loads((out / "world" / "feed.json").read_bytes())["items"]
    ] == ids[4:]


def test_withdrawing_one_item_is_ordinary(site: Path) -> None:
    out = site.parent / "output"
    ids = [i["id"] for i in json.loads((out / "world" / "feed.json").read_bytes())["items"]]
    publish(load_config(site), now=NOW, deliver=False, withdraw=ids[:1])
    assert len(json.loads((out / "world" / "feed.json").read_bytes())["items"]) == 4


def test_churn_share_one_switches_the_guard_off(site: Path) -> None:
    text = site.read_text(encoding="utf-8").replace(
        "archive_page_size = 0", "archive_page_size = 0\nchurn_share = 1"
    )
    site.write_text(text, encoding="utf-8")
    _write(site.parent, [f"UPDATE: Pier plan {n}" for n in range(5)], BODIES)
    report = publish(load_config(site), now=NOW, deliver=False)
    assert report.new == 5


def test_status_says_the_feeds_are_stale_since_the_last_good_run_and_why(site: Path) -> None:
    _write(site.parent, [f"UPDATE: Pier plan {n}" for n in range(5)], BODIES)
    assert _cli(site).returncode == 3
    run = subprocess.run(
        [sys.executable, "-m", "syndicate", "status", "--config", str(site)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "stale feeds: every feed is as published at 20" in run.stdout, run.stdout + run.stderr
    assert "churn guard" in run.stdout and "feed 'world': re-identification" in run.stdout
    assert _cli(site, "--accept-churn").returncode == 0
    run = subprocess.run(
        [sys.executable, "-m", "syndicate", "status", "--config", str(site)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "stale" not in run.stdout


def test_items_pushed_out_by_newer_ones_are_no_loss_even_beside_an_older_archive_item() -> None:
    from datetime import UTC, datetime, timedelta

    from syndicate.churn import OldItem, lost

    day = datetime(2026, 11, 1, tzinfo=UTC)
    old = [OldItem(id=f"old-{n}", published=day + timedelta(days=n)) for n in range(5)]
    # five newer items, plus one older item of the archive page being filled
    new = [OldItem(id=f"new-{n}", published=day + timedelta(days=10 + n)) for n in range(5)]
    new.append(OldItem(id="extra", published=day - timedelta(days=30)))
    assert lost(old, new, limit=5, live=lambda _id: True) == []
    assert lost(old, new, limit=5, live=lambda i: i != "old-2") == ["old-2"]  # withdrawn: a loss
    assert lost(old, new[:3], limit=5, live=lambda _id: True) == [
        o.id for o in old
    ]  # not full: a loss
