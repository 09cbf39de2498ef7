"""The feedgen floor: the least a Python feed tool does with the bench corpus.

Reads every scraped page, finds articles by their four-line header, parses the date
line with strptime, groups by section, and writes an RSS 2.0 and an Atom feed per section
and a combined pair with feedgen, newest first, at the item limit. No state, no pages, no
escaping rules beyond feedgen's, no JSON Feed: a floor, not a competitor.

Usage: python bench/floor_feedgen.py PAGES OUT [--limit N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from pathlib import Path

from feedgen.feed import FeedGenerator

FORMS = ("%B %d, %Y", "%b %d, %Y at %I:%M %p", "%d/%m/%Y")
ENDS = {"Continue Reading", "Most Viewed"}
CAPTURED = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
BASE = "http://127.0.0.1:8080/"


def parse_date(text: str) -> dt.datetime | None:
    for form in FORMS:
        try:
            return dt.datetime.strptime(text, form).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def read(pages: Path) -> list[tuple[str, str, dt.datetime, str]]:
    out: list[tuple[str, str, dt.datetime, str]] = []
    for path in sorted(pages.glob("*.txt")):
        blocks = path.read_text("utf-8").split("\n\n")
        i = 0
        while i + 3 < len(blocks):
            if blocks[i + 2] != "Published" or blocks[i + 3] != "on":
                i += 1
                continue
            section, title = blocks[i], blocks[i + 1]
            i += 4
            when = parse_date(blocks[i]) if i < len(blocks) else None
            if when is not None:
                i += 1
            body = []
            while (
                i < len(blocks)
                and blocks[i].strip() not in ENDS
                and not (
                    i + 3 < len(blocks) and blocks[i + 2] == "Published" and blocks[i + 3] == "on"
                )
            ):
                body.append(f"<p>{html.escape(blocks[i].strip(), quote=False)}</p>")
                i += 1
            out.append(
                (section, title, when or CAPTURED - dt.timedelta(seconds=len(out)), "\n".join(body))
            )
    return out


def write_feeds(
    key: str, title: str, items: list[tuple[str, str, dt.datetime, str]], out: Path
) -> None:
    fg = FeedGenerator()
    fg.id(f"{BASE}{key}.atom")
    fg.title(title)
    fg.description(title)
    fg.link(href=f"{BASE}{key}/", rel="alternate")
    fg.updated(items[0][2] if items else CAPTURED)
    for n, (section, t, when, body) in enumerate(items):
        fe = fg.add_entry(order="append")
        fe.id(f"{BASE}{key}/{n}")
        fe.guid(f"{BASE}{key}/{n}", permalink=False)
        fe.title(t)
        fe.link(href=f"{BASE}{key}/{n}.html")
        fe.published(when)
        fe.updated(when)
        fe.description(body[:280])
        fe.content(body, type="CDATA")
        fe.category({"term": section})
    fg.rss_file(str(out / f"{key}.rss"), pretty=True)
    fg.atom_file(str(out / f"{key}.atom"), pretty=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    articles = read(args.pages)
    articles.sort(key=lambda a: a[2], reverse=True)
    by_section: dict[str, list[tuple[str, str, dt.datetime, str]]] = {}
    for a in articles:
        by_section.setdefault(a[0], []).append(a)
    for n, (section, items) in enumerate(sorted(by_section.items())):
        write_feeds(f"section-{n:02d}", section, items[: args.limit], args.out)
    write_feeds("all", "Everything", articles[: args.limit], args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
