"""`--log-format json` (issue 15, Health and metrics): one JSON object per stderr line,
key=value pairs lifted into fields, and the same redaction as the text form."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from publisher_helpers import make_site
from pytest_httpserver import HTTPServer

from syndicate.log import JsonFormatter, log_format, set_log_format

SECRET = "tok-9f3a1c"


def run_publish(
    tmp_path: Path, hub: str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    config = make_site(tmp_path, hubs=[hub])
    full_env = {k: v for k, v in os.environ.items() if k != "SYNDICATE_LOG_FORMAT"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "syndicate", "publish", "--config", str(config), "-v", *extra],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def failing_hub(httpserver: HTTPServer) -> str:
    httpserver.expect_request(f"/hub/{SECRET}", method="POST").respond_with_data("down", status=500)
    return httpserver.url_for(f"/hub/{SECRET}") + f"?key={SECRET}"


def test_every_line_is_one_json_object_with_fields(tmp_path: Path, httpserver: HTTPServer) -> None:
    result = run_publish(tmp_path, failing_hub(httpserver), "--log-format", "json")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines
    docs = [json.loads(line) for line in lines]  # raises on any non-JSON line
    for doc in docs:
        assert {"ts", "level", "logger", "event", "msg"} <= doc.keys()
        assert doc["ts"].endswith("+00:00")
    published = [d for d in docs if d["msg"].startswith("published")]
    assert published and published[0]["new"] == "5", docs
    assert SECRET not in result.stderr


def test_text_and_json_forms_redact_alike(tmp_path: Path, httpserver: HTTPServer) -> None:
    hub = failing_hub(httpserver)
    text = run_publish(tmp_path / "a", hub)
    as_json = run_publish(tmp_path / "b", hub, env={"SYNDICATE_LOG_FORMAT": "json"})
    assert text.returncode == as_json.returncode == 0
    failures_text = [line for line in text.stderr.splitlines() if "500" in line]
    failures_json = [json.loads(line) for line in as_json.stderr.splitlines() if "500" in line]
    assert failures_text and failures_json  # the hub failure is logged in both forms
    assert SECRET not in text.stderr and SECRET not in as_json.stderr


def test_json_formatter_keeps_event_fields_and_traceback() -> None:
    record = logging.LogRecord(
        "syndicate.push",
        logging.WARNING,
        __file__,
        1,
        "delivery failed target=%s status=%d",
        ("hub:http://h/…", 503),
        None,
    )
    doc = json.loads(JsonFormatter().format(record))
    assert doc["event"] == "delivery failed"
    assert doc["target"] == "hub:http://h/…" and doc["status"] == "503"
    assert doc["level"] == "warning" and doc["logger"] == "syndicate.push"
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "syndicate", logging.ERROR, __file__, 1, "bug", (), sys.exc_info()
        )
    doc = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in doc["exc"] and doc["event"] == "bug"


def test_reserved_names_never_overwrite_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    record = logging.LogRecord(
        "syndicate", logging.INFO, __file__, 1, "odd level=hacked msg=x", (), None
    )
    doc = json.loads(JsonFormatter().format(record))
    assert doc["level"] == "info" and doc["msg"] == "odd level=hacked msg=x"


def test_option_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_LOG_FORMAT", "json")
    set_log_format(None)
    assert log_format() == "json"
    set_log_format("text")
    try:
        assert log_format() == "text"
    finally:
        set_log_format(None)
    monkeypatch.setenv("SYNDICATE_LOG_FORMAT", "yaml")
    assert log_format() == "text"
