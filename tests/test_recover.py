"""A lost state file (deleted, or truncated to 0 bytes) beside published feeds: publish
refuses, `syndicate recover` rebuilds the ledger from output/, and the next publish of
the same inputs changes no byte, queues no notice and keeps every id and date."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from sitefactory import Site, article, make_site, page

from syndicate.config import Config
from syndicate.errors import StateError
from syndicate.publish import publish
from syndicate.recover import recover_state

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(
    2026, 11, 27, 12, 0, 0, 250_000, tzinfo=UTC
)  # microseconds: dates must survive exactly
HUB = "http://127.0.0.1:9/hub"  # never contacted: every publish here runs with deliver=False

MARKDOWN = """---
title: "Quayside {n}: markets return"
date: 2026-11-{day:02d} 09:30
section: Markets
url: https://markets.example.net/quayside-{n}/
author: Test Writer {n}
tags: [quay, market]
summary: An explicit excerpt for post {n}.
---
The **market** returns to the quay, said post {n}, with *stalls* & music.

- fish
- bread
"""


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    # whsec_ + base64: the Standard Webhooks secret form; nothing is delivered (deliver=False)
    monkeypatch.setenv("RECOVER_TEST_SECRET", "whsec_" + "dGVzdC1zZWNyZXQtZm9yLXJlY292ZXI=")


def notices(config: Config) -> int:
    with sqlite3.connect(config.state_path) as conn:
        return int(
            conn.execute("SELECT COUNT(*) FROM notices").fetchone()[0]
            + conn.execute("SELECT COUNT(*) FROM announcements").fetchone()[0]
        )


def ledger(config: Config) -> dict[str, tuple[object, ...]]:
    """guid -> what must survive a recovery: key, section, slug, dates, hash, withdrawn."""
    with sqlite3.connect(config.state_path) as conn:
        rows = conn.execute(
            "SELECT guid, key, section_slug, slug, published, updated, content_hash, withdrawn"
            " FROM articles"
        ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def build_site(root: Path, formats: str = '["rss", "atom", "json"]') -> Site:
    """Undated and dated text articles in two sections, Markdown posts with URLs, a small
    item limit (so older items live only in article pages), edits and a withdrawal."""
    site = make_site(
        root,
        limit=3,
        extra=f'\n[[inputs]]\npaths = ["posts/*.md"]\nformat = "markdown"\n'
        f'\n[[hubs]]\nurl = "{HUB}"\n'
        '\n[[webhooks]]\nname = "newsroom"\nurl = "http://127.0.0.1:9/hook"\n'
        'secret_env = "RECOVER_TEST_SECRET"\n',
    )
    site.config_path.write_text(
        site.config_path.read_text().replace(
            "item_limit = 3", f"item_limit = 3\nformats = {formats}"
        )
    )
    site.write_page(
        "harbour.txt",
        page(
            *(
                article(f"Harbour story {n}", f"Harbour body {n} <b>as text</b> & co.")
                for n in range(5)
            ),
            article("Dated harbour note", "A dated one.", date="November 20, 2026"),
            article(
                "Harbour <i>tag-like</i> & title",
                "Body <img src=x onerror=y>.",
                date="November 21, 2026",
            ),
        ),
    )
    site.write_page(
        "council.txt",
        page(
            *(
                article(
                    f"Council item {n}",
                    f"Council body {n}.",
                    section="Council",
                    date=f"November {10 + n}, 2026",
                )
                for n in range(4)
            )
        ),
    )
    posts = root / "posts"
    posts.mkdir()
    for n in range(3):
        (posts / f"post-{n}.md").write_text(MARKDOWN.format(n=n, day=20 + n), encoding="utf-8")
    config = site.config()
    publish(config, now=T0, deliver=False)
    # an edit of an undated article and of a Markdown post, a day later
    site.write_page(
        "harbour.txt",
        (site.pages / "harbour.txt")
        .read_text()
        .replace("Harbour body 3", "Harbour body 3, edited"),
        mtime=T0 + timedelta(days=1),
    )
    (posts / "post-1.md").write_text(
        MARKDOWN.format(n=1, day=21) + "\nA later paragraph.\n", encoding="utf-8"
    )
    publish(config, now=T0 + timedelta(days=1), deliver=False)
    # a withdrawal (the article stays in the input page)
    [guid] = [g for g, row in ledger(config).items() if "council item 2" in str(row[0])]
    publish(config, now=T0 + timedelta(days=2), deliver=False, withdraw=[guid])
    return site


def lose_state(config: Config, how: str) -> None:
    for companion in config.state_path.parent.glob(config.state_path.name + "*"):
        companion.unlink()
    if how == "emptied":
        config.state_path.write_bytes(b"")


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_lost_state_is_refused_then_recovered_with_no_byte_changed(
    tmp_path: Path, how: str
) -> None:
    site = build_site(tmp_path)
    config = site.config()
    before_files = site.snapshot()
    before_ledger = ledger(config)
    readers_before = {
        e.id: (e.published, e.get("updated"))
        for e in feedparser.parse((site.output / "atom.xml").read_bytes()).entries
    }
    lose_state(config, how)

    with pytest.raises(StateError, match="syndicate recover"):
        publish(config, now=T0 + timedelta(days=3), deliver=False)
    assert site.snapshot() == before_files  # the refusal wrote nothing

    report = recover_state(config, now=T0 + timedelta(days=3), unpublished="withdrawn")
    assert report.edited_since == 0 and report.unpublished == 1  # the withdrawn article
    assert report.page_only > 0  # older items were only in pages

    assert notices(config) == 0
    again = publish(config, now=T0 + timedelta(days=4), deliver=False)
    assert (again.new, again.updated, again.notices_queued, again.feeds_changed) == (0, 0, 0, [])
    assert notices(config) == 0  # nothing queued for the hub or the webhook
    assert again.files_written == []
    assert site.snapshot() == before_files  # bytes and mtimes
    assert ledger(config) == before_ledger  # every guid, key, slug, date, hash, withdrawal

    rebuilt = publish(config, now=T0 + timedelta(days=4), deliver=False, rebuild=True)
    assert rebuilt.notices_queued == 0
    assert {k: v[0] for k, v in site.snapshot().items()} == {
        k: v[0] for k, v in before_files.items()
    }
    readers_after = {
        e.id: (e.published, e.get("updated"))
        for e in feedparser.parse((site.output / "atom.xml").read_bytes()).entries
    }
    assert readers_after == readers_before


@pytest.mark.parametrize("formats", ['["rss"]', '["atom"]', '["json"]'])
def test_one_format_alone_is_enough_to_recover_every_id_and_byte(
    tmp_path: Path, formats: str
) -> None:
    site = build_site(tmp_path, formats)
    config = site.config()
    before_files = site.snapshot()
    before_ledger = ledger(config)
    lose_state(config, "emptied")
    recover_state(config, now=T0 + timedelta(days=3), unpublished="withdrawn")
    again = publish(config, now=T0 + timedelta(days=4), deliver=False)
    assert (again.new, again.updated, again.notices_queued, again.files_written) == (0, 0, 0, [])
    assert site.snapshot() == before_files
    after = ledger(config)
    # ids, keys, slugs, published dates and hashes always; an edit's date only where a
    # format shows it (RSS has no item updated; JSON Feed dates are to the second)
    assert {g: (r[:4], r[5:]) for g, r in after.items()} == {
        g: (r[:4], r[5:]) for g, r in before_ledger.items()
    }


def test_input_edited_after_the_last_publish_is_announced_once_as_an_update(tmp_path: Path) -> None:
    site = build_site(tmp_path)
    config = site.config()
    before_ledger = ledger(config)
    lose_state(config, "deleted")
    site.write_page(
        "harbour.txt",
        (site.pages / "harbour.txt")
        .read_text()
        .replace("Harbour body 4", "Harbour body 4, late edit"),
        mtime=T0 + timedelta(days=3),
    )

    report = recover_state(config, now=T0 + timedelta(days=3), unpublished="withdrawn")
    assert report.edited_since == 1
    again = publish(config, now=T0 + timedelta(days=4), deliver=False)
    assert (again.new, again.updated) == (0, 1)
    after = ledger(config)
    assert set(after) == set(before_ledger)  # the same guids: the edit kept its id
    changed = [g for g in after if after[g] != before_ledger[g]]
    assert len(changed) == 1 and after[changed[0]][:4] == before_ledger[changed[0]][:4]


def test_unpublished_new_publishes_input_articles_found_nowhere_in_output(tmp_path: Path) -> None:
    site = build_site(tmp_path)
    config = site.config()
    lose_state(config, "deleted")
    report = recover_state(config, now=T0 + timedelta(days=3))
    assert report.unpublished == 1 and report.unpublished_as == "new"
    again = publish(config, now=T0 + timedelta(days=4), deliver=False)
    assert (again.new, again.updated) == (1, 0)  # the withdrawn one, as the option said


def test_recover_never_overwrites_an_existing_state(tmp_path: Path) -> None:
    site = build_site(tmp_path)
    config = site.config()
    before = config.state_path.read_bytes()
    with pytest.raises(StateError, match="recover never overwrites"):
        recover_state(config, now=T0 + timedelta(days=3))
    assert config.state_path.read_bytes() == before


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_example_site_through_the_cli_refuses_recovers_and_republishes_identically(
    tmp_path: Path,
) -> None:
    shutil.copytree(REPO / "config", tmp_path / "config", ignore=shutil.ignore_patterns("state"))
    cfg = str(tmp_path / "config" / "example.toml")
    first = run("publish", "-c", cfg, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    out = tmp_path / "output"
    before = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    shutil.rmtree(tmp_path / "config" / "state")

    refused = run("publish", "-c", cfg, cwd=tmp_path)
    assert refused.returncode == 1
    [line] = refused.stderr.splitlines()
    assert "state is missing" in line and "`syndicate recover`" in line

    recovered = run("recover", "-c", cfg, cwd=tmp_path)
    assert recovered.returncode == 0, recovered.stderr
    assert "0 were edited since" in recovered.stdout

    again = run("publish", "-c", cfg, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert " 0 new, 0 updated," in again.stdout and "wrote 0 files" in again.stdout
    after = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
