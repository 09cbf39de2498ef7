"""What ``serve`` answers for ActivityPub: the inboxes (POST), WebFinger, NodeInfo and
host-meta at the host root, and content negotiation of item pages.

:meth:`Routes.answer` is the one hook serve.py calls before its static files: it
returns a full response for the dynamic paths, or None to let serve go on (with
:meth:`Routes.negotiate` mapping an item page asked for as ``application/activity+json``
to its object file). Deliveries the inbox queued are sent at once on a background
thread (the daemon's outbox ticks would send them too, a little later).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header

from ..config import Config
from ..state import open_state, read_only_state, state_location
from . import documents as doc
from .actors import WELL_KNOWN, Actors
from .inbox import receive
from .keyfetch import KeyFetcher
from .signatures import sign

log = logging.getLogger(__name__)

_INBOX = re.compile(r"^ap/(?:([a-z0-9_][a-z0-9_.-]*)/)?inbox$")
_PAGE = re.compile(r"^([^/]+)/([^/]+)\.html$")
# The wait for the state lock before an inbox answers 503 (a publish run may hold it).
LOCK_WAIT = 10.0
INBOX_WAIT = 60.0  # the delivery thread's wait for the lock


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _text(status: str, text: str, *extra: tuple[str, str]) -> Response:
    return Response(
        status=status,
        headers=(("Content-Type", "text/plain; charset=utf-8"), *extra),
        body=text.encode(),
    )


class Routes:
    """Per app: holds the key cache and the delivery thread; ``config`` may be swapped."""

    def __init__(self, config: Config):
        self.config = config
        self.fetcher = KeyFetcher(config.activitypub, sign_get=self._sign_get)
        self._kick = threading.Lock()
        self._again = threading.Event()

    # --- the hook -------------------------------------------------------------
    def answer(self, environ: dict[str, Any], rel: str) -> Response | None:
        """A response for ActivityPub's dynamic paths, else None. ``rel``: the request
        path without its leading slash (not yet checked for dotfiles)."""
        config = self.config
        if not config.activitypub.enabled:
            return None
        method = environ.get("REQUEST_METHOD", "GET")
        if self.fetcher.config is not config.activitypub:
            self.fetcher.config = config.activitypub
        match = _INBOX.match(rel)
        if match:
            if method != "POST":
                return _text("405 Method Not Allowed", "POST only\n", ("Allow", "POST"))
            return self._inbox(environ, match.group(1))
        if method not in ("GET", "HEAD"):
            return None
        if rel == ".well-known/webfinger":
            return self._webfinger(environ)
        if "/" + rel in WELL_KNOWN:
            ctype = "application/xrd+xml" if rel.endswith("host-meta") else "application/json"
            return self._file(WELL_KNOWN["/" + rel], ctype)
        return None

    def varies(self, rel: str, start_response: Any) -> Any:
        """``start_response`` adding ``Vary: Accept`` on item pages that negotiate (a cache
        in front must not hand the JSON object to a browser, or the page to Mastodon)."""
        if not self.config.activitypub.enabled or _PAGE.match(rel) is None:
            return start_response

        def with_vary(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, ("Vary", "Accept")], exc_info)

        return with_vary

    def negotiate(self, environ: dict[str, Any], rel: str) -> str:
        """An item page asked for as ActivityStreams -> its object's file, when it has one."""
        if not self.config.activitypub.enabled:
            return rel
        match = _PAGE.match(rel)
        if match is None or not _wants_activity(environ.get("HTTP_ACCEPT", "")):
            return rel
        obj = Actors.of(self.config).object_path(match.group(1), match.group(2))
        return obj if os.path.isfile(os.path.join(self.config.output.dir, obj)) else rel

    # --- handlers -------------------------------------------------------------
    def _inbox(self, environ: dict[str, Any], name: str | None) -> Response:
        stream = environ.get("wsgi.input")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = stream.read(length) if stream is not None and length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if key in environ:
                headers[key.replace("_", "-").lower()] = environ[key]
        # what the sender signed: the path under the base URL (a proxy may strip a prefix)
        prefix = urlsplit(self.config.site.base_url).path.rstrip("/")
        path = prefix + "/" + environ.get("PATH_INFO", "").lstrip("/")
        got = receive(
            self.config,
            open_store=lambda: open_state(
                state_location(self.config), wait=True, wait_timeout=LOCK_WAIT
            ),
            fetcher=self.fetcher,
            name=name,
            path=path,
            headers=headers,
            body=body,
            now=datetime.now(UTC),
        )
        extra = (("Retry-After", str(got.retry_after)),) if got.retry_after else ()
        if got.changed:
            self.deliver_soon()
        return _text(got.status, got.body, *extra)

    def _webfinger(self, environ: dict[str, Any]) -> Response:
        resource = parse_qs(environ.get("QUERY_STRING", "")).get("resource", [""])[0]
        actors = Actors.of(self.config)
        name = None
        if resource.startswith("acct:"):
            user, _, host = resource[5:].rpartition("@")
            if host.lower() == actors.host:
                name = user.lower()
        elif resource:
            name = actors.name_of(resource)
        if not name or not re.fullmatch(r"[a-z0-9_][a-z0-9_.-]*", name):
            return _text("404 Not Found", "no such account\n")
        return self._file(actors.webfinger_path(name), doc.JRD_JSON)

    def _file(self, rel: str, ctype: str) -> Response:
        try:
            with open(os.path.join(self.config.output.dir, rel), "rb") as f:
                data = f.read()
        except OSError:
            return _text("404 Not Found", "not found\n")
        return Response(
            status="200 OK",
            headers=(
                ("Content-Type", ctype),
                ("Access-Control-Allow-Origin", "*"),
                ("Cache-Control", f"public, max-age={self.config.serve.max_age}"),
            ),
            body=data,
        )

    # --- outbound ---------------------------------------------------------------
    def _sign_get(self, url: str) -> dict[str, str]:
        store = read_only_state(state_location(self.config))
        if store is None:
            return {}
        try:
            key = store.ap_key()
        finally:
            store.close()
        if key is None:
            return {}
        actors = Actors.of(self.config)
        return sign(key[0], actors.key_id(actors.site_name), "GET", url, None, datetime.now(UTC))

    def deliver_soon(self) -> None:
        """Send what the inbox queued, on one background thread (a second call while it
        runs makes it go round once more)."""
        self._again.set()
        if not self._kick.acquire(blocking=False):
            return
        threading.Thread(target=self._deliver, name="syndicate-ap-deliver", daemon=True).start()

    def _deliver(self) -> None:
        from ..push.outbox import deliver_due

        try:
            while self._again.is_set():
                self._again.clear()
                with open_state(
                    state_location(self.config), wait=True, wait_timeout=INBOX_WAIT
                ) as store:
                    deliver_due(store, self.config)
        except Exception:  # the daemon's next outbox tick sends them instead
            log.exception("inbox delivery failed; the outbox will retry")
        finally:
            self._kick.release()


def is_tombstone(real: str, data: bytes) -> bool:
    """A withdrawn item's object document (serve answers it 410 Gone). Parsed only when
    the word is there: the check runs once per file version (serve caches it)."""
    if not real.endswith(".json") or b'"Tombstone"' not in data:
        return False
    try:
        parsed = json.loads(data)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("type") == "Tombstone"


def _wants_activity(accept: str) -> bool:
    """ActivityStreams preferred over HTML: ``application/activity+json``, or
    ``application/ld+json`` (ActivityPub section 3.2 has clients send it with
    ``profile="https://www.w3.org/ns/activitystreams"``; werkzeug's matching would drop
    the parameterised form, so the profile is read here)."""
    offered = []
    for value, quality in parse_accept_header(accept):
        mtype, params = parse_options_header(value)
        profiles = params.get("profile", "").split()
        if mtype.lower() == "application/ld+json" and profiles and doc.AS_CONTEXT not in profiles:
            continue  # JSON-LD of some other vocabulary
        if mtype.lower() == "application/ld+json":
            mtype = doc.ACTIVITY_JSON
        offered.append((mtype.lower(), quality))
    best = MIMEAccept(offered).best_match(["text/html", doc.ACTIVITY_JSON])
    return best == doc.ACTIVITY_JSON


__all__ = ["Response", "Routes", "is_tombstone"]
