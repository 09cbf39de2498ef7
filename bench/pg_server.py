"""A throwaway PostgreSQL for the benchmarks: initdb into a temp folder, a Unix socket,
stopped at the end (the tests' own is tests/pg.py). Needs the distribution's server
packages (initdb, pg_ctl); as root it runs as ``nobody``."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str:
    found = (
        shutil.which(name) or (sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [""])[-1]
    )
    if not found:
        raise SystemExit(f"bench: {name} not found: install the PostgreSQL server packages")
    return found


@contextmanager
def running_postgres() -> Iterator[str]:
    """Yield the URL of a fresh server (see the durability note at `opts`)."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="syndicate-bench-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    pre: list[str] = []
    if os.geteuid() == 0:
        for p in (root, sock):
            shutil.chown(p, "nobody")
        os.chmod(root, 0o755)
        pre = ["runuser", "-u", "nobody", "--"]
    run = [*pre, initdb, "-D", str(data), "-U", "syndicate", "--auth=trust", "-E", "UTF8"]
    subprocess.run([*run, "--locale=C.UTF-8"], check=True, capture_output=True)
    # fsync on, synchronous_commit off: the durability of SQLite's WAL + synchronous=NORMAL
    # (a power cut may lose the last commits, never corrupts), so the comparison is fair
    opts = f"-k {sock} -c listen_addresses='' -c synchronous_commit=off -c max_connections=200"
    subprocess.run(
        [*pre, pg_ctl, "-D", str(data), "-w", "-l", str(root / "log"), "-o", opts, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql:///postgres?host={sock}&user=syndicate"
    finally:
        subprocess.run([*pre, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def empty_database(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")
    return url
