"""What a bucket Output puts: a file's bytes held in memory (:meth:`Body.of_bytes`, the
Output's own ``write``) or a file in the publish run's spool, read as a stream
(:meth:`Body.of_file`, ``upload``; issue 10). Either way its SHA-256 (the record that
skips unchanged files), its MD5 (the ETag a single PUT gets, and ``Content-MD5``, so the
store refuses bytes that are not the ones hashed) and its size are known before the PUT.

A spool file is read twice: once here in 1 MiB chunks for the digests, once by the PUT
(botocore streams a seekable body; its own checksum and signature pass read it in chunks
too). At item limit "all" a combined feed is tens of MiB per format; reading it whole,
as the uploads did before, held it (and botocore's copies) in memory for the PUT.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """One object's content and its digests; ``data`` or ``path`` holds the bytes."""

    sha256: str  # hex
    md5: bytes  # binary digest
    size: int
    data: bytes | None = None
    path: Path | None = None

    @classmethod
    def of_bytes(cls, data: bytes) -> Body:
        return cls(
            sha256=hashlib.sha256(data).hexdigest(),
            md5=hashlib.md5(data, usedforsecurity=False).digest(),
            size=len(data),
            data=data,
        )

    @classmethod
    def of_file(cls, path: Path) -> Body:
        """Digests of a spool file, read in chunks (raises OSError)."""
        sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                sha.update(chunk)
                md5.update(chunk)
                size += len(chunk)
        return cls(sha256=sha.hexdigest(), md5=md5.digest(), size=size, path=path)

    @property
    def etag(self) -> str:
        """The ETag S3 gives a single PUT of these bytes (quoted hex MD5)."""
        return f'"{self.md5.hex()}"'

    @property
    def content_md5(self) -> str:
        """The ``Content-MD5`` header value (base64 of the binary digest, RFC 1864)."""
        return base64.b64encode(self.md5).decode()

    def open(self) -> BinaryIO:
        """A fresh stream of the bytes (the caller closes it; raises OSError)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")  # noqa: SIM115 - the caller's with block closes it


__all__ = ["CHUNK", "Body"]
