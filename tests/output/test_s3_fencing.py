"""Conditional writes fence a stale writer (issue 10): a publisher whose recorded ETag
is out of date gets 412 and stops instead of overwriting newer files; a run that takes
over (after a failed run, or --rebuild) replaces them; a store that ignores the
conditions is detected and said so."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from s3_helpers import KEY_ENV, SECRET_ENV, Proxy, S3Server

from syndicate.config import S3Config
from syndicate.errors import OutputError
from syndicate.output.records import MetaRecords
from syndicate.output.s3 import S3Output
from syndicate.state import StateStore, open_state


def output(store: StateStore, endpoint: str, bucket: str, *, takeover: bool = False) -> S3Output:
    cfg = S3Config(
        bucket=bucket,
        endpoint_url=endpoint,
        access_key_id_env=KEY_ENV,
        secret_access_key_env=SECRET_ENV,
    )
    out = S3Output(cfg, MetaRecords(store, cfg.url))
    out.start(takeover=takeover)
    return out


def read(server: S3Server, bucket: str, key: str) -> bytes:
    return bytes(server.client().get_object(Bucket=bucket, Key=key)["Body"].read())


def test_a_stale_writer_is_refused_and_a_takeover_replaces(
    tmp_path: Path, s3_server: S3Server, s3_env: dict[str, str]
) -> None:
    bucket = s3_server.new_bucket()
    with open_state(tmp_path / "a.db") as a_state, open_state(tmp_path / "b.db") as b_state:
        a = output(a_state, s3_server.url, bucket)
        assert a.conditional is None, "probed at the first upload, not before"
        a.write({"feed.xml": b"<rss>v1</rss>"})
        assert a.conditional is True
        b = output(b_state, s3_server.url, bucket, takeover=True)  # another publisher, taking over
        b.write({"feed.xml": b"<rss>v2</rss>"})
        with pytest.raises(
            OutputError, match=r"feed.xml: the object changed since this state last wrote it"
        ):
            output(a_state, s3_server.url, bucket).write({"feed.xml": b"<rss>v3 stale</rss>"})
        assert read(s3_server, bucket, "feed.xml") == b"<rss>v2</rss>"
        # the same bytes the other writer put are no conflict: nothing would change
        assert output(a_state, s3_server.url, bucket).write({"feed.xml": b"<rss>v2</rss>"}) == [
            "feed.xml"
        ]
        output(b_state, s3_server.url, bucket, takeover=True).write({"feed.xml": b"<rss>v4</rss>"})
        assert output(a_state, s3_server.url, bucket, takeover=True).write(
            {"feed.xml": b"<rss>v5</rss>"}
        ) == ["feed.xml"]
        assert read(s3_server, bucket, "feed.xml") == b"<rss>v5</rss>"


def test_a_first_write_over_an_unrecorded_object_is_refused_unless_taking_over(
    tmp_path: Path, s3_server: S3Server, s3_env: dict[str, str]
) -> None:
    bucket = s3_server.new_bucket()
    s3_server.client().put_object(Bucket=bucket, Key="index.html", Body=b"someone else's")
    with open_state(tmp_path / "a.db") as state:
        with pytest.raises(OutputError, match=r"index.html: the object changed"):
            output(state, s3_server.url, bucket).write({"index.html": b"ours"})
        assert read(s3_server, bucket, "index.html") == b"someone else's"
        output(state, s3_server.url, bucket, takeover=True).write({"index.html": b"ours"})
        assert read(s3_server, bucket, "index.html") == b"ours"


def test_a_store_ignoring_conditions_is_detected_and_logged(
    tmp_path: Path,
    s3_server: S3Server,
    proxy: Proxy,
    s3_env: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    bucket = s3_server.new_bucket()
    proxy.strip_conditions = True
    with (
        open_state(tmp_path / "a.db") as state,
        caplog.at_level(logging.WARNING, logger="syndicate.output.s3"),
    ):
        out = output(state, proxy.url, bucket)
        assert out.write({"feed.xml": b"<rss/>"}) == ["feed.xml"]  # still publishes
        assert out.conditional is False
        assert "ignores conditional writes" in caplog.text and "not fenced" in caplog.text
