"""What RFC 5005 archives, the publish gate and the churn guard cost (issue 15).

The same corpus (bench/gen_corpus.py, over 20 sections) is published twice, in fresh
state folders in the same run: once with ``archive_page_size = 0`` (no archive pages:
the baseline) and once with the default 50; then one article is added to each and both
republish. Reports wall times and the ratio archives/baseline for each step.

Usage: python bench/bench_archives.py [--size 10000] [--sections 20]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_publish import CONFIG, load_gen_corpus, publish  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--sections", type=int, default=20)
    args = parser.parse_args()
    gen = load_gen_corpus()
    root = Path(tempfile.mkdtemp(prefix="bench-archives-"))
    try:
        pages = root / "pages"
        gen.generate(pages, args.size, args.sections, 20, 1)
        rows = {}
        for name, size in (("baseline", 0), ("archives", 50)):
            site = root / name
            shutil.copytree(pages, site / "pages")
            config = CONFIG.replace(
                "article_pages = true", f"article_pages = true\narchive_page_size = {size}"
            )
            (site / "site.toml").write_text(config, "utf-8")
            cold, cold_mb = publish(site)
            gen.append_article(site / "pages", args.size, args.sections, 1)
            one, _ = publish(site)
            same, _ = publish(site)
            rows[name] = {
                "cold_s": round(cold, 3),
                "cold_peak_mb": round(cold_mb, 1),
                "one_article_s": round(one, 3),
                "no_change_s": round(same, 3),
                "archive_files": sum(
                    1 for p in (site / "output").rglob("archive/*/*") if p.is_file()
                ),
            }
        ratios = {
            k: round(rows["archives"][k] / rows["baseline"][k], 2)
            for k in ("cold_s", "one_article_s", "no_change_s", "cold_peak_mb")
        }
        print(
            json.dumps(
                {"size": args.size, "sections": args.sections, **rows, "ratio": ratios}, indent=2
            )
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
