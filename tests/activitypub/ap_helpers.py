"""A fediverse server on loopback, and our site served on loopback, for the ActivityPub tests.

``Remote`` plays a Mastodon-like server: its actors (with their own RSA keys, made here
with ``cryptography``), a shared inbox and per-user inboxes that record every POST and
check its HTTP Signature with **apsig** (PyPI ``apsig``, an implementation independent of
ours: draft-cavage ``rsa-sha256`` with Digest and a Date window, as Mastodon checks),
fetching our key over HTTP from the ``keyId`` like Mastodon does. It signs what it
sends with apsig too.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import requests
from apsig.draft.sign import Signer
from apsig.draft.verify import Verifier
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from publisher_helpers import make_site

from syndicate.config import Config, load_config
from syndicate.serve import build_app, make_server

AS = "https://www.w3.org/ns/activitystreams"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    why: str = ""

    @property
    def activity(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


@dataclass
class Remote:
    """A remote server with users; ``statuses`` scripts the inbox answers (then 202)."""

    users: tuple[str, ...] = ("alice",)
    statuses: list[int] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    shared: bool = True  # users advertise the shared inbox
    key_doc_bytes: int = 0  # >0: pad actor documents to this size (key fetch limit tests)
    hang: float = 0.0  # seconds to wait before answering a GET (timeouts)

    def __post_init__(self) -> None:
        self.keys = {
            u: rsa.generate_private_key(public_exponent=65537, key_size=2048) for u in self.users
        }
        self.lock = threading.Lock()
        remote = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if remote.hang:
                    threading.Event().wait(remote.hang)
                user = self.path.removeprefix("/users/")
                if user not in remote.keys:
                    self.send_response(410 if self.path.startswith("/users/") else 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = json.dumps(remote.actor(user)).encode()
                if remote.key_doc_bytes:
                    data = data[:-1] + b', "pad": "' + b"x" * remote.key_doc_bytes + b'"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (the size cap): what is tested

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items()}
                ok, why = remote.check(self.path, headers, body)
                with remote.lock:
                    remote.posts.append(Post(self.path, headers, body, ok, why))
                    status = remote.statuses.pop(0) if remote.statuses else 202
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def actor_id(self, user: str) -> str:
        return f"{self.base}/users/{user}"

    def actor(self, user: str) -> dict[str, Any]:
        pem = (
            self.keys[user]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        doc: dict[str, Any] = {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": self.actor_id(user),
            "type": "Person",
            "preferredUsername": user,
            "inbox": f"{self.base}/users/{user}/inbox",
            "publicKey": {
                "id": self.actor_id(user) + "#main-key",
                "owner": self.actor_id(user),
                "publicKeyPem": pem,
            },
        }
        if self.shared:
            doc["endpoints"] = {"sharedInbox": f"{self.base}/inbox"}
        return doc

    def check(self, path: str, headers: dict[str, str], body: bytes) -> tuple[bool, str]:
        """apsig's verdict on a POST, with our key fetched over HTTP from its keyId."""
        try:
            sig = {k.lower(): v for k, v in headers.items()}["signature"]
            key_id = sig.split('keyId="', 1)[1].split('"', 1)[0]
            doc = requests.get(
                urldefrag(key_id).url, headers={"Accept": "application/activity+json"}, timeout=5
            ).json()
            assert doc["publicKey"]["id"] == key_id
            Verifier(
                doc["publicKey"]["publicKeyPem"], "POST", self.base + path, headers, body
            ).verify(raise_on_fail=True)
            return True, ""
        except Exception as err:  # the verdict is the test's data
            return False, f"{type(err).__name__}: {err}"

    def signed(
        self,
        user: str,
        url: str,
        activity: dict[str, Any],
        *,
        key_user: str | None = None,
        date: datetime | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of ``activity`` POSTed by ``user`` (signed with
        ``key_user``'s key when given: a forgery)."""
        body = json.dumps(activity).encode()
        headers = {"Content-Type": "application/activity+json"}
        if date is not None:
            from email.utils import format_datetime

            headers["Date"] = format_datetime(date.astimezone(UTC), usegmt=True)
        out = Signer(
            headers=headers,
            private_key=self.keys[key_user or user],
            method="POST",
            url=url,
            key_id=self.actor_id(user) + "#main-key",
            body=body,
        ).sign()
        return body, {str(k): str(v) for k, v in out.items() if str(k).lower() != "authorization"}

    def send(self, user: str, url: str, activity: dict[str, Any], **kw: Any) -> requests.Response:
        body, headers = self.signed(user, url, activity, **kw)
        return requests.post(url, data=body, headers=headers, timeout=20)

    def follow(
        self, user: str, target: str, inbox: str, n: int = 1
    ) -> tuple[dict[str, Any], requests.Response]:
        activity = {
            "@context": AS,
            "id": f"{self.actor_id(user)}#follows/{n}",
            "type": "Follow",
            "actor": self.actor_id(user),
            "object": target,
        }
        return activity, self.send(user, inbox, activity)

    def verified_posts(self) -> list[Post]:
        with self.lock:
            return [p for p in self.posts if p.verified]


@contextmanager
def remotes(*specs: Remote) -> Iterator[tuple[Remote, ...]]:
    try:
        yield specs
    finally:
        for r in specs:
            r.close()


AP_TABLE = """
[activitypub]
enabled = true
allow_private_addresses = {allow}
key_fetch_timeout = 2
key_fetch_max_bytes = 65536
"""


@dataclass
class Site:
    root: Path
    config: Config
    base: str
    server: Any
    thread: threading.Thread

    def url(self, rel: str) -> str:
        return self.base + rel

    def add_page(self, name: str, text: str) -> None:
        (self.root / "pages" / name).write_text(text, encoding="utf-8")


@contextmanager
def served_site(root: Path, *, allow_private: bool = True, extra: str = "") -> Iterator[Site]:
    """Our site (the example page: 5 Business articles) with ActivityPub on, served by
    `syndicate serve`'s app on a loopback port that is also its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    path = make_site(
        root, base_url=base, extra=AP_TABLE.format(allow=str(allow_private).lower()) + extra
    )
    config = load_config(path)
    app = build_app(config)
    server = make_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Site(root=root, config=config, base=base, server=server, thread=thread)
    finally:
        server.close()
        thread.join(5)
