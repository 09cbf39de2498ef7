"""Claims and leases (push/lease.py) on every backend: any number of workers, one outbox."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from push_helpers import T0, Receiver, hook_config, queue_notices, rows

from syndicate.push import deliver_due
from syndicate.push.lease import claim_due
from syndicate.state import StateStore, open_state


def test_a_claimed_endpoint_is_not_claimed_again_while_its_lease_holds(store: StateStore) -> None:
    queue_notices(store, endpoints=3, each=2, at=T0)
    first = claim_due(store, worker="a", at=T0, lease=60, endpoints=2)
    assert {c.endpoint for c in first} == {"webhook:hook-0", "webhook:hook-1"}
    assert len(first) == 4  # each endpoint's due notices come with its head
    second = claim_due(store, worker="b", at=T0 + timedelta(seconds=59), lease=60, endpoints=10)
    assert {c.endpoint for c in second} == {"webhook:hook-2"}
    assert claim_due(store, worker="c", at=T0 + timedelta(seconds=59), lease=60, endpoints=10) == []


def test_a_lease_that_ran_out_is_claimed_by_another_worker(store: StateStore) -> None:
    queue_notices(store, endpoints=1, each=2, at=T0)
    first = claim_due(store, worker="a", at=T0, lease=60, endpoints=1)
    later = claim_due(store, worker="b", at=T0 + timedelta(seconds=61), lease=60, endpoints=1)
    assert [c.msg_id for c in later] == [c.msg_id for c in first] == ["msg_0_0", "msg_0_1"]


def test_only_the_oldest_pending_notice_of_an_endpoint_opens_it_to_a_claim(
    store: StateStore,
) -> None:
    queue_notices(store, endpoints=1, each=3, at=T0)
    with store.transaction() as conn:  # the head waits for its retry: nothing behind it goes
        conn.execute(
            "UPDATE notices SET next_attempt = ? WHERE msg_id = 'msg_0_0'",
            ((T0 + timedelta(minutes=5)).isoformat(timespec="microseconds"),),
        )
    assert claim_due(store, worker="a", at=T0, lease=60, endpoints=5) == []


def test_another_worker_delivers_a_notice_whose_lease_ran_out_and_clears_the_lease(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    config = hook_config(tmp_path, receiver, 1)
    queue_notices(store, endpoints=1, each=1, at=T0)
    claim_due(store, worker="slow", at=T0, lease=1, endpoints=1)  # then it hangs and loses it
    report = deliver_due(store, config, now=lambda: T0 + timedelta(seconds=2), worker="fast")
    assert report.delivered == 1
    with store.transaction() as conn:
        row = conn.execute("SELECT status, claimed_by, lease_until FROM notices").fetchone()
    assert tuple(row) == ("delivered", None, None)


def test_a_notice_stays_pending_until_its_endpoint_answers_2xx(
    store: StateStore, receiver: Receiver, tmp_path: Path
) -> None:
    config = hook_config(tmp_path, receiver, 1)
    receiver.script("/h/0", 503, 200)
    queue_notices(store, endpoints=1, each=1, at=T0)
    deliver_due(store, config, now=lambda: T0)
    assert [r["status"] for r in rows(store)] == ["pending"]
    deliver_due(store, config, now=lambda: T0 + timedelta(days=1))
    assert [r["status"] for r in rows(store)] == ["delivered"]


def test_eight_workers_at_once_send_each_notice_once_and_in_order(
    state_where: Path | str, receiver: Receiver, tmp_path: Path
) -> None:
    endpoints, each = 24, 5
    config = hook_config(tmp_path, receiver, endpoints, concurrency=2)
    with open_state(state_where) as store:
        queue_notices(store, endpoints=endpoints, each=each, at=T0)
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with open_state(state_where, lock=False) as own:
                start.wait()
                deliver_due(own, config, worker=f"w{n}")
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    sent = Counter(h.headers["webhook-id"] for h in receiver.hits)
    assert len(sent) == endpoints * each and set(sent.values()) == {1}
    for e in range(endpoints):
        order = [json.loads(h.body)["n"] for h in receiver.for_path(f"/h/{e}")]
        assert order == list(range(each))
    with open_state(state_where) as store:
        assert {r["status"] for r in rows(store)} == {"delivered"}
