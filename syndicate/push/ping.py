"""XML-RPC ping services (the weblogUpdates interface of weblogs.com / Ping-o-matic).

``weblogUpdates.extendedPing(name, url, changesURL, feedURL)`` first; a service that
answers it with a fault (it does not know the method) gets ``weblogUpdates.ping(name,
url)``. The answer is a struct whose ``flerror`` true means the ping failed.
xmlrpc.client only (de)serialises here: the request goes over our requests session,
so it gets the same timeouts, User-Agent and no redirects as every other push.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

import requests

from ..config import DeliveryConfig, PingConfig
from ..errors import PushError
from .base import Notice, check_response, post


class PingTarget:
    """Pings one XML-RPC service with the site and its changed feed."""

    def __init__(self, service: PingConfig, session: requests.Session, delivery: DeliveryConfig):
        self.service = service
        self.session = session
        self.timeout = (delivery.connect_timeout, delivery.read_timeout)
        self.label = f"ping:{service.name}"

    def send(self, notice: Notice) -> None:
        data = notice.data()
        name, url = str(data["name"]), str(data["url"])
        try:
            self._call(
                "weblogUpdates.extendedPing",
                (name, url, str(data.get("changes_url") or url), str(data["feed_url"])),
            )
        except xmlrpc.client.Fault:
            try:
                self._call("weblogUpdates.ping", (name, url))
            except xmlrpc.client.Fault as fault:
                raise PushError(
                    f"XML-RPC fault {fault.faultCode}: service rejected both"
                    " weblogUpdates.extendedPing and weblogUpdates.ping",
                    target=self.label,
                    permanent=True,
                ) from None

    def _call(self, method: str, params: tuple[str, ...]) -> None:
        """One XML-RPC call; raises Fault (for the caller's fallback) or PushError."""
        body = xmlrpc.client.dumps(params, methodname=method, encoding="utf-8").encode("utf-8")
        resp = post(
            self.session,
            self.service.url,
            label=self.label,
            timeout=self.timeout,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        check_response(resp, label=self.label)
        try:
            (answer,), _ = xmlrpc.client.loads(resp.content)
        except xmlrpc.client.Fault:
            raise
        except (ExpatError, ValueError, TypeError, xmlrpc.client.ResponseError) as err:
            raise PushError(
                f"answer to {method} is not an XML-RPC response ({type(err).__name__})",
                target=self.label,
                status=resp.status_code,
            ) from None
        if _flerror(answer):
            message = str(answer.get("message", ""))[:200] if isinstance(answer, dict) else ""
            raise PushError(
                f"{method} answered flerror: {message or 'no message'}",
                target=self.label,
                status=resp.status_code,
            )


def _flerror(answer: Any) -> bool:
    return isinstance(answer, dict) and bool(answer.get("flerror"))
