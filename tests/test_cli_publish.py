"""`publish --dry-run` shows the change it would make, and writes nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sitefactory import Site, article, make_site, page

REPO = Path(__file__).resolve().parents[1]
PUSH = """
[[hubs]]
url = "http://127.0.0.1:9/hub"

[[webhooks]]
name = "shop"
url = "http://127.0.0.1:9/hook"
secret_env = "DRY_RUN_TEST_SECRET"
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DRY_RUN_TEST_SECRET": "whsec_ZHJ5LXJ1bi10ZXN0LXNlY3JldA==",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def tree_digest(*folders: Path) -> dict[str, str]:
    """Every file under the folders (the state's -wal and -shm too), by content hash."""
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def published_site(tmp_path: Path) -> Site:
    site = make_site(tmp_path, extra=PUSH)
    site.write_page(
        "a.txt",
        page(
            article("Quay opens", "The quay opened.", section="Port"),
            article("Pier shut", "The pier shut.", section="Port"),
        ),
    )
    first = run("publish", "--config", str(site.config_path), "--no-push", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # the next run: one story edited, one new, one withdrawn (by the command itself)
    site.write_page(
        "a.txt",
        page(
            article("Quay opens", "The quay opened, and the ferry came in.", section="Port"),
            article("Pier shut", "The pier shut.", section="Port"),
        ),
    )
    site.write_page(
        "b.txt", page(article("Cup final tonight", "Kick-off at eight.", section="Sport"))
    )
    return site


def test_dry_run_lists_items_files_feeds_and_notifications_per_endpoint(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    result = run("publish", "--config", str(site.config_path), "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "items would be changed: 2" in out
    assert "  new        Sport: Cup final tonight" in out
    assert "  updated    Port: Quay opens" in out
    assert "feeds would be changed:" in out and "  feed.xml" in out and "  port/feed.xml" in out
    assert "notifications that would be queued:" in out
    assert "  hub:http://127.0.0.1:9/hub: " in out and "  webhook:shop: 1" in out
    hub_count = int(out.split("  hub:http://127.0.0.1:9/hub: ")[1].split()[0])
    assert hub_count >= 3  # the combined feeds and the two sections' feeds changed
    assert "write   " not in out  # file names only with -v
    verbose = run(
        "publish", "--config", str(site.config_path), "--dry-run", "-v", cwd=tmp_path
    ).stdout
    assert "  write   sport/cup-final-tonight.html" in verbose


def test_withdraw_shows_the_item_and_replaces_its_page_with_a_notice(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    (site.pages / "b.txt").unlink()
    result = run("withdraw", "--config", str(site.config_path), "port/pier-shut", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  withdrawn  Port: Pier shut" in result.stdout
    assert "  remove  " not in result.stdout  # the page stays, as a notice (issue 11)
    notice = (site.output / "port" / "pier-shut.html").read_text(encoding="utf-8")
    assert 'name="robots" content="noindex' in notice


def test_dry_run_writes_nothing_to_output_or_state(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    state = tmp_path / "state"
    before = tree_digest(site.output, state)
    for args in (["--dry-run"], ["--dry-run", "-vv"], ["--dry-run", "--diff"]):
        result = run("publish", "--config", str(site.config_path), *args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert tree_digest(site.output, state) == before


def test_diff_shows_a_unified_diff_of_each_changed_feed(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    result = run("publish", "--config", str(site.config_path), "--dry-run", "--diff", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "--- a/sport/feed.xml\n+++ b/sport/feed.xml\n" in out
    assert "--- a/feed.xml\n+++ b/feed.xml\n" in out
    added = [
        line for line in out.splitlines() if line.startswith("+") and "Cup final tonight" in line
    ]
    assert added, out
    assert not any(
        line.startswith("-") and "Cup final tonight" in line for line in out.splitlines()
    )


def test_verbose_publish_lists_what_changed(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    result = run("publish", "--config", str(site.config_path), "--no-push", "-v", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "items changed: 2" in result.stdout
        and "  new        Sport: Cup final tonight" in result.stdout
    )
