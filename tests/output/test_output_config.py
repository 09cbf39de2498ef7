"""output.url picks the Output: a folder (as output.dir always did) or s3://bucket/prefix
with endpoint, region and the NAMES of the credential variables; with a bucket,
output.dir is the local spool. Mistakes name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate.config import Config, parse_config
from syndicate.errors import ConfigError


def config(tmp_path: Path, **output: Any) -> Config:
    raw = {
        "site": {"title": "T", "base_url": "https://news.example.org/"},
        "inputs": [{"paths": ["*.txt"]}],
        "output": output,
    }
    return parse_config(raw, path=tmp_path / "site.toml")


def test_a_folder_url_is_the_output_dir(tmp_path: Path) -> None:
    assert config(tmp_path, url="public").output.dir == (tmp_path / "public").resolve()
    assert config(tmp_path, dir="public").output.dir == (tmp_path / "public").resolve()
    assert config(tmp_path).output.dir == (tmp_path / "output").resolve()
    assert config(tmp_path, url="public").output.s3 is None


def test_an_s3_url_names_bucket_prefix_endpoint_and_credential_variables(tmp_path: Path) -> None:
    out = config(
        tmp_path,
        url="s3://news-feeds/gazette/",
        endpoint_url="http://127.0.0.1:9000",
        region="eu-west-1",
        access_key_id_env="K",
        secret_access_key_env="S",
        concurrency=4,
    ).output
    s3 = out.s3
    assert s3 is not None
    assert (s3.bucket, s3.prefix, s3.endpoint_url, s3.region, s3.concurrency) == (
        "news-feeds",
        "gazette/",
        "http://127.0.0.1:9000",
        "eu-west-1",
        4,
    )
    assert (s3.access_key_id_env, s3.secret_access_key_env, s3.session_token_env) == (
        "K",
        "S",
        None,
    )
    assert s3.url == "s3://news-feeds/gazette/"
    assert out.dir == (tmp_path / "output").resolve(), "the spool: output.dir's default"
    bare = config(tmp_path, url="s3://news-feeds", dir="spool").output
    assert bare.s3 is not None and bare.s3.prefix == "" and bare.s3.endpoint_url is None
    assert bare.dir == (tmp_path / "spool").resolve()


@pytest.mark.parametrize(
    ("output", "key", "why"),
    [
        (
            {"url": "s3://b-1/x", "secret_access_key": "hunter2"},
            "output.secret_access_key",
            "environment variable and name it with secret_access_key_env",
        ),
        (
            {"url": "s3://b-1/x", "access_key_id_env": "not a name"},
            "output.access_key_id_env",
            "must name an environment variable",
        ),
        ({"url": "s3://B_ad/x"}, "output.url", "bucket name"),
        ({"url": "public", "dir": "out"}, "output.url", "not both"),
        ({"url": "https://cdn.example.org/"}, "output.url", "a folder or s3://"),
        (
            {"url": "public", "endpoint_url": "http://127.0.0.1:9000"},
            "output.endpoint_url",
            "only applies to an s3://",
        ),
        ({"url": "s3://b-1/x", "endpoint_url": "minio:9000"}, "output.endpoint_url", "http"),
        ({"url": "s3://b-1/x", "concurrency": 0}, "output.concurrency", "at least 1"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, output: dict[str, Any], key: str, why: str) -> None:
    with pytest.raises(ConfigError, match=rf"{key}\b.*{why}") as err:
        config(tmp_path, **output)
    assert "site.toml" in str(err.value)
