"""serve never hands out the state: SQLite files and their companions, lock files, or
anything in the state folder, whatever output.dir says (issue 8, section 4). Real HTTP
under waitress on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
from collections.abc import Iterator

import pytest
import requests
from publisher_helpers import make_site

from syndicate.config import Config, load_config
from syndicate.publish import publish
from syndicate.serve import build_app, make_server, server_url


def _serve(config: Config) -> tuple[str, object]:
    server = make_server(build_app(config), "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    return server_url(server).rstrip("/"), server


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Config:
    root = tmp_path_factory.mktemp("private")
    config = load_config(make_site(root))
    publish(config, deliver=False)
    return config


@pytest.fixture(scope="module")
def output_is_state_folder(published: Config) -> Iterator[tuple[Config, str]]:
    """output.dir set to the state folder (built past the config loader, which may refuse it)."""
    state_dir = published.state_path.parent
    shutil.copytree(published.output.dir, state_dir, dirs_exist_ok=True)
    for companion in (
        "site.db-wal",
        "site.db-shm",
        "site.db.lock",
    ):  # SQLite removes WAL/SHM on close
        if not (state_dir / companion).exists():
            (state_dir / companion).write_bytes(b"SQLite format 3\x00 companion")
    config = dataclasses.replace(
        published, output=dataclasses.replace(published.output, dir=state_dir)
    )
    base, server = _serve(config)
    yield config, base
    server.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def planted(published: Config) -> Iterator[tuple[Config, str]]:
    """A normal output/ into which state-like files and a link to the state folder were put."""
    out = published.output.dir
    for name in (
        "copy.db",
        "copy.db-wal",
        "copy.db-shm",
        "copy.db-journal",
        "x.sqlite",
        "x.sqlite3",
        "publish.lock",
    ):
        (out / name).write_bytes(b"SQLite format 3\x00 not for readers")
    os.symlink(published.state_path.parent, out / "st")
    os.symlink(published.state_path, out / "ledger.html")
    base, server = _serve(published)
    yield published, base
    server.close()  # type: ignore[attr-defined]


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=(2, 5))


@pytest.mark.parametrize(
    "name", ["site.db", "site.db-wal", "site.db-shm", "site.db.lock", "feed.xml", "index.html", ""]
)
def test_output_dir_set_to_state_folder_serves_nothing_of_it(
    output_is_state_folder: tuple[Config, str], name: str
) -> None:
    config, base = output_is_state_folder
    assert (config.output.dir / (name or "index.html")).exists()
    resp = get(f"{base}/{name}")
    assert resp.status_code == 404
    assert b"SQLite" not in resp.content


@pytest.mark.parametrize(
    "rel",
    [
        "copy.db",
        "copy.db-wal",
        "copy.db-shm",
        "copy.db-journal",
        "x.sqlite",
        "x.sqlite3",
        "publish.lock",
        "st/site.db",
        "st/site.db-wal",
        "st/site.db.lock",
        "st/",
        "ledger.html",
        "COPY.DB",
    ],
)
def test_database_wal_journal_and_lock_files_are_never_served(
    planted: tuple[Config, str], rel: str
) -> None:
    _config, base = planted
    resp = get(f"{base}/{rel}")
    assert resp.status_code == 404
    assert b"SQLite" not in resp.content


def test_feeds_beside_refused_files_are_still_served(planted: tuple[Config, str]) -> None:
    config, base = planted
    resp = get(f"{base}/feed.xml")
    assert resp.status_code == 200
    assert resp.content == (config.output.dir / "feed.xml").read_bytes()
