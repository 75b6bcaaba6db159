"""Running the dbt project (`dbt_project/`) against a warehouse, from Python.

One place knows where the project lives, which warehouse it builds and how to read what
happened: the `tributary transform` command, the tests and the benchmarks call it; the Dagster
assets (dagster-dbt) run the same project. dbt runs in a child process, so each build starts
from clean adapter state and a failing build cannot leave this process half-configured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlt_sources.common.pipeline import WAREHOUSE_ENV, warehouse_path

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


@dataclass(frozen=True)
class NodeResult:
    """One model, seed, test or unit test of a dbt invocation."""

    unique_id: str
    status: str
    seconds: float
    message: str | None
    failures: int | None

    @property
    def name(self) -> str:
        return self.unique_id.split(".", 2)[-1]

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


@dataclass
class DbtRun:
    """What one `dbt` invocation did: exit code, wall time and every node's result.

    elapsed_s is the process's wall time; dbt_elapsed_s what dbt reports for running the
    nodes, without its interpreter start and project load (about 4 s on a 2-core machine)."""

    command: list[str]
    returncode: int
    elapsed_s: float
    output: str
    target_path: Path
    results: list[NodeResult] = field(default_factory=list)
    dbt_elapsed_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def failures(self) -> list[NodeResult]:
        return [result for result in self.results if result.failed]

    @property
    def warnings(self) -> list[NodeResult]:
        return [result for result in self.results if result.status == "warn"]

    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = {}
        for result in self.results:
            tally[result.status] = tally.get(result.status, 0) + 1
        return tally

    def explain(self) -> str:
        """Each failure with its message, or dbt's own output when it failed before any node."""
        if not self.failures:
            return self.output[-4000:]
        return describe_failures(self.failures)


def run_dbt(
    arguments: Sequence[str],
    *,
    warehouse: Path | None = None,
    target_path: Path | None = None,
    variables: Mapping[str, Any] | None = None,
    threads: int | None = None,
) -> DbtRun:
    """Run `dbt <arguments>` on the project against `warehouse` (default: the platform's).

    `target_path` keeps manifests and run results apart when several builds run side by side
    (tests, benchmarks); by default they land in dbt_project/target as dbt's do.
    """
    target = target_path or DBT_PROJECT_DIR / "target"
    command = [
        str(Path(sys.executable).with_name("dbt")),
        *arguments,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target),
        "--log-path", str(target / "logs"),
    ]  # fmt: skip
    if variables:
        command += ["--vars", json.dumps(dict(variables))]
    environment = dict(os.environ)
    environment[WAREHOUSE_ENV] = str((warehouse or warehouse_path()).resolve())
    if threads is not None:
        environment["TRIBUTARY_DBT_THREADS"] = str(threads)
    results_file = target / "run_results.json"
    results_file.unlink(missing_ok=True)  # never report a previous invocation's results
    started = time.perf_counter()
    finished = subprocess.run(  # noqa: S603 - our own dbt executable and arguments
        command,
        capture_output=True,
        text=True,
        env=environment,
        cwd=DBT_PROJECT_DIR,  # dbt-duckdb reads seed files relative to the working directory
        check=False,
    )
    run = DbtRun(
        command=command,
        returncode=finished.returncode,
        elapsed_s=time.perf_counter() - started,
        output=finished.stdout + finished.stderr,
        target_path=target,
    )
    if results_file.exists():
        document = json.loads(results_file.read_text())
        run.results = read_results(document)
        run.dbt_elapsed_s = float(document.get("elapsed_time") or 0.0)
    return run


def read_results(document: Mapping[str, Any]) -> list[NodeResult]:
    return [
        NodeResult(
            unique_id=item["unique_id"],
            status=str(item["status"]).lower(),
            seconds=float(item.get("execution_time") or 0.0),
            message=item.get("message"),
            failures=item.get("failures"),
        )
        for item in document.get("results", [])
    ]


def describe_failures(results: Sequence[NodeResult]) -> str:
    """One line per failed node: name, status, failing rows and dbt's message."""
    return "\n".join(
        f"{result.name}: {result.status}"
        + (f" ({result.failures} rows)" if result.failures else "")
        + (f" - {result.message}" if result.message else "")
        for result in results
        if result.failed
    )


def prepare_manifest() -> DbtRun:
    """Parse the project into dbt_project/target/manifest.json, the file Dagster loads the
    dbt assets from; raises with dbt's output when the project does not parse."""
    run = run_dbt(["parse"])
    if not run.ok:
        raise RuntimeError(f"dbt parse failed:\n{run.output[-4000:]}")
    return run
