"""One contract over every StateStore backend: SQLite file and a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicate.errors import BusyError
from syndicate.state import SCHEMA_VERSION, open_state

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def where(state_where: Path | str) -> Path | str:
    return state_where


def test_a_new_store_is_migrated_to_the_current_schema(where: Path | str) -> None:
    with open_state(where) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_meta_runs_and_announcements_survive_a_reopen(where: Path | str) -> None:
    with open_state(where) as store:
        with store.transaction():
            store.set_meta("k", "v1")
            store.set_meta("k", "v2")
            run = store.start_run("publish", NOW)
            store.finish_run(run, NOW, "ok", {"items": 3})
            store.record_announcements(
                [("g1", "new", {"id": "g1"}), ("g2", "updated", {"id": "g2"})], NOW
            )
            store.record_inputs([("a.txt", 10, 1_700_000_000_123_456_789, "ab")])
    with open_state(where) as store:
        assert store.get_meta("k") == "v2"
        last = store.last_run()
        assert last is not None and last["summary"] == {"items": 3}
        assert store.input_fingerprints() == {"a.txt": (10, 1_700_000_000_123_456_789, "ab")}
        with store.transaction():
            assert store.take_announcements() == [("new", {"id": "g1"}), ("updated", {"id": "g2"})]
        assert store.count_announcements() == 0


def test_a_failed_transaction_leaves_nothing(where: Path | str) -> None:
    with open_state(where) as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.set_meta("k", "lost")
                raise RuntimeError("boom")
        assert store.get_meta("k") is None


def test_a_second_writer_is_refused_as_busy(where: Path | str) -> None:
    with open_state(where):
        with pytest.raises(BusyError, match="state is busy"):
            with open_state(where):
                pass


def test_outbox_and_heartbeat_reads_give_the_same_answers_on_every_backend(
    where: Path | str,
) -> None:
    with open_state(where) as store:
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO notices (msg_id, endpoint, kind, topic, payload, created, status,"
                " attempts, next_attempt) VALUES (?, ?, 'webhook', 'run', '{}', ?, ?, ?, ?)",
                [
                    ("m1", "webhook:a", "2026-01-01", "pending", 1, "2026-01-01"),
                    ("m2", "webhook:a", "2026-01-01", "pending", 0, "2026-01-03"),
                    ("m3", "webhook:b", "2026-01-01", "delivered", 2, "2026-01-01"),
                ],
            )
            conn.execute(
                "INSERT INTO endpoints (endpoint, disabled, reason) VALUES ('webhook:c', 1, 'gone')"
            )
            run = store.start_run("publish", NOW)
            store.finish_run(run, NOW, "ok", {})
        assert store.notice_counts() == {
            "webhook:a": {"pending": 2},
            "webhook:b": {"delivered": 1},
        }
        assert store.pending_by_endpoint("2026-01-02") == {"webhook:a": ("2026-01-01", 1)}
        assert store.disabled_endpoints() == {"webhook:c"}
        assert store.known_endpoints() == {"webhook:a", "webhook:b", "webhook:c"}
        assert sorted(store.delivery_attempts()) == [("webhook:a", 0, 1), ("webhook:b", 1, 2)]
        assert store.run_counts() == [("ok", 1)]


def test_a_feeds_slots_read_a_page_at_a_time_match_the_whole_ledger_read(
    where: Path | str,
) -> None:
    """Slot counts, pages and positions (archive pages, issue 12) agree with one read of
    every slot in ledger order, withdrawn items and gaps in seq included."""
    rows = [
        (
            f"k{n:02d}",
            f"g{n}",
            "world" if n % 3 else "science",
            f"s{n}",
            n * 2 + (n > 7),
            n % 5 == 0,
        )
        for n in range(1, 20)
    ]
    with open_state(where) as store:
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO articles (key, guid, section_slug, slug, first_seen, published,"
                " updated, content_hash, seq, withdrawn, data)"
                " VALUES (?, ?, ?, ?, '2026-01-01', '2026-01-01', '2026-01-01', 'h', ?, ?, '{}')",
                [(k, g, s, sl, seq, int(w)) for k, g, s, sl, seq, w in rows],
            )
        whole: dict[str, list[tuple[str, bool]]] = {"": []}
        for key, section, withdrawn in store.ledger_slots():
            whole[""].append((key, withdrawn))
            whole.setdefault(section, []).append((key, withdrawn))
        assert [k for k, _w in whole[""]] == [r[0] for r in rows]
        for feed, slots in whole.items():
            assert store.feed_slot_count(feed) == len(slots)
            assert store.feed_slots(feed, 2, 4) == slots[2:6]
            assert store.feed_slots(feed, len(slots) - 1, 5) == slots[-1:]
            assert store.feed_slots(feed, 0, 0) == []
            asked = {"k03", "k05", "k18", "nope"}
            assert store.slot_positions(feed, asked) == {
                k: n for n, (k, _w) in enumerate(slots) if k in asked
            }
        assert store.slot_positions("world", set()) == {}
