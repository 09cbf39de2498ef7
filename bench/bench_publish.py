"""Benchmark `syndicate publish` beside its peers, in one run, as ratios (issue 12).

Every tool runs as a whole process on the same corpus (bench/gen_corpus.py: articles
over 20 sections, ~3.5 KB each, one in ten undated); wall time and that process's peak
RSS (os.wait4) are recorded. The tools of a scenario run in turn, the order rotating
every repetition (ABAB...), and the medians are compared, so that a machine shared with
other work slows every tool alike. Peers (bench/peers.py) that cannot be found are
skipped with a message:

- syndicate: this checkout (RSS + Atom + JSON Feed, combined feeds, article pages, state);
- syndicate@REV (--base REV): the same, from the syndicate/ of commit REV: before/after;
- feedgen floor (bench/floor_feedgen.py): read, parse, render RSS and Atom with feedgen;
- Hugo feeds-only and Hugo with a page per article (the Hugo on PATH);
- Pelican feeds-only (a separate virtualenv, --pelican; only up to --pelican-max).

Scenarios: 10k-50 (10k articles, item limit 50, cold), 50k-all (every article in every
feed), 50k-50, 50k+1 (one new article into a published 50k; Hugo has no incremental
build, so its figure is its cold 50k-50), and 50k+0 is printed with 50k+1 (nothing changed).

Usage: python bench/bench_publish.py [--scenarios 10k-50,50k-all,50k-50,50k+1] [--reps 3]
           [--base main] [--pelican /tmp/pelican-venv] [--profile 10k-50] [--out bench/out]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402
from peers import Peer  # noqa: E402

HERE = Path(__file__).resolve().parent
SECTIONS = 20
# name -> (articles, item limit or None for every article, kind)
SCENARIOS: dict[str, tuple[int, int | None, str]] = {
    "10k-50": (10_000, 50, "cold"),
    "50k-all": (50_000, None, "cold"),
    "50k-50": (50_000, 50, "cold"),
    "50k+1": (50_000, 50, "add"),
    "1k-50": (1_000, 50, "cold"),
    "1k-all": (1_000, None, "cold"),
    "1k+1": (1_000, 50, "add"),  # smoke tests
}
SYN = "syndicate"


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    wall: float
    peak_mb: float
    user: float = 0.0  # CPU seconds of the process and its threads (children: theirs too)
    sys: float = 0.0


def load_gen_corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_corpus", HERE / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(peer: Peer, *, cold: bool = True) -> Sample:
    """Run the peer once as a process (after removing its output when cold)."""
    if cold:
        for path in peer.reset:
            shutil.rmtree(path, ignore_errors=True)
    env = {**os.environ, **peer.env}
    began = time.perf_counter()
    proc = subprocess.Popen(
        peer.cmd, cwd=peer.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(
            f"bench: {peer.name} failed (exit {code}) in {peer.cwd}:\n{err.decode('utf-8', 'replace')}"
        )
    return Sample(
        wall=wall, peak_mb=usage.ru_maxrss / 1024, user=usage.ru_utime, sys=usage.ru_stime
    )


def precompile(package: Path) -> None:
    """Bytecode for every module of ``package``, as an install has (pip compiles at install
    time). Without it, a machine with PYTHONDONTWRITEBYTECODE set compiles ~60 modules from
    source on every run: ~0.15 s, most of a one-article republish's import time."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


class Bench:
    def __init__(self, args: argparse.Namespace, root: Path):
        self.args, self.root, self.gen = args, root, load_gen_corpus()
        self.hugo = peers.find_hugo()
        self.pelican = peers.find_pelican(args.pelican)
        self.base_src = self._extract(args.base) if args.base else None
        precompile(HERE.parent / "syndicate")
        if self.base_src is not None:
            precompile(self.base_src / "syndicate")
        self.corpora: dict[int, Path] = {}
        self.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
        self.notes: list[str] = []
        if self.hugo is None:
            self.notes.append("Hugo skipped: no `hugo` on PATH (Debian: apt-get install hugo)")
        if self.pelican is None:
            self.notes.append(
                "Pelican skipped: no pelican + markdown in --pelican / $PELICAN_VENV"
                " (python3 -m venv V && V/bin/pip install pelican markdown)"
            )

    def _extract(self, rev: str) -> Path:
        dest = self.root / "base-src"
        dest.mkdir()
        archive = subprocess.run(
            ["git", "archive", rev, "syndicate"],
            cwd=self.args.repo,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        found = subprocess.run(
            [sys.executable, "-c", "import syndicate; print(syndicate.__file__)"],
            check=True,
            env={**os.environ, "PYTHONPATH": str(dest)},
            cwd=self.root,
            capture_output=True,
            text=True,
        ).stdout
        if not Path(found.strip()).is_relative_to(dest):
            raise SystemExit(
                f"bench: --base {rev}: python imports syndicate from {found.strip()}, not {dest}"
            )
        return dest

    def corpus(self, n: int) -> Path:
        if n not in self.corpora:
            print(f"bench: generating {n} articles ...", file=sys.stderr, flush=True)
            self.corpora[n] = self.gen.generate(self.root / f"corpus-{n}", n, SECTIONS, 20, 1)[
                0
            ].parent
        return self.corpora[n]

    def syndicates(self, name: str, pages: Path, limit: int) -> list[Peer]:
        site = self.root / name
        out = [peers.syndicate_peer(SYN, peers.syndicate_site(pages, site / "head", limit), None)]
        if self.base_src is not None:
            out.append(
                peers.syndicate_peer(
                    f"{SYN}@{self.args.base}",
                    peers.syndicate_site(pages, site / "base", limit),
                    self.base_src,
                )
            )
        return out

    def cold_peers(self, name: str, n: int, limit: int) -> list[Peer]:
        pages = self.corpus(n)
        out = self.syndicates(name, pages, limit)
        out.append(peers.floor_peer(pages, self.root / name / "floor" / "out", limit))
        if self.hugo is not None:
            for with_pages in (False, True):
                label = "hugo with pages" if with_pages else "hugo feeds"
                if label in self.skip:
                    continue
                site = self.root / name / label.replace(" ", "-")
                if not site.exists():
                    peers.make_hugo_site(
                        self.gen, site, n, SECTIONS, limit if limit <= n else -1, with_pages
                    )
                out.append(peers.hugo_peer(self.hugo, site, label))
        if (
            self.pelican is not None
            and n <= self.args.pelican_max
            and "pelican feeds" not in self.skip
        ):
            site = self.root / name / "pelican"
            if not site.exists():
                peers.make_pelican_site(self.gen, site, n, SECTIONS, limit if limit <= n else n)
            out.append(peers.pelican_peer(self.pelican, site))
        return out

    def rotate(self, tools: list[Peer], step: str) -> dict[str, list[Sample]]:
        tools = [p for p in tools if p.name not in self.skip]
        samples: dict[str, list[Sample]] = {p.name: [] for p in tools}
        for rep in range(self.args.reps):
            order = tools[rep % len(tools) :] + tools[: rep % len(tools)]
            for peer in order:
                s = run(peer)
                samples[peer.name].append(s)
                print(
                    f"bench: {step} rep {rep + 1}: {peer.name}: {s.wall:.2f} s {s.peak_mb:.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
        return samples

    def cold(self, name: str, n: int, limit: int | None) -> dict[str, list[Sample]]:
        return self.rotate(self.cold_peers(name, n, limit or 2 * n), name)

    def add(self, name: str, n: int, limit: int) -> dict[str, list[Sample]]:
        """One new article into a published corpus (each tool its own copy), then no change."""
        pages = self.root / name / "pages"
        if not pages.exists():
            shutil.copytree(self.corpus(n), pages)
        tools = self.syndicates(name, pages, limit)
        for peer in tools:
            run(peer)  # the published corpus, not timed
        samples: dict[str, list[Sample]] = {p.name: [] for p in tools}
        samples.update({f"{p.name} (no change)": [] for p in tools})
        for rep in range(self.args.reps):
            self.gen.append_article(pages, n + rep, SECTIONS, 1)
            order = tools[rep % len(tools) :] + tools[: rep % len(tools)]
            for peer in order:
                samples[peer.name].append(run(peer, cold=False))
            for peer in order:
                samples[f"{peer.name} (no change)"].append(run(peer, cold=False))
            print(
                f"bench: {name} rep {rep + 1}: "
                + ", ".join(f"{k} {v[-1].wall:.2f} s" for k, v in samples.items()),
                file=sys.stderr,
                flush=True,
            )
        return samples

    def profile(self, name: str) -> None:
        n, limit, _kind = SCENARIOS[name]
        site = peers.syndicate_site(self.corpus(n), self.root / "profile", limit or 2 * n)
        prof = site / "cold.prof"
        peer = peers.syndicate_peer(SYN, site, None)
        run(
            Peer(
                name="cProfile",
                cmd=(sys.executable, "-m", "cProfile", "-o", str(prof), *peer.cmd[1:]),
                cwd=site,
                reset=peer.reset,
            )
        )
        print(f"\ncProfile of a cold publish, {name} (top 25 by cumulative time):", file=sys.stderr)
        pstats.Stats(str(prof), stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        print("top 20 by own time:", file=sys.stderr)
        pstats.Stats(str(prof), stream=sys.stderr).sort_stats("tottime").print_stats(20)


def summarise(samples: dict[str, list[Sample]]) -> list[dict[str, float | str]]:
    rows: list[dict[str, float | str]] = []
    ref = statistics.median(s.wall for s in samples[SYN]) if samples.get(SYN) else None
    for name, got in samples.items():
        wall = statistics.median(s.wall for s in got)
        rows.append(
            {
                "tool": name,
                "wall_s": round(wall, 3),
                "min_s": round(min(s.wall for s in got), 3),
                "max_s": round(max(s.wall for s in got), 3),
                "peak_mb": round(statistics.median(s.peak_mb for s in got), 1),
                "user_s": round(statistics.median(s.user for s in got), 2),
                "sys_s": round(statistics.median(s.sys for s in got), 2),
                "x_syndicate": round(wall / ref, 2) if ref else float("nan"),
            }
        )
    return rows


def table(name: str, rows: list[dict[str, float | str]]) -> str:
    lines = [
        f"\n{name}",
        f"| {'tool':<34} | {'wall s':>7} | {'min-max s':>13} | {'peak MB':>8} | {'÷ syndicate':>11}"
        f" | {'user s':>6} | {'sys s':>6} |",
        f"|{'-' * 36}|{'-' * 8}:|{'-' * 14}:|{'-' * 9}:|{'-' * 12}:|{'-' * 7}:|{'-' * 7}:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['tool']:<34} | {r['wall_s']:>7.2f} | {r['min_s']:>6.2f}-{r['max_s']:<6.2f} |"
            f" {r['peak_mb']:>8.0f} | {r['x_syndicate']:>11.2f} |"
            f" {r.get('user_s', 0.0):>6.2f} | {r.get('sys_s', 0.0):>6.2f} |"
        )
    return "\n".join(lines)


def verdicts(results: dict[str, list[dict[str, float | str]]]) -> list[str]:
    def get(scenario: str, tool: str, key: str) -> float | None:
        for r in results.get(scenario, []):
            if r["tool"] == tool:
                return float(r[key])
        return None

    out: list[str] = []

    def check(label: str, value: float | None, limit: float | None, unit: str = "") -> None:
        if value is not None and limit is not None:
            out.append(
                f"{label}: {value:.2f}{unit} (target <= {limit:.2f}{unit}): {'ok' if value <= limit else 'MISSED'}"
            )

    syn10, hugo10, floor10 = (
        get("10k-50", t, "wall_s") for t in (SYN, "hugo feeds", "feedgen floor")
    )
    if syn10 is not None:
        check(
            "10k-50 syndicate ÷ Hugo feeds-only",
            syn10 / hugo10 if hugo10 else None,
            1.0 if hugo10 else None,
            "×",
        )
        check(
            "10k-50 syndicate ÷ feedgen floor",
            syn10 / floor10 if floor10 else None,
            2.5 if floor10 else None,
            "×",
        )
    check("50k-all peak", get("50k-all", SYN, "peak_mb"), 400.0, " MB")
    syn_all, hugo_all = get("50k-all", SYN, "wall_s"), get("50k-all", "hugo feeds", "wall_s")
    check(
        "50k-all syndicate ÷ Hugo feeds-only",
        syn_all / hugo_all if syn_all and hugo_all else None,
        1.0,
        "×",
    )
    check("50k-50 peak", get("50k-50", SYN, "peak_mb"), 150.0, " MB")
    check("50k+1 wall", get("50k+1", SYN, "wall_s"), 0.4, " s")
    return out


def source_state(rev: str = "HEAD") -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", rev],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = (
            rev == "HEAD"
            and subprocess.run(
                ["git", "status", "--porcelain", "--", "syndicate"],
                cwd=HERE.parent,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' + uncommitted changes in syndicate/' if dirty else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default="10k-50,50k-all,50k-50,50k+1")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--base", default=None, metavar="REV", help="also run syndicate/ of this commit"
    )
    parser.add_argument(
        "--repo", type=Path, default=HERE.parent, help="the git checkout --base is read from"
    )
    parser.add_argument(
        "--pelican", default=None, metavar="VENV", help="virtualenv holding pelican + markdown"
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated peers not to run, e.g. 'hugo with pages,pelican feeds'",
    )
    parser.add_argument(
        "--pelican-max", type=int, default=10_000, help="largest corpus Pelican is run on"
    )
    parser.add_argument(
        "--profile", default=None, metavar="SCENARIO", help="also cProfile a cold syndicate run"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp folder (its path is printed)"
    )
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in names if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}: choose from {', '.join(SCENARIOS)}")

    root = Path(tempfile.mkdtemp(prefix="syndicate-bench-"))
    results: dict[str, list[dict[str, float | str]]] = {}
    try:
        bench = Bench(args, root)
        for note in bench.notes:
            print(f"bench: {note}", file=sys.stderr)
        for name in names:
            n, limit, kind = SCENARIOS[name]
            samples = (
                bench.cold(name, n, limit) if kind == "cold" else bench.add(name, n, limit or 50)
            )
            results[name] = summarise(samples)
            print(table(name, results[name]), file=sys.stderr, flush=True)
        if args.profile:
            bench.profile(args.profile)
    finally:
        if args.keep:
            print(f"bench: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)

    head = f"source: {source_state()}" + (
        f"; base {args.base} = {source_state(args.base)}" if args.base else ""
    )
    print(
        f"{head}; python {platform.python_version()}; {os.cpu_count()} cpus; medians of {args.reps},"
        " order rotating"
    )
    for note in bench.notes:
        print(note)
    for name, rows in results.items():
        print(table(name, rows))
    print()
    for line in verdicts(results):
        print(line)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    report = {
        "when": stamp,
        "source": head,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "command": " ".join(
            ["bench/bench_publish.py", *(argv if argv is not None else sys.argv[1:])]
        ),
        "results": results,
        "verdicts": verdicts(results),
        "notes": bench.notes,
    }
    path = args.out / f"publish-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
