"""A growable, typed column store.

History is generated in bulk with numpy; live mode appends a few rows at a time. Keeping each
attribute in its own numpy array (rather than a dict per order) is what lets a two-million-order
world fit in a few hundred MB and be filtered in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

NEVER = np.iinfo(np.int64).max  # timestamp of an event that has not been scheduled


class Columns:
    """Named numpy columns of equal length with amortised O(1) appends."""

    def __init__(self, dtypes: Mapping[str, np.dtype | type], capacity: int = 1024) -> None:
        self._dtypes = {name: np.dtype(dtype) for name, dtype in dtypes.items()}
        self._data = {name: np.zeros(capacity, dtype) for name, dtype in self._dtypes.items()}
        self._size = 0

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Columns:
        """Adopt existing arrays without copying; the first append grows them."""
        lengths = {len(values) for values in arrays.values()}
        if len(lengths) != 1:
            raise ValueError(
                f"columns differ in length: { {k: len(v) for k, v in arrays.items()} }"
            )
        store = cls({name: values.dtype for name, values in arrays.items()}, capacity=0)
        store._data = {name: np.ascontiguousarray(values) for name, values in arrays.items()}
        store._size = lengths.pop()
        return store

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, name: str) -> np.ndarray:
        """A view of the live rows of one column (writes go through to the store)."""
        return self._data[name][: self._size]

    def names(self) -> list[str]:
        return list(self._dtypes)

    def append(self, rows: Mapping[str, np.ndarray | list[int] | list[float]]) -> range:
        """Append rows given as equal-length column values; returns the new row indices."""
        count = len(next(iter(rows.values())))
        missing = set(self._dtypes) - set(rows)
        if missing:
            raise ValueError(f"append is missing columns {sorted(missing)}")
        self._reserve(self._size + count)
        for name in self._dtypes:
            self._data[name][self._size : self._size + count] = rows[name]
        start = self._size
        self._size += count
        return range(start, self._size)

    def nbytes(self) -> int:
        return sum(values.nbytes for values in self._data.values())

    def _reserve(self, needed: int) -> None:
        capacity = len(next(iter(self._data.values()))) if self._data else 0
        if needed <= capacity:
            return
        # Grow by a quarter: a two-million-row table must not double on its first live order.
        new_capacity = max(needed, capacity + capacity // 4, 1024)
        for name, values in self._data.items():
            grown = np.zeros(new_capacity, values.dtype)
            grown[: self._size] = values[: self._size]
            self._data[name] = grown
