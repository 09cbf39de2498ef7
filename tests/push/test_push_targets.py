"""Each Target against a real loopback server: one contract suite, then per-kind checks."""

from __future__ import annotations

import base64
import json
import xmlrpc.client
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
from push_helpers import Hit, Receiver, free_port, make_config
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from syndicate.config import HubConfig, PingConfig, WebhookConfig
from syndicate.errors import PushError
from syndicate.push import USER_AGENT, Notice, PingTarget, Target, WebhookTarget, WebSubTarget
from syndicate.push.base import parse_retry_after

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
PAYLOAD = json.dumps({"type": "feeds.updated", "data": {"feeds": [], "new": [], "updated": []}})


def xmlrpc_ok(hit: Hit) -> tuple[int, dict[str, str], bytes]:
    body = xmlrpc.client.dumps(
        ({"flerror": False, "message": "Thanks for the ping."},), methodresponse=True
    )
    return 200, {"Content-Type": "text/xml"}, body.encode()


def notice(kind: str, topic: str = "https://news.example.com/world/rss.xml") -> Notice:
    if kind == "ping":
        payload = json.dumps(
            {
                "name": "Example News",
                "url": "https://news.example.com/",
                "changes_url": "https://news.example.com/",
                "feed_url": topic,
            }
        )
    elif kind == "websub":
        payload = json.dumps({"topic": topic})
    else:
        payload = PAYLOAD
    return Notice(msg_id="msg_0001", endpoint=f"{kind}:x", kind=kind, topic=topic, payload=payload)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def build(kind: str, url: str, session: requests.Session, tmp_path: Path, **kw: object) -> Target:
    delivery = make_config(tmp_path).delivery
    if kind == "websub":
        return WebSubTarget(HubConfig(url=url), session, delivery)
    if kind == "webhook":
        return WebhookTarget(
            WebhookConfig(url=url, name="hooky", secret_env="HOOK_SECRET"),
            session,
            delivery,
            environ={"HOOK_SECRET": SECRET},
        )
    return PingTarget(PingConfig(url=url, name="pinger"), session, delivery)


KINDS = ["websub", "webhook", "ping"]


# --- the contract every Target keeps -------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_target_sends_one_post_with_user_agent(
    kind: str, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/t", xmlrpc_ok if kind == "ping" else 202)
    build(kind, receiver.url("/t"), session, tmp_path).send(notice(kind))
    [hit] = receiver.for_path("/t")
    assert hit.method == "POST"
    assert hit.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("syndicate/")


@pytest.mark.parametrize("kind", KINDS)
def test_target_raises_retryable_push_error_on_5xx(
    kind: str, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/t", (503, {"Retry-After": "7"}))
    with pytest.raises(PushError) as info:
        build(kind, receiver.url("/t"), session, tmp_path).send(notice(kind))
    assert info.value.status == 503
    assert info.value.retry_after == 7
    assert not info.value.permanent


@pytest.mark.parametrize("kind", KINDS)
def test_target_does_not_follow_redirects(
    kind: str, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/t", (301, {"Location": receiver.url("/elsewhere")}))
    with pytest.raises(PushError) as info:
        build(kind, receiver.url("/t"), session, tmp_path).send(notice(kind))
    assert info.value.permanent and info.value.status == 301
    assert receiver.for_path("/elsewhere") == []


@pytest.mark.parametrize("kind", KINDS)
def test_target_times_out_on_a_hanging_endpoint(
    kind: str, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/t", "hang")
    with pytest.raises(PushError, match="timed out") as info:
        build(kind, receiver.url("/t"), session, tmp_path).send(notice(kind))
    # the client gave up (read timeout 1 s) while the endpoint still held the request (10 s)
    [hit] = receiver.for_path("/t")
    assert hit.status == 0
    assert info.value.status is None and not info.value.permanent


@pytest.mark.parametrize("kind", KINDS)
def test_target_reports_refused_connection_without_the_url(
    kind: str, session: requests.Session, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}/secret-path?token=abc"
    with pytest.raises(PushError) as info:
        build(kind, url, session, tmp_path).send(notice(kind))
    assert not info.value.permanent
    assert "secret-path" not in str(info.value) and "token" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (404, True), (410, True), (408, False), (429, False), (500, False), (502, False)],
)
def test_status_classification(
    status: int, permanent: bool, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/t", status)
    with pytest.raises(PushError) as info:
        build("websub", receiver.url("/t"), session, tmp_path).send(notice("websub"))
    assert info.value.status == status
    assert info.value.permanent is permanent


def test_retry_after_accepts_http_dates() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert parse_retry_after("120") == 120
    assert parse_retry_after("99999999") == 86400  # capped at a day
    assert parse_retry_after("soon") is None


# --- WebSub -----------------------------------------------------------------------------


@pytest.mark.parametrize("param", ["hub.url", "hub.topic"])
def test_websub_posts_publish_form_with_one_topic(
    param: str, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/hub", 204)
    target = WebSubTarget(
        HubConfig(url=receiver.url("/hub"), param=param), session, make_config(tmp_path).delivery
    )
    target.send(notice("websub", "https://news.example.com/world/atom.xml"))
    [hit] = receiver.for_path("/hub")
    assert hit.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(hit.body.decode()) == {
        "hub.mode": ["publish"],
        param: ["https://news.example.com/world/atom.xml"],
    }


# --- webhooks ---------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [SECRET, "plain text secret"])
def test_webhook_signature_verifies_with_standardwebhooks(
    secret: str, receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    hook = WebhookConfig(url=receiver.url("/hook"), name="hooky", secret_env="HOOK_SECRET")
    target = WebhookTarget(
        hook, session, make_config(tmp_path).delivery, environ={"HOOK_SECRET": secret}
    )
    target.send(notice("webhook"))
    [hit] = receiver.for_path("/hook")
    assert hit.headers["webhook-id"] == "msg_0001"
    assert hit.headers["content-type"] == "application/json"
    verifier = Webhook(secret) if secret.startswith("whsec_") else Webhook(secret.encode())
    assert verifier.verify(hit.body, hit.headers) == json.loads(PAYLOAD)
    # a tampered body must not verify
    with pytest.raises(WebhookVerificationError):
        verifier.verify(hit.body + b" ", hit.headers)


def test_webhook_without_secret_env_is_sent_unsigned(
    receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    target = WebhookTarget(
        WebhookConfig(url=receiver.url("/hook"), name="open"),
        session,
        make_config(tmp_path).delivery,
    )
    target.send(notice("webhook"))
    [hit] = receiver.for_path("/hook")
    assert "webhook-signature" not in hit.headers and hit.headers["webhook-id"] == "msg_0001"


def test_webhook_with_missing_secret_is_not_sent(
    receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    hook = WebhookConfig(url=receiver.url("/hook"), name="hooky", secret_env="NOT_SET_ANYWHERE")
    target = WebhookTarget(hook, session, make_config(tmp_path).delivery, environ={})
    with pytest.raises(PushError, match="NOT_SET_ANYWHERE") as info:
        target.send(notice("webhook"))
    assert not info.value.permanent
    assert receiver.hits == []


# --- XML-RPC pings ----------------------------------------------------------------------


def test_ping_uses_extended_ping(
    receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/RPC2", xmlrpc_ok)
    PingTarget(
        PingConfig(url=receiver.url("/RPC2"), name="p"), session, make_config(tmp_path).delivery
    ).send(notice("ping", "https://news.example.com/rss.xml"))
    [hit] = receiver.for_path("/RPC2")
    params, method = xmlrpc.client.loads(hit.body)
    assert method == "weblogUpdates.extendedPing"
    assert params == (
        "Example News",
        "https://news.example.com/",
        "https://news.example.com/",
        "https://news.example.com/rss.xml",
    )
    assert hit.headers["content-type"].startswith("text/xml")


def fault_for_extended(hit: Hit) -> tuple[int, dict[str, str], bytes]:
    _, method = xmlrpc.client.loads(hit.body)
    if method == "weblogUpdates.extendedPing":
        return 200, {}, xmlrpc.client.dumps(xmlrpc.client.Fault(-32601, "no such method")).encode()
    return xmlrpc_ok(hit)


def test_ping_falls_back_to_basic_ping_on_fault(
    receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    receiver.script("/RPC2", fault_for_extended)
    PingTarget(
        PingConfig(url=receiver.url("/RPC2"), name="p"), session, make_config(tmp_path).delivery
    ).send(notice("ping"))
    methods = [xmlrpc.client.loads(h.body)[1] for h in receiver.for_path("/RPC2")]
    assert methods == ["weblogUpdates.extendedPing", "weblogUpdates.ping"]
    assert xmlrpc.client.loads(receiver.for_path("/RPC2")[1].body)[0] == (
        "Example News",
        "https://news.example.com/",
    )


def test_ping_flerror_is_a_failure(
    receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    body = xmlrpc.client.dumps(
        ({"flerror": True, "message": "Slow down"},), methodresponse=True
    ).encode()
    receiver.script("/RPC2", lambda hit: (200, {}, body))
    target = PingTarget(
        PingConfig(url=receiver.url("/RPC2"), name="p"), session, make_config(tmp_path).delivery
    )
    with pytest.raises(PushError, match="flerror: Slow down") as info:
        target.send(notice("ping"))
    assert not info.value.permanent


def test_ping_rejecting_both_methods_is_permanent(
    receiver: Receiver, session: requests.Session, tmp_path: Path
) -> None:
    body = xmlrpc.client.dumps(xmlrpc.client.Fault(-32601, "no")).encode()
    receiver.script("/RPC2", lambda hit: (200, {}, body))
    target = PingTarget(
        PingConfig(url=receiver.url("/RPC2"), name="p"), session, make_config(tmp_path).delivery
    )
    with pytest.raises(PushError) as info:
        target.send(notice("ping"))
    assert info.value.permanent
