"""Environment variables set for a block of benchmark code, then put back as they were.

The platform reads its places (warehouse, channels file, event store, rule set) from the
environment, as a deployment sets them. A benchmark that runs the platform in its own process
points it at a scratch directory for a while; whatever the caller had set must come back
afterwards, or one strategy's warehouse would leak into the next one's run.
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
