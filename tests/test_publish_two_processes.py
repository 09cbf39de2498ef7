"""Two publishes of one site from two processes, on every backend: the second waits for
the first (--wait) or exits 4 (state busy); never both writing at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sitefactory import Site, article, make_site, page

from syndicate.config import load_config
from syndicate.state import open_state, state_location

REPO = Path(__file__).resolve().parents[1]
HOLD = """
import sys
from syndicate.config import load_config
from syndicate.state import open_state, state_location
with open_state(state_location(load_config(sys.argv[1]))):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def site_on(tmp_path: Path, where: Path | str) -> Site:
    site = make_site(tmp_path)
    if isinstance(where, str):
        text = site.config_path.read_text(encoding="utf-8")
        site.config_path.write_text(
            text.replace('path = "state/test.db"', f'url = "{where}"'), encoding="utf-8"
        )
    for n in range(3):
        site.write_page(
            f"p{n}.txt",
            page(
                *(
                    article(
                        f"Story {n}-{i}", f"Body {n}-{i}.", section="Port", date="November 2, 2026"
                    )
                    for i in range(20)
                )
            ),
        )
    return site


def syndicate(site: Site, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "syndicate", *args, "--config", str(site.config_path)],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_a_publish_while_another_process_writes_exits_4_or_waits_with_wait(
    state_where: Path | str, tmp_path: Path
) -> None:
    site = site_on(tmp_path, state_where)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(site.config_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        busy = syndicate(site, "publish", "--no-push")
        _, err = busy.communicate(timeout=60)
        assert busy.returncode == 4 and "state is busy" in err
        waiting = syndicate(site, "publish", "--no-push", "--wait")
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting for the holder
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(30)
    _, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    with open_state(state_location(load_config(site.config_path))) as store:
        assert store.count_articles() == 60


def test_two_publishes_at_once_both_complete_and_record_each_article_once(
    state_where: Path | str, tmp_path: Path
) -> None:
    site = site_on(tmp_path, state_where)
    runs = [syndicate(site, "publish", "--no-push", "--wait") for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    before = site.snapshot()
    again = syndicate(site, "publish", "--no-push")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert site.snapshot() == before  # the two left one consistent site: nothing to redo
    with open_state(state_location(load_config(site.config_path))) as store:
        assert store.count_articles() == 60
        assert store.last_run() is not None
