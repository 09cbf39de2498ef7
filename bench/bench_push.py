"""Fan-out benchmark: time to deliver one change to 1, 100 and 1,000 webhook endpoints.

    .venv/bin/python bench/bench_push.py [--sizes 1,100,1000] [--repeat 3]

Endpoints are paths on one loopback receiver (a threaded HTTP/1.1 server in its own
process, so it does not share our GIL). Every webhook is signed, as in production.
The baseline, measured in the same run, is a plain sequential ``requests`` loop
posting the same body to 100 endpoints: figures are also given as ratios to it.
Target (issue 3): 1,000 endpoints in 5 s or less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicate.config import (
    Config,
    DeliveryConfig,
    OutputConfig,
    SiteConfig,
    WebhookConfig,
)
from syndicate.model import FeedChange, FeedFormat, ItemNotice, RunChanges
from syndicate.push import deliver_due, enqueue
from syndicate.state import open_state

RECEIVER = textwrap.dedent("""
    import http.server, sys, threading
    count = 0
    lock = threading.Lock()
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True   # else headers and body writes meet delayed ACK: 40 ms each
        def log_message(self, *a): pass
        def do_POST(self):
            global count
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/count":
                body = str(count).encode()
            else:
                with lock:
                    count += 1
                body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
    class S(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024
    s = S(("127.0.0.1", 0), H)
    print(s.server_address[1], flush=True)
    s.serve_forever()
""")

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SECRET_ENV = "BENCH_WEBHOOK_SECRET"


def one_change() -> RunChanges:
    feed = FeedChange(
        feed_key="",
        title="Bench News",
        format=FeedFormat.RSS,
        url="https://news.example.com/rss.xml",
        path="rss.xml",
    )
    item = ItemNotice(
        id="tag:news.example.com,2024:1",
        title="A story",
        link="https://news.example.com/1.html",
        section="World",
        published=NOW,
        updated=NOW,
        summary="One new story.",
    )
    return RunChanges(feeds=(feed,), new=(item,))


def config_for(tmp: Path, base: str, n: int) -> Config:
    hooks = tuple(
        WebhookConfig(url=f"{base}/h/{i}", name=f"hook-{i}", secret_env=SECRET_ENV)
        for i in range(n)
    )
    return Config(
        path=tmp / "bench.toml",
        site=SiteConfig(title="Bench", base_url="https://news.example.com/"),
        inputs=(),
        output=OutputConfig(dir=tmp / "out"),
        state_path=tmp / "s.db",
        webhooks=hooks,
        delivery=DeliveryConfig(),
    )


def received(base: str) -> int:
    return int(requests.post(f"{base}/count", timeout=5).text)


def run_outbox(base: str, n: int) -> tuple[float, float]:
    """(enqueue seconds, deliver seconds) for one change to n endpoints."""
    with tempfile.TemporaryDirectory() as tmp:
        config = config_for(Path(tmp), base, n)
        with open_state(Path(tmp) / "s.db") as store:
            before = received(base)
            t0 = time.perf_counter()
            with store.transaction():
                enqueue(store, config, one_change(), NOW)
            t1 = time.perf_counter()
            report = deliver_due(store, config)
            t2 = time.perf_counter()
            got = received(base) - before
            if report.delivered != n or got != n:
                raise SystemExit(
                    f"bench: expected {n} deliveries, report={report}, receiver saw {got}"
                )
    return t1 - t0, t2 - t1


def run_baseline(base: str, n: int) -> float:
    """A plain sequential loop: one session, one POST per endpoint, no state, no signing."""
    body = b'{"type":"feeds.updated"}'
    with requests.Session() as session:
        t0 = time.perf_counter()
        for i in range(n):
            session.post(
                f"{base}/h/{i}",
                data=body,
                timeout=(5, 10),
                headers={"Content-Type": "application/json"},
            ).raise_for_status()
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    os.environ[SECRET_ENV] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    server = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        run_baseline(base, 10)  # warm up
        baseline = statistics.median(run_baseline(base, 100) for _ in range(args.repeat))
        print(
            f"cpus={os.cpu_count()} python={sys.version.split()[0]} concurrency={DeliveryConfig().concurrency}"
            f" repeat={args.repeat} (median)"
        )
        print(
            f"baseline: sequential requests loop, 100 endpoints: {baseline:.3f} s"
            f" ({baseline / 100 * 1000:.2f} ms/endpoint)"
        )
        print(
            f"{'endpoints':>9}  {'enqueue s':>9}  {'deliver s':>9}  {'ms/endpoint':>11}  {'vs baseline/100':>15}"
        )
        for n in sizes:
            runs = [run_outbox(base, n) for _ in range(args.repeat)]
            enq = statistics.median(r[0] for r in runs)
            dlv = statistics.median(r[1] for r in runs)
            per = dlv / n * 1000
            ratio = dlv / baseline
            verdict = (
                "  (target <= 5 s: " + ("met" if dlv <= 5 else "MISSED") + ")" if n == 1000 else ""
            )
            print(f"{n:>9}  {enq:>9.3f}  {dlv:>9.3f}  {per:>11.2f}  {ratio:>14.2f}x{verdict}")
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()
