"""A corrupt state file is one clean stderr line and a non-zero exit for every command
(issue 8, section 4): real subprocesses against a real damaged file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sitefactory import Site, article, make_site, page

COMMANDS = [
    ("publish",),
    ("status",),
    ("items",),
    ("withdraw", "some-item"),
    ("deliver",),
    ("replay",),
    ("check",),
    ("serve", "--port", "0"),
    ("daemon",),
    ("recover",),
]


def damage(site: Site, kind: str) -> Path:
    state = site.root / "state" / "test.db"
    if kind == "garbage":
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_bytes(bytes(range(256)) * 64)
        return state
    # a real ledger whose header survives but whose pages after the first are overwritten
    result = run("publish", site=site)
    assert result.returncode == 0, result.stderr
    data = bytearray(state.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) > 2 * page_size
    data[page_size:] = b"\xa5" * (len(data) - page_size)
    state.write_bytes(bytes(data))
    return state


def run(*args: str, site: Site) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args, "--config", str(site.config_path)],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module", params=["garbage", "pages-overwritten"])
def damaged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Site, Path]:
    site = make_site(tmp_path_factory.mktemp(str(request.param)))
    site.write_page("a.txt", page(article("Quay opens", "The quay opened on time.")))
    return site, damage(site, str(request.param))


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_corrupt_state_is_one_clean_line_and_nonzero_exit(
    damaged: tuple[Site, Path], command: tuple[str, ...]
) -> None:
    site, state = damaged
    before = state.read_bytes()
    result = run(*command, site=site)
    assert result.returncode not in (0, None)
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.strip()]
    assert line.startswith("syndicate: ") and str(state) in line
    assert "recover" in line or "exists" in line
    assert state.read_bytes() == before  # nobody "repaired" the evidence
