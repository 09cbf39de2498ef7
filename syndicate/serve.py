"""Serves output/ over HTTP: static files with validators, and one health endpoint.

The WSGI app (:func:`build_app`) is small on purpose and testable without a server;
:func:`serve` runs it under :mod:`syndicate.httpd`, one asyncio loop with keep-alive
(waitress was the server until issue 11: its per-request thread hand-off cost more than
the app, and it closed the connection after every 304).

What a response carries (issue 4):

* ``Content-Type`` per format: application/rss+xml, application/atom+xml,
  application/feed+json, text/x-opml, text/html; ``charset=utf-8`` on the text and
  XML types (RFC 7303 section 3.2 recommends it for XML; our files are UTF-8).
* A strong ``ETag`` (SHA-256 of the bytes sent, cached by path, inode, mtime and
  size, so a file is hashed once per version) and ``Last-Modified`` from the file.
  The gzip variant has its own ETag (``"<hash>-gz"``): RFC 9110 section 8.8.3 asks a
  strong validator to change with the representation, and the encoding is part of it.
* 304 on ``If-None-Match`` (weak comparison, RFC 9110 section 13.1.2) or, when the
  request has no If-None-Match, on ``If-Modified-Since``.
* gzip when ``Accept-Encoding`` allows it, with ``Vary: Accept-Encoding``;
  ``Cache-Control: public, max-age=<serve.max_age>``; a day for RFC 5005 archive
  pages (``*/archive/<n>/*``), which change only when one of their items does.
* On every feed: ``Link: <hub>; rel="hub"`` per configured hub and
  ``Link: <self URL>; rel="self"`` (WebSub section 4, discovery).

Safety: only GET and HEAD; the path must stay inside output/: ``..`` and ``.``
segments, encoded slashes and backslashes (``%2f``, ``%5c``), NUL, dotfiles (the
writer's ``.syndicate-tmp-*`` temps) and symlinks resolving outside output/ are
refused. The dynamic paths are ``/healthz`` and those of :mod:`syndicate.serve_health`
(``/livez``, ``/readyz``, ``/metrics``, ``/health``).

A withdrawn article's page (``syndicate withdraw``) is a short notice carrying
:data:`~syndicate.render.pages.WITHDRAWN_MARK`; it is answered ``410 Gone`` with that
notice as the body, so crawlers and readers drop the URL (issue 11). Its ActivityPub
object (``ap/o/...json``, also what the page negotiates to for
``Accept: application/activity+json``) is then a ``Tombstone``, answered ``410 Gone``
the same way (issue 13).

Whatever the config, the state never leaves this server (issue 8, section 4): SQLite
files and their companions (``.db``, ``.sqlite*``, ``-wal``, ``-shm``, ``-journal``),
lock files, and anything in the state folder answer 404 (:func:`is_private`). With
``output.dir`` set to the state folder nothing is served at all, which is the point.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import mimetypes
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.http import http_date, parse_accept_header, parse_date, parse_etags

from . import serve_health
from .activitypub.routes import Routes, is_tombstone
from .config import Config
from .errors import SyndicateError
from .model import FeedFormat
from .render.pages import WITHDRAWN_MARK
from .state import read_only_state, state_location

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

HEALTH_PATH = "/healthz"
# Below this size gzip saves little and costs a header; feeds are always larger.
GZIP_MIN_BYTES = 256
# Files are read whole: output/ holds feeds and pages, kilobytes each. Anything
# bigger than this is not ours and is not served.
MAX_FILE_BYTES = 64 * 1024 * 1024
# Entries in the ETag cache; enough for a site of thousands of article pages.
CACHE_ENTRIES = 4096

FEED_FILES = {fmt.filename: fmt for fmt in FeedFormat}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
}


# RFC 5005 archive pages change only when one of their items is edited or withdrawn
ARCHIVE_MAX_AGE = 86400


def _max_age(rel: str, default: int) -> int:
    from .render.archive import is_archive_path

    return max(default, ARCHIVE_MAX_AGE) if is_archive_path(rel) else default


def content_type(rel: str) -> str:
    """The Content-Type of an output file, by its name."""
    name = rel.rsplit("/", 1)[-1]
    fmt = FEED_FILES.get(name)
    if fmt is not None:
        return fmt.media_type + ("" if fmt is FeedFormat.JSON else "; charset=utf-8")
    ext = os.path.splitext(name)[1].lower()
    if ext == ".json" and rel.startswith("ap/"):  # ActivityPub documents (issue 13)
        return "application/activity+json"
    if ext in _TYPES:
        return _TYPES[ext]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


# Names that are never ours to serve: SQLite databases, their rollback journal, WAL and
# shared-memory companions, and lock files (``<state>.lock``).
PRIVATE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db3", "-wal", "-shm", "-journal", ".lock")


@functools.lru_cache(maxsize=16)
def _state_dir(state_path: str) -> str:
    """The state's folder, resolved once per path (a config reload brings a new path)."""
    return os.path.dirname(os.path.realpath(state_path))


@functools.lru_cache(maxsize=16)
def _root(output_dir: str) -> str:
    """output/, resolved once per path: a poll should not lstat every parent folder."""
    return os.path.realpath(output_dir)


def is_private(real: str, state_path: Path) -> bool:
    """True for a resolved path that belongs to the state and must not be served."""
    if os.path.basename(real).lower().endswith(PRIVATE_SUFFIXES):
        return True
    state_dir = _state_dir(str(state_path))
    return real == state_dir or real.startswith(state_dir + os.sep)


def _compressible(ctype: str) -> bool:
    return ctype.startswith("text/") or "xml" in ctype or "json" in ctype


@dataclass(frozen=True, slots=True)
class _Version:
    """One version of one file, as sent: bytes, validators, gzip variant."""

    data: bytes
    etag: str
    gz: bytes | None
    gz_etag: str | None
    mtime: float
    gone: bool = False  # a withdrawn article's page: answered 410 Gone


class Refused(Exception):
    """A request path that must not reach the file system."""

    def __init__(self, status: str, why: str):
        super().__init__(why)
        self.status = status
        self.why = why


def safe_relpath(raw_path: str) -> str:
    """The request path (raw, still percent-encoded) -> a relative path under output/.

    Raises :class:`Refused`. Works on the raw request target, not PATH_INFO, because
    PATH_INFO is already decoded and an encoded slash would look like a real one.
    """
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        raise Refused("400 Bad Request", "path must start with /")
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "%00" in lowered or "\\" in path or "\x00" in path:
        raise Refused("400 Bad Request", "encoded slash, backslash or NUL in path")
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("400 Bad Request", "path is not UTF-8") from None
    if "\x00" in decoded or "\\" in decoded:
        raise Refused("400 Bad Request", "NUL or backslash in path")
    parts = decoded.split("/")[1:]
    trailing = decoded.endswith("/")
    parts = [p for p in parts if p != ""]
    for p in parts:
        if p in (".", ".."):
            raise Refused("400 Bad Request", "dot segment in path")
        if p.startswith("."):
            raise Refused("404 Not Found", "dotfile")
    return "/".join(parts) + ("/" if trailing and parts else "")


class OutputApp:
    """The WSGI app. ``config`` may be swapped (the daemon does on SIGHUP)."""

    def __init__(self, config: Config):
        self.config = config
        self._cache: dict[tuple[str, int, int, int], _Version] = {}
        self._lock = threading.Lock()
        self.activitypub = Routes(config)

    # --- WSGI -------------------------------------------------------------------
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        self.activitypub.config = self.config  # ActivityPub's inbox, WebFinger, NodeInfo
        ap = self.activitypub.answer(environ, environ.get("PATH_INFO", "").lstrip("/"))
        if ap is not None:
            start_response(ap.status, [*ap.headers, ("Content-Length", str(len(ap.body)))])
            return [] if method == "HEAD" else [ap.body]
        if method not in ("GET", "HEAD"):
            return self._plain(
                start_response,
                "405 Method Not Allowed",
                "method not allowed\n",
                [("Allow", "GET, HEAD")],
                method,
            )
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or _quote_path(environ)
        try:
            rel = safe_relpath(raw)
        except Refused as refused:
            log.info("refused path=%r why=%s", raw[:200], refused.why)
            return self._plain(
                start_response, refused.status, refused.status[4:].lower() + "\n", [], method
            )
        start_response = self.activitypub.varies(rel, start_response)
        rel = self.activitypub.negotiate(environ, rel)  # an item page as its object
        if "/" + rel == HEALTH_PATH:
            return self._health(start_response, method)
        dynamic = serve_health.answer("/" + rel, self.config)
        if dynamic is not None:
            status, ctype, data = dynamic
            start_response(
                status,
                [
                    ("Content-Type", ctype),
                    ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-store"),
                    ("X-Content-Type-Options", "nosniff"),
                ],
            )
            return [] if method == "HEAD" else [data]
        return self._file(environ, start_response, rel, method)

    # --- files ------------------------------------------------------------------
    def _file(
        self, environ: Environ, start_response: StartResponse, rel: str, method: str
    ) -> Iterable[bytes]:
        root = _root(str(self.config.output.dir))
        target = os.path.join(root, rel) if rel else root
        real = os.path.realpath(target)
        if real != root and not real.startswith(root + os.sep):
            log.info("refused path=%r why=symlink outside output", rel)
            return self._plain(start_response, "404 Not Found", "not found\n", [], method)
        if os.path.isdir(real):
            if rel and not rel.endswith("/"):
                # relative links in index pages need the slash; keep the query
                query = environ.get("QUERY_STRING", "")
                location = "/" + _quote(rel) + "/" + (f"?{query}" if query else "")
                return self._plain(
                    start_response,
                    "301 Moved Permanently",
                    "moved\n",
                    [("Location", location)],
                    method,
                )
            rel = rel + "index.html"
            real = os.path.realpath(os.path.join(real, "index.html"))
            if not real.startswith(root + os.sep):
                return self._plain(start_response, "404 Not Found", "not found\n", [], method)
        if is_private(real, self.config.state_path):
            log.info("refused path=%r why=state file", rel)
            return self._plain(start_response, "404 Not Found", "not found\n", [], method)
        version = self._load(real)
        if version is None:
            return self._plain(start_response, "404 Not Found", "not found\n", [], method)

        ctype = content_type(rel)
        gzip_ok = version.gz is not None and _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))
        etag = version.gz_etag if gzip_ok and version.gz_etag else version.etag
        headers = [
            ("ETag", etag),
            ("Last-Modified", http_date(version.mtime)),
            ("Cache-Control", f"public, max-age={_max_age(rel, self.config.serve.max_age)}"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if version.gz is not None:
            headers.append(("Vary", "Accept-Encoding"))
        headers.extend(self._links(rel))

        if not version.gone and _not_modified(environ, etag, version.mtime):
            start_response("304 Not Modified", headers)
            return []
        body = version.gz if gzip_ok and version.gz is not None else version.data
        headers.append(("Content-Type", ctype))
        headers.append(("Content-Length", str(len(body))))
        if gzip_ok:
            headers.append(("Content-Encoding", "gzip"))
        start_response("410 Gone" if version.gone else "200 OK", headers)
        return [] if method == "HEAD" else [body]

    def _links(self, rel: str) -> list[tuple[str, str]]:
        """WebSub discovery (W3C WebSub section 4) on feed responses."""
        name = rel.rsplit("/", 1)[-1]
        if name not in FEED_FILES or rel.count("/") > 1:
            return []
        links = [("Link", f'<{hub.url}>; rel="hub"') for hub in self.config.hubs]
        links.append(("Link", f'<{self.config.site.base_url}{_quote(rel)}>; rel="self"'))
        return links

    def _load(self, real: str) -> _Version | None:
        try:
            fd = os.open(real, os.O_RDONLY)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return None
            key = (real, st.st_ino, st.st_mtime_ns, st.st_size)
            with self._lock:
                cached = self._cache.get(key)
            if cached is not None:
                return cached
            # the writer replaces files atomically, so this fd sees one whole version
            chunks = []
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            data = b"".join(chunks)
        finally:
            os.close(fd)
        digest = hashlib.sha256(data).hexdigest()[:32]
        gz = gz_etag = None
        if len(data) >= GZIP_MIN_BYTES and _compressible(content_type(real)):
            gz = gzip.compress(data, compresslevel=6, mtime=0)  # mtime=0: same bytes every time
            gz_etag = f'"{digest}-gz"'
        gone = WITHDRAWN_MARK in data[:4096] if real.endswith(".html") else is_tombstone(real, data)
        version = _Version(
            data=data, etag=f'"{digest}"', gz=gz, gz_etag=gz_etag, mtime=st.st_mtime, gone=gone
        )
        with self._lock:
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
            # drop older versions of the same file
            for old in [k for k in self._cache if k[0] == real]:
                del self._cache[old]
            self._cache[key] = version
        return version

    # --- health -----------------------------------------------------------------
    def _health(self, start_response: StartResponse, method: str) -> Iterable[bytes]:
        status, body = health(self.config)
        data = json.dumps(body, sort_keys=True, indent=2).encode() + b"\n"
        start_response(
            status,
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(data))),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [] if method == "HEAD" else [data]

    @staticmethod
    def _plain(
        start_response: StartResponse,
        status: str,
        text: str,
        extra: list[tuple[str, str]],
        method: str,
    ) -> Iterable[bytes]:
        data = text.encode()
        start_response(
            status,
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(data))),
                ("Cache-Control", "no-store"),
                *extra,
            ],
        )
        return [] if method == "HEAD" else [data]


def health(config: Config) -> tuple[str, dict[str, Any]]:
    """The health document: last successful run, daemon heartbeat, notice counts.

    ``200`` when the state is readable (also before the first run: status
    ``"no-state"``), ``503`` when it is not.
    """
    try:
        store = read_only_state(state_location(config))
    except SyndicateError as err:
        return "503 Service Unavailable", {"status": "error", "error": str(err)}
    if store is None:
        return "200 OK", {
            "status": "no-state",
            "last_run": None,
            "daemon": None,
            "notices": {"pending": 0, "dead": 0},
        }
    try:
        last = store.last_run()
        last_any = store.last_run(ok_only=False)
        counts = dict(
            store.conn.execute(
                "SELECT status, COUNT(*) FROM notices WHERE status IN ('pending', 'dead') GROUP BY status"
            ).fetchall()
        )
        beat = store.get_meta("daemon")
    except Exception as err:  # noqa: BLE001 - sqlite3.Error and friends: report, don't crash the server
        return "503 Service Unavailable", {"status": "error", "error": f"cannot read state: {err}"}
    finally:
        store.close()
    notices = {"pending": int(counts.get("pending", 0)), "dead": int(counts.get("dead", 0))}
    daemon = json.loads(beat) if beat else None
    failed = last_any is not None and last_any.get("status") == "failed"
    status = "degraded" if notices["dead"] or failed else "ok"
    return "200 OK", {
        "status": status,
        "last_run": last,
        "last_attempt": last_any if failed else None,
        "daemon": daemon,
        "notices": notices,
        "now": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _accepts_gzip(header: str) -> bool:
    if not header:
        return False
    return parse_accept_header(header).quality("gzip") > 0


def _not_modified(environ: Environ, etag: str, mtime: float) -> bool:
    inm = environ.get("HTTP_IF_NONE_MATCH")
    if inm is not None:
        tags = parse_etags(inm)
        return bool(tags.star_tag) or tags.contains_weak(etag.strip('"'))
    ims = environ.get("HTTP_IF_MODIFIED_SINCE")
    if ims:
        since = parse_date(ims)
        if since is not None:
            return int(mtime) <= int(since.timestamp())
    return False


def _quote(rel: str) -> str:
    from urllib.parse import quote

    return quote(rel, safe="/")


def _quote_path(environ: Environ) -> str:
    # Servers without REQUEST_URI/RAW_URI: rebuild from PATH_INFO (already decoded, so
    # encoded slashes cannot be told apart; syndicate.httpd, waitress and gunicorn give the raw form)
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return _quote(path.encode("latin-1").decode("utf-8", "replace")) or "/"


def build_app(config: Config) -> OutputApp:
    """The WSGI app serving ``config.output.dir`` (see the module doc)."""
    return OutputApp(config)


def make_server(app: OutputApp, host: str, port: int, *, threads: int = 8) -> Any:
    """A server bound to host:port (port 0: any free port); call ``.run()``, stop with
    ``.close()``. :mod:`syndicate.httpd`, one asyncio loop with keep-alive: the app is
    fast enough that threads only add hand-off cost (``threads`` is kept for callers)."""
    from .httpd import AsyncServer

    try:
        return AsyncServer(app, host, port)
    except OSError as err:
        raise SyndicateError(
            f"cannot serve: {host}:{port}: {err.strerror or err}"
            " (is another server on that port? pass --port)"
        ) from err


def server_url(server: Any) -> str:
    host, port = server.effective_host, server.effective_port
    host = f"[{host}]" if ":" in str(host) else host
    return f"http://{host}:{port}/"


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    """Serve output/ until interrupted (SIGINT/SIGTERM end the server's loop)."""
    app = build_app(config)
    server = make_server(
        app, host or config.serve.host, config.serve.port if port is None else port
    )
    log.info("serving dir=%s url=%s", Path(config.output.dir), server_url(server))
    # SIGTERM (systemd's stop) ends the loop like Ctrl-C does: exit 0, not -15
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


__all__ = [
    "HEALTH_PATH",
    "OutputApp",
    "Refused",
    "build_app",
    "content_type",
    "health",
    "make_server",
    "safe_relpath",
    "serve",
    "server_url",
]
