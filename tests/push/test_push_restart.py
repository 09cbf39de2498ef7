"""Nothing lost across process deaths: real subprocesses, real SIGKILL, real SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from push_helpers import Hit, free_port, start_receiver
from standardwebhooks import Webhook

REPO = Path(__file__).resolve().parents[2]
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
LEASE = 1.0  # delivery.lease: a killed worker's claim runs out after this

# A stand-in for publish: records a feed version and enqueues its notices in ONE
# transaction, optionally delivers, then waits to be killed.
WORKER = textwrap.dedent("""
    import json, sys, time
    from datetime import datetime, timezone
    from syndicate.config import load_config
    from syndicate.model import FeedChange, FeedFormat, ItemNotice, RunChanges
    from syndicate.push import deliver_due, enqueue
    from syndicate.state import open_state

    config_path, mode, items = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    config = load_config(config_path)
    now = datetime.now(timezone.utc)
    with open_state(config.state_path) as store:
        if items:
            feed = FeedChange(feed_key="", title="All", format=FeedFormat.RSS,
                              url=config.site.base_url + "rss.xml", path="rss.xml")
            news = tuple(ItemNotice(id=f"item-{n}", title=f"Story {n}", link=f"{config.site.base_url}{n}.html",
                                    section="World", published=now, updated=now) for n in items)
            with store.transaction():
                store.record_feeds([("rss.xml", feed.url, f"hash-{items}", now)])
                enqueue(store, config, RunChanges(feeds=(feed,), new=news), now)
            print("enqueued", flush=True)
        if mode == "deliver":
            print("delivering", flush=True)
            print("report", deliver_due(store, config), flush=True)
        else:
            time.sleep(60)          # killed here, before any delivery
""")


def write_config(tmp: Path, port: int) -> Path:
    (tmp / "in").mkdir()
    (tmp / "in" / "a.txt").write_text("placeholder\n")
    config = tmp / "syndicate.toml"
    config.write_text(
        textwrap.dedent(f"""
        [site]
        title = "Restart News"
        base_url = "https://news.example.com/"
        [[inputs]]
        paths = ["in/*.txt"]
        [state]
        path = "state/s.db"
        [[hubs]]
        url = "http://127.0.0.1:{port}/hub"
        [[webhooks]]
        name = "shop"
        url = "http://127.0.0.1:{port}/hook"
        secret_env = "SHOP_SECRET"
        [delivery]
        connect_timeout = 1
        read_timeout = 5
        retry_schedule = [0, 0, 0, 0, 0, 0]
        lease = "{LEASE}s"
    """)
    )
    return config


def run_worker(
    tmp: Path,
    config: Path,
    mode: str,
    items: list[int],
    *,
    kill_after: str | None = None,
    before_kill: threading.Event | None = None,
) -> str:
    script = tmp / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "SHOP_SECRET": SECRET, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(config), mode, json.dumps(items)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    out = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.append(line)
            if kill_after and line.startswith(kill_after):
                if before_kill is not None:
                    assert before_kill.wait(10), "the receiver never saw the request"
                os.kill(proc.pid, signal.SIGKILL)
                break
        rc = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if kill_after:
        assert rc == -signal.SIGKILL
    else:
        assert rc == 0, proc.stderr.read() if proc.stderr else ""
    return "".join(out)


def test_sigkill_between_enqueue_and_delivery_loses_nothing(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, port)

    # 1. run 1 with the endpoint down: delivery fails, then the process dies
    out = run_worker(tmp_path, config, "deliver", [1, 2])
    assert "0 delivered, 2 retrying" in out
    # 2. run 2 is enqueued, and the process is killed before it delivers anything
    run_worker(tmp_path, config, "wait", [3], kill_after="enqueued")

    # 3. the endpoint is back, but the first webhook's answer never gets out: the
    #    receiver has the request when the delivering process is killed
    #    (the hub's ping too: both requests are held until the process is dead)
    rec = start_receiver(port)
    seen = {"/hook": threading.Event(), "/hub": threading.Event()}
    both_seen = threading.Event()
    hold = threading.Event()

    def swallow(hit: Hit) -> tuple[int, dict[str, str], bytes]:
        seen[hit.path].set()
        if all(e.is_set() for e in seen.values()):
            both_seen.set()
        hold.wait(10)
        return 200, {}, b"too late"

    try:
        rec.script("/hook", swallow, 200)
        rec.script("/hub", swallow, 204)
        run_worker(tmp_path, config, "deliver", [], kill_after="delivering", before_kill=both_seen)
        hold.set()
        # 4. once the killed worker's lease has run out, a fresh process delivers what is left
        time.sleep(LEASE + 0.2)
        out = run_worker(tmp_path, config, "deliver", [])
        assert "0 dead" in out
    finally:
        rec.stop()

    hooks = rec.for_path("/hook")
    verifier = Webhook(SECRET)
    by_id: dict[str, dict[str, Any]] = {}
    for hit in hooks:
        by_id.setdefault(hit.headers["webhook-id"], verifier.verify(hit.body, hit.headers))
    assert len(hooks) == 2 and len(by_id) == 1  # sent twice (at least once), once after dedup
    items = {i["id"] for payload in by_id.values() for i in payload["data"]["new"]}
    assert items == {
        "item-1",
        "item-2",
        "item-3",
    }  # nothing lost; runs 1 and 2 merged into one message
    assert [h.status for h in rec.for_path("/hub")].count(
        204
    ) == 1  # one answered ping for the feed

    import sqlite3

    with sqlite3.connect(tmp_path / "state" / "s.db") as conn:
        statuses = dict(
            conn.execute("SELECT status, COUNT(*) FROM notices GROUP BY status").fetchall()
        )
    assert statuses.get("pending", 0) == 0 and statuses.get("dead", 0) == 0
    assert statuses["delivered"] == 2


@pytest.mark.skipif(
    not (REPO / "config" / "example" / "pages").is_dir(), reason="example site not present"
)
def test_publish_cli_with_endpoint_down_then_deliver_and_status(tmp_path: Path) -> None:
    """The real `syndicate publish`, `status`, `deliver`, `replay` commands as subprocesses."""
    shutil.copytree(REPO / "config" / "example" / "pages", tmp_path / "pages")
    port = free_port()
    config = tmp_path / "site.toml"
    config.write_text(
        textwrap.dedent(f"""
        [site]
        title = "CLI News"
        base_url = "http://127.0.0.1:8080/"
        [[inputs]]
        paths = ["pages/*.txt"]
        format = "scraped"
        timezone = "Europe/London"
        [output]
        dir = "out"
        [state]
        path = "state/s.db"
        [[webhooks]]
        name = "shop"
        url = "http://127.0.0.1:{port}/hooks/s3cr3t-path"
        secret_env = "SHOP_SECRET"
        [delivery]
        connect_timeout = 1
        read_timeout = 2
        retry_schedule = [0, 0]
    """)
    )
    env = {**os.environ, "SHOP_SECRET": SECRET, "PYTHONPATH": str(REPO)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "syndicate", *args, "--config", str(config)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd=tmp_path,
            check=False,
        )

    published = cli("publish")
    # the pages are clean, so exit 0: a webhook that is down is a retry, not a failed publish
    assert published.returncode == 0, published.stderr
    assert "25 new" in published.stdout and "0 errors" in published.stdout
    assert "delivery: 1 due: 0 delivered, 1 retrying, 0 dead" in published.stdout
    status = cli("status")
    assert "webhook:shop" in status.stdout and "last publish: #" in status.stdout
    assert "s3cr3t" not in status.stdout + status.stderr + published.stdout + published.stderr
    assert cli("deliver").returncode == 5  # second failure: the schedule [0, 0] is used up
    assert cli("status").returncode == 5  # dead -> exit 5

    rec = start_receiver(port)
    try:
        assert "requeued 1" in cli("replay", "shop").stdout
        delivered = cli("deliver")
        assert delivered.returncode == 0, delivered.stdout + delivered.stderr
        [hit] = rec.for_path("/hooks/s3cr3t-path")
        payload = Webhook(SECRET).verify(hit.body, hit.headers)
        assert payload["type"] == "feeds.updated" and payload["data"]["new"]
        assert cli("status").returncode == 0
    finally:
        rec.stop()
