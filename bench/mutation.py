"""Mutation testing with cosmic-ray over the modules the suite must guard (not in CI).

    .venv/bin/pip install cosmic-ray        # a bench tool, not a test dependency
    .venv/bin/python bench/mutation.py                       # every mutant: hours on 2 cores
    .venv/bin/python bench/mutation.py --sample 30 --seed 1  # 30 random mutants per module

cosmic-ray rewrites a module in place for each mutant, so the tracked tree is copied to
bench/out/mutation/tree first and mutated there; the test command runs in that copy with
PYTHONPATH pointing at it, so the `syndicate` subprocesses the tests start import the
mutant too. Each module runs the tests that exercise it (``TESTS``), stopping at the
first failure. A mutant is *killed* when the tests fail, *survived* when they pass;
timeouts count apart. The report (bench/out/mutation/report.md) lists every survivor.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "mutation"

# module -> the tests that exercise it (paths relative to the repo)
TESTS: dict[str, list[str]] = {
    "syndicate/identity.py": [
        "tests/test_identity_contract.py",
        "tests/test_identity_matching.py",
        "tests/test_publish.py",
        "tests/test_golden.py",
    ],
    "syndicate/writer.py": [
        "tests/test_writer_contract.py",
        "tests/test_publish.py",
        "tests/test_crash_safety.py",
        "tests/test_golden.py",
    ],
    "syndicate/sanitize.py": [
        "tests/test_sanitize_contract.py",
        "tests/sources/test_hostile.py",
        "tests/sources/test_html.py",
        "tests/sources/test_markdown.py",
        "tests/sources/test_cms.py",
    ],
    "syndicate/push/outbox.py": [
        "tests/push/test_push_outbox.py",
        "tests/push/test_push_config.py",
        "tests/push/test_push_restart.py",
        "tests/push/test_push_targets.py",
    ],
    "syndicate/serve.py": ["tests/serve/test_serve_http.py"],
    "syndicate/sections.py": [
        "tests/test_item_limits.py",
        "tests/test_publish.py",
        "tests/test_golden.py",
        "tests/test_feed_validity.py",
    ],
}


_DEF = re.compile(r"^\s*(async\s+)?def ")
_ANNOTATED = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*:\s*[^=]*\|")


def annotation_only(operator: str, source_line: str) -> bool:
    """A mutant of ``|`` in a signature or an annotated assignment: every module here has
    ``from __future__ import annotations``, so annotations are never evaluated and such a
    mutant cannot change behaviour (an equivalent mutant, left out of the sample)."""
    return "BitOr" in operator and bool(_DEF.match(source_line) or _ANNOTATED.match(source_line))


def copy_tree(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    for rel in files:
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def test_command(tree: Path, tests: list[str]) -> str:
    present = [t for t in tests if (tree / t).exists()]
    return (
        f"env PYTHONPATH={tree} {sys.executable} -m pytest -x -q -p no:cacheprovider"
        f" -p no:randomly {' '.join(present)}"
    )


def run_module(
    tree: Path, module: str, *, sample: int, seed: int, timeout: float
) -> dict[str, object]:
    name = module.removeprefix("syndicate/").removesuffix(".py").replace("/", ".")
    work = OUT / name
    work.mkdir(parents=True, exist_ok=True)
    config, session = work / "config.toml", work / "session.sqlite"
    session.unlink(missing_ok=True)
    command = test_command(tree, TESTS[module])
    config.write_text(
        f'[cosmic-ray]\nmodule-path = "{tree / module}"\ntimeout = {timeout}\n'
        f"excluded-modules = []\ntest-command = {json.dumps(command)}\n\n"
        '[cosmic-ray.distributor]\nname = "local"\n',
        encoding="utf-8",
    )
    baseline = subprocess.run(command, shell=True, cwd=tree, capture_output=True, text=True)
    if baseline.returncode != 0:
        raise SystemExit(f"{module}: the tests fail without a mutant:\n{baseline.stdout[-3000:]}")
    cr = str(Path(sys.executable).with_name("cosmic-ray"))
    subprocess.run([cr, "init", str(config), str(session)], cwd=tree, check=True)
    source = (tree / module).read_text(encoding="utf-8").splitlines()
    with sqlite3.connect(session) as conn:
        specs = conn.execute(
            "SELECT job_id, operator_name, start_pos_row FROM mutation_specs ORDER BY job_id"
        )
        jobs, equivalent = [], []
        for job, operator, row in specs.fetchall():
            (equivalent if annotation_only(operator, source[row - 1]) else jobs).append(job)
        total = len(jobs)
        keep = (
            set(random.Random(f"{seed}:{module}").sample(jobs, sample))
            if sample and sample < total
            else set(jobs)
        )
        drop = [(j,) for j in [*jobs, *equivalent] if j not in keep]
        conn.executemany("DELETE FROM mutation_specs WHERE job_id = ?", drop)
        conn.executemany("DELETE FROM work_items WHERE job_id = ?", drop)
    started = time.monotonic()
    subprocess.run([cr, "exec", str(config), str(session)], cwd=tree, check=True)
    seconds = time.monotonic() - started
    with sqlite3.connect(session) as conn:
        rows = conn.execute(
            "SELECT s.operator_name, s.start_pos_row, s.definition_name, r.worker_outcome, r.test_outcome, r.diff"
            " FROM mutation_specs s JOIN work_results r USING (job_id) ORDER BY s.start_pos_row"
        ).fetchall()
    counts: dict[str, int] = {}
    survivors = []
    for operator, line, definition, worker, outcome, diff in rows:
        worker, outcome = (worker or "").lower(), (outcome or "").lower()
        key = "timeout" if worker == "timeout" else (outcome if worker == "normal" else worker)
        counts[key] = counts.get(key, 0) + 1
        if key == "survived":
            survivors.append(
                {
                    "line": line,
                    "function": definition,
                    "operator": operator,
                    "diff": "\n".join(
                        d
                        for d in (diff or "").splitlines()
                        if d.startswith(("+", "-")) and not d.startswith(("+++", "---"))
                    ),
                }
            )
    return {
        "module": module,
        "mutants": total,
        "annotation_mutants": len(equivalent),
        "run": len(rows),
        "counts": counts,
        "seconds": round(seconds),
        "survivors": survivors,
    }


def report(results: list[dict[str, object]], args: argparse.Namespace) -> str:
    lines = [
        f"# Mutation run: cosmic-ray, sample={args.sample or 'all'} seed={args.seed}",
        "",
        "Mutants of annotations only (equivalent: never evaluated) are left out before sampling.",
        "",
        "| module | mutants | annotation-only, left out | run | killed | survived | timeout | other | seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        c = dict(r["counts"])  # type: ignore[call-overload]
        other = sum(v for k, v in c.items() if k not in ("killed", "survived", "timeout"))
        lines.append(
            f"| {r['module']} | {r['mutants']} | {r.get('annotation_mutants', 0)} | {r['run']} |"
            f" {c.get('killed', 0)} |"
            f" {c.get('survived', 0)} | {c.get('timeout', 0)} | {other} | {r['seconds']} |"
        )
    for r in results:
        survivors = r["survivors"]
        if survivors:
            lines += ["", f"## Survivors in {r['module']}", ""]
            for s in survivors:  # type: ignore[attr-defined]
                lines.append(f"- line {s['line']} ({s['function']}, {s['operator']}):")
                lines += [f"      {d}" for d in s["diff"].splitlines()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=int, default=0, help="random mutants per module (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument(
        "modules", nargs="*", default=list(TESTS), help="default: " + " ".join(TESTS)
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    tree = OUT / "tree"
    copy_tree(tree)
    results = []
    for module in args.modules:
        results.append(
            run_module(tree, module, sample=args.sample, seed=args.seed, timeout=args.timeout)
        )
        text = report(results, args)
        (OUT / "report.md").write_text(text, encoding="utf-8")
        (OUT / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
