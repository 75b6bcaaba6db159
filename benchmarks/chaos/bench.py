"""The benchmark's working state: one world, one private working directory, every run made.

The platform is driven only through its CLI, in child processes pointed at the working
directory (warehouse, dlt pipelines, Dagster instance, channels file), exactly as an operator
or a scheduler would. Everything the checks need to remember between trials lives here: what
normal runs of each stage looked like (for drawing kill points), every normal run (for the
failures a lock caused), whether the world moved since the last full run, and the marts'
fingerprints per world state (for "identical to the last build of this world").
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from benchmarks.chaos.killpoints import KillPoint, Observed
from benchmarks.chaos.marts import Fingerprints
from benchmarks.chaos.processes import Finished, Runner
from benchmarks.chaos.readers import ReaderFigures, Readers
from benchmarks.chaos.world import ChaosWorld
from core.secrets import SALT_ENV
from core.warehouse import Warehouse
from orchestration.transform import DBT_PROJECT_DIR, TARGET_PATH_ENV

INSTANCE_YAML = DBT_PROJECT_DIR.parent / "orchestration" / "dagster.yaml"
CLI_STAGES = ("ingest", "transform", "push")
# Upper bounds on one normal run; a run past them is killed and counted as a failure, so a
# hung pipeline costs the benchmark a figure, not the night.
TIMEOUT_S = {"ingest": 900.0, "transform": 900.0, "push": 900.0, "refresh": 900.0}
# A lock held past this fails the waiting run (the platform's default is 30 min): long enough
# for any normal wait here, short enough that a leaked lock shows in a trial's figures.
LOCK_WAIT_S = "600"


class Bench:
    """A world, a working directory and the runs made against them."""

    def __init__(self, seed: int, scale: str, directory: Path, *, readers: bool = True) -> None:
        self.seed = seed
        self.scale = scale
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.world = ChaosWorld(seed, scale)
        self.channels_file = directory / "channels.json"
        self.channels_file.write_text(json.dumps(self.world.manifest))
        self.warehouse = directory / "warehouse.duckdb"
        self.dagster_home = directory / "dagster"
        self.dagster_home.mkdir(exist_ok=True)
        shutil.copy(INSTANCE_YAML, self.dagster_home / "dagster.yaml")
        # One PII salt for every process of the benchmark, this one included (the clean
        # builds run dbt from here): customer ids are salted hashes and must be comparable.
        os.environ.setdefault(SALT_ENV, secrets.token_hex(16))
        self.environment = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "TRIBUTARY_WAREHOUSE": str(self.warehouse),
            "TRIBUTARY_PIPELINES_DIR": str(directory / "pipelines"),
            "TRIBUTARY_CHANNELS_FILE": str(self.channels_file),
            "DAGSTER_HOME": str(self.dagster_home),
            "TRIBUTARY_LOCK_WAIT_S": LOCK_WAIT_S,
            # dbt's artifacts apart from the checkout's, so benchmarks can run side by side.
            TARGET_PATH_ENV: str(directory / "dbt-target"),
        }
        self.runner = Runner(self.environment, self.warehouse, directory / "logs")
        self.observed = Observed()
        self.normal_runs: list[Finished] = []
        self.references: dict[tuple[str, int], Fingerprints] = {}
        self.moved_since_full_run = True  # nothing has run yet
        self.used_dagster = False
        self._readers = (
            Readers(self.warehouse, Warehouse(self.warehouse).serving_path, directory / "readers")
            if readers
            else None
        )
        self.reader_figures: dict[str, ReaderFigures] = {}

    def readers_so_far(self) -> dict[str, ReaderFigures]:
        return self._readers.current() if self._readers is not None else self.reader_figures

    def close(self) -> None:
        if self._readers is not None:
            self.reader_figures = self._readers.stop()
            self._readers = None
        self.world.close()

    def arguments(self, stage: str, channels_file: Path | None = None) -> list[str]:
        config = ["--config", str(channels_file or self.channels_file)]
        return {
            "ingest": ["ingest", *config],
            "transform": ["transform"],
            "push": ["push", *config],
            "refresh": ["run", "--job", "refresh"],
        }[stage]

    def run(
        self,
        stage: str,
        *,
        kill: KillPoint | None = None,
        label: str = "",
        channels_file: Path | None = None,
    ) -> Finished:
        """Run `stage` through the CLI; normal runs are remembered (and teach the drawer)."""
        self.used_dagster = self.used_dagster or stage == "refresh"
        finished = self.runner.run(
            stage,
            self.arguments(stage, channels_file),
            kill=kill,
            timeout_s=TIMEOUT_S[stage],
            label=label,
        )
        if kill is None:
            self.normal_runs.append(finished)
            if finished.ok and channels_file is None:
                self.observed.saw(stage, finished.seconds, finished.wal_episodes)
        return finished

    def full_run(self, label: str) -> list[Finished]:
        """Ingest, build and push, one after another, as a cron job of the CLI would."""
        runs = [self.run(stage, label=label) for stage in CLI_STAGES]
        if all(run.ok for run in runs):
            self.moved_since_full_run = False
        return runs

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working warehouse, read-only, with no writer meanwhile (Tributary's reader lock,
        and retries while the misbehaving dashboard holds the file)."""
        with Warehouse(self.warehouse).reader("chaos benchmark checks") as connection:
            yield connection

    def lock_failures(self) -> list[Finished]:
        return [run for run in self.normal_runs if run.blamed_on_a_lock()]
