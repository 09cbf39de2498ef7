"""HTTP Signatures as Mastodon sends and checks them (draft-cavage-http-signatures-12,
``rsa-sha256``, docs.joinmastodon.org/spec/security): sign a delivery, verify an inbox
request. The RSA maths and the signing string are the ``httpsig`` library's
(PyPI ``pyhttpsig``); what Mastodon adds is checked here: the body's ``Digest``
(RFC 3230, SHA-256), a ``Date`` within ``max_skew`` seconds, and that the signature
covers ``(request-target)``, ``host``, ``date`` and (with a body) ``digest``, so that a
signature cannot be replayed on another path, host, day or body.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from httpsig.sign import HeaderSigner
from httpsig.utils import HttpSigException, parse_signature_header
from httpsig.verify import HeaderVerifier

from ..errors import SignatureError

SIGNED_POST = ("(request-target)", "host", "date", "digest")
SIGNED_GET = ("(request-target)", "host", "date")


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def http_date(now: datetime) -> str:
    return format_datetime(now.astimezone(UTC), usegmt=True)


def sign(
    private_pem: str, key_id: str, method: str, url: str, body: bytes | None, now: datetime
) -> dict[str, str]:
    """The headers that sign one request: Host, Date, (Digest,) Signature."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "Date": http_date(now)}
    names = list(SIGNED_GET)
    if body is not None:
        headers["Digest"] = digest(body)
        names = list(SIGNED_POST)
    signer = HeaderSigner(
        key_id, private_pem, algorithm="rsa-sha256", headers=names, sign_header="Signature"
    )
    signed = signer.sign(dict(headers), host=parts.netloc, method=method, path=path)
    headers["Signature"] = signed["Signature"].removeprefix("Signature ")
    return headers


def key_id_of(headers: Mapping[str, str]) -> str:
    """The ``keyId`` a request says it is signed with; raises SignatureError when unsigned."""
    value = _get(headers, "signature")
    if not value:
        raise SignatureError("no Signature header")
    key_id = parse_signature_header(value).get("keyid", "")
    if not key_id:
        raise SignatureError("Signature header has no keyId")
    return str(key_id)


def verify(
    headers: Mapping[str, str],
    *,
    method: str,
    path: str,
    body: bytes,
    public_pem: str,
    now: datetime,
    max_skew: float,
) -> None:
    """Return when the request is signed by ``public_pem``'s key, covers what it must,
    is fresh and carries its body's digest; raise :class:`SignatureError` otherwise."""
    key_id = key_id_of(headers)
    fields = parse_signature_header(_get(headers, "signature"))
    covered = str(fields.get("headers", "date")).lower().split()
    needed = SIGNED_POST if method.upper() == "POST" else SIGNED_GET
    missing = [h for h in needed if h not in covered]
    if missing:
        raise SignatureError(f"signature does not cover {', '.join(missing)}", key_id=key_id)
    if method.upper() == "POST" and not _digest_ok(_get(headers, "digest"), body):
        raise SignatureError("Digest does not match the body", key_id=key_id)
    _check_date(_get(headers, "date"), now, max_skew, key_id)
    # Mastodon labels rsa-sha256 signatures "hs2019" too; the key decides the maths
    algorithm = str(fields.get("algorithm", "rsa-sha256")).lower()
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"unsupported algorithm {algorithm!r}", key_id=key_id)
    value = _get(headers, "signature").replace(f'"{fields.get("algorithm")}"', '"rsa-sha256"')
    if 'algorithm="' not in value:
        value += ',algorithm="rsa-sha256"'
    plain = {k.lower(): v for k, v in headers.items()}
    plain["signature"] = value
    try:
        ok = HeaderVerifier(
            plain,
            public_pem,
            required_headers=list(needed),
            method=method.upper(),
            path=path,
            sign_header="signature",
        ).verify()
    except (HttpSigException, ValueError, KeyError, TypeError) as err:
        raise SignatureError(f"cannot check the signature ({err})", key_id=key_id) from None
    except Exception as err:  # httpsig raises bare Exception for a header it misses
        raise SignatureError(f"cannot check the signature ({err})", key_id=key_id) from None
    if not ok:
        raise SignatureError("signature does not match", key_id=key_id)


def _get(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _digest_ok(header: str, body: bytes) -> bool:
    want = digest(body).split("=", 1)[1]
    for part in header.split(","):
        algo, _, value = part.strip().partition("=")
        if algo.lower() == "sha-256":
            return value == want
    return False


def _check_date(value: str, now: datetime, max_skew: float, key_id: str) -> None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise SignatureError("no valid Date header", key_id=key_id) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    skew = abs((now - when).total_seconds())
    if skew > max_skew:
        raise SignatureError(
            f"Date is {skew:.0f} s off the clock (more than {max_skew:g} s)", key_id=key_id
        )


__all__ = ["SIGNED_GET", "SIGNED_POST", "digest", "http_date", "key_id_of", "sign", "verify"]
