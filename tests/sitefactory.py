"""Builds small sites (config + scraped pages) in a temp folder for tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from syndicate.config import Config, load_config


def article(title: str, *body: str, section: str = "Harbour", date: str | None = None) -> str:
    head = f"{section}\n\n{title}\n\nPublished\n\non\n\n"
    if date is not None:
        head += f"{date}\n\n"
    return head + "\n\n".join(body or (f"{title} was reported today by our correspondent.",))


def page(*articles: str) -> str:
    return "Connect with us\n\n" + "\n\nContinue Reading\n\n".join(articles) + "\n"


@dataclass
class Site:
    root: Path

    @property
    def pages(self) -> Path:
        return self.root / "pages"

    @property
    def output(self) -> Path:
        return self.root / "out"

    @property
    def config_path(self) -> Path:
        return self.root / "site.toml"

    def config(self) -> Config:
        return load_config(self.config_path)

    def write_page(self, name: str, text: str | bytes, *, mtime: datetime | None = None) -> Path:
        path = self.pages / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        when = (mtime or datetime(2026, 11, 27, 12, 0, tzinfo=UTC)).timestamp()
        os.utime(path, (when, when))
        return path

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every output file's bytes and mtime."""
        return {
            str(p.relative_to(self.output)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(self.output.rglob("*"))
            if p.is_file()
        }


def make_site(root: Path, *, extra: str = "", limit: int = 50) -> Site:
    site = Site(root)
    site.pages.mkdir(parents=True, exist_ok=True)
    site.config_path.write_text(
        f"""
[site]
title = "Test Gazette"
base_url = "https://news.example.org/"
language = "en"

[[inputs]]
paths = ["pages/*.txt"]
format = "scraped"

[output]
dir = "out"
item_limit = {limit}

[state]
path = "state/test.db"
{extra}
""",
        encoding="utf-8",
    )
    return site
