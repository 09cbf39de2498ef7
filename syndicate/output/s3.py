"""The S3-compatible Output (boto3; ``pip install syndicate[s3]``).

One PUT per file, with ``Content-Type`` (as ``syndicate serve`` sends it),
``Cache-Control`` (:func:`syndicate.output.cache_control`) and ``Content-MD5``. The
publish run's uploads stream each file from its spool (:meth:`S3Output.upload` takes
paths, :mod:`syndicate.output.bodies`), so a feed of every article is never held in
memory whole; a single PUT, not a multipart upload, even for large feeds: its ETag is the
MD5 the fencing below predicts, and s3transfer's multipart uploads take no
If-Match / If-None-Match (a single PUT carries up to 5 GiB). What is in the bucket is
known from the state: per object the SHA-256 of its bytes and the ETag the PUT returned
(:class:`~syndicate.output.ObjectRecords`), so unchanged files are not uploaded and the
bucket is never listed or read back. A record is saved only after its PUT returned.

Fencing: where the store honours conditional writes (checked once per run with a probe
object, ``.syndicate-probe``; AWS S3 since 2024, MinIO, moto), a replacement carries
``If-Match: <recorded ETag>`` and a first write ``If-None-Match: *``. A publisher whose
view is stale (another one wrote since) gets 412 and stops with an error instead of
overwriting newer files. Before its PUTs a write records their intended ETags (the MD5
of the bytes, as S3 computes it for a single PUT): a run killed after a PUT returned but
before its record was saved is recognised on the next run by that ETag, and is not
taken for another writer. ``--rebuild`` takes over (logged): objects this state did not
write are replaced. A store without conditional writes is detected and logged: there a
stale writer is not fenced (the state lock still keeps two publishers of a site apart).

A record is ``[sha256, etag, *intended etags]``; ``""`` where not known yet.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..config_s3 import S3Config
from ..errors import OutputError
from ..faults import crash_point
from ..serve import content_type
from . import DEFAULT_MAX_AGE, ObjectRecords, cache_control
from .bodies import Body

log = logging.getLogger(__name__)

PROBE_KEY = ".syndicate-probe"
_NO_ETAG = '"00000000000000000000000000000000"'


def make_client(cfg: S3Config) -> Any:
    """A boto3 S3 client for ``cfg``; credentials from the named environment variables."""
    try:
        import boto3
        from botocore.config import Config as BotoConfig
    except ImportError as err:
        raise OutputError(
            f"cannot write output: {cfg.url}: boto3 is not installed (pip install 'syndicate[s3]')"
        ) from err
    creds: dict[str, str] = {}
    for env, arg in (
        (cfg.access_key_id_env, "aws_access_key_id"),
        (cfg.secret_access_key_env, "aws_secret_access_key"),
        (cfg.session_token_env, "aws_session_token"),
    ):
        if env is None:
            continue
        value = os.environ.get(env)
        if not value:
            raise OutputError(
                f"cannot write output: {cfg.url}: the environment variable {env} is not set"
                " (output config names it for the S3 credentials)"
            )
        creds[arg] = value
    boto = BotoConfig(
        connect_timeout=5,
        read_timeout=30,
        max_pool_connections=max(10, cfg.concurrency),
        retries={"mode": "standard", "max_attempts": 3},
        s3={"addressing_style": "path"} if cfg.endpoint_url else None,
    )
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=cfg.endpoint_url,
        region_name=cfg.region or "us-east-1",
        config=boto,
        **creds,
    )


def _group(rel: str) -> str:
    return rel.split("/", 1)[0] if "/" in rel else ""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_INTENTS = 8  # intended ETags kept per object until a PUT is recorded


def _status(err: Exception) -> int | None:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status is not None else None
    return None


class S3Output:
    """A bucket (and key prefix) on an S3-compatible store."""

    def __init__(
        self,
        cfg: S3Config,
        records: ObjectRecords,
        *,
        client: Any = None,
        max_age: int = DEFAULT_MAX_AGE,
    ):
        self.cfg = cfg
        self.max_age = max_age  # serve.max_age: Cache-Control as `syndicate serve` sends it
        self.records = records
        self.client = client if client is not None else make_client(cfg)
        self.conditional: bool | None = None  # None: not probed yet
        self.takeover = False
        self.puts = 0  # PUT requests sent (bench, tests)
        self._groups: dict[str, dict[str, list[str]]] = {}
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return self.cfg.url

    # --- records ----------------------------------------------------------------
    def _records(self, group: str) -> dict[str, list[str]]:
        if group not in self._groups:
            self._groups[group] = dict(self.records.load(group))
        return self._groups[group]

    def _record(self, rel: str) -> list[str] | None:
        return self._records(_group(rel)).get(rel)

    def _save(self, done: Mapping[str, list[str] | None]) -> None:
        groups = set()
        for rel, rec in done.items():
            records = self._records(_group(rel))
            if rec is None:
                records.pop(rel, None)
            else:
                records[rel] = rec
            groups.add(_group(rel))
        for group in sorted(groups):
            self.records.save(group, self._groups[group])

    # --- errors -----------------------------------------------------------------
    def _error(self, rel: str, err: Exception) -> OutputError:
        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            EndpointConnectionError,
            NoCredentialsError,
            ReadTimeoutError,
        )

        where = f"{self.cfg.url}{rel}"
        endpoint = self.cfg.endpoint_url or "of AWS"
        if isinstance(err, EndpointConnectionError):
            why = f"cannot reach the S3 endpoint {endpoint} (is it up?); the next run puts the rest"
        elif isinstance(err, (ConnectionClosedError, ReadTimeoutError)):
            why = (
                f"the S3 endpoint {endpoint} dropped the connection (is it up?);"
                " the next run puts the rest"
            )
        elif isinstance(err, NoCredentialsError):
            why = (
                "no S3 credentials (name their environment variables with output.access_key_id_env"
                " and output.secret_access_key_env)"
            )
        elif isinstance(err, ClientError):
            e = err.response.get("Error", {})
            why = f"{e.get('Code', 'error')} ({_status(err)}): {e.get('Message', '')}".rstrip(": ")
        else:
            why = str(err)
        return OutputError(f"cannot write output: {where}: {why}")

    # --- the Output seam --------------------------------------------------------
    def start(self, *, takeover: bool) -> None:
        """Begin a run; the store is probed for conditional writes at the first upload
        (a run with nothing to put sends no PUT at all)."""
        self.takeover = takeover

    def _probed(self) -> bool:
        if self.conditional is None:
            self.conditional = self._probe()
            if self.conditional:
                log.info(
                    "output %s: conditional writes supported: a stale writer is fenced", self.where
                )
            else:
                log.warning(
                    "output %s: the store ignores conditional writes (If-Match): a stale"
                    " writer is not fenced",
                    self.where,
                )
        return self.conditional

    def _probe(self) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.cfg.prefix + PROBE_KEY
        try:
            self.client.put_object(
                Bucket=self.cfg.bucket,
                Key=key,
                Body=b"syndicate probe\n",
                ContentType="text/plain",
                CacheControl="no-store",
            )
        except (ClientError, BotoCoreError) as err:
            raise self._error(PROBE_KEY, err) from err
        try:
            self.client.put_object(
                Bucket=self.cfg.bucket,
                Key=key,
                Body=b"syndicate probe\n",
                ContentType="text/plain",
                CacheControl="no-store",
                IfMatch=_NO_ETAG,
            )
        except ClientError as err:
            return _status(err) == 412
        except BotoCoreError as err:
            raise self._error(PROBE_KEY, err) from err
        return False

    def changed(self, files: Mapping[str, bytes]) -> list[str]:
        return [rel for rel, data in files.items() if self._differs(rel, _sha(data))]

    def _differs(self, rel: str, sha: str) -> bool:
        rec = self._record(rel)
        return rec is None or rec[0] != sha

    def _record_intents(self, bodies: Mapping[str, Body], todo: list[str]) -> None:
        """Before the PUTs: each object's intended ETag joins its record (saved)."""
        intents: dict[str, list[str] | None] = {}
        for rel in todo:
            rec = self._record(rel) or ["", ""]
            etag = bodies[rel].etag
            kept = [e for e in rec[2:] if e != etag][-(MAX_INTENTS - 1) :]
            intents[rel] = [rec[0], rec[1], *kept, etag]
        self._save(intents)

    def write(self, files: Mapping[str, bytes], *, batch: bool = False) -> list[str]:
        return self._put_all({rel: Body.of_bytes(data) for rel, data in files.items()}, batch)

    def upload(self, files: Mapping[str, Path], *, batch: bool = False) -> list[str]:
        """From the publish run's spool (the local folder), each file streamed from its
        path: hashed in chunks, skipped when its record holds that hash, else put."""
        bodies = {}
        for rel, path in files.items():
            try:
                bodies[rel] = Body.of_file(path)
            except OSError as err:
                raise OutputError(
                    f"cannot write output: {self.cfg.url}{rel}: cannot read its spool file"
                    f" {path}: {err.strerror or err}"
                ) from err
        return self._put_all(bodies, batch)

    def _put_all(self, bodies: Mapping[str, Body], batch: bool) -> list[str]:
        """Put every body whose hash the records lack, in order (``batch``: in parallel)."""
        todo = [rel for rel, body in bodies.items() if self._differs(rel, body.sha256)]
        if todo and self._probed():
            self._record_intents(bodies, todo)
        done: dict[str, list[str] | None] = {}
        failed: list[OutputError] = []
        stop = threading.Event()

        def put(rel: str) -> None:
            if stop.is_set():
                return
            try:
                etag = self._put(rel, bodies[rel])
            except OutputError as err:
                stop.set()
                failed.append(err)
                return
            with self._lock:
                done[rel] = [bodies[rel].sha256, etag]

        if batch and len(todo) > 1 and self.cfg.concurrency > 1:
            with ThreadPoolExecutor(self.cfg.concurrency, thread_name_prefix="s3put") as pool:
                list(pool.map(put, todo))
        else:
            for rel in todo:  # in order: the index after the feeds it lists
                put(rel)
        if done:
            crash_point("object-put")  # put, not yet recorded: the intents tell the next run
            self._save(done)
        if failed:
            raise failed[0]
        return todo

    def _put(self, rel: str, body: Body) -> str:
        try:
            stream = body.open()
        except OSError as err:
            raise self._error(rel, err) from err
        with stream:
            return self._put_stream(rel, body, stream)

    def _put_stream(self, rel: str, body: Body, stream: Any) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        args: dict[str, Any] = {
            "Bucket": self.cfg.bucket,
            "Key": self.cfg.prefix + rel,
            "Body": stream,
            "ContentLength": body.size,
            "ContentMD5": body.content_md5,
            "ContentType": content_type(rel),
            "CacheControl": cache_control(rel, self.max_age),
        }
        if self.conditional:
            rec = self._record(rel)
            if rec is not None and rec[1]:
                args["IfMatch"] = rec[1]
            else:
                args["IfNoneMatch"] = "*"
        try:
            with self._lock:
                self.puts += 1
            return str(self.client.put_object(**args)["ETag"])
        except ClientError as err:
            if _status(err) == 412:
                stream.seek(0)
                return self._on_conflict(rel, body, args)
            raise self._error(rel, err) from err
        except BotoCoreError as err:
            raise self._error(rel, err) from err

    def _on_conflict(self, rel: str, body: Body, args: dict[str, Any]) -> str:
        """412: the object is not the version this state recorded."""
        head = self._head(rel)
        md5 = body.etag
        if head is not None and head.get("ETag") == md5:
            return md5  # it already holds these bytes
        rec = self._record(rel) or []
        ours = head is not None and head.get("ETag") in rec[2:]  # a killed run of ours put it
        if not (ours or self.takeover):
            raise OutputError(
                f"cannot write output: {self.cfg.url}{rel}: the object changed since this state last"
                " wrote it (another publisher writes this bucket?); stopped rather than overwrite it."
                " If this host is the only publisher now, run `syndicate publish --rebuild`"
            )
        if not ours:
            log.warning(
                "output %s%s: replacing an object this state did not write (taking over)",
                self.cfg.url,
                rel,
            )
        args.pop("IfMatch", None)
        args.pop("IfNoneMatch", None)
        if head is not None:
            args["IfMatch"] = head["ETag"]
        return self._put_plain(rel, args)

    def _put_plain(self, rel: str, args: dict[str, Any]) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            with self._lock:
                self.puts += 1
            return str(self.client.put_object(**args)["ETag"])
        except (ClientError, BotoCoreError) as err:
            raise self._error(rel, err) from err

    def _head(self, rel: str) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.cfg.bucket, Key=self.cfg.prefix + rel
            )
            return head
        except ClientError as err:
            if _status(err) == 404:
                return None
            raise self._error(rel, err) from err
        except BotoCoreError as err:
            raise self._error(rel, err) from err

    def flush(self) -> None:
        """Nothing to do: a PUT that returned is durable in the store."""

    def remove(self, rels: Iterable[str]) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        removed: dict[str, list[str] | None] = {}
        try:
            for rel in rels:
                there = self._record(rel) is not None
                self.client.delete_object(Bucket=self.cfg.bucket, Key=self.cfg.prefix + rel)
                if there:
                    removed[rel] = None
        except (ClientError, BotoCoreError) as err:
            raise self._error(rel, err) from err
        finally:
            if removed:
                self._save(removed)
        return list(removed)

    def exists(self, rel: str) -> bool:
        return self._head(rel) is not None

    def in_place(self, files: Mapping[str, bytes]) -> list[tuple[str, int, int]]:
        out = []
        for rel, data in files.items():
            rec = self._record(rel)
            if rec is not None and rec[0] == _sha(data):
                out.append((rel, len(data), 0))
        return out

    def out_of_place(self, recorded: Mapping[str, tuple[int, int]]) -> bool:
        """HEAD each recorded feed-level file. One that is gone loses its record (it is
        put again); one whose ETag differs keeps its recorded ETag but not its hash, so
        it is written again under ``If-Match``: fenced like another writer's object,
        since a hand edit and another publisher look the same from here. The HEADs go
        ``concurrency`` at a time."""
        rels = list(recorded)
        with ThreadPoolExecutor(max(1, self.cfg.concurrency), thread_name_prefix="s3head") as pool:
            heads = dict(zip(rels, pool.map(self._head, rels), strict=True))
        out = False
        for rel, (size, _stamp) in recorded.items():
            head = heads[rel]
            rec = self._record(rel)
            if head is None or rec is None:
                self._records(_group(rel)).pop(rel, None)
                out = True
            elif head.get("ContentLength") != size or head.get("ETag") != rec[1]:
                rec[0] = ""
                out = True
        return out

    def sweep(self) -> int:
        return 0  # a PUT is all or nothing: a killed run leaves no partial object
