"""The command line as a user runs it: real subprocesses, exit codes, stdout/stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitefactory import article, make_site, page

from syndicate.state import StateLock, lock_path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_publish_exit_0_and_summary_on_stdout(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    result = run("publish", "--config", str(site.config_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout and "1 items" in result.stdout
    assert (site.output / "feed.xml").exists()


def test_problem_is_one_stderr_line_with_path_and_line_and_exit_3(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt", page(article("Good one", "Fine."), "Harbour\n\nCut story\n\nPublished\n\non\n")
    )
    result = run("publish", "--config", str(site.config_path), cwd=tmp_path)
    assert result.returncode == 3
    [line] = [x for x in result.stderr.splitlines() if ": error: " in x]
    assert line.startswith("pages/a.txt:") and "Cut story" in line
    assert "1 new" in result.stdout


def test_config_error_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.config_path.write_text(site.config_path.read_text() + "\n[serve]\nprot = 1\n")
    result = run("publish", "--config", str(site.config_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "site.toml: serve.prot: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


def test_busy_state_exits_4(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    lock = StateLock(lock_path(site.config().state_path))
    lock.acquire()
    try:
        result = run("publish", "--config", str(site.config_path), cwd=tmp_path)
    finally:
        lock.release()
    assert result.returncode == 4
    assert "state is busy" in result.stderr and "--wait" in result.stderr


def test_check_reports_and_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.", section="Port")))
    result = run("check", "--config", str(site.config_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 articles in 1 sections" in result.stdout and "Port: 1" in result.stdout
    assert not site.output.exists()
    assert not (tmp_path / "state").exists()


def test_items_lists_ledger_and_withdraw_takes_one_out(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt", page(article("Quay opens", "The quay opened."), article("Pier shut", "Pier shut."))
    )
    assert run("publish", "--config", str(site.config_path), cwd=tmp_path).returncode == 0
    listing = run("items", "--config", str(site.config_path), "pier", cwd=tmp_path)
    [line] = listing.stdout.splitlines()
    guid = line.split("\t")[0]
    result = run("withdraw", "--config", str(site.config_path), guid, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Pier shut" not in (site.output / "feed.xml").read_text()
    unknown = run("withdraw", "--config", str(site.config_path), "urn:uuid:nope", cwd=tmp_path)
    assert unknown.returncode == 1 and "no such item" in unknown.stderr


def test_python_dash_m_shows_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "syndicate", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("publish", "check", "withdraw", "items"):
        assert command in result.stdout


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a TTY, publish shows a rich progress bar over the input files (stderr)."""
    import os
    import pty

    site = make_site(tmp_path)
    for n in range(30):
        site.write_page(f"p{n:02d}.txt", page(article(f"Story number {n}", "Some body text.")))
    pid, fd = pty.fork()
    if pid == 0:  # child: stdin/stdout/stderr are the pty
        os.chdir(tmp_path)
        os.environ["COLUMNS"] = "100"
        os.environ["TERM"] = "xterm"  # rich draws nothing on a "dumb" terminal
        os.execv(
            sys.executable,
            [sys.executable, "-m", "syndicate", "publish", "--config", str(site.config_path)],
        )
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert "reading inputs" in out  # the bar (transient, but drawn while running)
    assert "30 new" in out
