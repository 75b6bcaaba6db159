"""Environment variables set for a block of code, then put back as they were.

The platform reads its places (warehouse, channels file, event store, rule set) from the
environment, as a deployment sets them, and dbt's child processes inherit them. Code that
points the platform at another place for a while (a Dagster run at its resource's warehouse,
a benchmark at a scratch directory) must give back whatever the caller had set, or one run's
warehouse would leak into the next one's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environment_set(values: Mapping[str, str]) -> Iterator[None]:
    """Set `values` in os.environ for the block; afterwards each name has its old value again,
    or is gone if it was not set before."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
