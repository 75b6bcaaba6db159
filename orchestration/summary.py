"""What one Dagster run did, in the few lines a newcomer (or an operator) reads first.

Read back from the Dagster instance (checks, pushes, failures) and from the warehouse (orders
and gross per channel), never from the process that ran it, so the summary shows exactly
what the UI's run history holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from core.warehouse import Warehouse
from orchestration.keys import push_key
from reverse_etl.writers.registry import WRITABLE


@dataclass
class ChannelOrders:
    channel: str
    orders: int
    gross_reporting: float
    reporting_currency: str


@dataclass
class RunSummary:
    run_id: str
    job: str
    status: str
    orders: list[ChannelOrders] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    pushed: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"Dagster run {self.run_id} ({self.job}): {self.status}"]
        if self.orders:
            lines.append("orders per channel (gross in the reporting currency):")
            lines += [
                f"  {row.channel:<12} {row.orders:>8,} orders  "
                f"{row.gross_reporting:>14,.2f} {row.reporting_currency}"
                for row in self.orders
            ]
        total = self.checks_passed + len(self.checks_failed)
        lines.append(f"checks: {self.checks_passed} of {total} passed")
        lines += [f"  FAILED {name}" for name in self.checks_failed]
        pushed = ", ".join(f"{channel} {count}" for channel, count in sorted(self.pushed.items()))
        lines.append(f"listings pushed: {pushed or 'none'}")
        lines += [f"  step failed: {failure}" for failure in self.failures]
        return "\n".join(lines)


def summarize(instance: dg.DagsterInstance, run_id: str, warehouse: Warehouse) -> RunSummary:
    run = instance.get_run_by_id(run_id)
    if run is None:
        raise LookupError(f"no Dagster run {run_id} in {instance.root_directory}")
    summary = RunSummary(run_id=run_id, job=run.job_name, status=run.status.value)
    for event in _events(instance, run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = event.asset_check_evaluation_data
        if evaluation.passed:
            summary.checks_passed += 1
        else:
            summary.checks_failed.append(evaluation.asset_check_key.to_user_string())
    pushes = {push_key(slug): slug for slug in WRITABLE}
    for event in _events(instance, run_id, dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key in pushes:
            written = materialization.metadata.get("listings_written")
            count = written.value if isinstance(written, dg.IntMetadataValue) else 0
            summary.pushed[pushes[materialization.asset_key]] = int(count or 0)
    for event in _events(instance, run_id, dg.DagsterEventType.STEP_FAILURE):
        error = event.step_failure_data.error
        message = error.message.strip().splitlines()[0] if error else "no error recorded"
        summary.failures.append(f"{event.step_key}: {message}")
    summary.orders = _orders(warehouse)
    return summary


def _events(
    instance: dg.DagsterInstance, run_id: str, kind: dg.DagsterEventType
) -> list[dg.DagsterEvent]:
    records = instance.get_records_for_run(run_id, of_type=kind).records
    return [
        record.event_log_entry.dagster_event
        for record in records
        if record.event_log_entry.dagster_event is not None
    ]


def _orders(warehouse: Warehouse) -> list[ChannelOrders]:
    if not warehouse.path.exists():
        return []
    with warehouse.reader("run summary") as connection:
        exists = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'fct_orders'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = connection.execute(
            "select channel, count(*), sum(gross_amount_reporting), any_value(reporting_currency) "
            "from marts.fct_orders group by channel order by channel"
        ).fetchall()
    return [ChannelOrders(str(c), int(n), float(g or 0), str(cur)) for c, n, g, cur in rows]
