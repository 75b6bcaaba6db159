"""The dbt project as Dagster sees it, and the manifest it is read from.

The manifest is prepared before the code location loads (`make manifest`, which every make
target that starts Dagster runs first, and the test fixtures), never parsed at import: parsing
takes seconds and would run in every process Dagster starts for a step.
"""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.transform import DBT_PROJECT_DIR

PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class ManifestMissingError(FileNotFoundError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"dbt manifest {path} is missing: prepare it with `make manifest` "
            "(or `uv run tributary transform --parse`) before loading the Dagster definitions"
        )


def manifest_path() -> Path:
    path = Path(PROJECT.manifest_path)
    if not path.exists():
        raise ManifestMissingError(path)
    return path
