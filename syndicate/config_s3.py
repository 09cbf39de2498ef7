"""``output.url``: a folder (as ``output.dir`` always was) or ``s3://bucket/prefix``, and
the keys of an S3-compatible store (syndicate/output/s3.py; docs/scale.md). Credentials
are never read from the file: the config names the environment variables holding them
(or leaves them unnamed for boto3's usual chain: instance role, ~/.aws)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .config_keys import Table

S3_KEYS = (
    "endpoint_url",
    "region",
    "access_key_id_env",
    "secret_access_key_env",
    "session_token_env",
    "concurrency",
)
_CREDENTIALS = ("access_key_id", "secret_access_key", "session_token")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True, slots=True, kw_only=True)
class S3Config:
    """An S3-compatible bucket for :class:`syndicate.output.s3.S3Output`: credentials come
    from the environment variables named here (or boto3's usual chain when unnamed), never
    from a file."""

    bucket: str
    prefix: str = ""  # "" or ends with "/"
    endpoint_url: str | None = None  # a non-AWS store (MinIO, Ceph, R2 ...)
    region: str | None = None
    access_key_id_env: str | None = None
    secret_access_key_env: str | None = None
    session_token_env: str | None = None
    concurrency: int = 16  # parallel PUTs of article pages

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def output_place(o: Table) -> tuple[str, S3Config | None]:
    """The local folder (relative to the config file) and the bucket, if any: with an
    ``s3://`` url the folder (``output.dir``, default ``output``) is the spool the
    uploads are read from."""
    url = o.get("url")
    s3 = url is not None and url.startswith("s3://")
    if url is not None and not s3 and re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", url):
        o.fail("url", f"must be a folder or s3://bucket/prefix, got {url!r}")
        url = None
    if url is not None and not s3 and "dir" in o.data:
        o.fail("url", "give output.url or output.dir, not both (both name the folder)")
    for key in _CREDENTIALS:
        if key in o.data:
            o.fail(
                key,
                "credentials are not read from the config file: put it in an environment"
                f" variable and name it with {key}_env",
            )
    if not s3:
        for key in S3_KEYS:
            if key in o.data:
                o.fail(key, "only applies to an s3:// output.url")
        return (url if url is not None else o.get("dir")), None
    return o.get("dir"), _s3(o, url)


def _s3(o: Table, url: str) -> S3Config | None:
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not _BUCKET.fullmatch(bucket):
        o.fail(
            "url",
            f"{url!r}: the bucket name must be 3-63 lowercase letters, digits, '.' and '-'",
        )
        return None
    envs: dict[str, str | None] = {}
    for key in ("access_key_id_env", "secret_access_key_env", "session_token_env"):
        env = o.get(key)
        if env is not None and not _ENV_NAME.fullmatch(env):
            o.fail(
                key,
                "must name an environment variable (the secret itself never goes in the config)",
            )
            env = None
        envs[key] = env
    endpoint = o.get("endpoint_url")
    if endpoint is not None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            o.fail("endpoint_url", f"must be an absolute http(s) URL, got {endpoint!r}")
            endpoint = None
    prefix = prefix.strip("/")
    return S3Config(
        bucket=bucket,
        prefix=prefix + "/" if prefix else "",
        endpoint_url=endpoint,
        region=o.get("region"),
        concurrency=o.get("concurrency"),
        access_key_id_env=envs["access_key_id_env"],
        secret_access_key_env=envs["secret_access_key_env"],
        session_token_env=envs["session_token_env"],
    )


__all__ = ["S3_KEYS", "S3Config", "output_place"]
