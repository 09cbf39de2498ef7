"""Score the bad-input corpus (tests/badinputs.py) against whichever syndicate is importable.

For every kind: publish it beside a good article in a temp folder (in this process) and
count: handled (no exception), good article published, named (a problem line starts
with the bad file's name), named with its line (where the expected line is > 0),
exactly as expected (the test's own assertion), leaked (text that must not be
published was), and state not clean UTF-8.

Usage: python bench/score_bad_inputs.py [--verbose]
Run it against another checkout (e.g. main, for a before/after) with
PYTHONPATH=/path/to/that/checkout python bench/score_bad_inputs.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    from badinputs import CASES, GOOD_TITLE
    from test_bad_inputs import assert_state_is_clean_utf8, build, feed_texts, unmatched

    import syndicate
    from syndicate.config import load_config
    from syndicate.publish import publish

    print(f"syndicate from {Path(syndicate.__file__).parent}")
    totals: Counter[str] = Counter()
    per_kind: dict[str, Counter[str]] = {}
    for case in CASES:
        c = per_kind.setdefault(case.kind, Counter())
        c["tried"] += 1
        with tempfile.TemporaryDirectory(prefix="bad-") as tmp:
            root = Path(tmp)
            try:
                config = build(root, case)
                report = publish(load_config(config), now=NOW)
            except Exception:  # noqa: BLE001 - counting crashes is the point
                c["crashed"] += 1
                if args.verbose:
                    print(f"{case.id}: CRASH {traceback.format_exc().splitlines()[-1]}")
                continue
            lines = [str(p) for p in report.problems]
            c["handled"] += 1
            try:
                titles, everything = feed_texts(root / "out")
            except Exception:  # noqa: BLE001
                titles, everything = [], ""
            c["good published"] += GOOD_TITLE in titles
            c["own titles published"] += all(t in titles for t in case.published)
            c["leaked"] += any(t in everything for t in case.absent)
            if case.expect:
                c["should name"] += 1
                c["named with file"] += any(
                    line.startswith(e.path + ":") for e in case.expect for line in lines
                )
                with_line = [e for e in case.expect if e.line > 0]
                if with_line:
                    c["should give line"] += 1
                    c["named with line"] += all(
                        any(line.startswith(f"{e.path}:{e.line}:") for line in lines)
                        for e in with_line
                    )
            missing, extra = unmatched(case, lines)
            c["exactly as expected"] += not missing and not extra
            try:
                assert_state_is_clean_utf8(root / "state" / "site.db")
            except Exception:  # noqa: BLE001
                c["state not clean"] += 1
            if args.verbose and (missing or extra):
                print(f"{case.id}: missing {missing} extra {extra}")
    for kind, c in per_kind.items():
        totals.update(c)
        print(f"{kind:9} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print("all       " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
