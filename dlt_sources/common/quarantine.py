"""Quarantine: where records that fail their checks go, whole, with the reason.

Nothing is dropped: the raw payload, the endpoint it came from and every reason are kept in
`raw_<slug>.quarantine`, and the run reports how many records went there. An analyst can
inspect them; when the channel fixes a record it arrives again with a newer update stamp.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from dlt.common.schema.typing import TColumnSchema

from dlt_sources.common.checks import Check, problems
from dlt_sources.common.tables import to_table

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


class Sorter:
    """Splits batches into rows that pass their checks and quarantine rows that do not."""

    def __init__(self, channel: str, store_id: str) -> None:
        self.channel = channel
        self.store_id = store_id
        self.count = 0

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
        return good, bad

    @staticmethod
    def rows(bad: list[dict[str, Any]]) -> Any:
        return to_table(TABLE, bad, write_disposition="append", columns=COLUMNS)
