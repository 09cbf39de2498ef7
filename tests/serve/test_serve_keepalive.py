"""Conditional polls and HEAD requests reuse the TCP connection (issue 11, Serving):
a real waitress server on 127.0.0.1, one http.client connection for many requests."""

from __future__ import annotations

import http.client
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
        assert _sockname(conn) == local     # http.client would reconnect after a close
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
