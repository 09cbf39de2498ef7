"""The peers bench_publish.py runs beside syndicate, and the sites each one reads.

Every peer reads the same corpus (bench/gen_corpus.py): syndicate and the feedgen floor
read the scraped text pages themselves; Hugo and Pelican read Markdown files written
here from the same articles (gen_corpus.article_blocks), one per article, with the
section as Hugo section / Pelican category and the date when the page gives one. Making
those sites is setup, not timed.

A peer is found or skipped with a message: Hugo on PATH (Debian: apt-get install hugo),
Pelican in the virtualenv named by --pelican (or $PELICAN_VENV), default
/tmp/pelican-venv (``python3 -m venv V && V/bin/pip install pelican markdown``; not a
project dependency).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent

SYNDICATE_CONFIG = """\
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
item_limit = {limit}
article_pages = true
max_input_bytes = 500_000_000

[state]
path = "state/bench.db"
"""

HUGO_CONFIG = """\
baseURL = "http://127.0.0.1:8080/"
title = "Benchmark Courier"
languageCode = "en"
buildFuture = true
rssLimit = {limit}
disableKinds = [{disabled}]
[outputs]
home = [{home}]
section = [{home}]
"""
HUGO_SINGLE = (
    "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><article>"
    "<h1>{{ .Title }}</h1>{{ .Content }}</article></body></html>\n"
)
HUGO_LIST = (
    "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>"
    '{{ range first 50 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
    "</ul></body></html>\n"
)

PELICAN_CONFIG = """\
SITENAME = "Benchmark Courier"
SITEURL = "http://127.0.0.1:8080"
FEED_DOMAIN = SITEURL
TIMEZONE = "UTC"
DEFAULT_DATE = (2026, 11, 27, 9, 0, 0)
FEED_MAX_ITEMS = {limit}
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{{slug}}.rss.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False
ARTICLE_SAVE_AS = ""
PAGE_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
DIRECT_TEMPLATES = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Peer:
    """One tool run as a process: cmd in cwd, with extra environment."""

    name: str
    cmd: tuple[str, ...]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    reset: tuple[Path, ...] = ()  # removed before each cold run (output, state)


def article_date(index: int) -> dt.date | None:
    """The date gen_corpus gives article `index` (None: undated), as its _date_line does."""
    if index % 10 == 9:
        return None
    return dt.date(2025, 1, 1) + dt.timedelta(days=(index * 7919) % 730)


def _markdown(gen: ModuleType, index: int, sections: int) -> tuple[str, str, str, dt.date | None]:
    """(section, title, markdown body, date) of one corpus article."""
    blocks = gen.article_blocks(index, sections)
    section, title = blocks[0], blocks[1]
    date = article_date(index)
    body = blocks[5:] if date is not None else blocks[4:]
    md = []
    for block in body:
        if block.lstrip().startswith("\u2022"):
            md.append(
                "\n".join(
                    "- " + line.strip().lstrip("\u2022").strip() for line in block.splitlines()
                )
            )
        elif len(block) < 40 and not block.endswith("."):
            md.append("## " + block)
        else:
            md.append(block)
    return section, title, "\n\n".join(md) + "\n", date


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_hugo_site(
    gen: ModuleType, root: Path, n: int, sections: int, limit: int, pages: bool
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    disabled = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]
    home = '"HTML", "RSS"' if pages else '"RSS"'
    (root / "config.toml").write_text(
        HUGO_CONFIG.format(limit=limit, disabled=", ".join(f'"{k}"' for k in disabled), home=home),
        "utf-8",
    )
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, "utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, "utf-8")
    content = root / "content"
    for s in range(sections):
        folder = content / f"section-{s + 1:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_index.md").write_text(
            f"---\ntitle: {_yaml(gen.section_name(s, sections))}\n---\n", "utf-8"
        )
    for i in range(n):
        section, title, body, date = _markdown(gen, i, sections)
        front = f"title: {_yaml(title)}\n" + (f"date: {date.isoformat()}\n" if date else "")
        if not pages:  # in the lists and feeds, but no page of its own
            front += "_build:\n  render: never\n"
        (content / f"section-{i % sections + 1:02d}" / f"a{i:07d}.md").write_text(
            f"---\n{front}---\n\n{body}", "utf-8"
        )
    return root


def make_pelican_site(gen: ModuleType, root: Path, n: int, sections: int, limit: int) -> Path:
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG.format(limit=limit), "utf-8")
    for i in range(n):
        section, title, body, date = _markdown(gen, i, sections)
        meta = f"Title: {title}\nCategory: {section}\nSlug: a{i:07d}\n" + (
            f"Date: {date.isoformat()}\n" if date else ""
        )
        (content / f"a{i:07d}.md").write_text(f"{meta}\n{body}", "utf-8")
    return root


def find_hugo() -> str | None:
    return shutil.which("hugo")


def find_pelican(venv: str | None) -> str | None:
    venv = venv or os.environ.get("PELICAN_VENV") or "/tmp/pelican-venv"
    exe = Path(venv) / "bin" / "pelican"
    if not exe.exists():
        return None
    ok = (
        subprocess.run(
            [str(Path(venv) / "bin" / "python"), "-c", "import pelican, markdown"],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    return str(exe) if ok else None


def hugo_peer(hugo: str, site: Path, name: str) -> Peer:
    return Peer(
        name=name,
        cmd=(hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")),
        cwd=site,
        reset=(site / "public", site / "resources"),
    )


def pelican_peer(pelican: str, site: Path) -> Peer:
    return Peer(
        name="pelican feeds",
        cmd=(pelican, "content", "-o", "output", "-s", "pelicanconf.py", "-q"),
        cwd=site,
        reset=(site / "output", site / "__pycache__"),
    )


def floor_peer(pages: Path, out: Path, limit: int) -> Peer:
    out.parent.mkdir(parents=True, exist_ok=True)
    return Peer(
        name="feedgen floor",
        cmd=(
            sys.executable,
            str(HERE / "floor_feedgen.py"),
            str(pages),
            str(out),
            "--limit",
            str(limit),
        ),
        cwd=out.parent,
        reset=(out,),
    )


def syndicate_site(pages: Path, site: Path, limit: int) -> Path:
    """A syndicate site folder whose pages/ is `pages` (a symlink), at this item limit."""
    site.mkdir(parents=True, exist_ok=True)
    link = site / "pages"
    if not link.exists():
        link.symlink_to(pages, target_is_directory=True)
    (site / "site.toml").write_text(SYNDICATE_CONFIG.format(limit=limit), "utf-8")
    return site


def syndicate_peer(name: str, site: Path, source: Path | None) -> Peer:
    """`python -m syndicate publish` in `site`; `source`: the folder holding the syndicate/ to
    run (default: the checkout this file is in, whatever the virtualenv has installed)."""
    env = {"PYTHONPATH": str(source or HERE.parent)}
    return Peer(
        name=name,
        cmd=(
            sys.executable,
            "-m",
            "syndicate",
            "publish",
            "--config",
            "site.toml",
            "--quiet",
            "--no-push",
        ),
        cwd=site,
        env=env,
        reset=(site / "output", site / "state"),
    )
