"""Publishing to an S3 bucket on a real S3-compatible server (moto's server mode on
127.0.0.1, boto3 over HTTP through a counting proxy): the files read back over HTTP are
valid feeds and pages, a rerun uploads nothing, and with the server down a run fails
with one message and exit 1, the next one completes, and no webhook announces an item
before its page and feed are in the bucket (issue 10, "S3-compatible output")."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conformance import check_output_dir
from nothing_lost import BASE, Site, announced, env, ledger, site_config, start_receiver, syndicate
from s3_helpers import CREDENTIALS, KEY_ENV, SECRET_ENV, Proxy, S3Server

from syndicate.config import load_config
from syndicate.errors import OutputError
from syndicate.output.s3 import PROBE_KEY
from syndicate.publish import publish

PREFIX = "site/"


def s3_site(tmp_path: Path, proxy: Proxy, bucket: str) -> Site:
    site = Site(root=tmp_path, receiver=start_receiver())
    (tmp_path / "pages").mkdir()
    text = site_config(site.receiver.port).replace('dir = "output"', "\n".join([
        f'url = "s3://{bucket}/{PREFIX}"', f'endpoint_url = "{proxy.url}"', 'region = "us-east-1"',
        f'access_key_id_env = "{KEY_ENV}"', f'secret_access_key_env = "{SECRET_ENV}"']))
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return site


@pytest.fixture
def site(tmp_path: Path, proxy: Proxy, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)        # the `syndicate` processes inherit them through env()
    monkeypatch.setenv("SHOP_SECRET", env()["SHOP_SECRET"])
    s = s3_site(tmp_path, proxy, s3_server.new_bucket())
    try:
        yield s
    finally:
        s.receiver.stop()


def bucket_of(site: Site) -> str:
    cfg = load_config(site.root / "site.toml").output.s3
    assert cfg is not None
    return cfg.bucket


def download(server: S3Server, bucket: str, dest: Path) -> dict[str, dict[str, Any]]:
    """Every object under the prefix, over HTTP, into dest; returns their headers."""
    client = server.client()
    heads = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX):
        for obj in page.get("Contents", []):
            rel = obj["Key"][len(PREFIX):]
            if rel == PROBE_KEY:
                continue
            got = client.get_object(Bucket=bucket, Key=obj["Key"])
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(got["Body"].read())
            heads[rel] = {"type": got["ContentType"], "cache": got["CacheControl"]}
    return heads


def uploads(proxy: Proxy) -> list[str]:
    return [p for p in proxy.puts() if not p.endswith(PROBE_KEY)]


def test_a_publish_to_a_bucket_reads_back_as_valid_feeds_and_a_rerun_uploads_nothing(
        site: Site, proxy: Proxy, s3_server: S3Server, tmp_path: Path) -> None:
    site.add(40)
    first = syndicate(site.root, "publish")
    assert first.returncode == 0, first.stderr
    assert not (site.root / "output").exists(), "an s3 output writes nothing to the local folder"
    copy = tmp_path / "copy"
    heads = download(s3_server, bucket_of(site), copy)
    view = check_output_dir(copy)
    assert len(uploads(proxy)) == len(heads), "one PUT per file"
    for rel in ("feed.xml", "atom.xml"):       # JSON Feed: read by check_output_dir (reader's feedparser)
        parsed = feedparser.parse((copy / rel).read_bytes())
        assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        assert len(parsed.entries) == 20                   # item_limit
    assert heads["feed.xml"]["type"] == "application/rss+xml; charset=utf-8"
    pages = [rel for rel in heads if rel.count("/") == 1 and not rel.endswith(("index.html", ".xml", ".json"))]
    assert len(pages) == 40 and all(heads[p]["cache"] == "public, max-age=86400" for p in pages)
    assert view is not None
    got = announced(site.receiver)
    assert got.items("new") == set(ledger(site.state))

    proxy.hits.clear()
    again = syndicate(site.root, "publish")
    assert again.returncode == 0, again.stderr
    assert uploads(proxy) == [], "a rerun with nothing new uploads no object"
    assert not [p for m, p in proxy.hits if m == "GET" and "list-type" in p], "the bucket is never listed"


def _check_in_bucket(server: S3Server, bucket: str, missing: list[str]) -> Any:
    """A webhook receiver behaviour: at delivery, every announced item's page and every
    announced feed must already be in the bucket."""
    client = server.client()

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
                    rel = item["link"].removeprefix(BASE)
                    if not exists(rel):
                        missing.append(rel)
            for feed in data.get("feeds", []):
                if not exists(feed["url"].removeprefix(BASE)):
                    missing.append(feed["url"])
        return 200, {}, b"ok"
    return check


def test_the_s3_server_down_fails_the_run_cleanly_and_the_next_one_completes(
        site: Site, proxy: Proxy, s3_server: S3Server) -> None:
    bucket = bucket_of(site)
    missing: list[str] = []
    site.receiver.default = _check_in_bucket(s3_server, bucket, missing)
    site.add(30)

    proxy.stop()                                        # down before the run starts
    down = syndicate(site.root, "publish")
    assert down.returncode == 1, (down.returncode, down.stderr)
    errors = [line for line in down.stderr.splitlines() if line.startswith("syndicate: ")]
    assert len(errors) == 1 and "cannot write output: s3://" in errors[0] and "cannot reach" in errors[0], \
        down.stderr
    assert "Traceback" not in down.stderr

    proxy.start()                                       # up for the probe, down once reading starts
    config = load_config(site.root / "site.toml")
    with pytest.raises(OutputError, match=r"cannot write output: s3://.*cannot reach the S3 endpoint"):
        publish(config, on_file=lambda _f: proxy.stop())
    assert len(ledger(site.state)) == 30, "the ledger took the batch before its pages failed"
    assert site.receiver.for_path("/hook") == [] and site.receiver.for_path("/hub") == [], \
        "nothing announced while its files could not be put"

    proxy.start()
    site.add(5)
    ok = syndicate(site.root, "publish")
    assert ok.returncode == 0, ok.stderr
    assert missing == [], f"announced before their file was in the bucket: {missing}"
    got = announced(site.receiver)
    assert got.items("new") == set(ledger(site.state)) and len(got.items("new")) == 35
    hub = site.receiver.for_path("/hub")
    assert hub, "the hub is pinged once the feeds are in place"
    assert os.environ.get(KEY_ENV)


def test_a_lost_state_does_not_announce_a_published_bucket_again(site: Site, proxy: Proxy) -> None:
    site.add(10)
    assert syndicate(site.root, "publish").returncode == 0
    hooks, puts = len(site.receiver.for_path("/hook")), len(uploads(proxy))
    for p in site.state.parent.iterdir():
        p.unlink()                                      # the state is lost; the bucket is not
    again = syndicate(site.root, "publish")
    assert again.returncode == 1, again.stderr
    assert "the state has never published, but the bucket already holds feed.xml" in again.stderr
    assert len(site.receiver.for_path("/hook")) == hooks, "nothing announced again"
    assert len(uploads(proxy)) == puts, "nothing written over the published bucket"


def test_a_feed_deleted_from_the_bucket_comes_back_and_one_edited_by_hand_is_fenced(
        site: Site, proxy: Proxy, s3_server: S3Server) -> None:
    bucket, client = bucket_of(site), s3_server.client()
    site.add(10)
    assert syndicate(site.root, "publish").returncode == 0
    original = client.get_object(Bucket=bucket, Key=PREFIX + "atom.xml")["Body"].read()
    client.delete_object(Bucket=bucket, Key=PREFIX + "feed.xml")
    again = syndicate(site.root, "publish")
    assert again.returncode == 0, again.stderr
    assert feedparser.parse(client.get_object(Bucket=bucket, Key=PREFIX + "feed.xml")["Body"].read()).entries

    client.put_object(Bucket=bucket, Key=PREFIX + "atom.xml", Body=b"edited by hand")
    fenced = syndicate(site.root, "publish")
    assert fenced.returncode == 1 and "atom.xml: the object changed since this state last wrote it" in fenced.stderr
    assert client.get_object(Bucket=bucket, Key=PREFIX + "atom.xml")["Body"].read() == b"edited by hand"
    rebuilt = syndicate(site.root, "publish", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert client.get_object(Bucket=bucket, Key=PREFIX + "atom.xml")["Body"].read() == original


def test_a_run_killed_after_its_puts_returned_is_not_taken_for_another_writer(
        site: Site, proxy: Proxy, s3_server: S3Server) -> None:
    missing: list[str] = []
    site.receiver.default = _check_in_bucket(s3_server, bucket_of(site), missing)
    site.add(20)
    assert syndicate(site.root, "publish").returncode == 0
    site.add(5)
    crashed = syndicate(site.root, "publish", fault="object-put:2")    # the feeds put, not recorded
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr)
    site.add(1)                      # the next run's feeds differ from what the killed run put
    rerun = syndicate(site.root, "publish")
    assert rerun.returncode == 0, rerun.stderr
    assert "taking over" not in rerun.stderr
    got = announced(site.receiver)
    assert got.items("new") == set(ledger(site.state)) and len(got.items("new")) == 26
    assert missing == []
