"""A real S3-compatible server on 127.0.0.1 for the Output tests: moto's server mode
(ThreadedMotoServer, a werkzeug HTTP server in a thread) reached by the real boto3
client over HTTP, never patched in-process. In front of it, when a test needs to see
or cut the traffic, a counting proxy that can be stopped and started on its port
(the S3 server "down")."""

from __future__ import annotations

import http.client
import http.server
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

KEY_ENV, SECRET_ENV = "SYNDICATE_TEST_S3_KEY", "SYNDICATE_TEST_S3_SECRET"
CREDENTIALS = {KEY_ENV: "testing-key", SECRET_ENV: "testing-secret"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class S3Server:
    url: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS[KEY_ENV],
            aws_secret_access_key=CREDENTIALS[SECRET_ENV],
        )

    def new_bucket(self) -> str:
        name = f"b-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(url=f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)
    return CREDENTIALS


@dataclass
class Proxy:
    """Forwards every request to ``target`` and records (method, path)."""

    target: str
    port: int = 0
    hits: list[tuple[str, str]] = field(default_factory=list)
    strip_conditions: bool = False  # act as a store that ignores If-Match / If-None-Match
    before_put: Callable[[str], None] | None = None  # called with the path of each PUT
    after_put: Callable[[str], None] | None = None  # ... once its answer was sent
    _server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def puts(self) -> list[str]:
        return [p for m, p in self.hits if m == "PUT"]

    def start(self) -> None:
        proxy = self
        host, _, port = self.target.removeprefix("http://").partition(":")

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.hits.append((self.command, self.path))
                if self.command == "PUT" and proxy.before_put is not None:
                    proxy.before_put(self.path)
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                dropped = {"connection"} | (
                    {"if-match", "if-none-match"} if proxy.strip_conditions else set()
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                except OSError:  # the server behind is gone: so is this connection
                    self.close_connection = True
                    conn.close()
                    return
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(k, v)
                # a HEAD answer keeps the upstream length (of the body it did not send)
                sent = resp.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", sent or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                self.wfile.flush()
                conn.close()
                if self.command == "PUT" and proxy.after_put is not None:
                    proxy.after_put(self.path)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        """The server goes down: the port refuses connections until start()."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def proxy(s3_server: S3Server) -> Iterator[Proxy]:
    p = Proxy(target=s3_server.url)
    p.start()
    try:
        yield p
    finally:
        p.stop()


class MotoProcess:
    """moto's server in its own process on 127.0.0.1, which a test can kill (SIGKILL) and
    start again on the same port. moto keeps objects in memory, so it runs with its
    request recorder on (MOTO_ENABLE_RECORDING, a file of every request as it arrived)
    and a restart replays that file: the bucket comes back as it was, as a real store's
    would after its server process died."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.recording = folder / "moto-recording.jsonl"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "MOTO_ENABLE_RECORDING": "1",
            "MOTO_RECORDER_FILEPATH": str(self.recording),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.05)
        if self.recording.exists() and self.recording.stat().st_size:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request("POST", "/moto-api/recorder/replay-recording")
            assert conn.getresponse().status == 200
            conn.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def client(self) -> Any:
        return S3Server(url=self.url).client()


@pytest.fixture
def moto_process(tmp_path: Path) -> Iterator[MotoProcess]:
    m = MotoProcess(tmp_path)
    m.start()
    try:
        yield m
    finally:
        m.kill()
