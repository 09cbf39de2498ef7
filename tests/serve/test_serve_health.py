"""/livez, /readyz, /metrics, /health over real HTTP, and `publish --metrics-file` /
`--health-file` (issue 15, Health and metrics). Figures come from a real state."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from lxml import html
from prometheus_client.parser import text_string_to_metric_families
from publisher_helpers import make_site
from pytest_httpserver import HTTPServer

from syndicate import serve_health
from syndicate.config import Config, load_config
from syndicate.publish import publish
from syndicate.serve import build_app, make_server, server_url

SECRET = "hubtoken-77f1"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text document, parsed by the client library's own parser."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.fixture
def server() -> Iterator[callable]:  # type: ignore[valid-type]
    started = []

    def start(config: Config) -> str:
        srv = make_server(build_app(config), "127.0.0.1", 0)
        threading.Thread(target=srv.run, daemon=True).start()
        started.append(srv)
        return server_url(srv).rstrip("/")

    yield start
    for srv in started:
        srv.close()


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=(2, 10))


def down_hub(httpserver: HTTPServer) -> str:
    httpserver.expect_request(f"/hub/{SECRET}", method="POST").respond_with_data("down", status=500)
    return httpserver.url_for(f"/hub/{SECRET}")


def test_before_the_first_publish_live_and_ready(tmp_path: Path, server) -> None:  # type: ignore[no-untyped-def]
    base = server(load_config(make_site(tmp_path)))
    live, ready, metrics = get(base + "/livez"), get(base + "/readyz"), get(base + "/metrics")
    assert (live.status_code, live.text) == (200, "ok\n")
    assert (ready.status_code, ready.text) == (200, "ready\n")
    assert metrics.status_code == 200 and metrics.headers["Content-Type"].startswith(
        "text/plain; version=0.0.4"
    )
    assert samples(metrics.text)[("syndicate_state_readable", ())] == 1.0
    for r in (live, ready, metrics):
        assert r.headers["Cache-Control"] == "no-store"


def test_metrics_after_a_publish_with_a_failing_hub(
    tmp_path: Path, httpserver: HTTPServer, server
) -> None:  # type: ignore[no-untyped-def]
    config = load_config(make_site(tmp_path, hubs=[down_hub(httpserver)]))
    publish(config, deliver=True)
    base = server(config)
    text = get(base + "/metrics").text
    got = samples(text)
    assert got[("syndicate_publish_runs_total", (("result", "ok"),))] == 1
    assert got[("syndicate_items", (("section", "business"),))] == 5
    assert ("syndicate_feed_last_change_timestamp_seconds", (("feed", "feed.xml"),)) in got
    assert got[("syndicate_outbox_notices", (("kind", "hub"), ("status", "pending")))] >= 1
    assert got[("syndicate_delivery_attempts", (("kind", "hub"), ("result", "failure")))] >= 1
    assert got[("syndicate_input_problems", (("severity", "error"),))] == 0
    assert got[("syndicate_publish_duration_seconds", ())] > 0
    assert SECRET not in text and "127.0.0.1" not in text  # no endpoint URL in any label
    # retrying is not overdue yet: still ready
    assert get(base + "/readyz").status_code == 200


def test_overdue_notifications_make_it_unready(tmp_path: Path, httpserver: HTTPServer) -> None:
    config = load_config(make_site(tmp_path, hubs=[down_hub(httpserver)]))
    publish(config, deliver=True)
    later = datetime.now(UTC) + timedelta(hours=3)
    status, _, body = serve_health.answer("/readyz", config, now=lambda: later)  # type: ignore[misc]
    assert status.startswith("503") and b"overdue" in body


def test_a_failed_publish_makes_it_unready_and_is_counted(tmp_path: Path, server) -> None:  # type: ignore[no-untyped-def]
    config = load_config(make_site(tmp_path))
    publish(config, deliver=False)
    # output/ replaced by a file: the next publish fails
    import shutil

    shutil.rmtree(config.output.dir)
    config.output.dir.write_text("not a folder")
    with pytest.raises(Exception):  # noqa: B017 - which error is publish's business, tested elsewhere
        publish(config, deliver=False)
    base = server(config)
    ready = get(base + "/readyz")
    assert ready.status_code == 503 and "last publish failed" in ready.text
    got = samples(get(base + "/metrics").text)
    assert got[("syndicate_publish_runs_total", (("result", "failed"),))] == 1
    assert got[("syndicate_publish_runs_total", (("result", "ok"),))] == 1


def test_unreadable_state_is_reported_not_raised(tmp_path: Path, server) -> None:  # type: ignore[no-untyped-def]
    config = load_config(make_site(tmp_path))
    config.state_path.parent.mkdir(parents=True, exist_ok=True)
    config.state_path.write_bytes(b"this is not a database" * 100)
    base = server(config)
    assert get(base + "/livez").status_code == 200
    ready = get(base + "/readyz")
    assert ready.status_code == 503 and ready.text.startswith("state:")
    assert samples(get(base + "/metrics").text)[("syndicate_state_readable", ())] == 0.0


def test_health_page_lists_sections_and_endpoints_redacted(
    tmp_path: Path, httpserver: HTTPServer, server
) -> None:  # type: ignore[no-untyped-def]
    config = load_config(make_site(tmp_path, hubs=[down_hub(httpserver)]))
    publish(config, deliver=True)
    page = get(server(config) + "/health")
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    doc = html.fromstring(page.content)
    rows = [[c.text_content() for c in tr.findall("td")] for tr in doc.iter("tr")]
    section_rows = [r for r in rows if r and r[0] == "Business"]
    assert section_rows and section_rows[0][1] == "5"
    hub_rows = [r for r in rows if r and r[0].startswith("hub:")]
    assert hub_rows and int(hub_rows[0][1]) >= 1 and "500" in hub_rows[0][4]
    assert SECRET not in page.text
    assert doc.find(".//meta[@name='robots']").get("content") == "noindex"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args], capture_output=True, text=True, timeout=120
    )


def test_publish_writes_metrics_and_health_files_even_when_it_fails(tmp_path: Path) -> None:
    config_path = make_site(tmp_path)
    prom, page = tmp_path / "textfile" / "syndicate.prom", tmp_path / "health.html"
    prom.parent.mkdir()
    ok = run_cli(
        "publish",
        "--config",
        str(config_path),
        "--metrics-file",
        str(prom),
        "--health-file",
        str(page),
    )
    assert ok.returncode == 0, ok.stderr
    assert samples(prom.read_text())[("syndicate_publish_runs_total", (("result", "ok"),))] == 1
    assert "Business" in page.read_text()
    out = tmp_path / "output"
    import shutil

    shutil.rmtree(out)
    out.write_text("not a folder")
    failed = run_cli("publish", "--config", str(config_path), "--metrics-file", str(prom))
    assert failed.returncode == 1
    assert samples(prom.read_text())[("syndicate_publish_runs_total", (("result", "failed"),))] == 1
    assert not list(prom.parent.glob("*.tmp*"))  # written by rename, no temp left
