"""The push side: WebSub hubs, signed webhooks and XML-RPC pings through a durable outbox.

``enqueue`` (inside the publish transaction) -> ``deliver_due`` (now, and on every
daemon tick) -> ``outbox_status`` / ``replay`` / ``discard`` for operators. See docs/push.md.
"""

from __future__ import annotations

from .base import USER_AGENT, Notice, Target, endpoint_label, redact_url
from .outbox import (
    DeliveryReport,
    EndpointStatus,
    OutboxStatus,
    deliver_due,
    discard,
    enqueue,
    make_session,
    next_attempt,
    outbox_status,
    replay,
)
from .ping import PingTarget
from .webhook import WebhookTarget
from .websub import WebSubTarget

__all__ = [
    "USER_AGENT",
    "DeliveryReport",
    "EndpointStatus",
    "Notice",
    "OutboxStatus",
    "PingTarget",
    "Target",
    "WebSubTarget",
    "WebhookTarget",
    "deliver_due",
    "discard",
    "endpoint_label",
    "enqueue",
    "make_session",
    "next_attempt",
    "outbox_status",
    "redact_url",
    "replay",
]
