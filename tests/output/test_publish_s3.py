"""Publishing to an S3 bucket on a real S3-compatible server (moto's server mode on
127.0.0.1, boto3 over HTTP, through a counting proxy): the bucket holds the bytes a
publish to a folder writes, with serve's Content-Type and Cache-Control; a rerun puts
nothing and never lists the bucket; with the server process killed during a run, the run
fails with one error line and exit 1, nothing is announced, and the next run completes
with every announced file already in the bucket (issue 10, "S3-compatible output")."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nothing_lost import (
    BASE,
    Site,
    announced,
    env,
    ledger,
    site_config,
    start_receiver,
    syndicate,
)
from pg import pg_url  # noqa: F401 - session fixture
from s3_helpers import CREDENTIALS, KEY_ENV, SECRET_ENV, MotoProcess, Proxy, S3Server

from syndicate.config import load_config
from syndicate.output.s3 import PROBE_KEY
from syndicate.publish import publish
from syndicate.writer import TEMP_PREFIX

PREFIX = "site/"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def s3_keys(bucket: str, endpoint: str) -> str:
    return "\n".join(
        [
            f'url = "s3://{bucket}/{PREFIX}"',
            f'endpoint_url = "{endpoint}"',
            'region = "us-east-1"',
            f'access_key_id_env = "{KEY_ENV}"',
            f'secret_access_key_env = "{SECRET_ENV}"',
            "archive_page_size = 5",
        ]
    )


def write_site(root: Path, port: int, output: str, state: str = "") -> None:
    (root / "pages").mkdir(parents=True, exist_ok=True)
    text = site_config(port).replace('dir = "output"', output)
    if state:
        text = text.replace('path = "state/site.db"', state)
    (root / "site.toml").write_text(text, encoding="utf-8")


def bucket_files(client: Any, bucket: str) -> dict[str, bytes]:
    """Every object under the prefix (the probe left out), read back over HTTP."""
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX):
        for obj in page.get("Contents", []):
            rel = obj["Key"][len(PREFIX) :]
            if rel != PROBE_KEY:
                out[rel] = bytes(client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read())
    return out


def folder_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(TEMP_PREFIX)
    }


def uploads(proxy: Proxy) -> list[str]:
    return [p for p in proxy.puts() if not p.endswith(PROBE_KEY)]


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)  # `syndicate` processes inherit them through env()
    monkeypatch.setenv("SHOP_SECRET", env()["SHOP_SECRET"])


@pytest.fixture(params=["sqlite", "postgresql"])
def state_line(request: pytest.FixtureRequest) -> str:
    """The bucket site's [state]: the same publish code runs over either StateStore."""
    if request.param == "sqlite":
        return ""
    url: str = request.getfixturevalue("pg_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:  # a fresh database per test
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")
    return f'url = "{url}"'


def test_a_bucket_holds_the_bytes_of_a_folder_publish_and_a_rerun_puts_nothing(
    tmp_path: Path, s3_server: S3Server, proxy: Proxy, creds: None, state_line: str
) -> None:
    bucket = s3_server.new_bucket()
    local, remote = tmp_path / "local", tmp_path / "remote"
    write_site(local, 9, 'dir = "output"\narchive_page_size = 5')
    write_site(remote, 9, s3_keys(bucket, proxy.url), state_line)
    for root in (local, remote):
        Site(root=root, receiver=None).add(24)
    for root in (local, remote):
        report = publish(load_config(root / "site.toml"), now=NOW, deliver=False)
        assert not report.errors, report.errors
    client = s3_server.client()
    in_bucket = bucket_files(client, bucket)
    want = folder_files(local / "output")
    assert any("/archive/" in rel for rel in want), "the site has archive pages"
    assert sorted(in_bucket) == sorted(want)
    assert in_bucket == want, "the bucket holds the folder publish's bytes, file for file"
    assert folder_files(remote / "output") == want, "the spool is the same files"
    assert len(uploads(proxy)) == len(want), "one PUT per file"

    def head(rel: str) -> tuple[str, str]:
        got = client.head_object(Bucket=bucket, Key=PREFIX + rel)
        return got["ContentType"], got["CacheControl"]

    archive = next(rel for rel in want if "/archive/" in rel and rel.endswith("atom.xml"))
    page = next(
        rel
        for rel in want
        if rel.count("/") == 1 and rel.endswith(".html") and not rel.endswith("/index.html")
    )
    assert head("feed.xml") == ("application/rss+xml; charset=utf-8", "public, max-age=300")
    assert head("feed.json") == ("application/feed+json", "public, max-age=300")
    assert head("feeds.opml") == ("text/x-opml; charset=utf-8", "public, max-age=300")
    assert head(archive) == ("application/atom+xml; charset=utf-8", "public, max-age=86400")
    assert head(page) == ("text/html; charset=utf-8", "public, max-age=300")

    proxy.hits.clear()
    again = publish(load_config(remote / "site.toml"), now=NOW, deliver=False)
    assert again.files_uploaded == [] and proxy.puts() == [], "a rerun sends no PUT at all"
    assert not [p for m, p in proxy.hits if m == "GET"], "the bucket is never listed or read"

    shutil.rmtree(remote / "output")  # a new host (or a lost spool): rendered again, not put
    proxy.hits.clear()
    rebuilt = publish(load_config(remote / "site.toml"), now=NOW, deliver=False)
    assert rebuilt.files_uploaded == [] and proxy.puts() == []
    assert folder_files(remote / "output") == want


def _check_in_bucket(client: Any, bucket: str, missing: list[str]) -> Callable[[Any], Any]:
    """A webhook and hub receiver that checks, at each delivery, that every announced
    item's page and every announced feed is already in the bucket."""

    def exists(rel: str) -> bool:
        try:
            client.head_object(Bucket=bucket, Key=PREFIX + rel)
            return True
        except client.exceptions.ClientError:
            return False

    def check(hit: Any) -> tuple[int, dict[str, str], bytes]:
        if hit.path == "/hook":
            data = json.loads(hit.body)["data"]
            for kind in ("new", "updated"):
                for item in data.get(kind, []):
                    if not exists(item["link"].removeprefix(BASE)):
                        missing.append(item["link"])
            for feed in data.get("feeds", []):
                if not exists(feed["url"].removeprefix(BASE)):
                    missing.append(feed["url"])
        return 200, {}, b"ok"

    return check


@pytest.fixture
def killable(
    tmp_path: Path, moto_process: MotoProcess, creds: None
) -> Iterator[tuple[Site, Proxy, str]]:
    """A site publishing to a bucket on a moto process, through a proxy."""
    bucket = "killed-bucket"
    moto_process.client().create_bucket(Bucket=bucket)
    proxy = Proxy(target=moto_process.url)
    proxy.start()
    site = Site(root=tmp_path, receiver=start_receiver())
    write_site(tmp_path, site.receiver.port, s3_keys(bucket, proxy.url))
    try:
        yield site, proxy, bucket
    finally:
        proxy.stop()
        site.receiver.stop()


def test_the_s3_server_killed_during_a_publish_fails_it_cleanly_and_the_next_run_completes(
    killable: tuple[Site, Proxy, str], moto_process: MotoProcess
) -> None:
    site, proxy, bucket = killable
    missing: list[str] = []
    site.receiver.default = _check_in_bucket(moto_process.client(), bucket, missing)
    site.add(30)

    def kill_at_the_tenth_page(path: str) -> None:
        if not path.endswith(PROBE_KEY) and len(uploads(proxy)) == 10:
            moto_process.kill()  # SIGKILL mid-run: the PUTs after this one find no server

    proxy.before_put = kill_at_the_tenth_page
    down = syndicate(site.root, "publish")
    assert down.returncode == 1, (down.returncode, down.stderr)
    errors = [line for line in down.stderr.splitlines() if line.startswith("syndicate: ")]
    assert len(errors) == 1, down.stderr
    assert errors[0].startswith("syndicate: cannot write output: s3://killed-bucket/site/")
    assert "S3 endpoint" in errors[0] and "is it up?" in errors[0], errors[0]
    assert "Traceback" not in down.stderr
    assert len(ledger(site.state)) == 30, "the ledger took the batch before its pages failed"
    assert site.receiver.for_path("/hook") == [] and site.receiver.for_path("/hub") == [], (
        "nothing announced while its files could not be put"
    )

    proxy.before_put = None
    moto_process.start()  # the same store, back (its recorded requests replayed)
    held = bucket_files(moto_process.client(), bucket)
    assert 0 < len(held) < 30 and "feed.xml" not in held, "some pages were put, no feed"
    site.add(5)
    ok = syndicate(site.root, "publish")
    assert ok.returncode == 0, ok.stderr
    assert missing == [], f"announced before their file was in the bucket: {missing}"
    got = announced(site.receiver)
    assert got.items("new") == set(ledger(site.state)) and len(got.items("new")) == 35
    assert site.receiver.for_path("/hub"), "the hub is pinged once the feeds are in place"
    assert bucket_files(moto_process.client(), bucket) == folder_files(site.output)

    proxy.hits.clear()
    assert syndicate(site.root, "publish").returncode == 0
    assert proxy.puts() == [], "nothing left to put"


def test_a_lost_state_and_spool_do_not_announce_a_published_bucket_again(
    killable: tuple[Site, Proxy, str],
) -> None:
    site, proxy, _bucket = killable
    site.add(10)
    assert syndicate(site.root, "publish").returncode == 0
    hooks, puts = len(site.receiver.for_path("/hook")), len(uploads(proxy))
    shutil.rmtree(site.state.parent)  # the host is lost; the bucket is not
    shutil.rmtree(site.output)
    again = syndicate(site.root, "publish")
    assert again.returncode == 1, again.stderr
    assert "the state has never published, but the bucket already holds feed.xml" in again.stderr
    assert len(site.receiver.for_path("/hook")) == hooks, "nothing announced again"
    assert len(uploads(proxy)) == puts, "nothing written over the published bucket"


def test_a_feed_edited_in_the_bucket_is_fenced_until_rebuild(
    killable: tuple[Site, Proxy, str], moto_process: MotoProcess
) -> None:
    site, _proxy, bucket = killable
    client = moto_process.client()
    site.add(10)
    assert syndicate(site.root, "publish").returncode == 0
    original = client.get_object(Bucket=bucket, Key=PREFIX + "atom.xml")["Body"].read()
    client.put_object(Bucket=bucket, Key=PREFIX + "atom.xml", Body=b"edited by hand")
    fenced = syndicate(site.root, "publish")
    assert fenced.returncode == 1, fenced.stderr
    assert "atom.xml: the object changed since this state last wrote it" in fenced.stderr
    assert client.get_object(Bucket=bucket, Key=PREFIX + "atom.xml")["Body"].read() == (
        b"edited by hand"
    )
    rebuilt = syndicate(site.root, "publish", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert client.get_object(Bucket=bucket, Key=PREFIX + "atom.xml")["Body"].read() == original


def test_a_publish_killed_between_its_puts_and_their_records_is_not_fenced_next_run(
    killable: tuple[Site, Proxy, str], moto_process: MotoProcess
) -> None:
    site, proxy, bucket = killable
    missing: list[str] = []
    site.receiver.default = _check_in_bucket(moto_process.client(), bucket, missing)
    site.add(20)
    assert syndicate(site.root, "publish").returncode == 0
    site.add(8)
    answered: list[str] = []
    pid: list[int] = []

    def kill_after_the_fourth_answer(path: str) -> None:
        if not path.endswith(PROBE_KEY):
            answered.append(path)
            if len(answered) == 4:
                os.kill(pid[0], signal.SIGKILL)  # PUTs answered, their records not saved

    proxy.after_put = kill_after_the_fourth_answer
    run = subprocess.Popen(
        [sys.executable, "-m", "syndicate", "publish", "--config", str(site.root / "site.toml")],
        env=env(),
        cwd=site.root,
        stderr=subprocess.PIPE,
    )
    pid.append(run.pid)
    assert run.wait(120) == -signal.SIGKILL
    proxy.after_put = None
    assert run.stderr is not None
    run.stderr.close()

    site.add(1)
    rerun = syndicate(site.root, "publish")
    assert rerun.returncode == 0, rerun.stderr
    assert "taking over" not in rerun.stderr and "changed since" not in rerun.stderr
    got = announced(site.receiver)
    assert got.items("new") == set(ledger(site.state)) and len(got.items("new")) == 29
    assert missing == [], f"announced before their file was in the bucket: {missing}"
    assert bucket_files(moto_process.client(), bucket) == folder_files(site.output)
