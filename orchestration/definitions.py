"""The Dagster code location: everything under `orchestration/defs/`, loaded by convention.

Definitions live in small modules in `defs/` (one folder per integration); this file only
points Dagster at that folder, as dagster-open-platform does.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
