"""output.url picks the Output: a folder (as output.dir always did) or s3://bucket/prefix
with endpoint, region and the NAMES of the credential variables; mistakes name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate.config import parse_config
from syndicate.errors import ConfigError


def config(tmp_path: Path, **output: Any) -> Any:
    raw = {"site": {"title": "T", "base_url": "https://news.example.org/"},
           "inputs": [{"paths": ["*.txt"]}], "output": output}
    return parse_config(raw, path=tmp_path / "site.toml")


def test_a_folder_url_is_the_output_dir(tmp_path: Path) -> None:
    assert config(tmp_path, url="public").output.dir == (tmp_path / "public").resolve()
    assert config(tmp_path, dir="public").output.dir == (tmp_path / "public").resolve()
    assert config(tmp_path).output.s3 is None


def test_an_s3_url_names_bucket_prefix_endpoint_and_credential_variables(tmp_path: Path) -> None:
    s3 = config(tmp_path, url="s3://news-feeds/gazette/", endpoint_url="http://127.0.0.1:9000",
                region="eu-west-1", access_key_id_env="K", secret_access_key_env="S").output.s3
    assert (s3.bucket, s3.prefix, s3.endpoint_url, s3.region) == ("news-feeds", "gazette/", "http://127.0.0.1:9000",
                                                                 "eu-west-1")
    assert (s3.access_key_id_env, s3.secret_access_key_env, s3.url) == ("K", "S", "s3://news-feeds/gazette/")
    assert config(tmp_path, url="s3://news-feeds").output.s3.prefix == ""


@pytest.mark.parametrize(("output", "key", "why"), [
    ({"url": "s3://b-1/x", "secret_access_key": "hunter2"}, "output.secret_access_key", "environment variable"),
    ({"url": "s3://b-1/x", "access_key_id_env": "not a name"}, "output.access_key_id_env", "environment variable"),
    ({"url": "s3://B_ad/x"}, "output.url", "bucket name"),
    ({"url": "s3://b-1/x", "dir": "out"}, "output.url", "not both"),
    ({"url": "public", "endpoint_url": "http://127.0.0.1:9000"}, "output.endpoint_url", "s3://"),
    ({"url": "s3://b-1/x", "endpoint_url": "minio:9000"}, "output.endpoint_url", r"http\(s\) URL"),
    ({"url": "s3://b-1/x", "concurrency": 0}, "output.concurrency", "at least 1"),
])
def test_mistakes_name_the_key(tmp_path: Path, output: dict[str, Any], key: str, why: str) -> None:
    with pytest.raises(ConfigError, match=rf"site.toml: {key}: .*{why}"):
        config(tmp_path, **output)
