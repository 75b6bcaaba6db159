"""The chaos benchmark's instrument, on a real tiny world: its own trial code kills the first
ingest inside its second write to DuckDB and reports the recovery; its checks catch what they
claim to (a duplicated row, a lost order, a changed mart row, a listing off target, two values
written to one listing, a run left open) and ignore what they claim to ignore (when a build
ran). A killed push being closed is tested where the push is (tests/reverse_etl)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from benchmarks.chaos import results
from benchmarks.chaos.bench import Bench
from benchmarks.chaos.killpoints import KillPoint
from benchmarks.chaos.listings import check_targets, conflicting_writes, write_counts
from benchmarks.chaos.marts import copy_warehouse, differing, fingerprints, without_load_stamps
from benchmarks.chaos.raw import check_raw
from benchmarks.chaos.runs import open_push_runs
from benchmarks.chaos.trials import TrialResult, run_trial

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def chaos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bench, TrialResult]]:
    bench = Bench(7, "tiny", tmp_path_factory.mktemp("chaos"), readers=False)
    try:
        trial = run_trial(bench, 1, KillPoint("ingest", "wal", 0.0, 2))
        # The re-run's push changed what the channels show; one more ingest reads it, so the
        # checks below start from raw tables equal to the truth.
        assert bench.run("ingest", label="catch-up").ok
        yield bench, trial
    finally:
        bench.close()


def scratch_copy(bench: Bench, directory: Path) -> Path:
    return copy_warehouse(bench.warehouse, directory / "copy.duckdb", "a test")


def test_the_kill_landed_and_the_rerun_recovered(chaos: tuple[Bench, TrialResult]) -> None:
    _, trial = chaos
    assert trial.error is None, trial.error
    assert trial.killed, trial.line()
    assert trial.wal_episodes == 2, "killed at the second appearance of the WAL"
    assert trial.survivors == 0
    assert not trial.setup_failures, trial.line()
    assert not trial.rerun_failures, trial.line()
    assert list(trial.rerun_s) == ["ingest", "transform", "push"]
    assert trial.checks is not None
    assert trial.checks.passed, trial.checks.failures()
    assert trial.checks.clean_build_ok
    assert trial.checks.marts_vs_clean == []
    assert trial.checks.targets.pushable > 50
    assert trial.recovered


def test_a_failed_clean_build_is_no_proof_of_identical_marts(
    chaos: tuple[Bench, TrialResult],
) -> None:
    """Seen in the chaos benchmark: the clean build's dbt was killed, nothing differed from
    the half-built copy, and the trial counted as recovered."""
    _, trial = chaos
    assert trial.checks is not None
    failed = replace(trial.checks, clean_build_ok=False)
    assert failed.marts_vs_clean == []
    assert not failed.marts_identical
    assert not failed.passed


def test_the_raw_checks_catch_a_duplicated_row_and_a_lost_order(
    chaos: tuple[Bench, TrialResult], tmp_path: Path
) -> None:
    bench, _ = chaos
    snapshot = bench.world.snapshot()
    copy = scratch_copy(bench, tmp_path)
    with duckdb.connect(str(copy), read_only=True) as connection:
        untouched = check_raw(connection, snapshot)
    assert untouched.equals_truth, untouched.mismatches
    assert untouched.no_duplicates, untouched.duplicates
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "insert into raw_warehouse.inventory select * from raw_warehouse.inventory limit 1"
        )
        connection.execute(
            "delete from raw_shopify.orders where id = (select min(id) from raw_shopify.orders)"
        )
    with duckdb.connect(str(copy), read_only=True) as connection:
        spoiled = check_raw(connection, snapshot)
    assert spoiled.duplicated_rows == 2  # the same _dlt_id, and the same (sku, location)
    assert all("raw_warehouse.inventory" in line for line in spoiled.duplicates)
    assert spoiled.lost_rows >= 1
    assert any("orders of tributary-outfitters" in line for line in spoiled.mismatches)


def test_the_mart_fingerprint_sees_a_changed_row_but_not_when_it_was_built(
    chaos: tuple[Bench, TrialResult], tmp_path: Path
) -> None:
    bench, _ = chaos
    copy = scratch_copy(bench, tmp_path)
    with duckdb.connect(str(copy), read_only=True) as connection:
        before, before_loadless = fingerprints(connection), without_load_stamps(connection)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("update marts.fct_orders set built_at = built_at + interval 1 hour")
        connection.execute("update marts.dim_channel_listings set loaded_at_epoch = 0")
    with duckdb.connect(str(copy), read_only=True) as connection:
        assert differing(fingerprints(connection), before) == ["dim_channel_listings"]
        assert differing(without_load_stamps(connection), before_loadless) == []
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update marts.fct_orders set gross_amount = gross_amount + 0.01 "
            "where order_key = (select min(order_key) from marts.fct_orders)"
        )
    with duckdb.connect(str(copy), read_only=True) as connection:
        assert differing(fingerprints(connection), before) == [
            "dim_channel_listings",
            "fct_orders",
        ]


def test_an_open_push_run_is_seen(chaos: tuple[Bench, TrialResult], tmp_path: Path) -> None:
    bench, _ = chaos
    copy = scratch_copy(bench, tmp_path)
    with duckdb.connect(str(copy)) as connection:
        assert open_push_runs(connection) == set()
        connection.execute(
            "insert into reverse_etl.push_runs (run_id, started_at, status) "
            "values ('killed-run', now(), 'planned')"
        )
        assert open_push_runs(connection) == {"killed-run"}


def test_off_target_listings_and_conflicting_writes_are_seen() -> None:
    wanted = {"shopify:s:1@2": 5, "amazon:m:SKU": 3, "tiktok_shop:t:9@1": 0}
    shown = {"shopify:s:1@2": 5, "amazon:m:SKU": 4, "tiktok_shop:t:9@1": 0}
    check = check_targets(wanted, shown)
    assert check.pushable == 3
    assert check.off_target == ["amazon:m:SKU: shows 4, target 3"]
    assert check_targets(wanted, shown, {"shopify", "tiktok_shop"}).all_at_target

    def row(sku: str, *quantities: int) -> dict[str, object]:
        writes = [{"quantity": q, "at": "2026-09-21T14:20:00Z"} for q in quantities]
        return {"channel": "amazon", "store_id": "m", "key": {"seller_sku": sku}, "writes": writes}

    earlier = write_counts([row("A", 7), row("B", 1)])
    log = [row("A", 7, 5, 5), row("B", 1, 2, 3)]
    assert conflicting_writes(log, earlier) == ["amazon:m:B: [2, 3]"]
    assert conflicting_writes(log, {}) == ["amazon:m:A: [7, 5, 5]", "amazon:m:B: [1, 2, 3]"]


def test_a_trial_is_kept_as_it_ends_and_trials_on_other_code_do_not_count(
    chaos: tuple[Bench, TrialResult], tmp_path: Path
) -> None:
    bench, trial = chaos
    kept = tmp_path / "results.jsonl"
    code = results.code_fingerprint()
    for run_id, fingerprint in (("run-a", code), ("run-b", code), ("run-c", "older-code")):
        run = {"run_id": run_id, "code": fingerprint, "seed": 7, "scale": "tiny"}
        results.append(kept, run, trial, bench.readers_so_far(), 0)
    summary = results.summarize(kept, code)
    assert f"code {code}: 2 run(s), 2 trials, 2 kills, 2 recovered (ingest 2/2)" in summary
    assert "lost or extra raw rows: 0; duplicated: 0; marts differing: 0" in summary
    assert "not counted, other code: {'older-code': 1}" in summary
