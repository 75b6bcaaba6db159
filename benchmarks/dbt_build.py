"""dbt figures: a full build of the medium world, and on the large world an incremental build
after about 1% of orders are new or changed, against a full build of the same warehouse.

The full build is `dbt build --full-refresh` (every seed, view, table, test and unit test).
The incremental build is what a scheduled refresh runs, `dbt build --selector refresh`
(tables, incremental models and the data tests of what loads change; views and seeds change
only with code), and for comparison the plain `dbt build` of everything on the same
increment. Each is timed twice: the wall time of the `dbt` process, and the time dbt itself
reports for running the nodes (the process also starts an interpreter and loads the
project, about 4 s whatever the build does). A second refresh with nothing new to read
shows that floor.

Each world is served by `tributary sandbox serve` (no rate limits: the build, not the API, is
measured), ingested once by the real pipelines, and cached under .tributary/bench/<scale>
so later runs skip the ingest (`--fresh` redoes it). Builds run on a copy of the cache, so
the cache always matches a freshly started world. Prints figures; never passes or fails.

    uv run python -m benchmarks.dbt_build [--scales medium large] [--fresh] [--keep DIR]

--keep DIR leaves the large world's warehouse as it was just before the refresh in DIR, to
profile the refresh against.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx

from benchmarks.sandbox_serving import ServedSandbox
from core.warehouse import Warehouse
from dlt_sources.common.run import ingest_channel
from orchestration.transform import DbtRun, run_dbt

CHANNELS = ("shopify", "amazon", "tiktok_shop", "warehouse")
CACHE = Path(".tributary/bench")
AMAZON_MARGIN_S = 130  # Amazon hides the last two minutes; freeze the world past them
CHANGE_HOURS = 5  # live world hours that change about 1% of the large world's orders
REPEATS = 3  # builds of the same warehouse; the median is reported (checkpoints vary)


def control(manifest: dict[str, Any], path: str, payload: dict[str, Any] | None = None) -> Any:
    url = manifest["sandbox"]["control_url"].rstrip("/") + path
    response = (
        httpx.post(url, json=payload, timeout=600)
        if payload is not None
        else httpx.get(url, timeout=600)
    )
    response.raise_for_status()
    return response.json()


def ingest(directory: Path, manifest: dict[str, Any]) -> float:
    config = directory / "channels.json"
    config.write_text(json.dumps(manifest))
    started = time.perf_counter()
    for slug in CHANNELS:
        report = ingest_channel(
            slug,
            config_file=config,
            warehouse=Warehouse(directory / "warehouse.duckdb"),
            pipelines_dir=directory / "pipelines",
        )
        print(f"    {report.summary()}", flush=True)
    return time.perf_counter() - started


def cached_world(scale: str, fresh: bool) -> Path:
    """The ingested warehouse of a world frozen AMAZON_MARGIN_S past its start."""
    base = CACHE / scale
    if (base / "complete").exists() and not fresh:
        return base
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    sandbox = ServedSandbox(scale, "--no-rate-limits")
    try:
        _, manifest = sandbox.wait_ready()
        control(manifest, "/clock", {"advance_seconds": AMAZON_MARGIN_S})
        print(f"  ingesting the {scale} world once (cached in {base})", flush=True)
        elapsed = ingest(base, manifest)
    finally:
        sandbox.stop()
    (base / "complete").write_text(f"ingested in {elapsed:.0f} s\n")
    return base


def working_copy(base: Path) -> Path:
    work = Path(tempfile.mkdtemp(prefix="tributary-dbt-bench-"))
    shutil.copy2(base / "warehouse.duckdb", work / "warehouse.duckdb")
    shutil.copytree(base / "pipelines", work / "pipelines")
    return work


def build(work: Path, *extra: str) -> DbtRun:
    os.sync()  # the 2 GB copy just made must not be written back while the build is timed
    run = run_dbt(["build", *extra], warehouse=work / "warehouse.duckdb", target_path=work / "t")
    if not run.ok:
        raise SystemExit(f"dbt build failed:\n{run.explain()}")
    return run


def median(runs: list[DbtRun]) -> DbtRun:
    return sorted(runs, key=lambda run: run.elapsed_s)[len(runs) // 2]


def walls(runs: list[DbtRun]) -> str:
    return ", ".join(f"{run.elapsed_s:.1f}" for run in runs)


def seconds(run: DbtRun) -> str:
    return f"{run.dbt_elapsed_s:.1f} s" if run.dbt_elapsed_s is not None else "n/a"


def share(part: DbtRun, whole: DbtRun) -> str:
    if not part.dbt_elapsed_s or not whole.dbt_elapsed_s:
        return "n/a"
    return f"{part.dbt_elapsed_s / whole.dbt_elapsed_s:.0%}"


def slowest(run: DbtRun, count: int = 4) -> str:
    ranked = sorted(run.results, key=lambda result: result.seconds, reverse=True)[:count]
    return ", ".join(f"{result.name.split('.')[-1]} {result.seconds:.1f} s" for result in ranked)


def full_build(scale: str, fresh: bool) -> None:
    work = working_copy(cached_world(scale, fresh))
    try:
        run = build(work, "--full-refresh")
        orders = count_orders(work)
        print(
            f"{scale} world ({orders:,} orders): full dbt build {run.elapsed_s:.1f} s "
            f"(target <= 60 s); slowest: {slowest(run)}",
            flush=True,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def count_orders(work: Path) -> int:
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as connection:
        return int(connection.sql("select count(*) from marts.fct_orders").fetchall()[0][0])


def changed_share(work: Path) -> tuple[int, int]:
    """(orders written by the newest load of any channel, orders in total)."""
    query = """
        select count(*) filter (where loaded_at_epoch >= newest), count(*)
        from marts.fct_orders, (
            select min(newest) as newest from (
                select channel, max(loaded_at_epoch) as newest from marts.fct_orders
                group by channel
            )
        )"""
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as connection:
        changed, total = connection.sql(query).fetchall()[0]
    return int(changed), int(total)


def incremental_build(scale: str, fresh: bool, keep: Path | None = None) -> None:
    base = cached_world(scale, fresh)
    work = working_copy(base)
    sandbox = ServedSandbox(scale, "--no-rate-limits")
    try:
        _, manifest = sandbox.wait_ready()
        control(manifest, "/clock", {"advance_seconds": AMAZON_MARGIN_S})
        fulls = [build(work, "--full-refresh") for _ in range(REPEATS)]
        full = median(fulls)
        control(manifest, "/live", {"enabled": True})
        control(manifest, "/clock", {"advance_seconds": CHANGE_HOURS * 3600})
        control(manifest, "/live", {"enabled": False})
        control(manifest, "/clock", {"advance_seconds": AMAZON_MARGIN_S})
        print(f"  ingesting {CHANGE_HOURS} live hours of the {scale} world", flush=True)
        ingest(work, manifest)
        snapshot = work / "before-refresh.duckdb"
        shutil.copy2(work / "warehouse.duckdb", snapshot)
        refreshes = []
        for _ in range(REPEATS):
            shutil.copy2(snapshot, work / "warehouse.duckdb")
            refreshes.append(build(work, "--selector", "refresh"))
        incremental = median(refreshes)
        idle = build(work, "--selector", "refresh")
        shutil.copy2(snapshot, work / "warehouse.duckdb")
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(snapshot, keep / "warehouse.duckdb")
        everything = build(work)
        changed, total = changed_share(work)
    finally:
        sandbox.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{scale} world: after {changed:,} of {total:,} orders new or changed "
        f"({changed / total:.2%}), incremental refresh {incremental.elapsed_s:.1f} s (median of "
        f"{walls(refreshes)}) vs full build {full.elapsed_s:.1f} s (median of {walls(fulls)}) "
        f"= {incremental.elapsed_s / full.elapsed_s:.0%} "
        f"(target <= 20%); plain `dbt build` of everything on the same increment "
        f"{everything.elapsed_s:.1f} s = {everything.elapsed_s / full.elapsed_s:.0%}\n"
        f"  as dbt reports the node runs: refresh {seconds(incremental)} vs full "
        f"{seconds(full)} = {share(incremental, full)}\n"
        f"  a refresh with nothing new: {idle.elapsed_s:.1f} s = "
        f"{idle.elapsed_s / full.elapsed_s:.0%} of the full build (dbt reports "
        f"{seconds(idle)})",
        flush=True,
    )
    print(f"  full build slowest: {slowest(full)}")
    print(f"  incremental refresh slowest: {slowest(incremental)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", default=["medium", "large"])
    parser.add_argument("--fresh", action="store_true", help="ingest the worlds again")
    parser.add_argument("--keep", type=Path, help="keep the large pre-refresh warehouse here")
    arguments = parser.parse_args()
    if "medium" in arguments.scales:
        full_build("medium", arguments.fresh)
    if "large" in arguments.scales:
        incremental_build("large", arguments.fresh, arguments.keep)


if __name__ == "__main__":
    main()
