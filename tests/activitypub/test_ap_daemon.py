"""`syndicate daemon --serve` as a real process: its inbox takes a signed Follow and
sends the Accept; killed (SIGKILL) after a follower server answered 2xx and before the
outcome was recorded, the Create is delivered again after the restart, with the same
activity id (receivers deduplicate on it)."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

from ap_helpers import AP_TABLE, Remote, free_port, remotes
from publisher_helpers import Proc, make_site, page_text, wait_until


def test_a_kill_during_delivery_is_delivered_after_restart(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    # a killed daemon's claim on the inbox runs out after the lease: then the next one resends
    config = make_site(
        tmp_path, base_url=base, extra=AP_TABLE.format(allow="true"), delivery_lease="2s"
    )
    args = ["daemon", "--serve", "--port", str(port), "--config", str(config)]
    # crash point 1: the Accept's 2xx; 2: the Create's 2xx (killed before it is recorded)
    fault = {"SYNDICATE_FAULT": "delivered-2xx:2"}
    with remotes(Remote()) as (remote,):
        daemon = Proc(args, cwd=tmp_path, name="first", extra_env=fault)
        try:
            daemon.wait_log(r"serving dir=", 20)
            wait_until(
                lambda: (tmp_path / "output" / "ap" / "business.json").exists(), 20, "the actor"
            )
            _f, resp = remote.follow("alice", base + "ap/business.json", base + "ap/inbox")
            assert resp.status_code == 202, resp.text
            wait_until(remote.verified_posts, 10, "the Accept")
            (tmp_path / "pages" / "more.txt").write_text(
                page_text("Harbour cranes return"), encoding="utf-8"
            )
            wait_until(lambda: daemon.popen.poll() is not None, 30, "the crash at delivered-2xx")
            assert daemon.popen.returncode == -signal.SIGKILL
        finally:
            daemon.close()
        creates = [p for p in remote.posts if p.activity["type"] == "Create"]
        assert len(creates) == 1, "sent once before the kill"
        second = Proc(args, cwd=tmp_path, name="second")
        try:
            wait_until(
                lambda: sum(p.activity["type"] == "Create" for p in remote.posts) >= 2,
                30,
                "the resend",
            )
        finally:
            second.stop()
            second.close()
        ids = Counter(p.activity["id"] for p in remote.posts if p.activity["type"] == "Create")
        assert list(ids.values()) == [2], ids
        assert all(p.verified for p in remote.posts), [p.why for p in remote.posts]
