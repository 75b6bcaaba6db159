"""The Dagster code location loads from `orchestration/defs/` (the layout later issues fill)."""

from __future__ import annotations

import dagster as dg

from orchestration.definitions import defs


def test_definitions_load_from_the_defs_folder() -> None:
    loaded = defs()
    assert isinstance(loaded, dg.Definitions)
