"""Article and archive pages staged as temp files during a run, renamed all at once
before the feeds (:meth:`PageWriter.commit`).

Nothing is in place until then: the pages are temps (``.syndicate-tmp-*``) that no
reader sees until commit makes them durable (one ``os.sync()``, or an fsync each when
few: writer.rename_pending) and renames them; a killed run leaves temps that the next
run sweeps, and a failed run discards them (their targets keep their old bytes).

Creating a file is the largest single cost of a cold publish on this project's VM
(ext4): ``strace -c`` of a cold 10k publish counted 13,587 ``openat`` calls taking
8.7 s of kernel time. Writing the temps on background threads, beside the rendering,
was built and measured (issue 12, commits 3b227a5..77ffabe) and did not pay on 2 cores:
one thread cost 3-4 s more user time and 35 MB for no wall-time gain (the threads and
the renderer traded the GIL: 203,000 ``futex`` calls with two), so the temps are written
here, by the publish thread.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputError
from .writer import (
    Pending,
    discard_pending,
    open_temp,
    rename_pending,
    same_bytes,
    temp_name,
    write_all,
)


class PageWriter:
    """Pages staged as temp files; renamed only by :meth:`commit`."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._root = os.fspath(out_dir)
        self.pending: Pending = {}  # targets, as strings: a cold run stages every page
        self._made: set[str] = set()

    def stage(self, files: Mapping[str, bytes]) -> list[str]:
        """Write each changed file to its temp; return the changed paths (a file already
        pending counts as changed: the last bytes staged win)."""
        targets = {rel: f"{self._root}/{rel}" for rel in files}
        todo = [
            rel
            for rel, data in files.items()
            if targets[rel] in self.pending or not same_bytes(targets[rel], data)
        ]
        try:
            for rel in todo:
                target = targets[rel]
                folder = os.path.dirname(target)
                if folder not in self._made:
                    os.makedirs(folder, exist_ok=True)
                    self._made.add(folder)
                self.pending[target] = None
                write_all(open_temp(temp_name(target)), files[rel])
        except OSError as err:
            self.discard()
            raise OutputError(
                f"cannot write output: {err.filename or self.out_dir}: {err.strerror}"
            ) from err
        return todo

    def commit(self) -> None:
        """Every staged page durable and renamed over its target (or an OutputError and
        none renamed)."""
        rename_pending(self.out_dir, self.pending)

    def discard(self) -> None:
        """A failed run: remove every temp; the targets keep their old bytes."""
        discard_pending(self.pending)


__all__ = ["PageWriter"]
