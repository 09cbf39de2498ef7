""":class:`~syndicate.output.ObjectRecords` in the state's meta table: what a bucket
output remembers of the objects it wrote (sha256 and ETag per path), so that unchanged
files are found without listing or reading the bucket."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..state import StateStore


class MetaRecords:
    """Kept in the state's meta table, one JSON
    value per output and folder (``output-objects:<url>:<folder>``), each saved in its
    own transaction after the uploads it describes returned."""

    def __init__(self, store: StateStore, where: str):
        self.store = store
        self.where = where

    def _key(self, group: str) -> str:
        return f"output-objects:{self.where}:{group}"

    def load(self, group: str) -> dict[str, list[str]]:
        value = self.store.get_meta(self._key(group))
        return dict(json.loads(value)) if value else {}

    def save(self, group: str, records: Mapping[str, list[str]]) -> None:
        with self.store.transaction():
            self.store.set_meta(
                self._key(group), json.dumps(records, sort_keys=True, separators=(",", ":"))
            )
