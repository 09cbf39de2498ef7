"""A small HTTP/1.1 server on asyncio for :class:`~syndicate.serve.OutputApp` (issue 11).

Why not waitress: the app answers a conditional poll in ~70 µs, but waitress' thread
hand-off per request caps it at 1–1.5 k requests/s on 2 cores, about Python's
``http.server``. One event loop calling the app inline, with keep-alive and no threads,
is several times faster (``bench/bench_serve.py``). The app stays plain WSGI.

Scope, on purpose: GET and HEAD of static files (anything else reaches the app, which
answers 405 but for the ActivityPub inbox: a POST's body, up to :data:`MAX_BODY`, is
read and handed to the app on a worker thread, reading paused meanwhile), keep-alive (HTTP/1.1 by default, HTTP/1.0 with ``Connection:
keep-alive``), pipelined requests answered in order, request bodies with
``Content-Length`` read and dropped. Refused with a status and a close: a request head
over 32 KiB (431), a malformed request line or header (400), ``Transfer-Encoding`` on a
request (501). Idle connections close after :data:`IDLE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.http import http_date

log = logging.getLogger(__name__)

MAX_HEAD = 32 * 1024
IDLE_SECONDS = 60.0
MAX_BODY = 1024 * 1024
_NO_BODY = ("1", "204", "304")
_OPEN: dict[int, set[_Connection]] = {}  # open connections per server, closed on exit


class _Bad(Exception):
    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    """Request line and headers -> (method, target, version, {NAME: value}); raises _Bad."""
    try:
        text = head.decode("latin-1")
        line, *fields = text.split("\r\n")
        method, target, version = line.split(" ")
    except ValueError:
        raise _Bad("400 Bad Request") from None
    if version not in ("HTTP/1.1", "HTTP/1.0") or not method.isalpha() or not target:
        raise _Bad("400 Bad Request")
    headers: dict[str, str] = {}
    for field in fields:
        name, sep, value = field.partition(":")
        if not sep or not name or name != name.strip() or " " in name:
            raise _Bad("400 Bad Request")
        key = name.upper().replace("-", "_")
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return method, target, version, headers


def make_environ(
    method: str,
    target: str,
    version: str,
    headers: dict[str, str],
    server: tuple[str, int],
    peer: Any,
) -> dict[str, Any]:
    path, _, query = target.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "REQUEST_URI": target,
        "RAW_URI": target,
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": version,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "REMOTE_ADDR": peer[0] if isinstance(peer, tuple) else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
        "wsgi.errors": None,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for key, value in headers.items():
        if key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
            environ[key] = value
        else:
            environ["HTTP_" + key] = value
    return environ


class _Connection(asyncio.Protocol):
    def __init__(self, app: Callable[..., Iterable[bytes]], server: tuple[str, int]):
        self.app, self.server = app, server
        self.buf = bytearray()
        self.skip = 0  # request body bytes still to drop
        # a POST (the ActivityPub inbox): its body is read whole, then the app runs on a
        # worker thread (it may fetch a signer's key) while reading is paused
        self.posted: tuple[dict[str, Any], str, str, bool] | None = None
        self.body = bytearray()
        self.need = 0
        self.busy = False
        self.transport: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.on_lost: Callable[[_Connection], None] = lambda _c: None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.transport = None
        self.on_lost(self)

    def _arm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._idle)

    def _idle(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._arm()
        while self.transport is not None and not self.transport.is_closing():
            if self.busy:
                return
            if self.posted is not None:
                take = min(self.need, len(self.buf))
                self.body += self.buf[:take]
                del self.buf[:take]
                self.need -= take
                if self.need:
                    return
                self._post()
                continue
            if self.skip:
                dropped = min(self.skip, len(self.buf))
                del self.buf[:dropped]
                self.skip -= dropped
                if self.skip:
                    return
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD:
                    self._error("431 Request Header Fields Too Large")
                return
            if end > MAX_HEAD:
                self._error("431 Request Header Fields Too Large")
                return
            head = bytes(self.buf[:end])
            del self.buf[: end + 4]
            self._request(head.lstrip(b"\r\n"))

    def _request(self, head: bytes) -> None:
        try:
            method, target, version, headers = parse_head(head)
            if "TRANSFER_ENCODING" in headers:
                raise _Bad("501 Not Implemented")
            length = headers.get("CONTENT_LENGTH", "0")
            if not length.isdigit() or int(length) > MAX_BODY:
                raise _Bad("400 Bad Request")
        except _Bad as bad:
            self._error(bad.status)
            return
        self.skip = int(length)
        conn = headers.get("CONNECTION", "").lower()
        keep = conn != "close" if version == "HTTP/1.1" else conn == "keep-alive"
        environ = make_environ(
            method,
            target,
            version,
            headers,
            self.server,
            self.transport.get_extra_info("peername") if self.transport else None,
        )
        if method == "POST":
            self.posted, self.need, self.skip = (environ, method, version, keep), self.skip, 0
            self.body = bytearray()
            if not self.need:
                self._post()
            return
        self._respond(environ, method, version, keep)

    def _post(self) -> None:
        import io

        assert self.posted is not None and self.transport is not None
        environ, method, version, keep = self.posted
        self.posted = None
        environ["wsgi.input"] = io.BytesIO(bytes(self.body))
        self.busy = True
        self.transport.pause_reading()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self._call, environ)

        def done(fut: asyncio.Future[Any]) -> None:
            self.busy = False
            if self.transport is None:
                return
            try:
                got = fut.result()
            except Exception:  # noqa: BLE001 - a bug in the app: answer 500, keep serving
                log.exception("request failed path=%r", environ.get("REQUEST_URI"))
                self._error("500 Internal Server Error")
                return
            self._write(got, method, version, keep)
            if self.transport is not None and not self.transport.is_closing():
                self.transport.resume_reading()
                self.data_received(b"")

        future.add_done_callback(done)

    def _call(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        got: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[..., None]:
            got[:] = [status, headers]
            return lambda _data: None

        body = b"".join(self.app(environ, start_response))
        return got[0], got[1], body

    def _respond(self, environ: dict[str, Any], method: str, version: str, keep: bool) -> None:
        got: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[..., None]:
            got[:] = [status, headers]
            return lambda _data: None

        try:
            body = b"".join(self.app(environ, start_response))
        except Exception:  # noqa: BLE001 - a bug in the app: answer 500, keep serving
            log.exception("request failed path=%r", environ.get("REQUEST_URI"))
            self._error("500 Internal Server Error")
            return
        self._write((got[0], got[1], body), method, version, keep)

    def _write(
        self, got: tuple[str, list[tuple[str, str]], bytes], method: str, version: str, keep: bool
    ) -> None:
        status, headers, body = got
        names = {k.lower() for k, _ in headers}
        lines = [f"{version} {status}", *(f"{k}: {v}" for k, v in headers)]
        if "content-length" not in names and not status.startswith(_NO_BODY):
            lines.append(f"Content-Length: {len(body)}")
        lines += [f"Date: {http_date()}", "Server: syndicate"]
        if not keep:
            lines.append("Connection: close")
        elif version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        out = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        assert self.transport is not None
        self.transport.write(out if method == "HEAD" or status.startswith(_NO_BODY) else out + body)
        if not keep:
            self.transport.close()

    def _error(self, status: str) -> None:
        if self.transport is None:
            return
        text = status[4:].lower() + "\n"
        self.transport.write(
            (
                f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(text)}\r\nConnection: close\r\nServer: syndicate\r\n\r\n"
                + text
            ).encode("latin-1")
        )
        self.transport.close()


class AsyncServer:
    """Bound at construction (port 0: any free port); ``run()`` serves until ``close()``
    (from any thread) or until a signal handler raises (SystemExit, KeyboardInterrupt)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], host: str, port: int):
        self.app = app
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        self.sock = socket.socket(info[0], socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind(info[4])
            self.sock.listen(1024)
        except OSError:
            self.sock.close()
            raise
        self.sock.setblocking(False)
        name = self.sock.getsockname()
        self.effective_host, self.effective_port = name[0], int(name[1])
        self.loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    def run(self) -> None:
        loop = self.loop = asyncio.new_event_loop()
        where = (str(self.effective_host), self.effective_port)
        conns = _OPEN.setdefault(id(self), set())

        def factory() -> _Connection:
            conn = _Connection(self.app, where)
            conns.add(conn)
            conn.on_lost = conns.discard
            return conn

        server = loop.run_until_complete(loop.create_server(factory, sock=self.sock))
        try:
            if not self._closed:
                loop.run_forever()
        finally:
            server.close()
            for conn in list(_OPEN.get(id(self), ())):
                if conn.transport is not None:
                    conn.transport.abort()
            _OPEN.pop(id(self), None)
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    def close(self) -> None:
        self._closed = True
        loop = self.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:  # the loop closed in between
                pass
        elif loop is None:
            self.sock.close()
