"""Output benchmark: 10k article pages (plus the feed-level files) to an S3-compatible
server against a local folder, then the rerun (nothing changed).

    .venv/bin/python bench/bench_output.py [--pages 10000] [--concurrency 16]
    .venv/bin/python bench/bench_output.py --publish [--pages 10000] [--reps 1]

Without ``--publish``: the Output seam alone, writing synthetic pages. With it: whole
``syndicate.publish`` runs of a bench/gen_corpus.py corpus (``--pages`` articles over 20
sections, a page each, archive pages, RSS + Atom + JSON Feed) into a folder and into a
bucket (``output.url = "s3://..."``: rendered and gated in the spool, then put), cold and
then again with nothing changed, alternating folder and bucket each repetition.

The S3 server is moto's server mode in its own process on 127.0.0.1 (so it does not
share our GIL), reached by boto3 over HTTP; the records of what was uploaded live in a
real SQLite state file, as in a publish. The baseline, measured in the same run, is the
local folder through the same Output seam (atomic writes, one sync for the batch).
Figures are given as ratios to it. moto keeps objects in memory and is not a fast
store: the ratio is an upper bound on what the seam costs, not a forecast for AWS.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicate.config import S3Config  # noqa: E402
from syndicate.output.local import LocalOutput  # noqa: E402
from syndicate.output.records import MetaRecords  # noqa: E402
from syndicate.output.s3 import S3Output, make_client  # noqa: E402
from syndicate.state import open_state  # noqa: E402

KEY_ENV, SECRET_ENV = "BENCH_S3_KEY", "BENCH_S3_SECRET"


def files(n: int, sections: int = 20) -> tuple[dict[str, bytes], dict[str, bytes]]:
    body = b"<p>" + b"The harbour committee met again on Tuesday evening. " * 40 + b"</p>"
    pages = {
        f"s{i % sections:02d}/article-{i:06d}.html": b"<!doctype html><title>Article %d</title>" % i
        + body
        for i in range(n)
    }
    feeds = {
        f"s{s:02d}/{name}": b"<rss>" + body * 8 + b"</rss>"
        for s in range(sections)
        for name in ("feed.xml", "atom.xml", "index.html")
    }
    feeds.update(
        {"feed.xml": b"<rss>" + body * 8 + b"</rss>", "index.html": body, "feeds.opml": b"<opml/>"}
    )
    return pages, feeds


def publish_like(
    out: LocalOutput | S3Output, pages: dict[str, bytes], feeds: dict[str, bytes]
) -> tuple[float, int]:
    start = time.perf_counter()
    out.start(takeover=False)
    items = list(pages.items())
    written = 0
    for i in range(0, len(items), 2000):  # the publish run's batches
        written += len(out.write(dict(items[i : i + 2000]), batch=True))
    out.flush()
    written += len(out.write(feeds))
    return time.perf_counter() - start, written


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, url
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("moto server did not start")


SITE = """\
[site]
title = "Bench News"
base_url = "https://news.example.org/"
[[inputs]]
paths = ["pages/*.txt"]
format = "scraped"
captured_at = 2025-12-31T12:00:00Z
[output]
{output}
[state]
path = "state/site.db"
"""


def publish_runs(url: str, articles: int, reps: int, concurrency: int) -> None:
    import statistics

    from syndicate.config import load_config
    from syndicate.publish import publish

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gen_corpus

    times: dict[str, list[float]] = {}
    counts: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "pages"
        gen_corpus.generate(corpus, articles, 20)
        client = make_client(
            S3Config(
                bucket="bench",
                endpoint_url=url,
                access_key_id_env=KEY_ENV,
                secret_access_key_env=SECRET_ENV,
            )
        )
        for rep in range(reps):
            bucket = f"bench-{rep}"
            client.create_bucket(Bucket=bucket)
            kinds = {
                "folder": 'dir = "output"',
                "bucket": "\n".join(
                    [
                        f'url = "s3://{bucket}/site/"',
                        f'endpoint_url = "{url}"',
                        f'access_key_id_env = "{KEY_ENV}"',
                        f'secret_access_key_env = "{SECRET_ENV}"',
                        f"concurrency = {concurrency}",
                    ]
                ),
            }
            order = list(kinds) if rep % 2 == 0 else list(reversed(kinds))
            for kind in order:
                root = Path(tmp) / f"{kind}-{rep}"
                root.mkdir()
                (root / "pages").symlink_to(corpus)
                (root / "site.toml").write_text(SITE.format(output=kinds[kind]), "utf-8")
                config = load_config(root / "site.toml")
                for phase in ("cold", "rerun"):
                    began = time.perf_counter()
                    report = publish(config, deliver=False)
                    times.setdefault(f"{kind} {phase}", []).append(time.perf_counter() - began)
                    counts[f"{kind} {phase}"] = (
                        len(report.files_written),
                        len(report.files_uploaded),
                    )
    print(f"whole publish: {articles} articles over 20 sections, {reps} rep(s), median wall")
    med = {k: statistics.median(v) for k, v in times.items()}
    for phase in ("cold", "rerun"):
        f, b = med[f"folder {phase}"], med[f"bucket {phase}"]
        fw, _ = counts[f"folder {phase}"]
        bw, bu = counts[f"bucket {phase}"]
        print(
            f"{phase:5}: folder {f:7.2f} s ({fw} files written)   bucket {b:7.2f} s"
            f" ({bw} written to the spool, {bu} PUT)   ratio {b / f:.2f}x"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--publish", action="store_true", help="whole publish runs (see above)")
    ap.add_argument("--reps", type=int, default=1)
    args = ap.parse_args()
    os.environ.update({KEY_ENV: "bench", SECRET_ENV: "bench"})
    if args.publish:
        proc, url = start_moto()
        try:
            publish_runs(url, args.pages, args.reps, args.concurrency)
        finally:
            proc.terminate()
            proc.wait(10)
        return
    pages, feeds = files(args.pages)
    os.environ.update({KEY_ENV: "bench", SECRET_ENV: "bench"})
    proc, url = start_moto()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            local_cold = publish_like(LocalOutput(root / "out"), pages, feeds)
            local_rerun = publish_like(LocalOutput(root / "out"), pages, feeds)
            cfg = S3Config(
                bucket="bench",
                prefix="site/",
                endpoint_url=url,
                access_key_id_env=KEY_ENV,
                secret_access_key_env=SECRET_ENV,
                concurrency=args.concurrency,
            )
            with open_state(root / "state.db") as store:
                first = S3Output(cfg, MetaRecords(store, cfg.url))
                first.client.create_bucket(Bucket="bench")
                s3_cold = publish_like(first, pages, feeds)
                cold_puts = first.puts
                again = S3Output(cfg, MetaRecords(store, cfg.url))
                s3_rerun = publish_like(again, pages, feeds)
                rerun_puts = again.puts
    finally:
        proc.terminate()
        proc.wait(10)
    n = len(pages) + len(feeds)
    print(
        f"files: {n} ({len(pages)} pages + {len(feeds)} feed-level), S3 concurrency {args.concurrency}"
    )
    print(f"local folder cold : {local_cold[0]:7.2f} s  ({local_cold[1]} written)")
    print(f"local folder rerun: {local_rerun[0]:7.2f} s  ({local_rerun[1]} written)")
    print(
        f"S3 (moto) cold    : {s3_cold[0]:7.2f} s  ({s3_cold[1]} uploaded, {cold_puts} PUT requests"
        f" + 2 probe)  ratio to local cold: {s3_cold[0] / local_cold[0]:.1f}x"
    )
    print(
        f"S3 (moto) rerun   : {s3_rerun[0]:7.2f} s  ({s3_rerun[1]} uploaded, {rerun_puts} PUT requests"
        f" + 2 probe)  ratio to local rerun: {s3_rerun[0] / local_rerun[0]:.1f}x"
    )


if __name__ == "__main__":
    main()
