"""The fast path's health in Dagster: observed every minute, judged by a check.

The receiver and the reactor run beside Dagster (`tributary realtime serve|react`), not as
runs. Their event store says how they are doing (realtime.health). The `fast_path_health`
sensor reads it every minute and records, without launching a run, an observation of the
`realtime/fast_path` asset (deliveries per channel, refusals, duplicates, backlog, lag from
receipt to push p50/p95) and an evaluation of its `fast_path_health` check, which fails
(warning) when the reactor has stopped beating, the backlog grows past
`TRIBUTARY_FAST_PATH_MAX_BACKLOG` events (default 1000) or the p95 lag passes
`TRIBUTARY_FAST_PATH_MAX_LAG_S` seconds (default 30). The check can also be run by hand from
the asset's page. Where the fast path is not deployed (no event store) both say so and pass.
"""

# No `from __future__ import annotations`: Dagster reads the resource types off the signature.
import os

import dagster as dg

from realtime.health import Health, read_health
from realtime.store import configured_store_path

FAST_PATH = dg.AssetKey(["realtime", "fast_path"])
WINDOW_S = 15 * 60.0  # the lag and the deliveries are judged over the last 15 minutes
ALIVE_WITHIN_S = 60.0

fast_path = dg.AssetSpec(
    FAST_PATH,
    group_name="realtime",
    description="The receiver and reactor that move a sale to every channel within seconds "
    "(`tributary realtime serve` and `react`); observed every minute by the "
    "fast_path_health sensor.",
    kinds={"python"},
    tags={"layer": "realtime"},
)


def judge(health: Health, now: float | None = None) -> tuple[bool, str]:
    """Whether the fast path is healthy, and why not in words an operator acts on."""
    max_backlog = int(os.environ.get("TRIBUTARY_FAST_PATH_MAX_BACKLOG", "1000"))
    max_lag = float(os.environ.get("TRIBUTARY_FAST_PATH_MAX_LAG_S", "30"))
    wrong = []
    if not health.reactor_alive(ALIVE_WITHIN_S, now):
        wrong.append(
            "the reactor is not running (`tributary realtime react`): sales wait for the "
            "next refresh"
        )
    if health.backlog > max_backlog:
        wrong.append(f"{health.backlog} events wait for the reactor (limit {max_backlog})")
    if health.lag_p95_s is not None and health.lag_p95_s > max_lag:
        wrong.append(f"lag from receipt to push p95 {health.lag_p95_s:.1f} s (limit {max_lag:g} s)")
    if wrong:
        return False, "; ".join(wrong)
    return True, "; ".join(health.lines())


def metadata(health: Health) -> dict[str, dg.MetadataValue]:
    values: dict[str, dg.MetadataValue] = {
        "backlog": dg.MetadataValue.int(health.backlog),
        "events_not_readable": dg.MetadataValue.int(health.problems),
        "push_rounds": dg.MetadataValue.int(health.rounds),
        "blocked_rounds": dg.MetadataValue.int(health.blocked_rounds),
        "failed_rounds": dg.MetadataValue.int(health.failed_rounds),
        "window_minutes": dg.MetadataValue.float(health.window_s / 60.0),
    }
    if health.lag_p50_s is not None and health.lag_p95_s is not None:
        values["lag_p50_s"] = dg.MetadataValue.float(round(health.lag_p50_s, 3))
        values["lag_p95_s"] = dg.MetadataValue.float(round(health.lag_p95_s, 3))
    for channel, outcomes in sorted(health.deliveries.items()):
        for outcome in ("accepted", "duplicate", "rejected"):
            values[f"{channel}_{outcome}"] = dg.MetadataValue.int(outcomes.get(outcome, 0))
    return values


def evaluate() -> tuple[dg.AssetCheckResult, dg.AssetObservation | None]:
    store = configured_store_path()
    if not store.exists():
        said = f"no event store at {store}: the fast path is not deployed"
        return dg.AssetCheckResult(passed=True, description=said), None
    health = read_health(store, window_s=WINDOW_S)
    passed, said = judge(health)
    values = metadata(health)
    result = dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=said,
        metadata=values,
    )
    return result, dg.AssetObservation(asset_key=FAST_PATH, metadata=values, description=said)


@dg.asset_check(
    asset=FAST_PATH,
    name="fast_path_health",
    description="The reactor is running, its backlog is small and sales reach the channels "
    "within the lag limit.",
)
def fast_path_health() -> dg.AssetCheckResult:
    return evaluate()[0]


@dg.sensor(
    minimum_interval_seconds=int(os.environ.get("TRIBUTARY_FAST_PATH_HEALTH_SECONDS", "60")),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Observes the fast path's health and reports its check, without a run.",
)
def fast_path_health_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    result, observation = evaluate()
    check = dg.AssetCheckEvaluation(
        asset_key=FAST_PATH,
        check_name="fast_path_health",
        passed=result.passed,
        severity=result.severity,
        description=result.description,
        metadata=result.metadata,
    )
    events: list[dg.AssetObservation | dg.AssetCheckEvaluation] = [check]
    if observation is not None:
        events.insert(0, observation)
    return dg.SensorResult(asset_events=events, skip_reason=result.description)
