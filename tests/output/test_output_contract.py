"""One contract over every Output (a local folder, an S3 bucket on a real server on
127.0.0.1): what is written is read back whole, unchanged bytes are not written again
(also by the next run, from what the state recorded), removed files are gone, each file
carries the Content-Type and Cache-Control `syndicate serve` sends for it (the bucket
stores them with the object), and a failed write leaves every file at its old version."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from s3_helpers import KEY_ENV, SECRET_ENV, S3Server, free_port
from werkzeug.test import Client

from syndicate.config import S3Config, parse_config
from syndicate.errors import OutputError
from syndicate.output import ARCHIVE_CACHE_CONTROL, FEED_CACHE_CONTROL, Output
from syndicate.output.local import LocalOutput
from syndicate.output.records import MetaRecords
from syndicate.output.s3 import S3Output
from syndicate.serve import build_app
from syndicate.state import StateStore, open_state
from syndicate.writer import write_files

OLD = b"<rss>" + b"old item " * 500 + b"</rss>"
NEW = b"<rss>" + b"new item " * 20 + b"</rss>"
PAGE = b"<!doctype html><title>A page</title><p>Harbour opens at dawn.</p>"


@dataclass
class Harness:
    out: Output
    reopen: Callable[[], Output]  # the next run's Output over the same place
    read: Callable[[str], bytes | None]  # what a reader gets (None: absent)
    headers: Callable[[str], Mapping[str, str]]  # Content-Type, Cache-Control as served
    fail_write: Callable[[Mapping[str, bytes]], None]  # a write that fails half way (raises)
    spool: Callable[[Mapping[str, bytes]], None]  # the publish run's write into output.dir
    spool_dir: Path  # output.dir, where upload() streams the files from


def _write(folder: Path, files: Mapping[str, bytes]) -> None:
    write_files(folder, files)


def _local(tmp_path: Path) -> Harness:
    root = tmp_path / "out"
    root.mkdir()
    raw = {
        "site": {"title": "T", "base_url": "https://news.example.org/"},
        "inputs": [{"paths": ["*.txt"]}],
        "output": {"dir": "out"},
    }
    client = Client(build_app(parse_config(raw, path=tmp_path / "site.toml")))

    def read(rel: str) -> bytes | None:
        p = root / rel
        return p.read_bytes() if p.is_file() else None

    def headers(rel: str) -> Mapping[str, str]:
        resp = client.get("/" + rel)
        assert resp.status_code == 200, (rel, resp.status_code)
        return {
            "Content-Type": resp.headers["Content-Type"],
            "Cache-Control": resp.headers["Cache-Control"],
        }

    def fail_write(files: Mapping[str, bytes]) -> None:
        (root / "blocked").write_bytes(b"a file where a folder must go")
        LocalOutput(root).write({**files, "blocked/page.html": PAGE})

    return Harness(
        out=LocalOutput(root),
        reopen=lambda: LocalOutput(root),
        read=read,
        headers=headers,
        fail_write=fail_write,
        spool=lambda files: _write(root, files),  # the folder is the output
        spool_dir=root,
    )


def _s3(store: StateStore, server: S3Server, spool_dir: Path) -> Harness:
    bucket = server.new_bucket()
    cfg = S3Config(
        bucket=bucket,
        prefix="site/",
        endpoint_url=server.url,
        region="us-east-1",
        access_key_id_env=KEY_ENV,
        secret_access_key_env=SECRET_ENV,
    )
    client = server.client()

    def make(c: S3Config = cfg) -> S3Output:
        out = S3Output(c, MetaRecords(store, cfg.url))
        out.start(takeover=False)
        return out

    def read(rel: str) -> bytes | None:
        try:
            return bytes(client.get_object(Bucket=bucket, Key="site/" + rel)["Body"].read())
        except client.exceptions.NoSuchKey:
            return None

    def headers(rel: str) -> Mapping[str, str]:
        head = client.head_object(Bucket=bucket, Key="site/" + rel)
        return {"Content-Type": head["ContentType"], "Cache-Control": head["CacheControl"]}

    def fail_write(files: Mapping[str, bytes]) -> None:
        out = make()
        out.client = S3Output(
            S3Config(
                bucket=bucket,
                prefix="site/",
                endpoint_url=f"http://127.0.0.1:{free_port()}",
                access_key_id_env=KEY_ENV,
                secret_access_key_env=SECRET_ENV,
            ),
            MetaRecords(store, cfg.url),
        ).client  # the server is down for this one
        out.write(files)

    return Harness(
        out=make(),
        reopen=make,
        read=read,
        headers=headers,
        fail_write=fail_write,
        spool=lambda files: _write(spool_dir, files),  # beside the bucket
        spool_dir=spool_dir,
    )


@pytest.fixture(params=["local", "s3"])
def harness(
    request: pytest.FixtureRequest, tmp_path: Path, s3_env: dict[str, str]
) -> Iterator[Harness]:
    if request.param == "local":
        yield _local(tmp_path)
        return
    server: S3Server = request.getfixturevalue("s3_server")
    with open_state(tmp_path / "state.db") as store:
        yield _s3(store, server, tmp_path / "spool")


def test_written_files_are_read_back_whole(harness: Harness) -> None:
    files = {"news/p-1.html": PAGE, "news/feed.xml": OLD, "feed.xml": NEW}
    assert sorted(harness.out.write(files)) == sorted(files)
    assert {rel: harness.read(rel) for rel in files} == files
    assert harness.out.exists("news/feed.xml") and not harness.out.exists("news/nothing.xml")


def test_a_batch_of_many_pages_lands_whole(harness: Harness) -> None:
    pages = {f"s{i % 5}/page-{i}.html": b"<p>%d</p>" % i for i in range(120)}
    assert sorted(harness.out.write(pages, batch=True)) == sorted(pages)
    harness.out.flush()
    assert {rel: harness.read(rel) for rel in pages} == pages


def test_unchanged_bytes_are_not_written_again_in_this_run_or_the_next(harness: Harness) -> None:
    harness.out.write({"feed.xml": OLD, "atom.xml": OLD})
    assert harness.out.write({"feed.xml": OLD, "atom.xml": NEW}) == ["atom.xml"]
    later = harness.reopen()
    assert later.changed({"feed.xml": OLD, "atom.xml": NEW}) == []
    assert later.write({"feed.xml": OLD, "atom.xml": NEW}) == []
    assert harness.read("atom.xml") == NEW


def test_removed_files_are_gone(harness: Harness) -> None:
    harness.out.write({"news/a.html": PAGE, "news/b.html": PAGE})
    assert harness.out.remove(["news/a.html", "news/never.html"]) == ["news/a.html"]
    assert harness.read("news/a.html") is None and harness.read("news/b.html") == PAGE
    assert harness.reopen().changed({"news/a.html": PAGE}) == [
        "news/a.html"
    ]  # written again if asked


def test_each_file_carries_the_content_type_and_cache_control_serve_sends(
    harness: Harness,
) -> None:
    files = {
        "news/archive/1/feed.xml": OLD,
        "news/feed.xml": OLD,
        "news/atom.xml": OLD,
        "news/feed.json": b"{}",
        "feeds.opml": b"<opml/>",
        "index.html": PAGE,
        "news/index.html": PAGE,
        "news/p-1.html": PAGE,
    }
    harness.out.write(files)
    types = {rel: harness.headers(rel)["Content-Type"] for rel in files}
    assert types == {
        "news/archive/1/feed.xml": "application/rss+xml; charset=utf-8",
        "news/feed.xml": "application/rss+xml; charset=utf-8",
        "news/atom.xml": "application/atom+xml; charset=utf-8",
        "news/feed.json": "application/feed+json",
        "feeds.opml": "text/x-opml; charset=utf-8",
        "index.html": "text/html; charset=utf-8",
        "news/index.html": "text/html; charset=utf-8",
        "news/p-1.html": "text/html; charset=utf-8",
    }
    # serve.max_age (5 minutes) for subscription documents and pages; a day for archive
    # pages, which change only when one of their items is edited (docs/scale.md)
    cache = {rel: harness.headers(rel)["Cache-Control"] for rel in files}
    assert cache == {
        **{rel: FEED_CACHE_CONTROL for rel in files},
        "news/archive/1/feed.xml": ARCHIVE_CACHE_CONTROL,
    }


def test_a_failed_write_leaves_every_file_at_its_old_version(harness: Harness) -> None:
    harness.out.write({"feed.xml": OLD, "news/feed.xml": OLD})
    with pytest.raises(OutputError, match=r"cannot write output: "):
        harness.fail_write({"feed.xml": NEW, "news/feed.xml": NEW})
    assert harness.read("feed.xml") == OLD and harness.read("news/feed.xml") == OLD
    # and the next run still sees them as changed: nothing recorded as written that is not
    assert sorted(harness.reopen().changed({"feed.xml": NEW, "news/feed.xml": NEW})) == [
        "feed.xml",
        "news/feed.xml",
    ]


def test_an_upload_from_the_spool_puts_once_what_readers_lack(harness: Harness) -> None:
    files = {"news/p-1.html": PAGE, "news/feed.xml": OLD, "feed.xml": NEW}
    harness.spool(files)  # the publish run wrote them into output.dir
    paths = {rel: harness.spool_dir / rel for rel in files}  # streamed from there
    harness.out.upload(paths, batch=True)
    assert {rel: harness.read(rel) for rel in files} == files
    assert harness.out.upload(paths) == [], "nothing put twice"
    assert harness.reopen().upload(paths) == [], "nor by the next run"
    harness.spool({**files, "feed.xml": OLD})
    harness.reopen().upload(paths)
    assert harness.read("feed.xml") == OLD


def test_an_upload_of_a_file_missing_from_the_spool_fails_cleanly(harness: Harness) -> None:
    harness.spool({"feed.xml": NEW})
    paths = {"feed.xml": harness.spool_dir / "feed.xml"}
    if isinstance(harness.out, LocalOutput):
        assert harness.out.upload(paths) == []  # the folder holds its files itself
        return
    with pytest.raises(OutputError, match=r"cannot write output: .*atom\.xml: cannot read"):
        harness.out.upload({**paths, "atom.xml": harness.spool_dir / "atom.xml"})
    assert harness.read("feed.xml") is None, "nothing put before every file was read"
