"""Where published files go: the ``Output`` seam and the two places that implement it.

* :mod:`syndicate.output.local` — a folder on this host (the default): atomic writes
  through :mod:`syndicate.writer`.
* :mod:`syndicate.output.s3` — an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 ...):
  one PUT per file with ``Content-Type`` and ``Cache-Control``, boto3 (extra ``s3``).

``output.url`` in the config picks one (:func:`open_output`): a folder (as ``output.dir``
always did) or ``s3://bucket/prefix``. The publish run talks to ``Output`` only, in the
order its docstring fixes (pages, then feeds, then the index): every backend runs the
same steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..config import Config

# Cache-Control per kind of file, as `syndicate serve` sends it (docs/scale.md, "Serving
# a bucket through a CDN"): ``serve.max_age`` (5 minutes by default) for what changes
# whenever an article comes in (feeds, section and index pages, the OPML list) and for
# article pages (an edit or a withdrawal should show within minutes); a day at least for
# RFC 5005 archive pages, which change only when one of their items is edited.
DEFAULT_MAX_AGE = 300
FEED_CACHE_CONTROL = f"public, max-age={DEFAULT_MAX_AGE}"
ARCHIVE_CACHE_CONTROL = "public, max-age=86400"


def cache_control(rel: str, max_age: int = DEFAULT_MAX_AGE) -> str:
    """The Cache-Control of an output file, as ``syndicate serve`` sends it."""
    from ..render.archive import is_archive_path
    from ..serve import ARCHIVE_MAX_AGE

    return f"public, max-age={max(max_age, ARCHIVE_MAX_AGE) if is_archive_path(rel) else max_age}"


class Output(Protocol):
    """A place that holds the published files, addressed by paths relative to its root
    ("news/feed.xml"). Every method raises :class:`~syndicate.errors.OutputError`
    (message "cannot write output: <where>: <why>") and nothing else on purpose."""

    @property
    def where(self) -> str:
        """The root, for messages and logs (a folder, or ``s3://bucket/prefix``)."""
        ...

    def start(self, *, takeover: bool) -> None:
        """Begin a run. ``takeover`` (``--rebuild``): files another writer changed since
        they were recorded are replaced (logged), not refused."""
        ...

    def changed(self, files: Mapping[str, bytes]) -> list[str]:
        """The paths whose bytes differ from what this output holds (a dry run's answer)."""
        ...

    def write(self, files: Mapping[str, bytes], *, batch: bool = False) -> list[str]:
        """Put every changed file, in the given order; return the changed paths. A file
        is either its old version or its new one whatever happens; on failure the files
        not yet put keep their old version. ``batch``: files that may land in any order
        among themselves (article pages); call :meth:`flush` before anything linking to
        them is written."""
        ...

    def flush(self) -> None:
        """Make every batch written so far durable."""
        ...

    def upload(self, files: Mapping[str, Path], *, batch: bool = False) -> list[str]:
        """The publish run's hand-over: ``files`` maps each path to the file that holds
        it, already written (durable or about to be) in the local folder
        (``output.dir``). Put those this output does not hold yet where readers get
        them, as :meth:`write` does, reading each from its file as a stream (a feed of
        every article is tens of MiB); return the paths put. The folder itself holds
        them already (nothing to do); a bucket PUTs them. Raises OutputError also when a
        file cannot be read."""
        ...

    def remove(self, rels: Iterable[str]) -> list[str]:
        """Delete these files; return the ones that were there."""
        ...

    def exists(self, rel: str) -> bool: ...

    def in_place(self, files: Mapping[str, bytes]) -> list[tuple[str, int, int]]:
        """(path, size, stamp) of those of ``files`` now in place; the stamp changes when the file is
        replaced behind our back (a folder's mtime; 0 where the store has none)."""
        ...

    def out_of_place(self, recorded: Mapping[str, tuple[int, int]]) -> bool:
        """True when a file recorded by :meth:`in_place` is gone or was changed."""
        ...

    def sweep(self) -> int:
        """Remove what a killed run left behind (temp files); call holding the state lock."""
        ...


class ObjectRecords(Protocol):
    """What an output without cheap reads (a bucket) remembers about the objects it
    wrote: per group (a folder), {path: [sha256, etag]}. Kept in the state store, so
    unchanged files are found without listing or reading the bucket."""

    def load(self, group: str) -> dict[str, list[str]]: ...

    def save(self, group: str, records: Mapping[str, list[str]]) -> None: ...


def open_output(config: Config, records: ObjectRecords) -> Output:
    """The output ``config.output.url`` names (a folder unless it is ``s3://``)."""
    if config.output.s3 is not None:
        from .s3 import S3Output

        return S3Output(config.output.s3, records, max_age=config.serve.max_age)
    from .local import LocalOutput

    return LocalOutput(config.output.dir)


__all__ = [
    "ARCHIVE_CACHE_CONTROL",
    "DEFAULT_MAX_AGE",
    "FEED_CACHE_CONTROL",
    "ObjectRecords",
    "Output",
    "cache_control",
    "open_output",
]
