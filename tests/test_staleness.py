"""Stale inputs and the publish gate's verdict (issue 15): when an input fails, the last
good feed stays, and `status` (text and --json) and the health page say which input,
for how many publishes and since when, and what the gate or the churn guard said."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from test_archives import _add, _publish, _site
from test_churn import BODIES, _cli, _write

from syndicate.config import load_config
from syndicate.health import read_health, stale_inputs
from syndicate.metrics import render_metrics
from syndicate.publish import publish
from syndicate.render.health_page import render_health_page

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)  # a picture saved under a page's name


def _status(config: Path, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "syndicate", "status", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def _page(config: Path) -> str:
    cfg = load_config(config)
    return render_health_page(read_health(cfg, datetime.now(UTC)), title="t").decode()


def test_an_input_with_errors_is_named_with_its_streak_until_it_reads_cleanly(
    tmp_path: Path,
) -> None:
    config = _site(tmp_path, page_size=0)
    _add(tmp_path, "world", "World", [f"World story {n}" for n in range(3)], 1)
    _publish(config)
    assert "stale input" not in _status(config)
    bad = tmp_path / "pages" / "broken.txt"
    bad.write_bytes(PNG)
    for _ in range(2):
        report = publish(load_config(config), deliver=False)
        assert [p.path for p in report.errors] == ["pages/broken.txt"]
    text = _status(config)
    assert "stale input: pages/broken.txt: errors in the last 2 publish(es) (none at 20" in text
    objs = [json.loads(line) for line in _status(config, "--json").splitlines()]
    (stale,) = [o for o in objs if o["kind"] == "stale_input"]
    assert stale["path"] == "pages/broken.txt" and stale["runs"] == 2 and stale["since"]
    page = _page(config)
    assert "<h2>Stale inputs</h2>" in page and "pages/broken.txt" in page
    assert "Publish gate: passed" in page
    metrics = render_metrics(read_health(load_config(config), datetime.now(UTC))).decode()
    assert "\nsyndicate_stale_inputs 1.0\n" in metrics
    assert "\nsyndicate_publish_refused 0.0\n" in metrics
    bad.write_text("World\n\nA fixed page\n\nPublished November 3, 2026\n\nIt reads now.\n")
    publish(load_config(config), deliver=False)
    assert "stale input" not in _status(config)
    assert "every input read cleanly" in _page(config)


def test_a_refusal_by_the_churn_guard_shows_on_the_health_page(tmp_path: Path) -> None:
    config = _site(tmp_path, page_size=0)
    _write(tmp_path, [f"Pier plan {n}" for n in range(5)], BODIES)
    _publish(config)
    # a changed rule renames every item: the same bodies under new ids
    _write(tmp_path, [f"UPDATE: Pier plan {n}" for n in range(5)], BODIES)
    run = _cli(config)
    assert run.returncode == 3, run.stderr
    page = _page(config)
    assert 'class="bad">Publish gate: refused: churn guard:' in page
    assert "feed &#x27;world&#x27;: re-identification: 5 of 5 items" in page


def test_failed_runs_neither_start_nor_end_a_streak() -> None:
    def run(status: str, files: list[str], at: str) -> dict[str, object]:
        return {"status": status, "finished": at, "summary": {"problem_files": files}}

    runs = [
        run("problems", ["a.txt"], "t5"),
        run("failed", [], "t4"),
        run("problems", ["a.txt", "b.txt"], "t3"),
        run("ok", [], "t2"),
    ]
    found = {s.path: (s.runs, s.since) for s in stale_inputs(runs)}
    assert found == {"a.txt": (2, "t2")}
    assert stale_inputs([run("failed", [], "t1")]) == ()
