"""Article and archive pages written to their temp files, optionally on background threads
while the publish thread renders the next batch.

Creating a file is the largest single cost of a cold publish on this project's VM
(ext4): ``strace -c`` of a cold 10k publish counted 13,587 ``openat`` calls taking
8.7 s of kernel time, 0.4-0.8 ms each, against 0.03 ms for a rename or a hard link
(issue 12). ``os.open`` and ``os.write`` release the GIL, so that kernel time can run
on a second core beside the rendering, which is pure Python.

Measured, it did not pay on this 2-core VM, so the default is no thread (:data:`THREADS`
= 0: the publish thread writes each temp itself, as before). A cold 10k publish (``time``,
alternating, same tree): no thread 18.6 and 22.7 s wall, 12.5 and 13.4 s user, 144 MB;
one thread 21.2 and 21.3 s wall, 16.2 and 15.8 s user, 179 MB; two threads added about 40%
system time (``strace -c``: 203,000 ``futex`` calls: the threads and the renderer trading
the GIL). The per-file create cost itself swung from 0.036 to 0.8 ms within one day on
the same disk. A machine with idle cores and a slower filesystem may differ: the
threads stay a parameter, tested with 0, 1 and 2.

Nothing about the commit changes: the pages are temps (``.syndicate-tmp-*``) that no
reader sees until :meth:`PageWriter.commit` waits for every write, makes them durable
with one ``os.sync()`` and renames them (writer.rename_pending); a killed run leaves
temps that the next run sweeps. The bytes waiting for a thread are bounded
(:data:`MAX_QUEUED_BYTES`): staging blocks when the threads fall behind. A write that
fails is reported by the next :meth:`~PageWriter.stage` or by :meth:`~PageWriter.commit`
as the same :class:`OutputError` a synchronous write gives.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .errors import OutputError
from .writer import (
    Pending,
    discard_pending,
    open_temp,
    rename_pending,
    same_bytes,
    temp_path,
    write_all,
)

THREADS = 0  # measured: a thread did not pay here (module doc); 1 or more to try elsewhere
MAX_QUEUED_BYTES = 32 << 20


class PageWriter:
    """Pages staged as temp files by background threads; renamed only by :meth:`commit`."""

    def __init__(self, out_dir: Path, *, threads: int = THREADS) -> None:
        self.out_dir = out_dir
        self.pending: Pending = {}  # target -> its temp, written or being written
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._inflight: dict[Path, Future[None]] = {}
        self._made: set[Path] = set()
        self._room = threading.Condition()
        self._queued = 0
        self._error: OSError | None = None

    def stage(self, files: Mapping[str, bytes]) -> list[str]:
        """Queue each changed file for its temp; return the changed paths (a file already
        pending counts as changed: the last bytes staged win)."""
        self._raise_failure()
        todo = [
            rel
            for rel, data in files.items()
            if (self.out_dir / rel) in self.pending or not same_bytes(self.out_dir / rel, data)
        ]
        try:
            for rel in todo:
                self._submit(self.out_dir / rel, files[rel])
        except OSError as err:  # a folder that cannot be made (or, with no threads, a file)
            self.discard()
            raise _output_error(err, self.out_dir) from err
        return todo

    def _submit(self, target: Path, data: bytes) -> None:
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        earlier = self._inflight.pop(target, None)
        if earlier is not None:  # the same temp twice: in order, or the older bytes could win
            earlier.result()
        if self._threads == 0:  # written here and now
            self.pending[target] = tmp = temp_path(target)
            write_all(open_temp(tmp), data)
            return
        with self._room:
            self._room.wait_for(lambda: self._queued == 0 or self._queued < MAX_QUEUED_BYTES)
            self._queued += len(data)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="syndicate-pages")
        self.pending[target] = tmp = temp_path(target)
        self._inflight[target] = self._pool.submit(self._write, tmp, data)

    def _write(self, tmp: Path, data: bytes) -> None:
        try:
            if self._error is None:
                write_all(open_temp(tmp), data)
        except OSError as err:
            self._error = self._error or err
        finally:
            with self._room:
                self._queued -= len(data)
                self._room.notify_all()

    def _wait(self) -> None:
        for future in self._inflight.values():
            future.result()
        self._inflight.clear()

    def _raise_failure(self) -> None:
        if self._error is not None:
            err = self._error
            self.discard()
            raise _output_error(err, self.out_dir) from err

    def commit(self) -> None:
        """Every staged page durable and renamed over its target (or an OutputError and
        none renamed)."""
        self._wait()
        self._raise_failure()
        rename_pending(self.out_dir, self.pending)
        self.close()

    def discard(self) -> None:
        """A failed run: wait for the threads, remove every temp; the targets keep their
        old bytes."""
        self._wait()
        discard_pending(self.pending)
        self._error = None
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


def _output_error(err: OSError, out_dir: Path) -> OutputError:
    return OutputError(f"cannot write output: {err.filename or out_dir}: {err.strerror}")


__all__ = ["MAX_QUEUED_BYTES", "THREADS", "PageWriter"]
