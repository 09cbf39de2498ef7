"""On SQLite (one host), a claim held by a process of this host that has exited ends at
once (push/lease.py): a publish killed mid-delivery does not hold its notices back for the
lease; a live holder, or one on another host, keeps its claim until the lease runs out."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from push_helpers import T0, queue_notices

from syndicate.push.lease import claim_due
from syndicate.state import open_state


def _exited_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(proc.stdout)


def test_the_claim_of_an_exited_process_of_this_host_ends_at_once(tmp_path: Path) -> None:
    host = socket.gethostname()
    with open_state(tmp_path / "site.db") as store:
        queue_notices(store, endpoints=3, each=1, at=T0)
        holders = [
            f"{host}:{_exited_pid()}:dead0000",  # killed: claimable again now
            f"{host}:{os.getpid()}:alive000",  # this process: still holds it
            f"elsewhere.example:{_exited_pid()}:other000",  # another host: can't tell
        ]
        for n, holder in enumerate(holders):
            (got,) = claim_due(
                store,
                worker=holder,
                at=T0,
                lease=300,
                endpoints=1,
                skip=[f"webhook:hook-{m}" for m in range(3) if m != n],
            )
            assert got.endpoint == f"webhook:hook-{n}"
        later = claim_due(
            store, worker="next", at=T0 + timedelta(seconds=1), lease=300, endpoints=9
        )
        assert [c.endpoint for c in later] == ["webhook:hook-0"]
