"""WebSub publisher ping. The W3C Recommendation (2018) leaves how a publisher tells
its hub to the hub; the de facto form, from PubSubHubbub and accepted by the public
hubs, is a form POST ``hub.mode=publish`` with ``hub.url=<topic>``.

One topic per request: common hubs read only the first ``hub.url``. Any 2xx is
success; the hub then fetches the topic itself, which is why the outbox only pings
after the feed file is durably in place.
"""

from __future__ import annotations

import requests

from ..config import DeliveryConfig, HubConfig
from .base import Notice, check_response, post, redact_url


class WebSubTarget:
    """Pings one hub: ``hub.mode=publish`` with ``hub.url`` (or ``hub.topic``) = the feed."""

    def __init__(self, hub: HubConfig, session: requests.Session, delivery: DeliveryConfig):
        self.hub = hub
        self.session = session
        self.timeout = (delivery.connect_timeout, delivery.read_timeout)
        self.label = f"hub:{redact_url(hub.url)}"

    def send(self, notice: Notice) -> None:
        form = {"hub.mode": "publish", self.hub.param: notice.topic}
        resp = post(
            self.session,
            self.hub.url,
            label=self.label,
            timeout=self.timeout,
            data=form,
            headers={},
        )
        check_response(resp, label=self.label)
