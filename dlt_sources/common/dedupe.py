"""Within one run, each record once: pages that overlap (offset drift, retried cursors) must
not turn into duplicate rows in snapshot tables, where no merge key would catch them."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any


class Once:
    def __init__(self, key: Callable[[dict[str, Any]], Hashable]) -> None:
        self._key = key
        self._seen: set[Hashable] = set()
        self.repeats = 0

    def fresh(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for record in records:
            key = self._key(record)
            if key in self._seen:
                self.repeats += 1
                continue
            self._seen.add(key)
            kept.append(record)
        return kept
