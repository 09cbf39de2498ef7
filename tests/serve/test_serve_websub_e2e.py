"""WebSub end to end on loopback: publisher (`syndicate daemon --serve`) + a real hub
+ a real subscriber; the subscriber receives the new feed content after a publish.

Hub and subscriber are Flask-WebSub (PyPI ``flask-websub``; a hub, publisher and
subscriber after the W3C WebSub Recommendation), the only installable hub we found
that runs offline (nothing usable on npm; Debian has a publisher library only). Its
hub runs its work as Celery tasks; here Celery runs them eagerly, in the request
thread (``task_always_eager``), so no broker is needed. The hub itself is unchanged:
it verifies the subscriber's intent (section 5.3), and on ``hub.mode=publish``
fetches the topic from our server, refuses it unless the response carries both
``rel="hub"`` and ``rel="self"`` Link headers, and POSTs the content to each
subscriber (section 7). The subscriber finds hub and topic through our Link headers
(``flask_websub.subscriber.discover``, section 4).

Flask-WebSub reads ``hub.topic`` on publish, so the config uses ``param = "hub.topic"``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "flask_websub",
    reason="the WebSub end-to-end test needs flask-websub (pip install flask-websub celery)",
)
pytest.importorskip("celery", reason="flask-websub's hub runs on Celery (pip install celery)")

from celery import Celery
from flask import Flask
from flask_websub.hub import Hub, SQLite3HubStorage
from flask_websub.subscriber import (
    SQLite3SubscriberStorage,
    SQLite3TempSubscriberStorage,
    Subscriber,
    discover,
)
from publisher_helpers import Proc, make_site, page_text, wait_until, write_config
from werkzeug.serving import make_server


class Background:
    """A werkzeug server for a Flask app in a thread, on 127.0.0.1 port 0."""

    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[str]:
    celery = Celery("websub-hub", broker="memory://", backend="cache+memory://")
    celery.conf.task_always_eager = True
    app = Flask("websub-hub")
    app.config["PUBLISH_SUPPORTED"] = (
        True  # accept hub.mode=publish pings (section 7 leaves it open)
    )
    websub_hub = Hub(SQLite3HubStorage(str(tmp_path / "hub.db")), celery, REQUEST_TIMEOUT=5)
    app.register_blueprint(websub_hub.build_blueprint(url_prefix="/hub"))
    server = Background(app)
    yield f"http://127.0.0.1:{server.port}/hub"
    server.close()


class Received:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.confirmed: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def subscriber(tmp_path: Path) -> Iterator[tuple[Flask, Subscriber, Received]]:
    app = Flask("websub-subscriber")
    sub = Subscriber(
        SQLite3SubscriberStorage(str(tmp_path / "sub.db")),
        SQLite3TempSubscriberStorage(str(tmp_path / "sub-temp.db")),
        REQUEST_TIMEOUT=5,
    )
    app.register_blueprint(sub.build_blueprint(url_prefix="/callbacks"))
    got = Received()
    sub.add_listener(lambda topic, callback_id, body: got.bodies.append(body))
    sub.add_success_handler(lambda topic, callback_id, mode: got.confirmed.append(topic))
    sub.add_error_handler(lambda topic, callback_id, reason: got.errors.append(reason))
    server = Background(app)
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.port}"
    yield app, sub, got
    server.close()


def test_subscriber_receives_new_content_through_a_real_hub(
    tmp_path: Path, hub: str, subscriber: tuple[Flask, Subscriber, Received]
) -> None:
    app, sub, got = subscriber
    # the daemon binds port 0 and logs the URL; the config then takes that URL as its
    # base (feed self URLs and WebSub topics derive from it) through a SIGHUP reload
    config = make_site(tmp_path, base_url="http://127.0.0.1:9/")
    daemon = Proc(
        ["daemon", "--config", str(config), "--serve", "--port", "0"], cwd=tmp_path, name="daemon"
    )
    try:
        base = daemon.wait_log(r"serving dir=\S+ url=(http://127\.0\.0\.1:\d+/)").group(1)
        daemon.wait_log(r"run job=publish status=ok new=5 ")
        write_config(tmp_path, base_url=base, hubs=[hub], hub_param="hub.topic")
        daemon.signal(signal.SIGHUP)
        daemon.wait_log(r"config reloaded")
        wait_until(
            lambda: base + "feed.xml" in (tmp_path / "output" / "feed.xml").read_text("utf-8"),
            10,
            "the feeds rebuilt with the served base URL",
        )

        # section 4: discovery through our Link headers
        found: dict[str, Any] = discover(base + "feed.xml", timeout=5)
        assert found == {"hub_url": hub, "topic_url": base + "feed.xml"}
        # section 5: subscribe; the hub verifies intent with a GET to our callback
        with app.app_context():
            sub.subscribe(**found)
        wait_until(lambda: got.confirmed, 5, "the hub to verify the subscription")
        assert got.confirmed == [base + "feed.xml"] and not got.errors

        (tmp_path / "pages" / "late.txt").write_text(
            page_text("Harbour bridge reopens after repairs")
        )
        # section 7: publish ping -> hub fetches feed.xml from our server -> POST to the subscriber
        wait_until(
            lambda: any(b"Harbour bridge reopens after repairs" in b for b in got.bodies),
            10,
            "the subscriber to receive the new item",
        )
        assert daemon.stop()[0] == 0
    finally:
        daemon.close()
