"""`items`, `withdraw` and `status` as an operator uses them: withdraw takes what
`items` prints; --json gives one object per line; the heartbeat reads as words."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from sitefactory import Site, article, make_site, page

from syndicate.cli_items import heartbeat_words
from syndicate.daemon import HEARTBEAT_KEY
from syndicate.state import open_state


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def site(tmp_path: Path) -> Site:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt",
        page(
            article("Quay opens", "The quay opened.", section="Port"),
            article("Pier shut", "The pier shut.", section="Port"),
            article("Pier shut", "A match on the pier was called off.", section="Sport"),
        ),
    )
    assert run("publish", "--config", str(site.config_path), cwd=site.root).returncode == 0
    return site


def items(site: Site, *args: str) -> list[dict[str, object]]:
    result = run("items", "--config", str(site.config_path), "--json", *args, cwd=site.root)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def feed_titles(site: Site) -> list[str]:
    parsed = feedparser.parse((site.output / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return sorted(e.title for e in parsed.entries)


def test_items_json_is_one_object_per_line_with_id_path_url_and_title(site: Site) -> None:
    rows = items(site)
    assert sorted((r["path"], r["title"]) for r in rows) == [
        ("port/pier-shut", "Pier shut"),
        ("port/quay-opens", "Quay opens"),
        ("sport/pier-shut", "Pier shut"),
    ]
    for r in rows:
        assert str(r["id"]).startswith("urn:uuid:") and r["withdrawn"] is False
        assert r["url"] == f"https://news.example.org/{r['path']}.html"
    text = run("items", "--config", str(site.config_path), cwd=site.root).stdout.splitlines()
    assert len(text) == 3 and all(len(line.split("\t")) == 5 for line in text)


@pytest.mark.parametrize("form", ["id", "path", "url", "slug"])
def test_withdraw_accepts_each_form_items_prints_and_says_which_matched(
    site: Site, form: str
) -> None:
    [row] = [r for r in items(site) if r["path"] == "port/quay-opens"]
    ident = {"id": row["id"], "path": "port/quay-opens", "url": row["url"], "slug": "quay-opens"}[
        form
    ]
    result = run("withdraw", "--config", str(site.config_path), str(ident), cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert f"withdrawing {ident}: {row['id']} port/quay-opens 'Quay opens'" in result.stdout
    assert feed_titles(site) == ["Pier shut", "Pier shut"]
    [after] = [r for r in items(site, "--withdrawn") if r["path"] == "port/quay-opens"]
    assert after["withdrawn"] is True


def test_an_ambiguous_slug_is_refused_listing_the_candidates(site: Site) -> None:
    result = run("withdraw", "--config", str(site.config_path), "pier-shut", cwd=site.root)
    assert result.returncode == 2
    assert "pier-shut: matches 2 items" in result.stderr
    assert "port/pier-shut" in result.stderr and "sport/pier-shut" in result.stderr
    assert len(feed_titles(site)) == 3  # nothing withdrawn
    ok = run("withdraw", "--config", str(site.config_path), "sport/pier-shut", cwd=site.root)
    assert ok.returncode == 0, ok.stderr
    assert feed_titles(site) == ["Pier shut", "Quay opens"]
    undo = run(
        "withdraw", "--config", str(site.config_path), "--undo", "sport/pier-shut", cwd=site.root
    )
    assert undo.returncode == 0 and "restoring sport/pier-shut" in undo.stdout
    assert len(feed_titles(site)) == 3


def test_withdraw_of_an_unknown_item_names_the_forms_it_takes(site: Site) -> None:
    result = run("withdraw", "--config", str(site.config_path), "port/no-such-story", cwd=site.root)
    assert result.returncode == 1
    assert (
        "port/no-such-story: no such item (give its id, section/slug, slug or URL" in result.stderr
    )


def test_status_shows_the_daemon_heartbeat_in_words_and_json_per_line(site: Site) -> None:
    beat = (datetime.now(UTC) - timedelta(seconds=12)).isoformat().replace("+00:00", "Z")
    with open_state(site.config().state_path) as store, store.transaction():
        store.set_meta(HEARTBEAT_KEY, json.dumps({"pid": 123, "started": beat, "beat": beat}))
    text = run("status", "--config", str(site.config_path), cwd=site.root)
    assert text.returncode == 0, text.stderr
    [line] = [x for x in text.stdout.splitlines() if x.startswith("daemon")]
    assert line.startswith("daemon alive, last beat 1") and line.endswith(" s ago, pid 123")
    assert "{" not in text.stdout
    as_json = run("status", "--config", str(site.config_path), "--json", cwd=site.root)
    objects = [json.loads(x) for x in as_json.stdout.splitlines()]
    assert [o["kind"] for o in objects] == ["run", "daemon", "outbox"]
    assert objects[0]["status"] == "ok" and objects[1]["pid"] == 123


NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "doc, words",
    [
        ({"pid": 7, "beat": "2026-12-02T11:59:48Z"}, "daemon alive, last beat 12 s ago, pid 7"),
        (
            {"pid": 7, "beat": "2026-12-02T09:00:00Z"},
            "daemon silent: last beat 3 h ago, pid 7 (is it still running?)",
        ),
        (
            {"pid": 7, "beat": "2026-12-02T11:30:00Z", "stopped": "2026-12-02T11:30:00Z"},
            "daemon stopped 30 min ago, pid 7",
        ),
    ],
)
def test_heartbeat_words(doc: dict[str, object], words: str) -> None:
    assert heartbeat_words(json.dumps(doc), NOW, stale_after=90) == words


def test_an_unreadable_heartbeat_says_so() -> None:
    assert (
        heartbeat_words("not json", NOW, stale_after=90)
        == "daemon: unreadable heartbeat 'not json'"
    )


@pytest.mark.parametrize(
    "command, words",
    [
        ("withdraw", ["section/slug", "sport/cup-final-report", "exit 2"]),
        ("publish", ["--dry-run", "--diff", "notifications per endpoint"]),
        ("items", ["--json", "One JSON object per line", "URL"]),
        ("status", ["--json", "daemon"]),
    ],
)
def test_help_shows_the_new_forms(command: str, words: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "syndicate", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for word in words:
        assert word in text, (word, text)
