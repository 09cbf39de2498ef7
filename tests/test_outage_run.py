"""The outage run of issue 8: the webhook endpoint (and the hub beside it) is down, then
answers 500, then 429 with Retry-After, then is up again, while new and edited articles
are published by real `syndicate publish` processes, some SIGKILLed at random moments.
At the end every expected item announcement has reached the receiver (0 lost), each
under one webhook-id, every request verified with `standardwebhooks`.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from nothing_lost import (
    Announced,
    Site,
    announced,
    env,
    ledger,
    pending_count,
    site_fixture,  # noqa: F401  (the `site` fixture)
    start_receiver,
    syndicate,
)
from push_helpers import Receiver

ROUNDS_PER_PHASE = int(os.environ.get("SYNDICATE_OUTAGE_ROUNDS", "3"))
SEED = int(os.environ.get("SYNDICATE_OUTAGE_SEED", "8"))


def publish_maybe_killed(site: Site, rng: random.Random, took: float) -> bool:
    """Run publish; half the time SIGKILL it after a random delay below ``took``. True if killed."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "syndicate",
            "publish",
            "--config",
            str(site.root / "site.toml"),
            "--quiet",
        ],
        cwd=site.root,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    delay = rng.uniform(0.1, took) if rng.random() < 0.5 else 120.0
    try:
        code = proc.wait(timeout=delay)
        assert code in (0, 3), f"publish failed with exit {code}"
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def merge(results: list[Announced]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for r in results:
        for key, ids in r.ids.items():
            out.setdefault(key, set()).update(ids)
    return out


def ledger_updated(state: Path) -> dict[str, str]:
    """guid -> updated, as a webhook item spells it (RFC 3339, seconds, Z)."""
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        return {
            g: datetime.fromisoformat(u)
            .astimezone(UTC)
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z")
            for g, u in conn.execute("SELECT guid, updated FROM articles")
        }
    finally:
        conn.close()


def test_outage_then_recovery_with_killed_publishes_loses_no_item(site: Site) -> None:
    rng = random.Random(SEED)
    port = site.receiver.port
    site.add(20)
    began = time.monotonic()
    assert syndicate(site.root, "publish").returncode == 0
    took = time.monotonic() - began  # bounds the random kill moments
    receivers: list[Receiver] = [site.receiver]
    site.receiver.stop()  # phase 1: down (connection refused)

    first_hash: dict[str, str] = {}
    kills = 0
    phases = ["down", "500", "429", "up"]
    for phase in phases:
        if phase != "down":
            rec = start_receiver(port)
            receivers.append(rec)
            answer = {"500": 500, "429": (429, {"Retry-After": "1"}), "up": 200}[phase]
            rec.script("/hook", answer)
            rec.script("/hub", answer)
        for _ in range(ROUNDS_PER_PHASE):
            site.edit_newest(1)  # one published (or half-published) a round ago
            site.add(3)
            kills += publish_maybe_killed(site, rng, took)
            syndicate(site.root, "deliver")
            for guid, (_, content_hash) in ledger(site.state).items():
                first_hash.setdefault(guid, content_hash)
        if phase in ("500", "429"):
            receivers[-1].stop()

    # up for good: a last publish, then deliver until the outbox is empty
    assert syndicate(site.root, "publish").returncode in (0, 3)
    deadline = time.monotonic() + 60
    while pending_count(site.state) and time.monotonic() < deadline:
        syndicate(site.root, "deliver")
        time.sleep(0.2)
    for rec in receivers[1:]:
        rec.stop()
    assert pending_count(site.state) == 0, "notices still pending after a minute of delivering"

    results = [announced(r) for r in receivers]
    got = merge(results)
    latest = {i: it for r in results for i, it in r.latest.items()}
    now, updated = ledger(site.state), ledger_updated(site.state)
    edited = {g for g, (_, h) in now.items() if first_hash.get(g, h) != h}
    # expected: every item once as new, and every edit seen after the item was recorded
    # arrives as the item's newest version (a pending "new" may absorb it: merged, not lost)
    lost_new = {g for g in now if (g, "new") not in got}
    lost_edit = {g for g in edited if g not in latest or latest[g]["updated"] != updated[g]}
    expected = len(now) + len(edited)
    lost = len(lost_new) + len(lost_edit)
    print(
        f"outage run: {kills} of {len(phases) * ROUNDS_PER_PHASE} publishes killed; item announcements"
        f" expected {expected} ({len(now)} new, {len(edited)} edits), received {expected - lost}, lost {lost}"
    )
    assert edited, "no edit reached the ledger before being announced: the test tests no update"
    assert kills >= 3, f"only {kills} publishes were killed mid-run: the test tests no crash"
    assert not lost_new and not lost_edit, (
        sorted(lost_new)[:3],
        [
            (
                g,
                (latest.get(g) or {}).get("updated"),
                (latest.get(g) or {}).get("title"),
                (latest.get(g) or {}).get("link"),
                updated[g],
            )
            for g in lost_edit
        ],
    )
    twice = {k: v for k, v in got.items() if k[1] == "new" and len(v) > 1}
    assert not twice, (
        f"items announced as new under two webhook-ids: {dict(list(twice.items())[:3])}"
    )
