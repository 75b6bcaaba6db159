"""The Dagster code location: everything under `orchestration/defs/`, loaded by convention.

Definitions live in small modules in `defs/` (one folder per integration); this file only
points Dagster at that folder, as dagster-open-platform does, and says how every run executes
its steps (STEP_PROCESSES).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

# A process per step (a step that crashes or is killed fails alone), forked from one that
# has imported and built everything already: orchestration/step_server.py says why.
STEP_PROCESSES = dg.multiprocess_executor.configured(
    {"start_method": {"forkserver": {"preload_modules": ["orchestration.step_server"]}}},
    name="step_processes",
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(executor=STEP_PROCESSES),
    )
