"""The fast path's health reaches Dagster without a run: every minute the sensor records an
observation of `realtime/fast_path` and an evaluation of its check, read from a real event
store; the check warns when the reactor stops, the backlog grows or the lag passes its limit."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.realtime.health import FAST_PATH, fast_path_health_sensor
from realtime.loop import ROUNDS
from realtime.reactor import REACTOR_TABLES
from realtime.store import STORE_ENV, Delivery, EventStore, connect


def store_with(path: Path, *, beat_ago_s: float, lags_s: list[float], accepted: int = 3) -> None:
    now = time.time()
    store = EventStore(path)
    deliveries = [
        Delivery("shopify", now - 5, event_id=f"e-{n}", topic="orders/create", body=b"{}")
        for n in range(accepted)
    ]
    deliveries.append(Delivery("shopify", now - 4, event_id="e-0", topic="orders/create"))
    deliveries.append(Delivery("tiktok_shop", now - 3, rejected_because="forged signature"))
    store.record(deliveries)
    store.close()
    connection = connect(path)
    connection.executescript(ROUNDS)
    connection.execute("insert into reactor_heartbeat values ('reactor', ?)", (now - beat_ago_s,))
    connection.executescript(REACTOR_TABLES)
    connection.execute("insert into reactor_cursor values ('reactor', ?)", (accepted,))
    for lag in lags_s:
        connection.execute(
            "insert into reactor_rounds values (?, ?, 1, ?, ?, 1, 1, null, null)",
            (now - 2, now - 1, now - 1 - lag, now - 1 - lag),
        )
    connection.close()


def evaluate() -> tuple[dg.AssetCheckEvaluation, list[dg.AssetObservation]]:
    result = fast_path_health_sensor(dg.build_sensor_context())
    assert isinstance(result, dg.SensorResult)
    assert not result.run_requests  # health is recorded, never a run launched for it
    checks = [e for e in result.asset_events if isinstance(e, dg.AssetCheckEvaluation)]
    observations = [e for e in result.asset_events if isinstance(e, dg.AssetObservation)]
    assert len(checks) == 1
    assert checks[0].asset_key == FAST_PATH
    return checks[0], observations


def test_a_healthy_fast_path_is_observed_with_its_counts_and_lag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "events.sqlite"
    monkeypatch.setenv(STORE_ENV, str(store))
    store_with(store, beat_ago_s=2, lags_s=[0.4, 0.6, 1.2])
    check, observations = evaluate()
    assert check.passed, check.description
    (observation,) = observations
    values = {key: value.value for key, value in observation.metadata.items()}
    assert values["shopify_accepted"] == 3
    assert values["shopify_duplicate"] == 1
    assert values["tiktok_shop_rejected"] == 1
    assert values["lag_p50_s"] == pytest.approx(0.6, abs=0.01)
    assert values["lag_p95_s"] == pytest.approx(1.2, abs=0.01)
    assert values["backlog"] == 0


def test_a_stopped_reactor_and_a_long_lag_fail_the_check_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = tmp_path / "stopped.sqlite"
    store_with(stopped, beat_ago_s=600, lags_s=[0.5])
    monkeypatch.setenv(STORE_ENV, str(stopped))
    check, _ = evaluate()
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert "the reactor is not running" in str(check.description)

    slow = tmp_path / "slow.sqlite"
    store_with(slow, beat_ago_s=1, lags_s=[2.0, 45.0, 50.0])
    monkeypatch.setenv(STORE_ENV, str(slow))
    check, _ = evaluate()
    assert not check.passed
    assert "p95 50.0 s (limit 30 s)" in str(check.description)


def test_no_event_store_means_no_fast_path_and_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "absent.sqlite"))
    check, observations = evaluate()
    assert check.passed
    assert "not deployed" in str(check.description)
    assert observations == []
