"""Build a source's API clients on first use, not when the source is declared.

Dagster declares one asset per dlt resource when the code location loads, long before (and
often without) any channel being configured; a source that built its clients in its body would
need real credentials just to be listed. Resources call the factory instead: the first call
builds the client(s), later calls share them, so every resource of one run still draws on one
rate budget.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def lazily(factory: Callable[[], T]) -> Callable[[], T]:
    return functools.cache(factory)
