"""`syndicate check`: never "ok" beside a problem; a group matching no file, an empty
file and a file deleted since the last publish each get a message; one empty HTML page
is one error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitefactory import Site, article, make_site, page


def check(site: Site) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", "check", "--config", str(site.config_path)],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def messages(result: subprocess.CompletedProcess[str], severity: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if f": {severity}: " in line]


def test_a_clean_check_says_ok(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "config site.toml: 1 input files, 1 articles in 1 sections: ok\n"
    )


def test_check_never_says_ok_next_to_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt", page(article("Good one", "Fine."), "Harbour\n\nCut story\n\nPublished\n\non\n")
    )
    result = check(site)
    assert result.returncode == 3
    assert len(messages(result, "error")) == 1
    assert "ok" not in result.stdout.split("\n")[0]
    assert ": 1 errors, 0 warnings" in result.stdout


def test_an_input_group_matching_no_file_is_one_warning_and_exit_3(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, extra='[[inputs]]\nname = "archive"\npaths = ["old/*.txt", "older/*.txt"]\n'
    )
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    result = check(site)
    assert result.returncode == 3
    [warning] = messages(result, "warning")
    assert (
        "input group 'archive' (inputs[1].paths): no file matches old/*.txt, older/*.txt" in warning
    )
    assert "ok" not in result.stdout.split("\n")[0]


def test_an_empty_input_file_gets_a_message(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    site.write_page("empty.txt", "")
    result = check(site)
    [warning] = messages(result, "warning")
    assert warning.startswith("pages/empty.txt:0: warning: input is empty")


def test_an_input_deleted_since_the_last_publish_gets_a_message(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    site.write_page("b.txt", page(article("Pier shut", "The pier shut.")))
    published = subprocess.run(
        [sys.executable, "-m", "syndicate", "publish", "--config", str(site.config_path)],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert published.returncode == 0, published.stderr
    (site.pages / "b.txt").unlink()
    result = check(site)
    [warning] = messages(result, "warning")
    assert warning.startswith(
        "pages/b.txt:0: warning: input file was read by the last publish and is gone now"
    )
    assert "syndicate withdraw" in warning


def test_one_empty_html_page_gives_exactly_one_error(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, extra='[[inputs]]\nname = "web"\npaths = ["pages/*.html"]\nformat = "html"\n'
    )
    site.write_page("a.txt", page(article("Quay opens", "The quay opened.")))
    site.write_page("blank.html", "<!doctype html><html><head></head><body></body></html>\n")
    result = check(site)
    assert result.returncode == 3
    [error] = messages(result, "error")
    assert error.startswith("pages/blank.html:")
