"""A real S3-compatible server on 127.0.0.1 for the Output tests: moto's server mode
(ThreadedMotoServer, a werkzeug HTTP server in a thread) reached by the real boto3
client over HTTP, never patched in-process. In front of it, when a test needs to see
or cut the traffic, a counting proxy that can be stopped and started on its port
(the S3 server "down")."""

from __future__ import annotations

import http.client
import http.server
import logging
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
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
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                dropped = {"connection"} | (
                    {"if-match", "if-none-match"} if proxy.strip_conditions else set()
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(k, v)
                # a HEAD answer keeps the upstream length (of the body it did not send)
                length = resp.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

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
