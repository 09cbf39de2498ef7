"""Conditional-GET benchmark: `syndicate serve` against Python's `http.server` (issue 11).

    .venv/bin/python bench/bench_serve.py [--connections 32] [--seconds 5] [--repeat 3]

Needs wrk (Debian: ``apt-get install wrk``). Both servers run as their own processes on
127.0.0.1 and serve the same folder holding a ~200 KB ``feed.xml``. Every request is a
feed reader's poll that finds nothing new: ``syndicate serve`` gets ``If-None-Match``
with the feed's ETag, ``http.server`` (which has no ETags) gets ``If-Modified-Since``;
each answer is checked to be a 304 before timing. The baseline is ``http.server`` in the
same run, so the figure is a ratio; target: syndicate serve at 3x or more.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import requests

TARGET_RATIO = 3.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_site(root: Path, feed_bytes: int) -> Path:
    """A config and an output folder with one feed of about ``feed_bytes`` bytes."""
    out = root / "output"
    out.mkdir()
    items: list[str] = []
    n = 0
    while sum(len(i) for i in items) < feed_bytes:
        n += 1
        items.append(
            f"<item><title>Bench item {n}</title><link>http://127.0.0.1/b/{n}.html</link>"
            f"<guid>urn:bench:{n}</guid><description>{'Filler words for the benchmark. ' * 30}"
            "</description></item>\n"
        )
    (out / "feed.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Bench</title><link>http://127.0.0.1/</link><description>Bench"
        "</description>\n" + "".join(items) + "</channel></rss>\n"
    )
    (root / "bench.toml").write_text(
        textwrap.dedent("""\
        [site]
        title = "Bench"
        base_url = "http://127.0.0.1:8080/"
        [[inputs]]
        name = "none"
        paths = ["inputs/*.txt"]
        [output]
        dir = "output"
        [state]
        path = "state/bench.db"
    """)
    )
    return out


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit(f"server exited early: {proc.args!r}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise SystemExit(f"server not answering: {url}")


def wrk(url: str, header: str, connections: int, seconds: int) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", header, url]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    if "Non-2xx or 3xx" in text:
        raise SystemExit(f"wrk saw answers other than 304:\n{text}")
    errors = re.search(r"Socket errors: .*", text)
    if errors:  # counted, not fatal: http.server times out a few under load
        print(f"  wrk: {errors.group()}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    assert match, text
    return float(match.group(1))


def bench(
    name: str,
    cmd: list[str],
    port: int,
    header_of: Callable[[requests.Response], tuple[str, str]],
    args: argparse.Namespace,
) -> float:
    url = f"http://127.0.0.1:{port}/feed.xml"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(url, proc)
        first = requests.get(url, timeout=5)
        key, value = header_of(first)
        check = requests.get(url, headers={key: value}, timeout=5)
        assert check.status_code == 304, f"{name}: {check.status_code} to {key}"
        runs = [
            wrk(url, f"{key}: {value}", args.connections, args.seconds) for _ in range(args.repeat)
        ]
    finally:
        proc.terminate()
        proc.wait(10)
    rate = statistics.median(runs)
    print(f"{name:18} {rate:10.0f} req/s (median of {', '.join(f'{r:.0f}' for r in runs)})")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--feed-kb", type=int, default=200)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        out = write_site(root, args.feed_kb * 1024)
        size = (out / "feed.xml").stat().st_size
        print(
            f"feed.xml {size / 1024:.0f} KB, {args.connections} connections, {args.seconds} s x {args.repeat}"
        )
        port = free_port()
        ours = bench(
            "syndicate serve",
            [
                sys.executable,
                "-m",
                "syndicate",
                "serve",
                "--config",
                str(root / "bench.toml"),
                "--port",
                str(port),
                "-q",
            ],
            port,
            lambda r: ("If-None-Match", r.headers["ETag"]),
            args,
        )
        port = free_port()
        base = bench(
            "python http.server",
            [
                sys.executable,
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "--directory",
                str(out),
                str(port),
            ],
            port,
            lambda r: ("If-Modified-Since", formatdate(time.time() + 60, usegmt=True)),
            args,
        )
    ratio = ours / base
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"ratio {ratio:.2f}x ({verdict} the {TARGET_RATIO:.0f}x target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
