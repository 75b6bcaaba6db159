"""Quarantine: where records that fail their checks go, whole, with the reason.

Nothing is dropped: the raw payload, the endpoint it came from and every reason are kept in
`raw_<slug>.quarantine`, and the run reports how many records went there. An analyst can
inspect them. A record read through an update window is also held there and read again by
the next runs (dlt_sources.common.window), so it loads once it passes: when the channel serves
it whole again or the rules learn what it says. Read again and still failing at the same
update, it is neither quarantined nor counted a second time.

A few bad records are weather; most of a batch failing is a broken upstream (a renamed field,
a changed type), and quarantining it all would report success while the marts quietly lose a
channel. So each sorter is judged at the end of its resource (`Sorter.judge`): past the
channel's `quarantine.max_share` (of at least `quarantine.min_records` records), or a snapshot
that comes back empty where the last one had rows, the resource raises, the run loads
nothing, and the previous rows and cursors stay as they were.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dlt
import orjson
from dlt.common.schema.typing import TColumnSchema

from channels.errors import ChannelError
from dlt_sources.common.checks import Check, problems
from dlt_sources.common.tables import to_table
from dlt_sources.common.window import UpdateWindow

TABLE = "quarantine"
# Declared, not inferred: the first quarantined record may lack an id, and a frozen contract
# must not trip over a column that only appears with the second one.
TEXT_COLUMNS = ("channel", "store_id", "resource", "endpoint", "record_id", "reason", "payload")
COLUMNS: dict[str, TColumnSchema] = {
    name: TColumnSchema(name=name, data_type="text", nullable=name == "record_id")
    for name in TEXT_COLUMNS
}
COLUMNS["quarantined_at"] = TColumnSchema(
    name="quarantined_at", data_type="timestamp", nullable=False
)


class QuarantineLimitError(ChannelError):
    """Too large a share of a batch failed its checks: the upstream data is broken."""


class EmptySnapshotError(ChannelError):
    """A snapshot came back empty where the last one had rows: a bad read, not a sell-out."""


@dataclass(frozen=True)
class Screening:
    """How much quarantine a resource tolerates before the run fails instead of loading."""

    max_share: float = 0.5  # fail when more than this share of a resource's records is bad
    min_records: int = 5  # ... among at least this many (a lone bad record is quarantined)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Screening:
        """From the channel's settings: `quarantine = {max_share = 0.5, min_records = 5}`."""
        given = settings.get("quarantine") or {}
        return cls(
            max_share=float(given.get("max_share", cls.max_share)),
            min_records=int(given.get("min_records", cls.min_records)),
        )


class Sorter:
    """Splits batches into rows that pass their checks and quarantine rows that do not."""

    def __init__(
        self,
        channel: str,
        store_id: str,
        screening: Screening | None = None,
        window: UpdateWindow | None = None,
    ) -> None:
        self.channel = channel
        self.store_id = store_id
        self.screening = screening or Screening()
        self.window = window  # where quarantined records are held, to be read again
        self.count = 0
        self.checked: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.reasons: dict[str, Counter[str]] = {}
        self.endpoints: dict[str, str] = {}
        self.first_bad: dict[str, str] = {}

    def split(
        self,
        records: Iterable[dict[str, Any]],
        checks: list[Check],
        *,
        resource: str,
        endpoint: str,
        id_field: str,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        good: list[dict[str, Any]] = []
        bad: list[dict[str, Any]] = []
        for record in records:
            reasons = problems(record, checks) if isinstance(record, dict) else ["not an object"]
            if not reasons:
                good.append(record)
                continue
            record_id = record.get(id_field) if isinstance(record, dict) else None
            if self.window and record_id is not None and self.window.hold(str(record_id)):
                continue  # quarantined at this update by an earlier run, and still failing
            bad.append(
                {
                    "channel": self.channel,
                    "store_id": self.store_id,
                    "resource": resource,
                    "endpoint": endpoint,
                    "record_id": None if record_id is None else str(record_id),
                    "reason": "; ".join(reasons),
                    "payload": orjson.dumps(record).decode(),
                    "quarantined_at": datetime.now(UTC),
                }
            )
        self.count += len(bad)
        self._tally(resource, endpoint, len(good) + len(bad), bad)
        return good, bad

    def _tally(self, resource: str, endpoint: str, seen: int, bad: list[dict[str, Any]]) -> None:
        self.checked[resource] += seen
        self.endpoints.setdefault(resource, endpoint)
        if not bad:
            return
        self.rejected[resource] += len(bad)
        reasons = self.reasons.setdefault(resource, Counter())
        for row in bad:
            reasons[row["reason"]] += 1
        first = bad[0]
        self.first_bad.setdefault(resource, f"record {first['record_id']}: {first['reason']}")

    def judge(self, *, snapshot: bool = False) -> None:
        """Raise if a resource's batch looks broken rather than weathered; call it at the end
        of the resource. `snapshot`: the resource replaces its tables, so an empty answer
        where the last run (same store) loaded rows is refused too."""
        for resource, checked in sorted(self.checked.items()):
            rejected = self.rejected[resource]
            if checked >= self.screening.min_records and rejected > self.screening.max_share * (
                checked
            ):
                raise QuarantineLimitError(
                    self.channel, self.endpoints[resource], self._verdict(resource)
                )
        if snapshot:
            self._judge_snapshot()

    def _verdict(self, resource: str) -> str:
        rejected, checked = self.rejected[resource], self.checked[resource]
        common = "; ".join(
            f"{reason} (x{count})" for reason, count in self.reasons[resource].most_common(3)
        )
        return (
            f"{rejected:,} of {checked:,} `{resource}` records of store {self.store_id} "
            f"({rejected / checked:.0%}) failed their checks, above the limit of "
            f"{self.screening.max_share:.0%}: {common}; first: {self.first_bad[resource]}. "
            "Nothing was loaded; the previous rows and the cursor stay as they were. If the "
            "channel renamed or retyped a field, fix the source (or review and rerun with "
            f"--evolve-schema); to tolerate more, raise `quarantine.max_share` of {self.channel}"
        )

    def _judge_snapshot(self) -> None:
        # Source state: dlt resets a replace resource's own state on every run.
        state = dlt.current.source_state().setdefault("snapshot_rows", {})
        for resource in sorted(self.checked):
            key = f"{self.store_id}/{resource}"
            accepted = self.checked[resource] - self.rejected[resource]
            previous = int(state.get(key, 0))
            if accepted == 0 and previous > 0:
                raise EmptySnapshotError(
                    self.channel,
                    self.endpoints.get(resource, resource),
                    f"the `{resource}` snapshot of store {self.store_id} came back empty where "
                    f"the last load had {previous:,} rows; a bad read is likelier than an empty "
                    "shop, so nothing was loaded and the previous rows are kept",
                )
            state[key] = accepted

    @staticmethod
    def rows(bad: list[dict[str, Any]]) -> Any:
        return to_table(TABLE, bad, write_disposition="append", columns=COLUMNS)
