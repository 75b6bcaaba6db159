"""Where the installation's rules live: the dbt project's seeds, or a directory of its own.

The seeds (order statuses, allocation rules, SKU overrides, bundles, safety stock, FX rates)
are a brand's own configuration. By default they are the CSV files in `dbt_project/seeds/`,
reviewed like code; `TRIBUTARY_SEEDS_DIR` points dbt (`seed-paths` in dbt_project.yml) and the
fast path (which maps order statuses by the same file) at another directory holding the same
files, so an installation keeps its rules out of Tributary's checkout. Their column types and
tests stay with the project (`models/rules/_rules__seeds.yml`), whichever directory is used.
"""

from __future__ import annotations

import os
from pathlib import Path

SEEDS_DIR_ENV = "TRIBUTARY_SEEDS_DIR"
DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def seeds_dir() -> Path:
    """The rules directory; a relative TRIBUTARY_SEEDS_DIR is read as dbt reads it, from the
    dbt project's directory."""
    configured = os.environ.get(SEEDS_DIR_ENV)
    if not configured:
        return DBT_PROJECT_DIR / "seeds"
    return DBT_PROJECT_DIR / configured  # an absolute path stays as it is
