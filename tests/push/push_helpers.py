"""Real loopback servers and small builders for the push tests.

``Receiver`` is a threaded HTTP/1.1 server on 127.0.0.1 that records every request
and answers each path from a script (status codes, Retry-After, hangs, callables).
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import (
    Config,
    DeliveryConfig,
    HubConfig,
    OutputConfig,
    PingConfig,
    SiteConfig,
    WebhookConfig,
)
from syndicate.model import FeedChange, FeedFormat, ItemNotice, RunChanges
from syndicate.state import StateStore, open_state

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived
    status: int = 0  # what we answered (0: the client left first)
    wall: float = field(default_factory=time.time)  # time.time() on arrival (webhook timestamps)


# A behaviour: an int status, (status, headers), "hang", or a callable(hit) -> (status, headers, body)
Behaviour = Any


@dataclass
class Receiver:
    server: http.server.ThreadingHTTPServer
    hits: list[Hit] = field(default_factory=list)
    scripts: dict[str, list[Behaviour]] = field(default_factory=dict)
    default: Behaviour = 200
    hang_seconds: float = 10.0
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *behaviours: Behaviour) -> None:
        """Answer ``path`` with these, one per request; the last one repeats."""
        with self.lock:
            self.scripts[path] = list(behaviours)

    def next_behaviour(self, path: str) -> Behaviour:
        with self.lock:
            queue = self.scripts.get(path.split("?")[0])
            if not queue:
                return self.default
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def for_path(self, path: str, *, ok_only: bool = False) -> list[Hit]:
        with self.lock:
            return [
                h
                for h in self.hits
                if h.path.split("?")[0] == path and (not ok_only or 200 <= h.status < 300)
            ]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body writes meet delayed ACK: 40 ms each
    receiver: Receiver

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        hit = Hit(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            at=time.monotonic(),
        )
        rec = self.receiver
        with rec.lock:
            rec.hits.append(hit)
        behaviour = rec.next_behaviour(self.path)
        headers: dict[str, str] = {}
        payload = b"ok"
        if behaviour == "hang":
            rec.release.wait(rec.hang_seconds)
            status = 200
        elif callable(behaviour):
            status, headers, payload = behaviour(hit)
        elif isinstance(behaviour, tuple):
            status, headers = behaviour
        else:
            status = int(behaviour)
        if status in (204, 304):
            payload = b""  # no body allowed: one would poison the kept-alive connection
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
            hit.status = status
        except OSError:
            pass  # the client timed out and left

    do_POST = do_GET = _handle


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # the default backlog of 5 drops SYNs when 16+ workers connect at once


def start_receiver(port: int = 0) -> Receiver:
    handler: type[_Handler] = type("Handler", (_Handler,), {})
    server = _Server(("127.0.0.1", port), handler)
    rec = Receiver(server=server)
    handler.receiver = rec
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return rec


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = start_receiver()
    yield rec
    rec.stop()


def free_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_dir(path: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A tiny static server for the output folder (what a hub fetches)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(path))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# --- builders ----------------------------------------------------------------------


def make_config(
    tmp_path: Path,
    *,
    hubs: tuple[HubConfig, ...] = (),
    webhooks: tuple[WebhookConfig, ...] = (),
    pings: tuple[PingConfig, ...] = (),
    base_url: str = "https://news.example.com/",
    **delivery: Any,
) -> Config:
    delivery.setdefault("connect_timeout", 1.0)
    delivery.setdefault("read_timeout", 1.0)
    return Config(
        path=tmp_path / "syndicate.toml",
        site=SiteConfig(title="Example News", base_url=base_url),
        inputs=(),
        output=OutputConfig(dir=tmp_path / "output"),
        state_path=tmp_path / "s.db",
        hubs=hubs,
        webhooks=webhooks,
        pings=pings,
        delivery=DeliveryConfig(**delivery),
    )


def item(n: int, *, when: datetime = T0, summary: str = "") -> ItemNotice:
    return ItemNotice(
        id=f"tag:news.example.com,2024:{n}",
        title=f"Story {n}",
        link=f"https://news.example.com/world/story-{n}.html",
        section="World",
        published=when,
        updated=when,
        summary=summary or f"Summary of story {n}.",
    )


def feed(
    key: str = "world", fmt: FeedFormat = FeedFormat.RSS, base: str = "https://news.example.com/"
) -> FeedChange:
    ext = {FeedFormat.RSS: "rss.xml", FeedFormat.ATOM: "atom.xml", FeedFormat.JSON: "feed.json"}[
        fmt
    ]
    path = f"{key}/{ext}" if key else ext
    return FeedChange(
        feed_key=key, title=f"Example News: {key or 'all'}", format=fmt, url=base + path, path=path
    )


def changes(
    *items: ItemNotice,
    feeds: tuple[FeedChange, ...] | None = None,
    updated: tuple[ItemNotice, ...] = (),
) -> RunChanges:
    return RunChanges(feeds=feeds if feeds is not None else (feed(),), new=items, updated=updated)


@pytest.fixture
def store(state_where: Path | str) -> Iterator[StateStore]:
    """The outbox tests run on every backend (tests/backends.py)."""
    with open_state(state_where) as s:
        yield s


class Clock:
    """A settable clock for deliver_due(now=...): tests move time instead of sleeping."""

    def __init__(self, start: datetime = T0):
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> datetime:
        self.t += timedelta(seconds=seconds)
        return self.t


def wait_until(pred: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


def rows(store: StateStore, endpoint: str | None = None) -> list[dict[str, Any]]:
    cur = store.conn.execute(
        "SELECT msg_id, endpoint, kind, topic, payload, status, attempts, next_attempt, last_error, last_status"
        " FROM notices" + (" WHERE endpoint = ?" if endpoint else "") + " ORDER BY id",
        (endpoint,) if endpoint else (),
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def queue_notices(store: StateStore, endpoints: int, each: int, at: datetime) -> None:
    """``each`` pending webhook notices for ``webhook:hook-0..endpoints-1``, due at ``at``,
    interleaved in creation order (as many publishes would leave them); the payload
    names the endpoint and the notice's place in the endpoint's order."""
    when = at.isoformat(timespec="microseconds")
    rows_ = [
        (f"msg_{e}_{n}", f"webhook:hook-{e}", f'{{"endpoint":{e},"n":{n}}}', when, when)
        for n in range(each)
        for e in range(endpoints)
    ]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status,"
            " attempts, next_attempt) VALUES (?, ?, 'webhook', 'run', ?, ?, 'pending', 0, ?)",
            rows_,
        )


def hook_config(tmp_path: Path, receiver: Receiver, endpoints: int, **delivery: Any) -> Config:
    """Webhooks ``hook-i`` posting to ``/h/i`` of the receiver."""
    hooks = tuple(
        WebhookConfig(url=receiver.url(f"/h/{i}"), name=f"hook-{i}") for i in range(endpoints)
    )
    return make_config(tmp_path, webhooks=hooks, **delivery)
