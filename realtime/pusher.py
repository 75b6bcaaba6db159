"""The fast path's push: the listings whose target moved, through the batch push's parts.

Nothing here writes a channel its own way. The plan is a `reverse_etl.plan.Plan` of the
listings whose reactor target differs from the last one set (by the build's push or by this
pusher); the batch guards judge it (`check_plan`); each channel is written by its batch
writer under the same per-channel push lock (`push-<channel>.lock` beside the warehouse), so
a fast push and a batch push never interleave on one channel, and through the same clients,
whose rate budgets follow what the channel reports; the outcome goes to a push ledger of the
same schema (`reverse_etl.ledger`). That ledger is a DuckDB file of the fast path's own, not
the warehouse: a push must not wait minutes for a dbt build to release the writer lock.

Coalescing is the caller's loop: whatever events arrived since the last round make one plan,
so a burst of a thousand orders is one call per channel and round, not a thousand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.locks import FileLock, LockBusyError
from core.warehouse import Warehouse
from realtime.channel_sales import ShownSince
from realtime.stock_book import StockBook, naive_utc
from reverse_etl import ledger
from reverse_etl.guard import GuardConfig, GuardFailure, check_plan
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange, Plan
from reverse_etl.push import SETTLED, ChannelResult, WriterFactory, push_channel

log = logging.getLogger(__name__)

LISTING_COLUMNS = (
    "listing_key, channel, store_id, sku, seller_sku, product_id, variant_id, "
    "inventory_item_id, location_id, reported_quantity, target_quantity"
)


# How far a sale's time may lie before our write and still be counted as after it: the
# channels stamp events in whole seconds, and our clock and theirs drift a little.
WRITE_MARGIN = timedelta(seconds=2)


@dataclass(frozen=True)
class Written:
    """A write of ours, on the push's clock: the figure it left is older than any channel
    figure stamped after `finished_at`, and lacks the sales made from `counted_from` on
    (counting one it holds costs a stale compare; missing one, a unit taken off twice)."""

    counted_from: datetime
    finished_at: datetime

    @classmethod
    def between(cls, planned_at: datetime, finished_at: datetime) -> Written:
        return cls(planned_at.replace(microsecond=0) - WRITE_MARGIN, finished_at)


@dataclass
class FastPushReport:
    run_id: str | None = None
    planned: int = 0
    blocked: list[GuardFailure] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    failed_channels: dict[str, str] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)


class FastPusher:
    def __init__(
        self,
        book: StockBook,
        make_writer: WriterFactory,
        ledger_path: Path,
        locks_dir: Path,
        guard: GuardConfig | None = None,
        clock: Callable[[], datetime | None] = lambda: None,
    ) -> None:
        self.book = book
        self.make_writer = make_writer
        self.ledger = Warehouse(ledger_path)
        self.locks_dir = locks_dir
        self.guard = guard or GuardConfig()
        self.clock = clock  # the guard's now (None: the real clock; a sandbox has its own)
        # What each listing was last set to (by us) or planned to show (by the build's push).
        self.intended: dict[str, int] = {}
        self.shown: dict[str, int] = {}  # what a write of ours left it showing
        # When we wrote it, on the push's clock (Written); None: a write of an earlier
        # reactor's, from the ledger, whose time is not on the channel's clock.
        self.written_at: dict[str, Written | None] = {}

    def reset_to_build(self, read_at: Mapping[str, datetime]) -> None:
        """A new build: its targets are what its push sets, except where our own ledger says
        we set a listing after the build read it (`read_at`, per listing): the batch push
        leaves those alone (reverse_etl.fast_path), and a restarted reactor must not take a
        listing it already moved for one still at the build's figure."""
        self.intended.clear()
        self.shown.clear()
        self.written_at.clear()
        if not read_at:
            return
        # The writer, not a reader: a reactor killed while creating the ledger leaves a file
        # without its tables, and the next one must create them, not fail on them forever.
        with self.ledger.writer("fast push: what was set since the build") as connection:
            ledger.ensure_tables(connection)
            rows = connection.execute(
                """
                select listing_key, target, coalesce(observed, acknowledged, target), updated_at
                from reverse_etl.push_ledger
                where status in ('written', 'conflict_replanned', 'unchanged')
                    and updated_at > ?
                qualify row_number() over (partition by listing_key order by updated_at desc) = 1
                """,
                [min(naive_utc(at) for at in read_at.values())],
            ).fetchall()
        for listing_key, target, shown, updated_at in rows:
            if listing_key in read_at and updated_at > naive_utc(read_at[listing_key]):
                self.intended[listing_key] = int(target)
                self.shown[listing_key] = int(shown)
                self.written_at[listing_key] = None

    def plan(self) -> Plan:
        handles = {
            row[0]: row
            for row in self.book.db.execute(f"select {LISTING_COLUMNS} from listings").fetchall()  # noqa: S608
        }
        on_hand = {sku: units for sku, (units, _) in self.book.stock_positions().items()}
        changes: list[ListingChange] = []
        pushable: dict[str, int] = {}
        offered: dict[tuple[str, str], int] = {}
        for target in self.book.targets():
            if target.target is None:
                continue
            row = handles[target.listing_key]
            storefront = (target.channel, target.store_id)
            pushable[target.channel] = pushable.get(target.channel, 0) + 1
            offered[storefront] = offered.get(storefront, 0) + target.target
            was = self.intended.get(target.listing_key, target.built_target)
            if target.target == was:
                continue
            previous = self._believed_shown(target.listing_key, row[9] if was is None else was)
            changes.append(
                ListingChange(
                    channel=target.channel,
                    store_id=target.store_id,
                    listing_key=target.listing_key,
                    sku=str(target.sku),
                    seller_sku=row[4],
                    product_id=row[5],
                    variant_id=row[6],
                    inventory_item_id=row[7],
                    location_id=row[8],
                    previous=previous,
                    target=target.target,
                    on_hand=on_hand.get(str(target.sku), 0),
                )
            )
        return Plan(
            changes=changes,
            pushable_by_channel=pushable,
            units_offered_by_storefront=offered,
            physical_units=sum(on_hand.values()),
            stock_snapshot_at=self.book.snapshot_at(),
            build_ids={self.book.build_id or ""},
        )

    def _believed_shown(self, listing_key: str, built: int | None) -> int | None:
        """What the listing shows now, as far as we know: the latest figure the channel said
        or we wrote (else the build's), less the units the channel took off it for sales we
        counted since that figure (realtime.channel_sales). The compare-and-set base: a
        figure that missed those sales makes the channel refuse the write as stale, and the
        conflict rule would then take them off the target a second time."""
        said = self.book.shown_said(listing_key)
        written = self.written_at.get(listing_key)
        if said is not None and (written is None or said[1] > written.finished_at):
            figure: int | None = said[0]
            since = ShownSince(at=said[1])
        elif listing_key in self.shown:
            figure = self.shown[listing_key]
            since = (
                ShownSince(at=written.counted_from)
                if written is not None
                else ShownSince(known_orders=self.book.built_orders())
            )
        else:
            figure, since = built, ShownSince(known_orders=self.book.built_orders())
        if figure is None:
            return None
        return max(0, int(figure) - self.book.sold_since(listing_key, since))

    def push(self) -> FastPushReport:
        plan = self.plan()
        report = FastPushReport(planned=len(plan.changes))
        if not plan.changes:
            return report
        report.run_id = run_id = f"rt-{ledger.new_run_id()}"
        channels = sorted({change.channel for change in plan.changes})
        with self.ledger.writer("fast push: plan") as connection:
            ledger.ensure_tables(connection)
            ledger.start_run(connection, run_id, plan, dry_run=False, channels=channels)
        now = self.clock()  # read only when there is something to push (a sandbox: a call)
        planned_at = naive_utc(now or datetime.now(UTC))
        report.blocked = check_plan(plan, self.guard, now=now)
        if report.blocked:
            reason = "; ".join(str(failure) for failure in report.blocked)
            log.warning("fast push %s blocked: %s", run_id, reason)
            with self.ledger.writer("fast push: blocked") as connection:
                ledger.finish_run(connection, run_id, "blocked", reason)
            return report
        with ThreadPoolExecutor(max_workers=len(channels), thread_name_prefix="fast-push") as pool:
            results = list(pool.map(lambda c: self._push_channel(c, plan, run_id), channels))
        for result in results:
            report.outcomes += result.outcomes
            report.calls[result.channel] = result.calls
            if result.failure:
                report.failed_channels[result.channel] = result.failure
        finished_at = naive_utc(self.clock() or datetime.now(UTC))
        self._remember(plan.changes, report.outcomes, Written.between(planned_at, finished_at))
        failed = sum(outcome.status not in SETTLED for outcome in report.outcomes)
        status = (
            "written" if not failed else ("failed" if failed == len(report.outcomes) else "partial")
        )
        reasons = "; ".join(f"{c}: {why}" for c, why in report.failed_channels.items()) or None
        with self.ledger.writer("fast push: ledger") as connection:
            ledger.finish_run(connection, run_id, status, failure_reason=reasons)
        return report

    def _push_channel(self, channel: str, plan: Plan, run_id: str) -> ChannelResult:
        """Write one channel unless a batch push holds it: then the channel waits for the next
        round (its listings stay planned-but-unset, so the next round plans them again).

        The outcomes are in the ledger before the channel's lock is let go: a batch push that
        takes the lock next reads them, and leaves alone what this write set (see
        reverse_etl.fast_path)."""
        lock = FileLock(
            self.locks_dir / f"push-{channel}.lock",
            f"the {channel} push lock",
            purpose=f"fast push {run_id} to {channel}",
            wait_s=0.0,
        )
        changes = plan.for_channel(channel)
        try:
            with lock.held():
                result = push_channel(channel, changes, self.make_writer, run_id)
                self._record(run_id, result.outcomes)
                return result
        except LockBusyError as busy:
            reason = f"a batch push holds {channel}: deferred to the next round ({busy.holder})"
            outcomes = [Outcome(c.listing_key, "deferred", c.target, error=reason) for c in changes]
            self._record(run_id, outcomes)
            return ChannelResult(channel, outcomes, 0, reason)

    def _record(self, run_id: str, outcomes: Sequence[Outcome]) -> None:
        with self.ledger.writer("fast push: ledger") as connection:
            ledger.record_outcomes(connection, run_id, outcomes)

    def _remember(
        self, changes: Sequence[ListingChange], outcomes: Sequence[Outcome], written: Written
    ) -> None:
        planned = {change.listing_key: change for change in changes}
        for outcome in outcomes:
            if outcome.status in SETTLED and outcome.listing_key in planned:
                self.intended[outcome.listing_key] = outcome.target  # replanned, if it was
                shown = outcome.observed if outcome.observed is not None else outcome.target
                self.shown[outcome.listing_key] = shown
                self.written_at[outcome.listing_key] = written
