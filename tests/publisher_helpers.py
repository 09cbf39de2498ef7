"""Shared by tests/daemon and tests/serve: a tiny site on disk, real subprocesses, and
bounded waits (poll with a deadline, never a bare long sleep)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_PAGE = REPO / "config" / "example" / "pages" / "business.txt"


def page_text(
    title: str,
    *,
    section: str = "Business",
    date: str = "November 20, 2026",
    body: str = "A paragraph long enough to be an article body, written for the test.",
) -> str:
    """One article in the scraped-text layout of config/example/pages/*.txt."""
    return f"{section}\n\n{title}\n\nPublished\n\non\n\n{date}\n\n{body}\n\n"


def write_config(
    root: Path,
    *,
    interval: str = "1s",
    base_url: str = "http://127.0.0.1:8080/",
    hubs: Sequence[str] = (),
    hub_param: str = "hub.url",
    title: str = "Test Courier",
    extra: str = "",
    delivery_interval: str = "1s",
    delivery_lease: str = "5m",
    max_age: int = 60,
) -> Path:
    hub_tables = "".join(f'\n[[hubs]]\nurl = "{h}"\nparam = "{hub_param}"\n' for h in hubs)
    text = f"""\
[site]
title = "{title}"
base_url = "{base_url}"

[[inputs]]
name = "pages"
paths = ["pages/*.txt"]
format = "scraped"
captured_at = 2026-11-27T09:00:00Z

[output]
dir = "output"

[state]
path = "state/site.db"

[schedule]
interval = "{interval}"

[delivery]
interval = "{delivery_interval}"
connect_timeout = 2
read_timeout = 5
retry_schedule = ["0s", "1s", "2s"]
lease = "{delivery_lease}"

[serve]
max_age = {max_age}
{hub_tables}{extra}"""
    path = root / "syndicate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def make_site(root: Path, **config: Any) -> Path:
    """A config and an input folder holding one example page (5 articles)."""
    pages = root / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    (pages / "business.txt").write_bytes(EXAMPLE_PAGE.read_bytes())
    return write_config(root, **config)


def wait_until(
    predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.05
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Proc:
    """A `python -m syndicate ...` subprocess with its stderr in a file."""

    def __init__(
        self,
        args: Sequence[str],
        cwd: Path,
        name: str = "syndicate",
        extra_env: dict[str, str] | None = None,
    ):
        self.log_path = cwd / f"{name}-{time.monotonic_ns()}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - lives as long as the process
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        env.pop("SYNDICATE_CONFIG", None)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "syndicate", *args],
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        def found() -> re.Match[str] | None:
            m = re.search(pattern, self.log())
            if m is None and self.popen.poll() is not None:
                raise AssertionError(
                    f"process exited ({self.popen.returncode}) before {pattern!r}:\n{self.log()}"
                )
            return m

        try:
            result: re.Match[str] = wait_until(found, timeout, f"log line {pattern!r}")
        except AssertionError as err:
            raise AssertionError(f"{err}\n--- log ---\n{self.log()}") from None
        return result

    def signal(self, sig: int) -> None:
        self.popen.send_signal(sig)

    def stop(self, timeout: float = 10.0) -> tuple[int, float]:
        """SIGTERM; returns (exit code, seconds to exit)."""
        started = time.monotonic()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        code = self.popen.wait(timeout=timeout)
        return code, time.monotonic() - started

    def close(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=10)
        self._log.close()
