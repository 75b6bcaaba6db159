"""The fast_path_drift check reads the reactor's reconciliation of the build just published:
passes under the threshold, warns over it, says so when the fast path is absent or silent."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.realtime import checks
from orchestration.defs.realtime.checks import fast_path_drift
from orchestration.resources.warehouse import WarehouseResource
from realtime.loop import ROUNDS
from realtime.store import STORE_ENV, connect


def published(warehouse: Path, build_id: str) -> WarehouseResource:
    """A warehouse whose serving copy says `build_id` was published."""
    resource = WarehouseResource(path=str(warehouse))
    serving = resource.warehouse.serving_path
    serving.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(serving)) as connection:
        connection.execute("create schema meta")
        connection.execute(
            "create table meta.publication as select ?::varchar as build_id, now() as published_at",
            [build_id],
        )
    return resource


def reconciled(store: Path, build_id: str, listings: int, drifted: int) -> None:
    connection = connect(store)
    connection.executescript(ROUNDS)
    connection.execute(
        "insert or replace into reactor_heartbeat values ('reactor', ?)", (time.time(),)
    )
    connection.execute(
        "insert into reconciliations values (?, 0, ?, ?, ?, ?)",
        (build_id, listings, drifted, drifted * 2, "shopify:s:1@2: 5 -> 3"),
    )
    connection.close()


def run(resource: WarehouseResource) -> dg.AssetCheckResult:
    result = fast_path_drift(warehouse=resource)
    assert isinstance(result, dg.AssetCheckResult)
    return result


def test_drift_under_and_over_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "events.sqlite"
    monkeypatch.setenv(STORE_ENV, str(store))
    reconciled(store, "b-1", listings=200, drifted=4)
    reconciled(store, "b-2", listings=200, drifted=30)
    assert run(published(tmp_path / "one" / "w.duckdb", "b-1")).passed
    over = run(published(tmp_path / "two" / "w.duckdb", "b-2"))
    assert not over.passed
    assert "30 of 200 listings" in str(over.description)


def test_an_absent_or_silent_fast_path_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "none.sqlite"))
    absent = run(published(tmp_path / "w.duckdb", "b-1"))
    assert absent.passed
    assert "no reactor is running" in str(absent.description)
    store = tmp_path / "events.sqlite"
    reconciled(store, "b-1", listings=10, drifted=0)  # a live reactor, but not of build b-9
    monkeypatch.setenv(STORE_ENV, str(store))
    monkeypatch.setattr(checks, "WAIT_S", 0.5)
    silent = run(published(tmp_path / "w2" / "w.duckdb", "b-9"))
    assert not silent.passed
    assert "did not take build b-9" in str(silent.description)
