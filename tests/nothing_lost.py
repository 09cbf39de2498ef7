"""A site with a real loopback hub and webhook receiver, and the checks of "nothing lost"
(issue 8 sections 1-2, issue 14): every ledger item announced at least once, verified
with the `standardwebhooks` package, and an item repeated only under the same webhook-id.

The hub is a loopback HTTP server that records the WebSub publish pings it gets (the
Webubbub hub of ../shared/feedtools is exercised by push-e2e; its ~5 s job loop is too
slow for a test per crash point).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest
from standardwebhooks import Webhook

sys.path.insert(0, str(Path(__file__).resolve().parent / "push"))
from push_helpers import Hit, Receiver, start_receiver  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BASE = "http://127.0.0.1:8080/"


def load_gen_corpus() -> ModuleType:
    path = REPO / "bench" / "gen_corpus.py"
    spec = importlib.util.spec_from_file_location("gen_corpus", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def site_config(
    port: int, *, schedule: str = "", retry: str = "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]"
) -> str:
    return (
        textwrap.dedent(f'''\
        [site]
        title = "Nothing Lost News"
        base_url = "{BASE}"
        [[inputs]]
        name = "pages"
        paths = ["pages/*.txt"]
        format = "scraped"
        captured_at = 2026-11-27T09:00:00Z
        [output]
        dir = "output"
        item_limit = 20
        [state]
        path = "state/site.db"
        [[hubs]]
        url = "http://127.0.0.1:{port}/hub"
        [[webhooks]]
        name = "shop"
        url = "http://127.0.0.1:{port}/hook"
        secret_env = "SHOP_SECRET"
        [delivery]
        connect_timeout = 2
        read_timeout = 5
        retry_schedule = {retry}
        ''')
        + schedule
    )


def env(**extra: str) -> dict[str, str]:
    out = {
        **os.environ,
        "SHOP_SECRET": SECRET,
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    out.pop("SYNDICATE_FAULT", None)
    out.update(extra)
    return out


def syndicate(
    root: Path, *args: str, fault: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    extra = {"SYNDICATE_FAULT": fault} if fault else {}
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args, "--config", str(root / "site.toml")],
        capture_output=True,
        text=True,
        env=env(**extra),
        cwd=root,
        timeout=timeout,
        check=False,
    )


@dataclass
class Site:
    root: Path
    receiver: Receiver
    articles: int = 0
    sections: int = 3
    gen: ModuleType = field(default_factory=load_gen_corpus)

    @property
    def state(self) -> Path:
        return self.root / "state" / "site.db"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def add(self, n: int) -> None:
        for i in range(n):
            self.gen.append_article(self.root / "pages", self.articles + i, self.sections, 1)
        self.articles += n

    def edit_newest(self, n: int) -> list[str]:
        """Edit the newest ``n`` added pages not edited yet."""
        done = {
            p.name
            for p in (self.root / "pages").glob("extra-*.txt")
            if "An editor's note" in p.read_text("utf-8")
        }
        todo = [
            p
            for p in sorted((self.root / "pages").glob("extra-*.txt"), reverse=True)
            if p.name not in done
        ]
        for path in todo[:n]:
            lines = path.read_text("utf-8").split("\n\n")
            lines[-1] = lines[-1] + " An editor's note was added later."
            path.write_text("\n\n".join(lines), "utf-8")
        return [p.name for p in todo[:n]]

    def edit(self, n: int) -> list[str]:
        """Change one sentence in each of the first ``n`` added pages; returns their titles' files."""
        edited = []
        for path in sorted((self.root / "pages").glob("extra-*.txt"))[:n]:
            text = path.read_text("utf-8")
            lines = text.split("\n\n")
            lines[-1] = lines[-1] + " An editor's note was added later."
            path.write_text("\n\n".join(lines), "utf-8")
            edited.append(path.name)
        return edited


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Iterator[Site]:
    rec = start_receiver()
    (tmp_path / "pages").mkdir()
    (tmp_path / "site.toml").write_text(site_config(rec.port), "utf-8")
    try:
        yield Site(root=tmp_path, receiver=rec)
    finally:
        rec.stop()


def ledger(state: Path) -> dict[str, tuple[str, str]]:
    """guid -> (published, content_hash), read without the lock."""
    if not state.exists():
        return {}
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone() is None:
            return {}  # killed before its first migration committed: an empty ledger
        return {
            g: (p, h)
            for g, p, h in conn.execute("SELECT guid, published, content_hash FROM articles")
        }
    finally:
        conn.close()


@dataclass(frozen=True)
class Announced:
    """What the receiver got: per (item id, kind), the webhook-ids that carried it."""

    ids: dict[tuple[str, str], set[str]]
    messages: int
    deliveries: int
    latest: dict[str, dict[str, Any]]  # item id -> the item as the last request carried it

    def items(self, kind: str | None = None) -> set[str]:
        return {i for i, k in self.ids if kind is None or k == kind}


TOLERANCE_S = 300  # standardwebhooks' own tolerance for the timestamp


def verify_as_received(wh: Webhook, hit: Hit) -> Any:
    """What ``wh.verify`` checks, with the timestamp judged at the request's arrival: a
    long test run (40 kills on a loaded machine) checks its first requests more than the
    library's 5 minutes after they arrived, which says nothing about the sender. The
    signature is the library's own (``Webhook.sign``), compared in constant time."""
    msg_id, stamp = hit.headers["webhook-id"], int(hit.headers["webhook-timestamp"])
    assert abs(hit.wall - stamp) <= TOLERANCE_S, (
        f"{msg_id}: timestamp {stamp} is far from its arrival {hit.wall:.0f}"
    )
    expected = wh.sign(msg_id, datetime.fromtimestamp(stamp, UTC), hit.body.decode()).split(",", 1)[
        1
    ]
    sent = [
        s.split(",", 1)[1]
        for s in hit.headers["webhook-signature"].split(" ")
        if s.startswith("v1,")
    ]
    assert any(hmac.compare_digest(expected, s) for s in sent), f"{msg_id}: no matching signature"
    return json.loads(hit.body)


def announced(rec: Receiver, after: int = 0) -> Announced:
    """Verify every webhook request (signature, and same webhook-id -> same body) and
    collect its items; ``after``: skip the first hits (an earlier phase)."""
    wh = Webhook(SECRET)
    bodies: dict[str, bytes] = {}
    ids: dict[tuple[str, str], set[str]] = {}
    latest: dict[str, dict[str, Any]] = {}
    hits = rec.for_path("/hook")[after:]
    for hit in hits:
        payload = verify_as_received(wh, hit)
        msg = hit.headers["webhook-id"]
        assert bodies.setdefault(msg, hit.body) == hit.body, (
            f"{msg} sent twice with different bodies"
        )
        for kind in ("new", "updated", "withdrawn"):
            for it in payload["data"].get(kind, ()):
                ids.setdefault((it["id"], kind), set()).add(msg)
                latest[it["id"]] = it
    return Announced(ids=ids, messages=len(bodies), deliveries=len(hits), latest=latest)


def hub_topics(rec: Receiver, after: int = 0) -> set[str]:
    topics: set[str] = set()
    for hit in rec.for_path("/hub")[after:]:
        form = parse_qs(hit.body.decode())
        assert form["hub.mode"] == ["publish"], form
        topics.update(form["hub.url"])
    return topics


def feed_hashes(output: Path) -> dict[str, str]:
    """Subscription documents only: RFC 5005 archive pages are never announced (docs/feeds.md)."""
    from syndicate.render.archive import is_archive_path

    return {
        rel: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in output.rglob("*")
        if p.suffix in (".xml", ".json")
        and not p.name.startswith(".")
        and not is_archive_path(rel := p.relative_to(output).as_posix())
    }


def notice_items(state: Path) -> dict[str, set[str]]:
    """status ('pending' | 'delivered' | ...) -> item ids carried by webhook notices,
    plus the announcements not yet turned into notices under 'recorded'."""
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        out: dict[str, set[str]] = {}
        for status, payload in conn.execute(
            "SELECT status, payload FROM notices WHERE kind = 'webhook'"
        ):
            data: dict[str, Any] = json.loads(payload)["data"]
            for kind in ("new", "updated", "withdrawn"):
                out.setdefault(status, set()).update(it["id"] for it in data.get(kind, ()))
        out["recorded"] = {g for (g,) in conn.execute("SELECT guid FROM announcements")}
        return out
    finally:
        conn.close()


def pending_count(state: Path) -> int:
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        return int(
            conn.execute("SELECT COUNT(*) FROM notices WHERE status = 'pending'").fetchone()[0]
        )
    finally:
        conn.close()
