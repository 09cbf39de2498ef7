"""Fetching a signer's public key: the actor document its ``keyId`` points at.

Limits, because the URL comes from a stranger's request: http(s) only; the host must
not resolve to a loopback, private, link-local or otherwise reserved address unless
``activitypub.allow_private_addresses`` is set (the tests set it: their servers are on
127.0.0.1); one (connect, read) timeout of ``key_fetch_timeout`` seconds; redirects not
followed; at most ``key_fetch_max_bytes`` read. Keys are cached in memory for an hour.
The check resolves the name before requests does, so a name whose answer changes in
between (DNS rebinding) is not caught; a proxy that enforces egress rules is the cure.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urlsplit

import requests

from ..config import ActivityPubConfig
from ..errors import SignatureError
from ..push.base import USER_AGENT, redact_url

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
CACHE_SECONDS = 3600.0
CACHE_ENTRIES = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class SignerKey:
    """A verified mapping keyId -> owner actor -> PEM, with the actor's inbox."""

    key_id: str
    owner: str  # the actor id
    public_pem: str
    inbox: str  # endpoints.sharedInbox, else inbox ("" if the document had none)


class KeyGone(SignatureError):
    """The key's URL answered 410 Gone: its actor has been deleted at its origin."""


def check_address(url: str, allow_private: bool) -> None:
    """Raise SignatureError for a URL we must not fetch (or deliver to)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SignatureError(f"{redact_url(url)}: not an http(s) URL")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise SignatureError(f"{redact_url(url)}: cannot resolve host ({err})") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise SignatureError(
                f"{redact_url(url)}: host resolves to a non-public address {address}"
                " (set activitypub.allow_private_addresses to allow it)"
            )


def find_key(document: dict[str, Any], key_id: str) -> SignerKey:
    """The key ``key_id`` in an actor document (or a key document naming its owner)."""
    keys = document.get("publicKey", document if "publicKeyPem" in document else None)
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, dict) and key.get("id") == key_id and key.get("publicKeyPem"):
            owner = str(key.get("owner", ""))
            if owner != document.get("id") and key is not document:
                raise SignatureError(
                    "key's owner is not the actor that publishes it", key_id=key_id
                )
            if _origin(owner) != _origin(key_id):
                # a document on one host must not speak for an actor on another
                raise SignatureError("key's owner is on another host than the key", key_id=key_id)
            endpoints = document.get("endpoints")
            shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
            inbox = shared or document.get("inbox") or ""
            return SignerKey(
                key_id=key_id, owner=owner, public_pem=str(key["publicKeyPem"]), inbox=str(inbox)
            )
    raise SignatureError("actor document has no such publicKey", key_id=key_id)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class KeyFetcher:
    """Fetches and caches signer keys under the config's limits (thread-safe)."""

    def __init__(
        self,
        config: ActivityPubConfig,
        session: requests.Session | None = None,
        *,
        sign_get: Callable[[str], dict[str, str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.config = config
        self.session = session or requests.Session()
        self.sign_get = sign_get  # signs our GET (servers in authorized-fetch mode want it)
        self.clock = clock
        self._cache: dict[str, tuple[float, SignerKey]] = {}
        self._lock = threading.Lock()

    def get(self, key_id: str, *, fresh: bool = False) -> SignerKey:
        """The key, from the cache unless ``fresh``; raises SignatureError (KeyGone on 410)."""
        now = self.clock()
        with self._lock:
            hit = self._cache.get(key_id)
        if hit is not None and not fresh and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        key = find_key(self.fetch(urldefrag(key_id).url, key_id), key_id)
        with self._lock:
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
            self._cache[key_id] = (now, key)
        return key

    def fetch(self, url: str, key_id: str) -> dict[str, Any]:
        ap = self.config
        check_address(url, ap.allow_private_addresses)
        headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
        if self.sign_get is not None:
            headers.update(self.sign_get(url))
        timeout = (ap.key_fetch_timeout, ap.key_fetch_timeout)
        started = time.monotonic()
        try:
            with self.session.get(
                url, headers=headers, timeout=timeout, stream=True, allow_redirects=False
            ) as resp:
                if resp.status_code == 410:
                    raise KeyGone("key's actor is gone (HTTP 410)", key_id=key_id)
                if resp.status_code != 200:
                    raise SignatureError(
                        f"key fetch answered HTTP {resp.status_code}", key_id=key_id
                    )
                data = bytearray()
                for chunk in resp.iter_content(16384):
                    data += chunk
                    if len(data) > ap.key_fetch_max_bytes:
                        raise SignatureError(
                            f"key document is over {ap.key_fetch_max_bytes} bytes", key_id=key_id
                        )
                    if time.monotonic() - started > 2 * ap.key_fetch_timeout:
                        raise SignatureError("key fetch too slow", key_id=key_id)
        except requests.RequestException as err:
            raise SignatureError(
                f"key fetch failed ({type(err).__name__})", key_id=key_id
            ) from None
        try:
            document = json.loads(bytes(data))
        except ValueError:
            raise SignatureError("key document is not JSON", key_id=key_id) from None
        if not isinstance(document, dict):
            raise SignatureError("key document is not a JSON object", key_id=key_id)
        return document


__all__ = ["KeyFetcher", "KeyGone", "SignerKey", "check_address", "find_key"]
