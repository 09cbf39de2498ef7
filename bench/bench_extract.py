"""Pages per second: syndicate's HTML source vs trafilatura alone, same pages, same run.

    python bench/bench_extract.py [--rounds N] [--inflate]

Pages: the article fixtures in tests/data/html/ (our own pages; small, 5-12 KB, so
absolute figures are higher than on real 100-500 KB news pages; the ratio is the
figure to read; ``--inflate`` adds ~150 KB of scripts, styles, menus and related
links to each page, as real news pages carry). trafilatura alone is measured twice: as its docs call it
(``bare_extraction(..., with_metadata=True)``: metadata + body with its
readability/jusText fallbacks) and with ``fast=True``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench.score_extract import context_for, load_fixtures  # noqa: E402
from syndicate.sources.html import parse  # noqa: E402


def inflate(text: str) -> str:
    """The page with the weight real news pages carry around the article: inline
    scripts and styles, a mega-menu, a footer of links, a related-stories rail
    (~150 KB added, the median size of a news article page)."""
    style = (
        "<style>"
        + "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px}}" for i in range(2500))
        + "</style>"
    )
    script = (
        "<script>var cfg="
        + "["
        + ",".join(f'{{"k":"{i}","v":"value{i}"}}' for i in range(2500))
        + "];</script>"
    )
    menu = (
        "<nav><ul>"
        + "".join(f'<li><a href="/topic/{i}/">Topic {i}</a></li>' for i in range(400))
        + "</ul></nav>"
    )
    rail = (
        "<aside class='related'>"
        + "".join(
            f"<div class='card'><h3><a href='/story/{i}'>Related story number {i} with a headline</a></h3>"
            f"<p>A short standfirst for related story {i}.</p></div>"
            for i in range(40)
        )
        + "</aside>"
    )
    footer = (
        "<footer>"
        + "".join(f'<a href="/f/{i}">Footer link {i}</a> ' for i in range(300))
        + "</footer>"
    )
    text = text.replace("</head>", style + script + "</head>", 1)
    text = text.replace("<body", "<body", 1)
    return text.replace("</body>", menu + rail + footer + "</body>", 1)


def pages_per_second(work: Callable[[], object], pages: int, rounds: int) -> float:
    work()  # warm caches and imports
    start = time.perf_counter()
    for _ in range(rounds):
        work()
    return pages * rounds / (time.perf_counter() - start)


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 20
    fixtures = load_fixtures()
    contexts = [(text, context_for(name, expected)) for name, text, expected in fixtures]
    if "--inflate" in sys.argv:
        contexts = [(inflate(text), ctx) for text, ctx in contexts]
    pages = len(contexts)
    size = sum(len(t) for t, _ in contexts) / pages

    def ours() -> None:
        for text, ctx in contexts:
            parse(text, ctx)

    def traf_default() -> None:
        for text, ctx in contexts:
            trafilatura.bare_extraction(text, url=ctx.base_url, with_metadata=True)

    def traf_fast() -> None:
        for text, ctx in contexts:
            trafilatura.bare_extraction(text, url=ctx.base_url, with_metadata=True, fast=True)

    results = {
        "syndicate html source": pages_per_second(ours, pages, rounds),
        "trafilatura alone (default)": pages_per_second(traf_default, pages, rounds),
        "trafilatura alone (fast=True)": pages_per_second(traf_fast, pages, rounds),
    }
    print(
        f"{pages} pages, mean {size / 1000:.1f} KB, {rounds} rounds, {datetime.now(UTC):%Y-%m-%d}"
    )
    base = results["trafilatura alone (default)"]
    for name, rate in results.items():
        print(f"{name:<32} {rate:8.1f} pages/s   x{rate / base:.2f} vs trafilatura default")


if __name__ == "__main__":
    main()
