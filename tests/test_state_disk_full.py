"""Disk full under the state folder (issue 8, section 4): one clean message, exit 1,
nothing lost, and the next run after space returns publishes everything.

The state folder is a real 8 MB tmpfs (`mount -t tmpfs`, needs root), filled up with a
filler file: SQLite then gets a real ENOSPC. Skipped where tmpfs cannot be mounted.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conformance import check_output_dir
from nothing_lost import Site, ledger, site_config, start_receiver, syndicate


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "state"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder: Path) -> Path:
    """Write a filler file until the file system refuses (ENOSPC)."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(chunk)
                fh.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC, err
    fd = os.open(filler, os.O_WRONLY | os.O_APPEND)
    try:  # top up the last partial block
        while True:
            os.write(fd, b"\0" * 512)
    except OSError as err:
        assert err.errno == errno.ENOSPC, err
    finally:
        os.close(fd)
    return filler


def test_publish_with_the_state_disk_full_says_so_and_loses_nothing(
    tmp_path: Path, tmpfs: Path
) -> None:
    rec = start_receiver()
    try:
        (tmp_path / "pages").mkdir()
        (tmp_path / "site.toml").write_text(site_config(rec.port), "utf-8")
        site = Site(root=tmp_path, receiver=rec)
        site.add(20)
        assert syndicate(tmp_path, "publish").returncode == 0
        before = ledger(site.state)

        filler = fill(tmpfs)
        site.add(300)  # more than the few free bytes can hold
        full = syndicate(tmp_path, "publish")
        print(full.stderr.strip())
        assert full.returncode == 1, (full.returncode, full.stderr)
        assert "state: disk full" in full.stderr, full.stderr
        assert "Traceback" not in full.stderr and "cannot rollback" not in full.stderr, full.stderr
        assert len(full.stderr.strip().splitlines()) == 1, full.stderr
        assert ledger(site.state) == before, "a failed run changed the ledger"

        filler.unlink()  # space is back
        again = syndicate(tmp_path, "publish")
        assert again.returncode == 0, again.stderr
        now = ledger(site.state)
        assert len(now) == site.articles and all(now[g] == before[g] for g in before)
        check_output_dir(site.output, consumers=False)
    finally:
        rec.stop()
