"""Peak memory of an S3 publish (issue 10): one cold ``syndicate publish`` process of a
bench/gen_corpus.py corpus into a bucket on moto's server (its own process on
127.0.0.1), every feed holding every article (``item_limit`` above the corpus size),
measured with ``/usr/bin/time -v`` (the publish process's maximum resident set size).
Then a rerun with nothing changed.

    nice -n 19 .venv/bin/python bench/bench_s3_rss.py [--articles 20000] [--pages/--no-pages]

The code measured is the ``syndicate`` that ``PYTHONPATH`` names (so one script measures
two trees). moto's own memory is not counted: it is another process.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_output import KEY_ENV, SECRET_ENV, SITE, start_moto  # noqa: E402

# bench_output's site, its [output] table a bucket holding every article in every feed
OUTPUT = """\
dir = "spool"
url = "s3://bench/site/"
endpoint_url = "{url}"
access_key_id_env = "{key}"
secret_access_key_env = "{secret}"
concurrency = 16
item_limit = {limit}
article_pages = {pages}
churn_share = 1"""


def timed_publish(root: Path) -> tuple[float, int, str]:
    """(wall seconds, max RSS in KiB, the publish's summary line)."""
    began = time.perf_counter()
    run = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "syndicate", "publish", "--no-push"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "SYNDICATE_CONFIG": str(root / "site.toml")},
    )
    wall = time.perf_counter() - began
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    if run.returncode != 0 or rss is None:
        raise SystemExit(f"publish failed ({run.returncode}):\n{run.stdout}\n{run.stderr[-3000:]}")
    return wall, int(rss.group(1)), run.stdout.strip().splitlines()[-1] if run.stdout else ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--pages", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--corpus", type=Path, help="reuse (or make) the corpus here")
    args = ap.parse_args()
    os.environ.update({KEY_ENV: "bench", SECRET_ENV: "bench"})
    import gen_corpus

    from syndicate.config import S3Config
    from syndicate.output.s3 import make_client

    proc, url = start_moto()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-s3-rss-") as tmp:
            corpus = args.corpus or Path(tmp) / "corpus"
            if not corpus.exists():
                gen_corpus.generate(corpus, args.articles, 20)
            root = Path(tmp) / "site"
            root.mkdir()
            (root / "pages").symlink_to(corpus.resolve())
            (root / "site.toml").write_text(
                SITE.format(
                    output=OUTPUT.format(
                        url=url,
                        key=KEY_ENV,
                        secret=SECRET_ENV,
                        limit=args.articles * 10,
                        pages=str(args.pages).lower(),
                    )
                ),
                encoding="utf-8",
            )
            cfg = S3Config(
                bucket="bench",
                endpoint_url=url,
                access_key_id_env=KEY_ENV,
                secret_access_key_env=SECRET_ENV,
            )
            make_client(cfg).create_bucket(Bucket="bench")
            spool = root / "spool"
            for phase in ("cold", "rerun"):
                wall, rss, summary = timed_publish(root)
                biggest = max(
                    (p.stat().st_size for p in spool.rglob("*") if p.is_file()), default=0
                )
                print(
                    f"{phase:5}: {args.articles} articles, pages={args.pages}: wall {wall:7.1f} s,"
                    f" max RSS {rss / 1024:7.1f} MiB, largest file {biggest / 2**20:.1f} MiB"
                    f" | {summary}",
                    flush=True,
                )
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
