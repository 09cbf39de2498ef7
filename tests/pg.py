"""A real PostgreSQL for the tests: initdb into a tmp folder, started on a Unix socket.

Locally a missing initdb/pg_ctl skips with the reason; in CI (env CI or
SYNDICATE_REQUIRE_PG=1) it is a failure."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    hits = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return hits[-1] if hits else None


def _missing(why: str) -> None:
    if os.environ.get("CI") or os.environ.get("SYNDICATE_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL required in CI: {why}")
    pytest.skip(f"no PostgreSQL: {why} (apt-get install postgresql)")


@dataclass(frozen=True, slots=True, kw_only=True)
class PgServer:
    """The running test server; ``restart()`` stops it fast and starts it again."""

    url: str
    data: Path
    pg_ctl: str
    pre: tuple[str, ...]
    log: Path
    options: str

    def restart(self) -> None:
        subprocess.run(
            [*self.pre, self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *self.pre,
                self.pg_ctl,
                "-D",
                str(self.data),
                "-w",
                "-l",
                str(self.log),
                "-o",
                self.options,
                "start",
            ],
            check=True,
            capture_output=True,
        )


@pytest.fixture(scope="session")
def pg_url(pg_server: PgServer) -> str:
    return pg_server.url


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        _missing("initdb/pg_ctl not on PATH nor in /usr/lib/postgresql/*/bin")
    assert initdb is not None and pg_ctl is not None
    root = Path(tempfile.mkdtemp(prefix="syndicate-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    options = f"-k {sock} -c listen_addresses='' -c fsync=off"
    pre: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        shutil.chown(sock, "nobody")
        os.chmod(root, 0o755)
        pre = ["runuser", "-u", "nobody", "--"]
    subprocess.run(
        [
            *pre,
            initdb,
            "-D",
            str(data),
            "-U",
            "syndicate",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *pre,
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-l",
            str(root / "log"),
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield PgServer(
            url=f"postgresql:///postgres?host={sock}&user=syndicate",
            data=data,
            pg_ctl=pg_ctl,
            pre=tuple(pre),
            log=root / "log",
            options=options,
        )
    finally:
        subprocess.run(
            [*pre, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)
