"""Crash at every named step of the commit protocol, then rerun (issue 8, section 2).

Each test publishes a small site (a real loopback hub and webhook receiver configured),
adds and edits articles, runs the real `syndicate publish` with SYNDICATE_FAULT set so
that it SIGKILLs itself at one point, then runs publish and deliver again. Then: every
output parses, the ledger kept every id and date and holds every article, every item
reached the webhook receiver (signatures verified with `standardwebhooks`), an item
repeated only under the same webhook-id, and the hub was pinged for every feed that
changed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conformance import check_output_dir
from nothing_lost import (
    Site,
    announced,
    env,
    feed_hashes,
    hub_topics,
    ledger,
    pending_count,
    site_config,
    site_fixture,  # noqa: F401  (the `site` fixture)
    syndicate,
)
from publisher_helpers import wait_until

from syndicate.faults import POINTS


def deliver_all(site: Site) -> None:
    for _ in range(5):
        if pending_count(site.state) == 0:
            return
        result = syndicate(site.root, "deliver")
        assert result.returncode in (0, 5), result.stderr
    assert pending_count(site.state) == 0, "notices still pending after five deliver passes"


def check_nothing_lost(
    site: Site,
    before: dict[str, tuple[str, str]],
    feeds_before: dict[str, str],
    hub_after: int,
    edited: int,
) -> None:
    check_output_dir(site.output, consumers=False)
    now = ledger(site.state)
    assert len(now) == site.articles, (
        f"ledger has {len(now)} articles, the pages hold {site.articles}"
    )
    moved = {g for g, (published, _) in before.items() if now[g][0] != published}
    assert not moved, f"published dates moved: {sorted(moved)[:3]}"
    got = announced(site.receiver)
    missing = set(now) - got.items("new")
    assert not missing, (
        f"{len(missing)} of {len(now)} items never announced as new: {sorted(missing)[:3]}"
    )
    changed = {g for g, (_, h) in before.items() if now[g][1] != h}
    assert len(changed) == edited, (len(changed), edited)
    assert changed <= got.items("updated"), (
        f"edits never announced: {sorted(changed - got.items('updated'))}"
    )
    twice = {k: v for k, v in got.ids.items() if len(v) > 1}
    assert not twice, f"items announced under two webhook-ids: {dict(list(twice.items())[:3])}"
    feeds_now = feed_hashes(site.output)
    moved_feeds = {BASE_URL + rel for rel, h in feeds_now.items() if feeds_before.get(rel) != h}
    assert moved_feeds, "the run changed no feed: the test tests nothing"
    assert moved_feeds <= hub_topics(site.receiver, hub_after), sorted(
        moved_feeds - hub_topics(site.receiver)
    )


BASE_URL = "http://127.0.0.1:8080/"


@pytest.mark.parametrize(
    "point",
    [
        "ledger-commit:1",
        "pages-written:1",
        "feed-replaced:1",
        "feed-replaced:4",
        "outbox-commit:1",
        "delivered-2xx:1",
        "delivered-2xx:5",
    ],
)
def test_publish_crashed_at_a_named_point_loses_no_announcement(site: Site, point: str) -> None:
    site.add(40)
    first = syndicate(site.root, "publish")
    assert first.returncode == 0, first.stderr
    before, feeds_before = ledger(site.state), feed_hashes(site.output)
    hub_after = len(site.receiver.for_path("/hub"))

    site.add(12)
    edited = len(site.edit(2))
    crashed = syndicate(site.root, "publish", fault=point)
    assert crashed.returncode == -signal.SIGKILL, (point, crashed.returncode, crashed.stderr)

    site.add(1)  # the next run has news of its own to merge with
    rerun = syndicate(site.root, "publish")
    assert rerun.returncode == 0, rerun.stderr
    deliver_all(site)
    check_nothing_lost(site, before, feeds_before, hub_after, edited)


def test_every_crash_point_has_a_test() -> None:
    tested = {
        "ledger-commit",
        "pages-written",
        "feed-replaced",
        "outbox-commit",
        "delivered-2xx",
        "daemon-between-jobs",
    }
    assert tested == set(POINTS)


def start_daemon(site: Site, fault: str | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    log = site.root / f"daemon-{time.monotonic_ns()}.log"
    extra = {"SYNDICATE_FAULT": fault} if fault else {}
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "syndicate", "daemon", "--config", str(site.root / "site.toml")],
            cwd=site.root,
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env(**extra),
        )
    return proc, log


def test_daemon_crashed_between_jobs_delivers_after_restart(site: Site) -> None:
    site.add(30)
    (site.root / "site.toml").write_text(
        site_config(site.receiver.port, schedule='[schedule]\ninterval = "1h"\n'), "utf-8"
    )
    # the catch-up publish commits its notices, then the daemon dies before draining them
    crashed, log = start_daemon(site, "daemon-between-jobs:1")
    try:
        code = crashed.wait(timeout=120)
    finally:
        if crashed.poll() is None:
            crashed.kill()
            crashed.wait()
    assert code == -signal.SIGKILL, (code, log.read_text())
    assert len(ledger(site.state)) == site.articles
    assert pending_count(site.state) > 0, "the crash came before the publish committed its notices"
    assert announced(site.receiver).deliveries == 0

    daemon, log = start_daemon(site)
    try:
        wait_until(
            lambda: pending_count(site.state) == 0, 60, "the restarted daemon to drain the outbox"
        )
    finally:
        daemon.send_signal(signal.SIGTERM)
        stopped = daemon.wait(timeout=30)
    assert stopped == 0, log.read_text()
    got = announced(site.receiver)
    assert set(ledger(site.state)) <= got.items("new")
    assert not {k: v for k, v in got.ids.items() if len(v) > 1}
    check_output_dir(site.output, consumers=False)


@pytest.mark.slow
def test_publish_crashed_after_the_second_batch_commit_loses_no_announcement(site: Site) -> None:
    from syndicate.publish import BATCH_ARTICLES

    site.add(40)
    assert syndicate(site.root, "publish").returncode == 0
    before, feeds_before = ledger(site.state), feed_hashes(site.output)
    hub_after = len(site.receiver.for_path("/hub"))
    site.add(BATCH_ARTICLES + 30)  # two batches: the crash comes after the second commit
    edited = len(site.edit(2))
    crashed = syndicate(site.root, "publish", fault="ledger-commit:2")
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr)
    assert len(ledger(site.state)) > len(before) + BATCH_ARTICLES, "the second batch did not commit"
    assert syndicate(site.root, "publish").returncode == 0
    deliver_all(site)
    check_nothing_lost(site, before, feeds_before, hub_after, edited)
