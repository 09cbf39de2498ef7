"""Conditional polls and HEAD requests reuse the TCP connection (issue 11, Serving):
a real waitress server on 127.0.0.1, one http.client connection for many requests."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator

import pytest
from publisher_helpers import make_site

from syndicate.config import load_config
from syndicate.publish import publish
from syndicate.serve import build_app, make_server


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    config = load_config(make_site(tmp_path_factory.mktemp("keepalive")))
    publish(config, deliver=False)
    server = make_server(build_app(config), "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    yield int(server.effective_port)
    server.close()


def _sockname(conn: http.client.HTTPConnection) -> object:
    assert conn.sock is not None, "the server closed the connection"
    return conn.sock.getsockname()


def test_304_answers_keep_the_connection_open(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/feed.xml")
    first = conn.getresponse()
    first.read()
    etag = first.getheader("ETag")
    assert first.status == 200 and etag
    local = _sockname(conn)
    for _ in range(5):
        conn.request("GET", "/feed.xml", headers={"If-None-Match": etag})
        resp = conn.getresponse()
        assert resp.read() == b""
        assert resp.status == 304
        assert resp.getheader("Connection") is None
        assert resp.getheader("ETag") == etag
        assert _sockname(conn) == local  # http.client would reconnect after a close
    conn.close()


def test_head_answers_keep_the_connection_open(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("HEAD", "/atom.xml")
    resp = conn.getresponse()
    resp.read()
    local = _sockname(conn)
    assert resp.status == 200 and int(resp.getheader("Content-Length", "0")) > 0
    assert resp.getheader("Connection") is None
    conn.request("HEAD", "/index.html")
    again = conn.getresponse()
    again.read()
    assert again.status == 200 and _sockname(conn) == local
    conn.close()


def test_client_asking_to_close_still_gets_connection_close(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/feed.xml")
    etag = conn.getresponse().getheader("ETag") or ""
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/feed.xml", headers={"If-None-Match": etag, "Connection": "close"})
    resp = conn.getresponse()
    assert resp.status == 304 and resp.getheader("Connection") == "close"
    conn.close()


def _raw(port: int, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes (or 2 s of silence)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_pipelined_requests_are_answered_in_order_on_one_connection(port: int) -> None:
    out = _raw(
        port,
        b"HEAD /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /nope.xml HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /atom.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", out)
    assert statuses == [b"200", b"404", b"200"]
    assert out.count(b"Connection: close") == 1 and out.rstrip().endswith(b"</feed>")


def test_http10_closes_unless_keep_alive_is_asked(port: int) -> None:
    out = _raw(port, b"GET /feed.xml HTTP/1.0\r\n\r\n")
    assert out.startswith(b"HTTP/1.0 200 OK") and b"Connection: close" in out
    out = _raw(
        port,
        b"HEAD /feed.xml HTTP/1.0\r\nConnection: keep-alive\r\n\r\nHEAD /feed.xml HTTP/1.0\r\n\r\n",
    )
    assert out.count(b"HTTP/1.0 200 OK") == 2 and b"Connection: keep-alive" in out


def test_a_request_body_is_skipped_and_the_method_refused(port: int) -> None:
    out = _raw(
        port,
        b"POST /feed.xml HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
        b"GET /feed.json HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    assert out.startswith(b"HTTP/1.1 405 Method Not Allowed") and b"HTTP/1.1 200 OK" in out


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET /feed.xml HTTP/1.1\r\nX: " + b"a" * 40_000 + b"\r\n\r\n", b"431"),
        (b"GET /feed.xml HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", b"501"),
        (b"GET /feed.xml\r\n\r\n", b"400"),
        (b"GET /feed.xml HTTP/2.0\r\n\r\n", b"400"),
        (b"GET /feed.xml HTTP/1.1\r\nBad Header: x\r\n\r\n", b"400"),
        (b"GET /feed.xml HTTP/1.1\r\nContent-Length: -1\r\n\r\n", b"400"),
    ],
)
def test_malformed_requests_get_a_status_and_a_close(port: int, data: bytes, status: bytes) -> None:
    out = _raw(port, data)
    assert out.split(b" ", 2)[1] == status and b"Connection: close" in out
