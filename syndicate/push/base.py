"""What every push target shares: the :class:`Notice` it is given, the :class:`Target`
seam, HTTP plumbing (User-Agent, timeouts, answer classification) and URL redaction.

Targets are one-shot: ``send`` makes one attempt and either returns (delivered) or
raises :class:`~syndicate.errors.PushError`. Retries belong to the outbox.
"""

from __future__ import annotations

import email.utils
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from .. import __version__
from ..errors import PushError

USER_AGENT = f"syndicate/{__version__}"

# The longest Retry-After we honour: a day, the last step of the Standard Webhooks
# schedule. A larger value (or a date far ahead) would park a notice for good.
MAX_RETRY_AFTER = 86400.0


class _RedactPaths(logging.Filter):
    """urllib3 logs ``"POST /path?query HTTP/1.1" 200`` at DEBUG; webhook paths are
    credentials, so path arguments become ``/…`` before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                "/…" if isinstance(a, str) and a.startswith("/") and len(a) > 1 else a
                for a in record.args
            )
        return True


# A filter, not a handler (handlers live in log.py): it travels with the push code.
for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_RedactPaths())


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """One notification as the outbox hands it to a target."""

    msg_id: str  # stable across retries: the webhook-id / idempotency key
    endpoint: str  # 'hub:<url>' | 'webhook:<name>' | 'ping:<name>' | 'activitypub:<inbox>'
    kind: str  # 'websub' | 'webhook' | 'ping' | 'activitypub'
    topic: str  # feed URL for WebSub, 'run' for webhooks, 'site' for pings
    payload: str  # JSON text, sent as is for webhooks (the signed bytes)
    attempts: int = 0  # attempts made before this one

    def data(self) -> dict[str, Any]:
        value = json.loads(self.payload)
        if not isinstance(value, dict):
            raise TypeError("notice payload is not a JSON object")
        return value


class Target(Protocol):
    """One endpoint (a hub, a webhook, a ping service)."""

    label: str
    """The endpoint as logs and status may show it: redacted, never a secret."""

    def send(self, notice: Notice) -> None:
        """Make one delivery attempt.

        Returns when the endpoint accepted the notice (2xx and, for XML-RPC, no
        ``flerror``). Raises :class:`PushError` otherwise, with ``status`` (HTTP status
        or None for network errors), ``retry_after`` (seconds, from Retry-After) and
        ``permanent`` (True: retrying cannot help, e.g. a 4xx other than 408/429).
        Never raises anything else for network trouble.
        """
        ...


def redact_url(url: str) -> str:
    """``https://user:pw@hooks.example.com/T0/B1/xyz?k=1`` -> ``https://hooks.example.com/…``.

    Webhook URLs often *are* the credential (Slack, Discord), so logs, errors and
    status show only scheme, host and port.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<invalid url>"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    tail = "/…" if (parts.path not in ("", "/") or parts.query or parts.fragment) else "/"
    return f"{parts.scheme}://{host}{port}{tail}"


def endpoint_label(endpoint: str) -> str:
    """The display form of an endpoint key: hub URLs redacted, names as given."""
    kind, _, rest = endpoint.partition(":")
    if kind in ("hub", "activitypub"):
        return f"{kind}:{redact_url(rest)}"
    if kind in ("webhook", "ping"):
        return endpoint
    return redact_url(endpoint) if "://" in endpoint else endpoint


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date -> seconds, capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), MAX_RETRY_AFTER)


def post(
    session: requests.Session,
    url: str,
    *,
    label: str,
    timeout: tuple[float, float],
    data: bytes | dict[str, str],
    headers: dict[str, str],
) -> requests.Response:
    """One POST, redirects not followed; network errors become a retryable PushError.

    requests' own messages carry the full URL, so they are replaced here and the
    cause is not chained (``from None``): a logged traceback would show it.
    """
    headers = {"User-Agent": USER_AGENT, **headers}
    try:
        return session.post(url, data=data, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout as err:
        phase = "connect" if isinstance(err, requests.ConnectTimeout) else "read"
        raise PushError(
            f"timed out ({phase} timeout {timeout[0 if phase == 'connect' else 1]:g} s)",
            target=label,
            reached=phase != "connect",
        ) from None
    except requests.ConnectionError as err:
        cause = _root_cause(err)
        raise PushError(
            f"connection failed ({cause})", target=label, reached=cause not in _NOT_REACHED
        ) from None
    except requests.RequestException as err:
        raise PushError(f"request failed ({type(err).__name__})", target=label) from None


# Root causes after which the endpoint surely got nothing (the outbox may then merge the
# message into a later one; one that may have arrived keeps its webhook-id).
_NOT_REACHED = frozenset(
    {"connection refused", "ConnectionRefusedError", "gaierror", "NameResolutionError"}
)


def _root_cause(err: BaseException) -> str:
    """The innermost exception's class name: 'ConnectionRefusedError', not a URL."""
    seen = err
    while seen.__cause__ is not None or seen.__context__ is not None:
        nxt = seen.__cause__ or seen.__context__
        assert nxt is not None
        seen = nxt
    name = type(seen).__name__
    # urllib3 wraps refusals in NewConnectionError whose text has the host, not the path
    if name in ("NewConnectionError", "MaxRetryError") and "refused" in str(seen).lower():
        return "connection refused"
    return name


def check_response(resp: requests.Response, *, label: str) -> None:
    """Raise the PushError an HTTP answer calls for; return on 2xx.

    408, 429 and 5xx are worth retrying (honouring Retry-After); 410 means the
    subscriber is gone (the outbox disables the endpoint); 3xx are not followed (a
    moved endpoint needs its config updated) and, like other 4xx, are permanent.
    """
    status = resp.status_code
    if 200 <= status < 300:
        return
    reason = f"HTTP {status} {resp.reason or ''}".strip()
    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
    if status in (408, 429) or status >= 500 or status < 200:
        raise PushError(reason, target=label, status=status, retry_after=retry_after)
    if 300 <= status < 400:
        raise PushError(
            f"{reason}: redirect not followed (update the URL in the config)",
            target=label,
            status=status,
            permanent=True,
        )
    if status == 410:
        raise PushError(
            f"{reason}: endpoint is gone, disabling it (re-enable with"
            " `syndicate replay --enable`)",
            target=label,
            status=status,
            permanent=True,
        )
    raise PushError(reason, target=label, status=status, permanent=True)
