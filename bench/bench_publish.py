"""Benchmark `syndicate publish` as a whole process (issue 2, "Performance").

For each corpus size N (articles over 20 sections, from bench/gen_corpus.py; item limit
50, RSS + Atom + JSON, article pages on, state on disk in a temp folder) it measures:

- cold: a first `python -m syndicate publish` on an empty state, wall time of the
  process, its peak RSS (os.wait4 on that one child) and articles/s;
- floor: a bare Python process on the same corpus that reads every file, splits it on
  blank lines and writes 41 small files: what any Python tool pays at least;
- one-article republish: `append_article` adds one new page, then publish again;
- no-change republish: publish once more with nothing changed.

Usage: python bench/bench_publish.py [--sizes 1000,10000,50000] [--sections 20]
                                     [--profile 10000] [--out bench/out]
Targets (issue 2): cold 10k <= 2.5 s; one-article republish at 50k <= 0.5 s; peak
memory at 50k <= 200 MB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
TARGETS = {"cold_10k_s": 2.5, "republish_50k_s": 0.5, "peak_50k_mb": 200.0}

CONFIG = """\
[site]
title = "Benchmark Courier"
base_url = "http://127.0.0.1:8080/"

[[inputs]]
name = "pages"
paths = ["pages/*.txt"]
format = "scraped"
captured_at = 2026-11-27T09:00:00Z

[output]
dir = "output"
formats = ["rss", "atom", "json"]
item_limit = 50
article_pages = true
max_input_bytes = 50_000_000

[state]
path = "state/bench.db"
"""

# The floor: read + split on blank lines + write 41 small files, in a fresh interpreter.
FLOOR = """\
import pathlib, sys
pages, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
blocks = 0
for p in sorted(pages.glob("*.txt")):
    blocks += len(p.read_text("utf-8").split("\\n\\n"))
for i in range(41):
    (out / f"feed-{i:02d}.xml").write_text(f"<feed n='{i}' blocks='{blocks}'/>\\n", "utf-8")
"""


def load_gen_corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_corpus", HERE / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(cmd: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Run one process: (wall seconds, peak RSS in MB of that process, exit code, stderr)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024, proc.returncode, err.decode("utf-8", "replace")


def publish(site: Path) -> tuple[float, float]:
    wall, peak, code, err = run([sys.executable, "-m", "syndicate", "publish", "--config", "site.toml",
                                 "--quiet", "--no-push"], site)
    if code != 0:
        raise SystemExit(f"publish failed (exit {code}) in {site}:\n{err}")
    return wall, peak


def bench_size(gen: ModuleType, n: int, sections: int, root: Path, profile: bool) -> dict[str, float | int]:
    site = root / f"n{n}"
    pages = site / "pages"
    began = time.perf_counter()
    files = gen.generate(pages, n, sections, 20, 1)
    gen_s = time.perf_counter() - began
    (site / "site.toml").write_text(CONFIG, "utf-8")
    size_mb = sum(p.stat().st_size for p in files) / 1e6

    floor_s, _floor_mb, code, err = run([sys.executable, "-c", FLOOR, str(pages), str(site / "floor-out")], site)
    if code != 0:
        raise SystemExit(f"floor failed: {err}")
    cold_s, cold_mb = publish(site)
    files_out = sum(1 for p in (site / "output").rglob("*") if p.is_file())
    gen.append_article(pages, n, sections, 1)
    one_s, one_mb = publish(site)
    same_s, _ = publish(site)

    row: dict[str, float | int] = {
        "articles": n, "sections": sections, "input_files": len(files), "input_mb": round(size_mb, 1),
        "output_files": files_out, "gen_s": round(gen_s, 2), "floor_s": round(floor_s, 3),
        "cold_s": round(cold_s, 3), "articles_per_s": round(n / cold_s), "peak_mb": round(cold_mb, 1),
        "ratio_to_floor": round(cold_s / floor_s, 1), "one_article_s": round(one_s, 3),
        "one_article_peak_mb": round(one_mb, 1), "no_change_s": round(same_s, 3),
    }
    if profile:
        shutil.rmtree(site / "output")
        shutil.rmtree(site / "state")
        prof = site / "cold.prof"
        code = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "syndicate", "publish",
                               "--config", "site.toml", "--quiet", "--no-push"], cwd=site, check=False).returncode
        if code != 0:
            raise SystemExit(f"profiled publish failed (exit {code})")
        print(f"\ncProfile of a cold publish, {n} articles (top 25 by cumulative time):", file=sys.stderr)
        pstats.Stats(str(prof), stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        print("top 15 by own time:", file=sys.stderr)
        pstats.Stats(str(prof), stream=sys.stderr).sort_stats("tottime").print_stats(15)
    return row


def source_state() -> str:
    """The commit measured, and whether syndicate/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "syndicate"], cwd=HERE.parent,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' + uncommitted changes in syndicate/' if dirty else ''}"


def table(rows: list[dict[str, float | int]]) -> str:
    head = ("N", "cold s", "articles/s", "peak MB", "floor s", "x floor", "+1 article s", "no change s")
    keys = ("articles", "cold_s", "articles_per_s", "peak_mb", "floor_s", "ratio_to_floor", "one_article_s",
            "no_change_s")
    lines = [" | ".join(f"{h:>12}" for h in head)]
    lines.append("-+-".join("-" * 12 for _ in head))
    for r in rows:
        lines.append(" | ".join(f"{r[k]:>12}" for k in keys))
    return "\n".join(lines)


def verdicts(rows: list[dict[str, float | int]]) -> list[str]:
    by_n = {int(r["articles"]): r for r in rows}
    out = []
    if 10_000 in by_n:
        v = float(by_n[10_000]["cold_s"])
        out.append(f"cold 10k: {v:.2f} s (target <= {TARGETS['cold_10k_s']} s): {'ok' if v <= TARGETS['cold_10k_s'] else 'MISSED'}")
    if 50_000 in by_n:
        v = float(by_n[50_000]["one_article_s"])
        out.append(f"+1 article at 50k: {v:.2f} s (target <= {TARGETS['republish_50k_s']} s):"
                   f" {'ok' if v <= TARGETS['republish_50k_s'] else 'MISSED'}")
        v = float(by_n[50_000]["peak_mb"])
        out.append(f"peak at 50k: {v:.0f} MB (target <= {TARGETS['peak_50k_mb']:.0f} MB):"
                   f" {'ok' if v <= TARGETS['peak_50k_mb'] else 'MISSED'}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated article counts")
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--profile", type=int, default=None, metavar="N",
                        help="also cProfile a cold publish at this size (one of --sizes)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (its path is printed)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    gen = load_gen_corpus()
    root = Path(tempfile.mkdtemp(prefix="syndicate-bench-"))
    rows = []
    try:
        for n in sizes:
            print(f"bench: {n} articles ...", file=sys.stderr, flush=True)
            rows.append(bench_size(gen, n, args.sections, root, profile=args.profile == n))
            print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    finally:
        if args.keep:
            print(f"bench: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)

    print(f"source: {source_state()}; python {platform.python_version()}; {os.cpu_count()} cpus")
    print(table(rows))
    for line in verdicts(rows):
        print(line)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    report = {"when": stamp, "source": source_state(), "python": platform.python_version(), "machine": platform.machine(),
              "cpus": os.cpu_count(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
              "targets": TARGETS, "rows": rows, "verdicts": verdicts(rows)}
    path = args.out / f"bench-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"wrote {path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
