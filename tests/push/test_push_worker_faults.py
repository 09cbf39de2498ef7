"""`syndicate worker` processes and real SIGKILL, on every backend: a worker killed in the
middle of a delivery loses nothing; another one delivers it, on PostgreSQL once the lease
has run out, on SQLite (one host) as soon as the killed process is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from push_helpers import Hit, Receiver, queue_notices, rows, wait_until

from syndicate.state import open_state

REPO = Path(__file__).resolve().parents[2]
LEASE = 2.0


def write_config(
    tmp: Path, where: Path | str, receiver: Receiver, endpoints: int, lease: float = LEASE
) -> Path:
    state = f'url = "{where}"' if isinstance(where, str) else f'path = "{where}"'
    hooks = "".join(
        f'[[webhooks]]\nname = "hook-{i}"\nurl = "{receiver.url(f"/h/{i}")}"\n'
        for i in range(endpoints)
    )
    (tmp / "in").mkdir(exist_ok=True)
    config = tmp / "syndicate.toml"
    config.write_text(
        textwrap.dedent("""
        [site]
        title = "Worker News"
        base_url = "https://news.example.com/"
        [[inputs]]
        paths = ["in/*.txt"]
        [delivery]
        connect_timeout = 1
        read_timeout = 30
        concurrency = 4
        """)
        + f'lease = "{lease}s"\ninterval = "0.2s"\n[state]\n{state}\n'
        + hooks
    )
    return config


def start_worker(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "syndicate", "worker", "-c", str(config), "--poll", "0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=config.parent,
    )


def stop(proc: subprocess.Popen[str]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_worker_killed_mid_delivery_leaves_its_notices_to_another_after_the_lease(
    state_where: Path | str, receiver: Receiver, tmp_path: Path
) -> None:
    endpoints, each = 6, 3
    on_pg = isinstance(state_where, str)
    # on SQLite (one host) a long lease shows the claim of the dead process ends at once
    lease = LEASE if on_pg else 120.0
    config = write_config(tmp_path, state_where, receiver, endpoints, lease)
    with open_state(state_where) as store:  # migrated before the workers start
        queue_notices(store, endpoints=endpoints, each=each, at=datetime.now(UTC))
    in_flight = threading.Event()
    release = threading.Event()

    def hold_the_first(hit: Hit) -> tuple[int, dict[str, str], bytes]:
        in_flight.set()
        release.wait(10)  # answered only after its sender is dead
        return 200, {}, b"too late"

    receiver.script("/h/0", hold_the_first, 200)
    first = start_worker(config)
    try:
        assert in_flight.wait(30), "the first worker never sent anything"
        killed_at = time.monotonic()
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
    finally:
        release.set()
        if first.poll() is None:
            first.kill()
    second = start_worker(config)
    try:
        assert wait_until(lambda: len(receiver.for_path("/h/0", ok_only=True)) >= each, 30)
    finally:
        assert stop(second) == 0, second.stderr.read() if second.stderr else ""

    head = [h for h in receiver.hits if h.headers["webhook-id"] == "msg_0_0"]
    assert len(head) == 2  # at least once: resent, with the same webhook-id
    assert head[1].at - killed_at >= 0  # resent only after the kill
    if on_pg:  # other hosts cannot tell a dead worker, so the lease must run out
        assert head[1].at - head[0].at >= LEASE - 0.1
    else:  # resent within the 30 s wait above, long before the 120 s lease
        assert head[1].at - head[0].at < lease / 2
    sent = Counter(h.headers["webhook-id"] for h in receiver.hits)
    assert len(sent) == endpoints * each  # every notice reached its endpoint
    with open_state(state_where) as store:
        assert {r["status"] for r in rows(store)} == {"delivered"}
