"""Tributary as shipped: its Dagster jobs, schedules and stock sensor, run in-process.

The benchmark plays the Dagster daemon on world time: the schedules' own cron strings give the
ticks (`refresh` every 15 minutes, `reconcile` at 03:00), the real `stock_moved` sensor is
evaluated every 60 world seconds against the 3PL, and the runs they request execute one at a
time in request order, as the `tributary/pipeline` run queue limit has them. Each run is the
code location's job executed in-process, with every asset check, every blocking check and
every push guard it ships with. Only the ticks are played; nothing of the pipeline is.

The warehouse starts from `bootstrap`: the first full load of the same seed's world, taken
on a twin sandbox without rate limits (Amazon's getOrderItems alone would make that first load
last half an hour under the real limits), with the rules the merchant has entered by then
(benchmarks.oversell.merchant_rules). It is the state a brand running Tributary is in when
the scenario starts; every run of the scenario meets the real limits.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import dagster as dg
from dagster._utils.schedules import cron_string_iterator

from benchmarks.oversell.merchant_rules import write_merchant_rules
from benchmarks.oversell.strategies import Action, ActionLog
from benchmarks.oversell.world import StrategyWorld
from channels.budget import forget_budgets
from core.environment import environment_set
from core.rules import SEEDS_DIR_ENV
from orchestration.definitions import defs
from orchestration.defs.automation.schedules import reconcile_schedule, refresh_schedule
from orchestration.defs.automation.sensors import stock_moved
from orchestration.resources.channels import ChannelsResource
from orchestration.transform import DBT_PROJECT_DIR, prepare_manifest

SENSOR_SECONDS = stock_moved.minimum_interval_seconds or 60
INSTANCE_YAML = DBT_PROJECT_DIR.parent / "orchestration" / "dagster.yaml"
RUN_LOGS = Path(tempfile.gettempdir()) / "tributary-oversell-logs"


@contextmanager
def logged_to(path: Path) -> Iterator[None]:
    """A run's Dagster log and push plans go to a file, so the benchmark prints only figures."""
    with path.open("a") as log, redirect_stdout(log), redirect_stderr(log):
        yield


def pointed_at(directory: Path) -> AbstractContextManager[None]:
    """The platform's environment aimed at one working directory, restored afterwards."""
    return environment_set(
        {
            "TRIBUTARY_WAREHOUSE": str(directory / "warehouse.duckdb"),
            "TRIBUTARY_CHANNELS_FILE": str(directory / "channels.json"),
            "TRIBUTARY_PIPELINES_DIR": str(directory / "pipelines"),
            SEEDS_DIR_ENV: str(directory / "rules"),
        }
    )


def bootstrap(seed: int, scale: str) -> Path:
    """The first full load of the world, on a twin sandbox without rate limits."""
    directory = Path(tempfile.mkdtemp(prefix="tributary-oversell-"))
    twin = StrategyWorld(seed, scale, rate_limits=False)
    try:
        (directory / "channels.json").write_text(json.dumps(twin.manifest))
        write_merchant_rules(twin, directory / "rules")
        with (
            pointed_at(directory),
            logged_to(directory / "bootstrap.log"),
            dg.DagsterInstance.ephemeral() as instance,
        ):
            prepare_manifest()  # parsed with the rules directory the runs build with
            forget_budgets()
            result = (
                defs()
                .resolve_job_def("refresh")
                .execute_in_process(instance=instance, raise_on_error=False)
            )
        if not result.success:
            raise RuntimeError(f"the bootstrap refresh failed; see {directory / 'bootstrap.log'}")
    finally:
        twin.close()
        forget_budgets()
    return directory


class Tributary:
    name = "Tributary"

    def __init__(self, bootstrapped: Path) -> None:
        self.log = ActionLog()
        self._bootstrapped = bootstrapped
        self._queue: list[str] = []
        self._cursor: str | None = None

    def prepare(self, world: StrategyWorld) -> None:
        RUN_LOGS.mkdir(exist_ok=True)
        self._directory = Path(tempfile.mkdtemp(prefix="tributary-oversell-run-"))
        shutil.copytree(self._bootstrapped, self._directory, dirs_exist_ok=True)
        self.log_path = RUN_LOGS / f"{self._directory.name}.log"
        (self._directory / "channels.json").write_text(json.dumps(world.manifest))
        self._environment = pointed_at(self._directory)
        self._environment.__enter__()
        self._instance = dg.DagsterInstance.ephemeral()
        self._definitions = defs()
        now = world.now()
        self._refresh_ticks = self._ticks(refresh_schedule, now)
        self._reconcile_ticks = self._ticks(reconcile_schedule, now)
        self._next_refresh = now  # the schedule has been running; a refresh starts the window
        self._next_reconcile = next(self._reconcile_ticks)
        self._evaluate_sensor()  # sets the cursor: watching from now
        self._next_sensor = now + SENSOR_SECONDS

    @staticmethod
    def _ticks(schedule: dg.ScheduleDefinition, after: float) -> Iterator[float]:
        cron = schedule.cron_schedule
        assert isinstance(cron, str)
        for moment in cron_string_iterator(after + 1, cron, schedule.execution_timezone):
            yield moment.timestamp()

    def next_due(self) -> float:
        if self._queue:
            return -1.0  # runs waiting: start the next one now
        return min(self._next_refresh, self._next_reconcile, self._next_sensor)

    def act(self, world: StrategyWorld) -> None:
        now = world.now()
        if now >= self._next_refresh:
            self._queue.append("refresh")
            self._next_refresh = next(self._refresh_ticks)
        if now >= self._next_reconcile:
            self._queue.append("reconcile")
            self._next_reconcile = next(self._reconcile_ticks)
        if now >= self._next_sensor:
            if self._evaluate_sensor():
                self._queue.append("stock_fast_path")
            self._next_sensor = now + SENSOR_SECONDS
        if self._queue:
            self._run(world, self._queue.pop(0))

    def _evaluate_sensor(self) -> bool:
        """One tick of the real sensor; True when it requests a run."""
        context = dg.build_sensor_context(
            cursor=self._cursor, resources={"channels": ChannelsResource()}
        )
        result = stock_moved(context)
        if isinstance(result, dg.SensorResult):
            self._cursor = result.cursor
            return bool(result.run_requests)
        return False

    def _run(self, world: StrategyWorld, job: str) -> None:
        started_world, started = world.now(), time.perf_counter()
        forget_budgets()  # a run is a fresh process in production: its own rate budgets
        with logged_to(self.log_path):
            result = self._definitions.resolve_job_def(job).execute_in_process(
                instance=self._instance, raise_on_error=False
            )
        failed_steps = sorted(
            event.step_key or "?" for event in result.all_events if event.is_step_failure
        )
        self.log.add(
            Action(
                job,
                started_world,
                time.perf_counter() - started,
                result.success,
                f"failed: {', '.join(failed_steps)}" if failed_steps else "",
            )
        )

    def busy(self, world: StrategyWorld) -> bool:
        return False  # its runs are its actions

    def close(self) -> None:
        self._instance.dispose()
        self._environment.__exit__(None, None, None)
        shutil.rmtree(self._directory, ignore_errors=True)
        forget_budgets()
