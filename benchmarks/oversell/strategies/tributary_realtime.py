"""Tributary real-time: the shipped schedules and sensor, plus the fast path beside them.

Everything the `Tributary` strategy runs, and the receiver and the reactor as the demo starts
them: processes of their own (`tributary realtime serve` and `react`), subscribed to the
sandbox's webhooks and Amazon's notification queue as a merchant subscribes them. A sale
reaches the receiver as the channel's own webhook or notification; the reactor pushes the
listings it moved through the same writers, guards and ledger as the batch.

The benchmark must not skip world time while the fast path is reacting (see run.py), so
`busy` looks at every place an event can be on its way: a delivery the sandbox has not made
yet, a notification still in the queue, an event stored but not applied, a round still pushing,
a new build not yet taken, a plan the reactor is retrying.

It runs the `live` allocation rule set (TRIBUTARY_ALLOCATION_RULE_SET): no buffers, every
available unit offered. Buffers are there for the sales a channel makes before it hears of
stock sold elsewhere; with the fast path that is seconds, and showing stock generously without
overselling it is what the fast path is for. The bootstrapped warehouse was built with the
`batch` set; the refresh that opens the scenario builds with `live`.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import ExitStack
from typing import Any

import boto3

from benchmarks.oversell.strategies.tributary import Tributary
from benchmarks.oversell.world import StrategyWorld
from core.environment import environment_set
from core.warehouse import Warehouse
from orchestration.cli.fast_path import fast_path_beside, wait_for_reactor
from realtime.store import STORE_ENV

RULE_SET_ENV = "TRIBUTARY_ALLOCATION_RULE_SET"
RULE_SET = "live"
QUEUE_ATTRIBUTES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
# A round with no events that finished this recently is the reactor retrying a plan.
RETRYING_WITHIN_S = 1.0

REACTOR_STATE = """
select
    (select coalesce(max(seq), 0) from events),
    (select coalesce(max(seq), 0) from reactor_cursor),
    (select received_at from events where seq = (select max(seq) from reactor_cursor)),
    (select max(last_received_at) from reactor_rounds),
    (select max(finished_at) from reactor_rounds),
    (select max(finished_at) from reactor_rounds where events = 0),
    (select max(reconciled_at) from reconciliations)
"""


class TributaryRealtime(Tributary):
    name = "Tributary real-time"

    def prepare(self, world: StrategyWorld) -> None:
        self._stack = ExitStack()
        # Every dbt build of this strategy's runs uses the `live` rules.
        self._stack.enter_context(environment_set({RULE_SET_ENV: RULE_SET}))
        super().prepare(world)
        warehouse = Warehouse.at(self._directory / "warehouse.duckdb")
        self._serving_copy = warehouse.serving_path
        # The run's own event store, for the reactor and for the Dagster runs that read it.
        self._stack.enter_context(
            environment_set({STORE_ENV: str(self._directory / "realtime.sqlite")})
        )
        fast_path = self._stack.enter_context(
            fast_path_beside(
                self._directory / "channels.json",
                world.manifest,
                warehouse,
                self.log_path.with_suffix(".realtime"),
            )
        )
        if not wait_for_reactor(fast_path.store):
            raise RuntimeError(f"the reactor did not start; its log: {fast_path.logs}")
        self._first_build = self._serving_copy.stat().st_mtime  # taken: wait_for_reactor
        self._store = sqlite3.connect(f"file:{fast_path.store}?mode=ro", uri=True)
        queue: dict[str, Any] = world.manifest["channels"]["amazon"]["notifications"]
        self._queue_url = queue["queue_url"]
        self._sqs = boto3.client(
            "sqs",
            endpoint_url=queue["sqs_endpoint_url"],
            region_name=queue["region"],
            aws_access_key_id=queue["aws_access_key_id"],
            aws_secret_access_key=queue["aws_secret_access_key"],
        )

    def busy(self, world: StrategyWorld) -> bool:
        hooks = world.get("/webhooks", limit=1)
        if hooks["pending"] or hooks["in_flight"]:
            return True
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._queue_url, AttributeNames=QUEUE_ATTRIBUTES
        )["Attributes"]
        if any(int(attributes[name]) for name in QUEUE_ATTRIBUTES):
            return True
        return self._reactor_busy()

    def _reactor_busy(self) -> bool:
        row = self._store.execute(REACTOR_STATE).fetchone()
        newest, cursor, applied_received, pushed_received, finished, retried, reconciled = row
        if newest > cursor:
            return True  # stored, not applied yet
        if applied_received is not None and applied_received > (pushed_received or 0):
            return True  # applied, its round still pushing
        if reconciled is not None and reconciled > (finished or 0):
            return True  # a new build taken, its round still pushing
        if retried is not None and retried > time.time() - RETRYING_WITHIN_S:
            return True
        try:
            published = self._serving_copy.stat().st_mtime
        except FileNotFoundError:
            return False
        # A build published since the one the reactor last took: not taken yet.
        return published > max(reconciled or 0, self._first_build)

    def close(self) -> None:
        try:
            if hasattr(self, "_store"):
                self._store.close()
        finally:
            try:
                if hasattr(self, "_stack"):
                    self._stack.close()  # the fast path stops, then the environment is put back
            finally:
                super().close()
