"""A withdrawn item under ActivityPub (issue 13): its object documents become Tombstones,
and `syndicate serve` (the command, on a loopback port) answers them, and the item page
asked for as ActivityStreams, with 410 Gone; the HTML page stays the withdrawn notice it
was; a restore brings the objects back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from ap_helpers import AP_TABLE, free_port
from publisher_helpers import Proc, make_site

from syndicate import publish
from syndicate.config import Config, load_config
from syndicate.state import open_state

AS_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ACTIVITY = "application/activity+json"


@contextmanager
def serve_command(root: Path) -> Iterator[tuple[Config, str]]:
    """Our site with ActivityPub on, published, and `syndicate serve` running for it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    config = load_config(make_site(root, base_url=base, extra=AP_TABLE.format(allow="true")))
    publish(config, deliver=False)
    proc = Proc(
        ["serve", "--config", str(config.path), "--host", "127.0.0.1", "--port", str(port)],
        cwd=root,
        name="serve",
    )
    try:
        proc.wait_log(r"url=http://127\.0\.0\.1:\d+/")
        yield config, base
    finally:
        proc.stop()
        proc.close()


def _first_item(config: Config) -> tuple[str, str]:
    """(guid, slug) of one Business item."""
    with open_state(config.state_path, wait=True) as store:
        guid, slug = store.conn.execute(
            "SELECT guid, slug FROM articles WHERE section_slug = 'business' ORDER BY seq LIMIT 1"
        ).fetchone()
    return str(guid), str(slug)


def _get(url: str, accept: str) -> requests.Response:
    return requests.get(url, headers={"Accept": accept}, timeout=5)


def test_a_withdrawn_item_answers_410_gone_with_a_tombstone(tmp_path: Path) -> None:
    with serve_command(tmp_path) as (config, base):
        guid, slug = _first_item(config)
        page = f"{base}business/{slug}.html"
        obj_url = f"{base}ap/o/business/{slug}.json"
        site_copy = f"{base}ap/o/site/business/{slug}.json"
        before = _get(page, ACTIVITY)
        assert before.status_code == 200 and before.json()["type"] == "Article"
        publish(config, deliver=False, withdraw=[guid])

        for url, accept in ((page, ACTIVITY), (page, AS_PROFILE), (obj_url, ACTIVITY)):
            gone = _get(url, accept)
            assert gone.status_code == 410, (url, accept)
            assert gone.headers["Content-Type"] == ACTIVITY
            tomb = gone.json()
            assert tomb["@context"] == "https://www.w3.org/ns/activitystreams"
            assert tomb["id"] == obj_url and tomb["type"] == "Tombstone"
            assert tomb["formerType"] == "Article"
            assert datetime.fromisoformat(tomb["deleted"]).tzinfo is not None
        copy = _get(site_copy, ACTIVITY)
        assert copy.status_code == 410 and copy.json()["id"] == site_copy
        etag = _get(obj_url, ACTIVITY).headers["ETag"]
        cond = requests.get(obj_url, headers={"If-None-Match": etag}, timeout=5)
        assert cond.status_code == 410  # never a 304 for a gone object
        assert requests.head(page, headers={"Accept": ACTIVITY}, timeout=5).status_code == 410

        html = _get(page, "text/html,application/xhtml+xml,*/*;q=0.8")
        assert html.status_code == 410 and html.headers["Content-Type"].startswith("text/html")
        assert '<meta name="robots" content="noindex">' in html.text
        others = [p for p in (tmp_path / "output" / "business").glob("*.html")]
        other = next(p for p in others if p.stem not in (slug, "index"))
        assert _get(f"{base}business/{other.name}", ACTIVITY).json()["type"] == "Article"


def test_withdrawing_again_keeps_the_tombstone_and_a_restore_brings_the_object_back(
    tmp_path: Path,
) -> None:
    with serve_command(tmp_path) as (config, base):
        guid, slug = _first_item(config)
        obj_url = f"{base}ap/o/business/{slug}.json"
        article = _get(obj_url, ACTIVITY).json()
        publish(config, deliver=False, withdraw=[guid])
        first = _get(obj_url, ACTIVITY).json()
        later = datetime.now(UTC) + timedelta(days=1)
        publish(config, deliver=False, withdraw=[guid], now=later)
        assert _get(obj_url, ACTIVITY).json() == first, "the deleted date holds"
        publish(config, deliver=False, withdraw=[guid], restore=True)
        back = _get(obj_url, ACTIVITY)
        assert back.status_code == 200 and back.json() == article
        page = _get(f"{base}business/{slug}.html", "text/html")
        assert page.status_code == 200
