"""Running the dbt project (`dbt_project/`) against a warehouse, from Python.

One place knows where the project lives, which warehouse it builds and how to read what
happened: the `tributary transform` command, the tests and the benchmarks call it; the Dagster
assets (dagster-dbt) run the same project. dbt runs in a child process, so each build starts
from clean adapter state and a failing build cannot leave this process half-configured; the
child dies with its parent, so a killed `tributary transform` never leaves dbt holding the
warehouse.

A command that opens the warehouse holds its writer lock for the whole invocation (dbt keeps
one connection open from start to end), and a warehouse another program holds open (a BI tool
on the working file) is waited out: the invocation is retried, logged, until the lock wait
runs out. dbt gets the installation's PII salt in its environment, never in its SQL.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.locks import default_wait_s
from core.processes import die_with_parent
from core.rules import DBT_PROJECT_DIR
from core.secrets import SALT_ENV, pii_salt
from core.serving import Publication, publish
from core.warehouse import WAREHOUSE_ENV, Warehouse, is_lock_conflict

log = logging.getLogger(__name__)

TARGET_PATH_ENV = "TRIBUTARY_DBT_TARGET_PATH"
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# Commands that never open the warehouse, so need no lock.
OFFLINE_COMMANDS = frozenset({"parse", "ls", "list", "deps", "clean", "debug"})
RETRY_PAUSE_S = 2.0


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
    invocation_id: str | None = None
    publication: Publication | None = None

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
    publish_marts: bool = False,
) -> DbtRun:
    """Run `dbt <arguments>` on the project against `warehouse` (default: the platform's).

    `target_path` keeps manifests and run results apart when several builds run side by side
    (tests, benchmarks); by default they land in $TRIBUTARY_DBT_TARGET_PATH (one checkout
    building several warehouses at once gives each its own) or dbt_project/target as dbt's do.
    `publish_marts`: after a successful build, publish the marts to the serving copy, under
    the same hold of the warehouse (so the copy is exactly what this build made).
    """
    target = target_path or Path(os.environ.get(TARGET_PATH_ENV, DBT_PROJECT_DIR / "target"))
    place = Warehouse.at(warehouse)
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
    environment = dbt_environment(place)
    if threads is not None:
        environment["TRIBUTARY_DBT_THREADS"] = str(threads)
    if arguments and arguments[0] in OFFLINE_COMMANDS:
        return _invoke(command, environment, target)
    with place.writer_lock(f"dbt {' '.join(arguments)[:60]}").held():
        run = _invoke_waiting_out_other_programs(command, environment, target)
        if publish_marts and run.ok:
            run.publication = publish_serving_copy(place, run.invocation_id)
    return run


def dbt_environment(warehouse: Warehouse) -> dict[str, str]:
    """The environment a dbt process needs: which warehouse, and the PII salt."""
    environment = dict(os.environ)
    environment[WAREHOUSE_ENV] = str(warehouse.path)
    environment[SALT_ENV] = pii_salt()
    return environment


def publish_serving_copy(warehouse: Warehouse, build_id: str | None) -> Publication:
    """Copy the marts to the serving copy (the caller holds the writer lock, or takes it)."""
    with warehouse.writer("publish the marts") as connection:
        publication = publish(connection, warehouse.serving_path, build_id=build_id)
    log.info(
        "published %d marts (%d rows) of build %s to %s",
        publication.tables,
        publication.rows,
        build_id,
        publication.path,
    )
    return publication


def _invoke_waiting_out_other_programs(
    command: list[str], environment: dict[str, str], target: Path
) -> DbtRun:
    """Run dbt; while another program holds the DuckDB file, wait and run it again."""
    limit = default_wait_s()
    started = time.monotonic()
    while True:
        run = _invoke(command, environment, target)
        refused = not run.ok and not run.results and is_lock_conflict(run.output)
        if not refused:
            return run
        waited = time.monotonic() - started
        if waited >= limit:
            run.output += (
                f"\nthe warehouse stayed open in another program for {waited:.0f} s; "
                "BI tools should read the serving copy (README: reading the marts)"
            )
            return run
        log.warning(
            "dbt could not open the warehouse: another program holds it; retrying "
            "(%.0f s so far, up to %.0f s)",
            waited,
            limit,
        )
        time.sleep(RETRY_PAUSE_S)


def _invoke(command: list[str], environment: dict[str, str], target: Path) -> DbtRun:
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
        preexec_fn=die_with_parent(),
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
        run.invocation_id = (document.get("metadata") or {}).get("invocation_id")
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


SERVING_ENV = "TRIBUTARY_SERVING"


def generate_docs(warehouse: Path | None = None, target_path: Path | None = None) -> DbtRun:
    """The dbt docs site (dbt_project/target/docs), its catalog read from the serving copy.

    Read-only and never from the working file, so docs neither wait for a pipeline nor hold
    one up; the catalog covers what BI tools read (the marts), and every model's docs come
    from the project itself (not compiled: no warehouse introspection is needed)."""
    place = Warehouse.at(warehouse)
    if not place.serving_path.exists():
        raise FileNotFoundError(
            f"no serving copy at {place.serving_path} yet: build the marts first "
            "(`tributary transform`), which publishes it"
        )
    target = target_path or DBT_PROJECT_DIR / "target" / "docs"
    environment = dbt_environment(place)
    environment[SERVING_ENV] = str(place.serving_path)
    project = [
        "--target", "serving",
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target),
        "--log-path", str(target / "logs"),
    ]  # fmt: skip
    dbt = str(Path(sys.executable).with_name("dbt"))
    parsed = _invoke([dbt, "parse", *project], environment, target)
    if not parsed.ok:
        return parsed
    # --static: one self-contained page that opens from disk (a browser will not fetch the
    # manifest and catalog files next to index.html over file://).
    return _invoke(
        [dbt, "docs", "generate", "--no-compile", "--static", *project], environment, target
    )


def prepare_manifest() -> DbtRun:
    """Parse the project into dbt_project/target/manifest.json, the file Dagster loads the
    dbt assets from; raises with dbt's output when the project does not parse.

    The manifest is parsed beside the target and renamed into place: a Dagster process
    loading it meanwhile reads the old one or the new one, never half of one."""
    target = DBT_PROJECT_DIR / "target"
    scratch = target / f".parse-{os.getpid()}"
    scratch.mkdir(parents=True, exist_ok=True)
    if (target / "partial_parse.msgpack").exists():  # parse only what changed
        shutil.copy2(target / "partial_parse.msgpack", scratch / "partial_parse.msgpack")
    run = run_dbt(["parse"], target_path=scratch)
    if not run.ok:
        raise RuntimeError(f"dbt parse failed:\n{run.output[-4000:]}")
    for name in ("manifest.json", "partial_parse.msgpack", "semantic_manifest.json"):
        if (scratch / name).exists():
            os.replace(scratch / name, target / name)
    shutil.rmtree(scratch, ignore_errors=True)
    return run
