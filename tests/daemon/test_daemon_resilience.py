"""The daemon outlives what goes wrong in one job: a publish that fails and a delivery
that fails are logged, and the next run (or retry) does the work; the process stays up
and exits 0 on SIGTERM. Real subprocess, real loopback hub, waits on log lines."""

from __future__ import annotations

import threading
from pathlib import Path

from publisher_helpers import Proc, make_site, page_text, wait_until
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


def test_a_failed_publish_is_logged_and_the_next_run_publishes(tmp_path: Path) -> None:
    config = make_site(tmp_path, interval="1s")
    # output/ is a plain file: every publish fails with an output error until it goes
    (tmp_path / "output").write_text("not a folder", encoding="utf-8")
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"run job=publish status=failed seconds=\S+ error=\S+")
        assert "a bug: please report it" not in daemon.log()  # a SyndicateError, not a traceback
        daemon.wait_log(
            r"run job=publish status=failed[^\n]*\n(?:.*\n)*?.*run job=publish status=failed"
        )
        assert daemon.popen.poll() is None
        (tmp_path / "output").unlink()
        # the next run writes the whole site: the example page's five articles are in it
        daemon.wait_log(
            r"run job=publish status=ok new=\d+ updated=0 unchanged=0 withdrawn=0 inputs_read=\d+"
            r" files=[1-9]"
        )
        feed = (tmp_path / "output" / "feed.xml").read_text("utf-8")
        assert feed.count("<item>") == 5
        (tmp_path / "pages" / "later.txt").write_text(
            page_text("Harbour wall repairs finished early")
        )
        daemon.wait_log(r"run job=publish status=ok new=1 ")
        assert "Harbour wall repairs finished early" in (
            tmp_path / "output" / "feed.xml"
        ).read_text("utf-8")
        code, _ = daemon.stop()
        assert code == 0
        assert "Traceback" not in daemon.log()
    finally:
        daemon.close()


def test_a_failed_delivery_is_retried_and_the_daemon_stays_up(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    answers: list[int] = []
    lock = threading.Lock()

    def hub(request: Request) -> Response:
        with lock:
            status = 500 if len(answers) < 2 else 204  # down for two attempts, then up
            answers.append(status)
        return Response("", status=status)

    httpserver.expect_request("/hub", method="POST").respond_with_handler(hub)
    config = make_site(tmp_path, interval="1h", hubs=[httpserver.url_for("/hub")])
    daemon = Proc(["daemon", "--config", str(config)], cwd=tmp_path, name="daemon")
    try:
        daemon.wait_log(r"run job=publish status=ok new=5 ")
        daemon.wait_log(r"push failed, will retry target=hub:\S+ msg=\S+ attempt=1 ")
        # retry_schedule 0s, 1s, 2s and a 1 s drain interval: the third attempt is answered
        wait_until(lambda: 204 in answers, 20, "the hub to accept a retried ping")
        daemon.wait_log(r"delivered due=\d+ delivered=[1-9]")
        assert answers[:2] == [500, 500] and daemon.popen.poll() is None
        code, _ = daemon.stop()
        assert code == 0
        log = daemon.log()
        assert "Traceback" not in log and "drain failed" not in log
    finally:
        daemon.close()
