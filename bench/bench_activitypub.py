"""What ActivityPub costs a publish, as ratios against the same run without it (issue 13).

Two sites on the same corpus (bench/gen_corpus.py, over 20 sections), one with
``[activitypub] enabled = true``, each published as a whole process, in turn (the order
rotating every repetition), medians compared:

- cold: the first publish (feeds, pages, and with ActivityPub the key pair, actors,
  WebFinger, outboxes and an object per item in the feeds);
- +1: one new article into the published site, after ``--followers`` followers spread
  over ``--servers`` servers were added to the ActivityPub site's state (``--no-push``:
  the activities are queued, not sent; the count queued is printed).

Usage: python bench/bench_activitypub.py [--articles 2000] [--reps 3] [--followers 1000] [--servers 100]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = 20


def gen_corpus():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_corpus", HERE / "gen_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def site(root: Path, pages: Path, ap: bool) -> Path:
    root.mkdir(parents=True)
    text = f"""[site]
title = "Bench"
base_url = "https://news.example.com/"

[[inputs]]
name = "pages"
paths = ["{pages}/*.txt"]
format = "scraped"
captured_at = 2026-11-27T09:00:00Z

[output]
dir = "output"

[state]
path = "state/site.db"
"""
    if ap:
        text += "\n[activitypub]\nenabled = true\n"
    (root / "syndicate.toml").write_text(text, encoding="utf-8")
    return root / "syndicate.toml"


def publish(config: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "syndicate", "publish", "--no-push", "--config", str(config)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
    )
    return time.perf_counter() - started


def add_followers(state: Path, followers: int, servers: int) -> None:
    with sqlite3.connect(state) as conn:
        sections = [r[0] for r in conn.execute("SELECT slug FROM sections")] + ["site"]
        conn.executemany(
            "INSERT INTO ap_followers (actor, follower, inbox, follow_id, created) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    sections[i % len(sections)],
                    f"https://s{i % servers}.example/users/{i}",
                    f"https://s{i % servers}.example/inbox",
                    f"f{i}",
                    "2026-01-01T00:00:00+00:00",
                )
                for i in range(followers)
            ],
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--servers", type=int, default=100)
    args = parser.parse_args(argv)
    corpus = gen_corpus()
    times: dict[str, list[float]] = {k: [] for k in ("cold off", "cold on", "+1 off", "+1 on")}
    queued = 0
    with tempfile.TemporaryDirectory(prefix="bench-ap-") as tmp:
        pages = Path(tmp) / "pages"
        corpus.generate(pages, args.articles, SECTIONS)
        for rep in range(args.reps):
            order = [False, True] if rep % 2 == 0 else [True, False]
            extra = Path(tmp) / f"extra-{rep}"
            shutil.copytree(pages, extra)
            for ap in order:
                root = Path(tmp) / f"r{rep}-{'on' if ap else 'off'}"
                config = site(root, extra, ap)
                times[f"cold {'on' if ap else 'off'}"].append(publish(config))
            corpus.append_article(extra, args.articles, SECTIONS)
            add_followers(
                Path(tmp) / f"r{rep}-on" / "state" / "site.db", args.followers, args.servers
            )
            for ap in order:
                config = Path(tmp) / f"r{rep}-{'on' if ap else 'off'}" / "syndicate.toml"
                times[f"+1 {'on' if ap else 'off'}"].append(publish(config))
            with sqlite3.connect(Path(tmp) / f"r{rep}-on" / "state" / "site.db") as conn:
                queued = conn.execute(
                    "SELECT COUNT(*) FROM notices WHERE kind = 'activitypub'"
                ).fetchone()[0]
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"articles={args.articles} sections={SECTIONS} reps={args.reps} followers={args.followers} servers={args.servers}"
    )
    for k, v in med.items():
        print(f"  {k:9s} median {v:.2f} s  ({', '.join(f'{x:.2f}' for x in times[k])})")
    print(f"  cold: ActivityPub on / off = {med['cold on'] / med['cold off']:.2f}x")
    print(
        f"  +1:   ActivityPub on / off = {med['+1 on'] / med['+1 off']:.2f}x  (activities queued: {queued})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
