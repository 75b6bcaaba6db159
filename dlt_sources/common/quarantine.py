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

from dlt_sources.common.checks import Check, problems
from dlt_sources.common.tables import to_table

TABLE = "quarantine"


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
        return to_table(TABLE, bad, write_disposition="append")
