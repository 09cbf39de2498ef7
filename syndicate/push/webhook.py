"""Signed JSON webhooks, per the Standard Webhooks spec (standardwebhooks.com, v1).

Headers: ``webhook-id`` (the notice's msg_id, stable across retries: receivers
deduplicate on it), ``webhook-timestamp`` (seconds, taken at *send* time, since
receivers reject stale timestamps: 5 minutes in the reference library) and
``webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``.

The key comes from the environment variable the config names, read when the target
is built. A ``whsec_`` prefix means the rest is the base64 key (as the spec's
reference libraries do); any other value is used as raw UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time
from collections.abc import Callable, Mapping

import requests

from ..config import DeliveryConfig, WebhookConfig
from ..errors import PushError
from .base import Notice, check_response, post

SECRET_PREFIX = "whsec_"


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a secret: base64 after ``whsec_``, else the raw UTF-8 bytes."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :] + "==")
        except (binascii.Error, ValueError) as err:
            raise ValueError("secret starts with whsec_ but the rest is not base64") from err
    return secret.encode("utf-8")


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 signature>`` for one message."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


class WebhookTarget:
    """POSTs the notice payload as JSON to one configured webhook, signed when it has a secret."""

    def __init__(
        self,
        hook: WebhookConfig,
        session: requests.Session,
        delivery: DeliveryConfig,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.hook = hook
        self.session = session
        self.timeout = (delivery.connect_timeout, delivery.read_timeout)
        self.label = f"webhook:{hook.name}"
        self.clock = clock
        self.key: bytes | None = None
        self.problem: str | None = None
        if hook.secret_env:
            env = os.environ if environ is None else environ
            secret = env.get(hook.secret_env)
            if not secret:
                # Retryable: the operator can set the variable; sending unsigned is never right.
                self.problem = (
                    f"environment variable {hook.secret_env} (the signing secret) is not set"
                )
            else:
                try:
                    self.key = decode_secret(secret)
                except ValueError as err:
                    self.problem = f"environment variable {hook.secret_env}: {err}"

    def send(self, notice: Notice) -> None:
        if self.problem:
            raise PushError(self.problem, target=self.label)
        body = notice.payload.encode("utf-8")
        timestamp = int(self.clock())
        headers = {
            "Content-Type": "application/json",
            "webhook-id": notice.msg_id,
            "webhook-timestamp": str(timestamp),
        }
        if self.key is not None:
            headers["webhook-signature"] = sign(self.key, notice.msg_id, timestamp, body)
        resp = post(
            self.session,
            self.hook.url,
            label=self.label,
            timeout=self.timeout,
            data=body,
            headers=headers,
        )
        check_response(resp, label=self.label)
