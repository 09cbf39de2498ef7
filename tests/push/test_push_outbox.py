"""The outbox against real loopback servers and a real SQLite file."""

from __future__ import annotations

import http.server
import json
import logging
import random
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st
from push_helpers import (
    T0,
    Clock,
    Hit,
    Receiver,
    changes,
    feed,
    free_port,
    item,
    make_config,
    rows,
    serve_dir,
    start_receiver,
    wait_until,
)

from syndicate.config import DEFAULT_RETRY_SCHEDULE, HubConfig, PingConfig, WebhookConfig
from syndicate.errors import PushError
from syndicate.model import FeedFormat
from syndicate.push import deliver_due, enqueue, next_attempt, outbox_status, replay
from syndicate.push.outbox import MAX_MERGED_ITEMS
from syndicate.state import StateStore

FAST = (0.0, 5.0, 60.0, 300.0)  # a short schedule: 4 attempts


def publish(store: StateStore, config, run, now=T0) -> int:  # type: ignore[no-untyped-def]
    """What the lead's publish does: enqueue inside the transaction that records the feeds."""
    with store.transaction():
        return enqueue(store, config, run, now)


# --- next_attempt (pure) -------------------------------------------------------------


def test_next_attempt_follows_the_standard_webhooks_schedule() -> None:
    rng = random.Random(1)
    delays = []
    for attempts in range(1, len(DEFAULT_RETRY_SCHEDULE)):
        when = next_attempt(attempts, T0, DEFAULT_RETRY_SCHEDULE, None, rng)
        assert when is not None
        delays.append((when - T0).total_seconds())
    for got, want in zip(delays, DEFAULT_RETRY_SCHEDULE[1:]):
        assert 0.8 * want <= got <= 1.2 * want
    assert next_attempt(len(DEFAULT_RETRY_SCHEDULE), T0, DEFAULT_RETRY_SCHEDULE, None, rng) is None


@given(
    attempts=st.integers(-2, 15),
    retry_after=st.none() | st.floats(0, 86400),
    seed=st.integers(0, 2**32),
)
def test_next_attempt_properties(attempts: int, retry_after: float | None, seed: int) -> None:
    when = next_attempt(attempts, T0, DEFAULT_RETRY_SCHEDULE, retry_after, random.Random(seed))
    if attempts < 1 or attempts >= len(DEFAULT_RETRY_SCHEDULE):
        assert when is None
        return
    assert when is not None
    delay = (when - T0).total_seconds()
    assert delay >= 0.8 * DEFAULT_RETRY_SCHEDULE[attempts] - 1e-6
    if retry_after is not None:
        assert delay >= retry_after - 1e-6  # Retry-After is a floor
    else:
        assert delay <= 1.2 * DEFAULT_RETRY_SCHEDULE[attempts] + 1e-6


# --- enqueue ------------------------------------------------------------------------


def test_enqueue_writes_one_notice_per_hub_topic_webhook_and_ping(
    store: StateStore, tmp_path: Path
) -> None:
    config = make_config(
        tmp_path,
        hubs=(HubConfig(url="https://hub-a.example/"), HubConfig(url="https://hub-b.example/")),
        webhooks=(
            WebhookConfig(url="https://h.example/1", name="one"),
            WebhookConfig(url="https://h.example/2", name="two"),
        ),
        pings=(PingConfig(url="https://rpc.example/RPC2", name="pingomatic"),),
    )
    run = changes(item(1), item(2), feeds=(feed("world"), feed("world", FeedFormat.ATOM), feed("")))
    assert publish(store, config, run) == 2 * 3 + 2 + 1
    notices = rows(store)
    assert {r["status"] for r in notices} == {"pending"}
    assert len({r["msg_id"] for r in notices}) == len(notices)
    ping = json.loads(rows(store, "ping:pingomatic")[0]["payload"])
    assert ping["feed_url"] == "https://news.example.com/rss.xml"  # the combined RSS feed
    hook = json.loads(rows(store, "webhook:one")[0]["payload"])
    assert [i["title"] for i in hook["data"]["new"]] == ["Story 1", "Story 2"]
    assert {f["url"] for f in hook["data"]["feeds"]} == {f.url for f in run.feeds}


def test_enqueue_is_part_of_the_callers_transaction(store: StateStore, tmp_path: Path) -> None:
    config = make_config(tmp_path, webhooks=(WebhookConfig(url="https://h.example/1", name="one"),))
    with pytest.raises(RuntimeError), store.transaction():
        enqueue(store, config, changes(item(1)), T0)
        raise RuntimeError("publish failed after enqueue")
    assert rows(store) == []


def test_nothing_changed_means_nothing_enqueued(store: StateStore, tmp_path: Path) -> None:
    config = make_config(tmp_path, webhooks=(WebhookConfig(url="https://h.example/1", name="one"),))
    assert publish(store, config, changes(item(1), feeds=())) == 0


# --- delivery -----------------------------------------------------------------------


def test_hub_fetches_the_new_topic_content_when_pinged(store: StateStore, tmp_path: Path) -> None:
    out = tmp_path / "output"
    (out / "world").mkdir(parents=True)
    static, base = serve_dir(out)
    fetched: list[bytes] = []

    def hub(hit: Hit) -> tuple[int, dict[str, str], bytes]:
        # like a real hub: take the topic from the ping and fetch it
        topic = parse_qs(hit.body.decode())["hub.url"][0]
        with urllib.request.urlopen(topic, timeout=2) as resp:
            fetched.append(resp.read())
        return (204, {}, b"") if fetched[-1] else (400, {}, b"empty topic")

    hub_server = start_receiver()
    try:
        hub_server.script("/hub", hub)
        config = make_config(tmp_path, hubs=(HubConfig(url=hub_server.url("/hub")),), base_url=base)
        # the publish writes the feed durably, then records it and its notices in one transaction
        (out / "world" / "rss.xml").write_bytes(b"<rss>version 2</rss>")
        publish(store, config, changes(item(1), feeds=(feed("world", base=base),)))
        report = deliver_due(store, config)
        assert report.delivered == 1
        assert fetched == [b"<rss>version 2</rss>"]
        assert [r["status"] for r in rows(store)] == ["delivered"]
    finally:
        hub_server.stop()
        static.shutdown()
        static.server_close()


def test_endpoint_down_500_429_hang_410_then_recovers(store: StateStore, tmp_path: Path) -> None:
    clock = Clock()
    port = free_port()
    config = make_config(
        tmp_path,
        webhooks=(WebhookConfig(url=f"http://127.0.0.1:{port}/hook", name="shop"),),
        retry_schedule=(0, 5, 5, 5, 5, 5, 5, 5),
        read_timeout=0.5,
    )
    publish(store, config, changes(item(1)), clock())

    # 1. down: connection refused
    r = deliver_due(store, config, now=clock)
    assert (r.delivered, r.retrying) == (0, 1)
    [n] = rows(store)
    assert n["attempts"] == 1 and "connection" in n["last_error"]
    assert deliver_due(store, config, now=clock).due == 0  # not due before its next attempt

    rec = start_receiver(port)
    try:
        rec.script("/hook", 500, (429, {"Retry-After": "120"}), "hang", 410, 200)
        # 2. 500 -> retry
        clock.advance(10)
        assert deliver_due(store, config, now=clock).retrying == 1
        assert rows(store)[0]["last_status"] == 500
        # 3. 429 with Retry-After: 120 s, not the 5 s of the schedule
        clock.advance(10)
        deliver_due(store, config, now=clock)
        [n] = rows(store)
        assert n["last_status"] == 429
        assert clock.advance(60) and deliver_due(store, config, now=clock).due == 0
        # 4. hangs past the read timeout -> retry
        clock.advance(61)
        started = time.monotonic()
        r = deliver_due(store, config, now=clock)
        assert r.retrying == 1 and time.monotonic() - started < 2.5
        assert "timed out" in rows(store)[0]["last_error"]
        # 5. 410: the endpoint is disabled and its notices are dead; a new run enqueues nothing for it
        clock.advance(10)
        r = deliver_due(store, config, now=clock)
        assert r.dead == 1 and r.disabled == ("webhook:shop",)
        status = outbox_status(store, config, clock())
        assert status.endpoints[0].disabled and not status.healthy
        publish(store, config, changes(item(2)), clock())
        assert len(rows(store)) == 1
        # replay without --enable keeps it dead; with it, it recovers
        assert replay(store, "shop", now=clock()) == 0
        assert replay(store, "shop", enable=True, now=clock()) == 1
        r = deliver_due(store, config, now=clock)
        assert r.delivered == 1
        [n] = rows(store)
        assert n["status"] == "delivered" and n["attempts"] == 1
        ids = {h.headers["webhook-id"] for h in rec.hits}
        assert ids == {n["msg_id"]}  # every attempt carried the same webhook-id
        assert outbox_status(store, config, clock()).healthy
    finally:
        rec.stop()


def test_gives_up_after_the_schedule_and_dead_is_replayable(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    clock = Clock()
    config = make_config(
        tmp_path,
        webhooks=(WebhookConfig(url=receiver.url("/hook"), name="h"),),
        retry_schedule=FAST,
    )
    receiver.script("/hook", 503)
    publish(store, config, changes(item(1)), clock())
    for _ in range(len(FAST)):
        deliver_due(store, config, now=clock)
        clock.advance(400)
    [n] = rows(store)
    assert n["status"] == "dead" and n["attempts"] == len(FAST)
    assert len(receiver.for_path("/hook")) == len(FAST)
    st_ = outbox_status(store, config, clock())
    assert st_.dead == 1 and not st_.healthy
    receiver.script("/hook", 200)
    assert replay(store, now=clock()) == 1
    assert deliver_due(store, config, now=clock).delivered == 1
    assert outbox_status(store, config, clock()).healthy


def test_other_4xx_give_up_early(store: StateStore, receiver: Receiver, tmp_path: Path) -> None:
    config = make_config(tmp_path, webhooks=(WebhookConfig(url=receiver.url("/hook"), name="h"),))
    receiver.script("/hook", 400)
    publish(store, config, changes(item(1)))
    assert deliver_due(store, config, now=lambda: T0).dead == 1
    assert rows(store)[0]["status"] == "dead"


def test_a_failure_holds_later_notices_of_the_same_endpoint(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    clock = Clock()
    config = make_config(tmp_path, hubs=(HubConfig(url=receiver.url("/hub")),), retry_schedule=FAST)
    receiver.script("/hub", 500, 204)
    publish(
        store, config, changes(item(1), feeds=(feed("world"), feed("sport"), feed("arts"))), clock()
    )
    r = deliver_due(store, config, now=clock)
    assert (r.retrying, r.held) == (1, 2)
    assert len(receiver.hits) == 1  # one failed request, not three
    clock.advance(10)
    assert deliver_due(store, config, now=clock).delivered == 3
    topics = [parse_qs(h.body.decode())["hub.url"][0] for h in receiver.hits[1:]]
    assert topics == [feed(k).url for k in ("world", "sport", "arts")]  # in order


def test_a_newer_message_never_overtakes_one_waiting_for_its_retry(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    clock = Clock()
    config = make_config(
        tmp_path,
        webhooks=(WebhookConfig(url=receiver.url("/hook"), name="h"),),
        retry_schedule=FAST,
    )
    receiver.script("/hook", (429, {"Retry-After": "60"}), 200)
    publish(store, config, changes(item(1)), clock())
    assert deliver_due(store, config, now=clock).retrying == 1
    clock.advance(1)
    publish(
        store, config, changes(updated=(item(1, summary="edited"),)), clock()
    )  # due now, the first is not
    assert deliver_due(store, config, now=clock).due == 0
    assert len(receiver.hits) == 1
    clock.advance(60)
    assert deliver_due(store, config, now=clock).delivered == 2
    bodies = [json.loads(h.body)["data"] for h in receiver.hits]
    assert [i["summary"] for i in bodies[1]["new"]] == [
        "Summary of story 1."
    ]  # the retried first one
    assert bodies[2]["new"] == [] and [i["summary"] for i in bodies[2]["updated"]] == [
        "edited"
    ]  # then the edit


# --- collapsing ---------------------------------------------------------------------


def test_three_changes_while_hub_down_give_one_ping_and_one_merged_webhook(
    store: StateStore, tmp_path: Path
) -> None:
    clock = Clock()
    port = free_port()
    config = make_config(
        tmp_path,
        hubs=(HubConfig(url=f"http://127.0.0.1:{port}/hub"),),
        webhooks=(WebhookConfig(url=f"http://127.0.0.1:{port}/hook", name="h"),),
        pings=(PingConfig(url=f"http://127.0.0.1:{port}/RPC2", name="p"),),
    )
    for n in (1, 2, 3):
        publish(
            store,
            config,
            changes(item(n), updated=(item(1, summary=f"edit {n}"),) if n > 1 else ()),
            clock(),
        )
        deliver_due(store, config, now=clock)  # endpoint down: fails
        clock.advance(3600)
    rec = start_receiver(port)
    try:
        import xmlrpc.client

        ok = xmlrpc.client.dumps(
            ({"flerror": False, "message": "ok"},), methodresponse=True
        ).encode()
        rec.script("/RPC2", lambda hit: (200, {}, ok))
        r = deliver_due(store, config, now=clock)
        assert r.delivered == 3
        assert len(rec.for_path("/hub")) == 1
        assert len(rec.for_path("/RPC2")) == 1
        [hook] = rec.for_path("/hook")
        data = json.loads(hook.body)["data"]
        assert [i["title"] for i in data["new"]] == ["Story 1", "Story 2", "Story 3"]
        assert data["new"][0]["summary"] == "edit 3"  # the newest version of story 1 wins
        assert data["runs"] == 3 and data["updated"] == []
        statuses = [r["status"] for r in rows(store)]
        assert statuses.count("superseded") == 6 and statuses.count("delivered") == 3
    finally:
        rec.stop()


def test_webhook_merging_stops_at_the_size_cap(store: StateStore, tmp_path: Path) -> None:
    config = make_config(tmp_path, webhooks=(WebhookConfig(url="https://h.example/1", name="one"),))
    half = MAX_MERGED_ITEMS // 2 + 1
    publish(store, config, changes(*(item(n) for n in range(half))))
    publish(store, config, changes(*(item(n) for n in range(half, 2 * half))))
    assert [r["status"] for r in rows(store)] == ["pending", "pending"]


# --- fan-out ------------------------------------------------------------------------


def test_fan_out_to_200_endpoints_one_hanging(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    hooks = tuple(WebhookConfig(url=receiver.url(f"/h/{i}"), name=f"hook-{i}") for i in range(200))
    config = make_config(tmp_path, webhooks=hooks, read_timeout=1.0, concurrency=16)
    others_answered = threading.Event()

    def hang_until_the_others_answered(hit: Hit) -> tuple[int, dict[str, str], bytes]:
        # held open until all 199 others were answered: a hang that blocked the fan-out
        # would never see that; then held past the client's 1 s read timeout
        if wait_until(
            lambda: sum(1 for h in list(receiver.hits) if h.path != "/h/7" and h.status) == 199, 30
        ):
            others_answered.set()
        receiver.release.wait(5)
        return 200, {}, b"too late"

    receiver.script("/h/7", hang_until_the_others_answered)
    publish(store, config, changes(item(1)))
    report = deliver_due(store, config)
    # the handler sees the last answer a poll after deliver_due does: wait for it, not a fixed time
    assert others_answered.wait(30)
    assert report.delivered == 199 and report.retrying == 1
    assert "timed out" in rows(store, "webhook:hook-7")[0]["last_error"]


# --- status, replay, redaction -----------------------------------------------------


def test_status_counts_and_stuck(store: StateStore, receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    config = make_config(
        tmp_path,
        webhooks=(
            WebhookConfig(url=receiver.url("/ok"), name="ok"),
            WebhookConfig(url=receiver.url("/down"), name="down"),
        ),
    )
    receiver.script("/down", 503)
    publish(store, config, changes(item(1)), clock())
    deliver_due(store, config, now=clock)
    s = outbox_status(store, config, clock())
    by = {e.endpoint: e for e in s.endpoints}
    assert (by["webhook:ok"].delivered, by["webhook:ok"].pending, by["webhook:ok"].last_error) == (
        1,
        0,
        None,
    )
    assert by["webhook:ok"].last_success == clock()
    down = by["webhook:down"]
    assert down.pending == 1 and down.last_error is not None and "503" in down.last_error
    assert down.next_attempt is not None and down.next_attempt > clock()
    assert s.healthy  # retrying is not a problem yet
    later = outbox_status(store, config, clock.advance(3600))
    assert later.stuck == 1 and not later.healthy  # nobody drained it for an hour


def test_replay_unknown_endpoint_is_an_error(store: StateStore) -> None:
    with pytest.raises(PushError, match="no such endpoint"):
        replay(store, "https://hooks.example.com/T0/secret")


def test_no_secret_or_url_path_in_logs_errors_or_status(
    store: StateStore,
    receiver: Receiver,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LXZhbHVl"
    monkeypatch.setenv("SHOP_SECRET", secret)
    dead_port = free_port()
    config = make_config(
        tmp_path,
        retry_schedule=(0, 1),
        hubs=(HubConfig(url=receiver.url("/hub/tok3n-hub?key=s3cr3t-hub")),),
        webhooks=(
            WebhookConfig(
                url=receiver.url("/hooks/T000/B000/s3cr3t-path?token=s3cr3t-q"),
                name="shop",
                secret_env="SHOP_SECRET",
            ),
            WebhookConfig(url=f"http://127.0.0.1:{dead_port}/s3cr3t-down", name="down"),
            WebhookConfig(url=receiver.url("/s3cr3t-gone"), name="gone"),
        ),
        pings=(PingConfig(url=receiver.url("/s3cr3t-rpc"), name="rpc"),),
    )
    receiver.script("/hub/tok3n-hub", 500)
    receiver.script("/hooks/T000/B000/s3cr3t-path", "hang")
    receiver.script("/s3cr3t-gone", 410)
    receiver.script("/s3cr3t-rpc", (302, {"Location": receiver.url("/s3cr3t-moved")}))
    publish(store, config, changes(item(1)))
    report = deliver_due(store, config)
    assert report.delivered == 0 and len(report.errors) == 5
    status = outbox_status(store, config, T0)
    stored_errors = [r["last_error"] for r in rows(store)]
    texts = [caplog.text, repr(report), repr(status), *map(str, stored_errors)]
    for text in texts:
        for leak in ("s3cr3t", "tok3n", "T000", "token", secret, "c2VjcmV0"):
            assert leak not in text, (leak, text)
    assert any(
        "hub:http://127.0.0.1:" in e.endpoint and e.endpoint.endswith("/…")
        for e in status.endpoints
    )
    assert "webhook:shop" in caplog.text


def test_delivered_notice_is_not_resurrected_by_a_concurrent_supersede(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    """A publish that supersedes a notice while it is in flight wins: the row stays superseded."""
    config = make_config(tmp_path, hubs=(HubConfig(url=receiver.url("/hub")),), read_timeout=2.0)
    gate = threading.Event()

    def slow(hit: Hit) -> tuple[int, dict[str, str], bytes]:
        gate.wait(2)
        return 204, {}, b""

    receiver.script("/hub", slow, 204)
    publish(store, config, changes(item(1)))
    worker = threading.Thread(target=deliver_due, args=(store, config))
    worker.start()
    assert wait_for(lambda: len(receiver.hits) == 1)
    publish(store, config, changes(item(2)))  # supersedes the in-flight notice
    gate.set()
    worker.join(5)
    assert [r["status"] for r in rows(store)] == ["superseded", "pending"]


def wait_for(pred, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return False


_ = http.server  # servers come from push_helpers


def test_replay_requeues_only_the_newest_dead_hub_ping_per_topic(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    config = make_config(tmp_path, hubs=(HubConfig(url=receiver.url("/hub")),))
    receiver.script("/hub", 404, 404, 204)
    for n in (1, 2):
        publish(store, config, changes(item(n)))
        assert deliver_due(store, config).dead == 1
    assert replay(store, f"hub:http://127.0.0.1:{receiver.port}/…") == 1  # the label status shows
    assert [r["status"] for r in rows(store)] == ["superseded", "pending"]
    assert deliver_due(store, config).delivered == 1


def test_public_names_are_exported() -> None:
    from syndicate import push

    assert sorted(push.__all__) == sorted(set(push.__all__))
    for name in push.__all__:
        assert hasattr(push, name), name
