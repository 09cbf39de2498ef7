"""Delivery workers and publish on PostgreSQL (issue 10), as ratios within one run.

1. ``--notices`` due webhook notices (default 20,000 over 400 endpoints) drained by 1, 2,
   4 and 8 ``syndicate worker`` processes against a loopback receiver that answers each
   request after 50 ms: throughput, its ratio to one worker, and double sends (a
   webhook-id received twice: a notice claimed twice while its lease held).
2. A cold publish of ``--articles`` (default 10,000; bench/gen_corpus.py) to PostgreSQL
   against SQLite, alternated, median of ``--repeat``.

Targets (issue 10): 4 workers >= 3x one, 0 double claims, PG cold publish <= 1.5x SQLite.

    python -m bench.bench_workers [--notices 20000] [--endpoints 400] [--concurrency 8]
        [--workers 1,2,4,8] [--articles 10000] [--repeat 3] [--skip-publish]

Starts its own PostgreSQL (bench/pg_server.py; initdb must be installed).
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_publish import load_gen_corpus
from bench.peers import SYNDICATE_CONFIG
from bench.pg_server import empty_database, running_postgres

HERE = Path(__file__).resolve().parent
LATENCY = 0.05


class Receiver:
    """A threaded loopback server: answers 200 after LATENCY, counts webhook-ids."""

    def __init__(self) -> None:
        seen: Counter[str] = Counter()
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(LATENCY)
                with lock:
                    seen[self.headers.get("webhook-id", "")] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 1024

        self.seen = seen
        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def distinct(self) -> int:
        return len(self.seen)

    def doubles(self) -> int:
        return sum(n - 1 for n in self.seen.values() if n > 1)


def worker_config(root: Path, url: str, port: int, endpoints: int, concurrency: int) -> Path:
    hooks = "".join(
        f'[[webhooks]]\nname = "hook-{i}"\nurl = "http://127.0.0.1:{port}/h/{i}"\n'
        for i in range(endpoints)
    )
    (root / "in").mkdir(parents=True, exist_ok=True)
    path = root / "workers.toml"
    path.write_text(
        f'[site]\ntitle = "Bench"\nbase_url = "https://bench.example/"\n'
        f'[[inputs]]\npaths = ["in/*.txt"]\n[state]\nurl = "{url}"\n'
        f'[delivery]\nconcurrency = {concurrency}\nlease = "5m"\n{hooks}',
        encoding="utf-8",
    )
    return path


def queue(url: str, notices: int, endpoints: int) -> None:
    from syndicate.state import open_state

    when = datetime.now(UTC).isoformat(timespec="microseconds")
    rows = [
        (f"msg_{n}", f"webhook:hook-{n % endpoints}", f'{{"n":{n}}}', when, when)
        for n in range(notices)
    ]
    with open_state(url) as store, store.transaction() as conn:
        conn.executemany(
            "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status,"
            " attempts, next_attempt) VALUES (?, ?, 'webhook', 'run', ?, ?, 'pending', 0, ?)",
            rows,
        )


def drain(args: argparse.Namespace, url: str, root: Path, workers: int) -> dict[str, float]:
    receiver = Receiver()
    config = worker_config(
        root, empty_database(url), receiver.port, args.endpoints, args.concurrency
    )
    queue(url, args.notices, args.endpoints)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    cmd = [sys.executable, "-m", "syndicate", "worker", "-c", str(config), "--poll", "0.2", "-q"]
    began, cpu = time.perf_counter(), time.process_time()  # this process: the receiver
    procs = [subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        while receiver.distinct() < args.notices:
            if any(p.poll() is not None for p in procs):
                raise SystemExit("bench: a worker exited early")
            time.sleep(0.02)
        seconds = time.perf_counter() - began
        receiver_cpu = time.process_time() - cpu
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        worker_cpu = 0.0
        for p in procs:
            _, _, usage = os.wait4(p.pid, 0)
            worker_cpu += usage.ru_utime + usage.ru_stime
        receiver.server.shutdown()
    return {
        "seconds": seconds,
        "rate": args.notices / seconds,
        "doubles": receiver.doubles(),
        "worker_ms": 1000 * worker_cpu / args.notices,  # CPU per notice, all workers
        "receiver_ms": 1000 * receiver_cpu / args.notices,
    }


def publish_once(site: Path, url: str | None) -> float:
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / "state", ignore_errors=True)
    text = SYNDICATE_CONFIG.format(limit=50)
    if url is not None:
        text = text.replace('path = "state/bench.db"', f'url = "{empty_database(url)}"')
    (site / "site.toml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "syndicate", "publish", "-c", "site.toml", "--quiet", "--no-push"],
        cwd=site,
        env=env,
        check=True,
    )
    return time.perf_counter() - began


def cold_publish(args: argparse.Namespace, url: str, root: Path) -> dict[str, float]:
    pages = root / "corpus"
    load_gen_corpus().generate(pages, args.articles, 20, 20, 1)
    site = root / "site"
    site.mkdir()
    (site / "pages").symlink_to(pages, target_is_directory=True)
    times: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    for _ in range(args.repeat):
        times["sqlite"].append(publish_once(site, None))
        times["postgresql"].append(publish_once(site, url))
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--endpoints", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8, help="delivery.concurrency")
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-publish", action="store_true")
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args(argv)
    verdicts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp, running_postgres() as url:
        root = Path(tmp)
        if not args.skip_workers:
            print(
                f"workers: {args.notices} notices, {args.endpoints} endpoints, "
                f"concurrency {args.concurrency}, receiver {LATENCY * 1000:.0f} ms"
            )
            print(
                f"  {'WORKERS':>7}  {'SECONDS':>8}  {'NOTICES/S':>9}  {'VS 1':>5}  {'DOUBLE':>6}"
                "  CPU MS/NOTICE (WORKERS, RECEIVER)"
            )
            base = None
            for n in (int(x) for x in args.workers.split(",")):
                r = drain(args, url, root / f"w{n}", n)
                base = base or r["rate"]
                ratio = r["rate"] / base
                print(
                    f"  {n:>7}  {r['seconds']:>8.1f}  {r['rate']:>9.0f}  {ratio:>5.2f}  "
                    f"{r['doubles']:>6.0f}  {r['worker_ms']:.2f}, {r['receiver_ms']:.2f}",
                    flush=True,
                )
                if r["doubles"]:
                    verdicts.append(f"FAIL: {n} workers sent {r['doubles']:.0f} notices twice")
                if n == 4:
                    ok = ratio >= 3
                    verdicts.append(f"{'ok' if ok else 'FAIL'}: 4 workers {ratio:.2f}x one (>= 3)")
        if not args.skip_publish:
            t = cold_publish(args, url, root)
            ratio = t["postgresql"] / t["sqlite"]
            print(
                f"cold publish of {args.articles} articles (median of {args.repeat}):"
                f" SQLite {t['sqlite']:.2f}s, PostgreSQL {t['postgresql']:.2f}s ({ratio:.2f}x)"
            )
            verdicts.append(
                f"{'ok' if ratio <= 1.5 else 'FAIL'}: PG cold publish {ratio:.2f}x SQLite (<= 1.5)"
            )
    for v in verdicts:
        print(v)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
