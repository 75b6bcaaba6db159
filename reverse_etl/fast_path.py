"""A batch push never undoes what the fast path set since the build read its inputs.

The reactor (realtime/) writes a listing within seconds of a sale, into a push ledger of its
own beside the warehouse. A batch push plans from a build whose inputs were read minutes
earlier: writing that build's target over a listing the fast path has set since would put
back units a later sale took. So each change, under its channel's push lock (the fast path
writes only under that lock too), is held against the fast path's last write of the listing
made after the build read the listing's channel:

- the fast path's figure is the lower or equal: the batch leaves the listing (`superseded`)
  and the reactor, taking the new build, moves it from there;
- the build's figure is the lower: the batch writes it (the build saw something the fast path
  missed: a dropped notification, a 3PL adjustment that sent no webhook).

Showing the lower of the two can turn a shopper away for one reactor round; showing the
higher can sell stock that is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.warehouse import Warehouse
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange

# Fast-path writes that may be what the listing shows now (a failed write may not be).
MAY_SHOW = ("written", "conflict_replanned", "unchanged", "not_confirmed")


@dataclass(frozen=True)
class FastWrite:
    target: int
    at: datetime  # when the fast path recorded it (UTC, naive)


def fast_writes(ledger_path: Path, listing_keys: Sequence[str]) -> dict[str, FastWrite]:
    """The fast path's last write of each listing (none when it has never run here)."""
    if not listing_keys or not ledger_path.exists():
        return {}
    with Warehouse(ledger_path).reader("batch push: what the fast path set") as connection:
        has_ledger = connection.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'reverse_etl' and table_name = 'push_ledger'"
        ).fetchall()[0][0]
        if not has_ledger:  # a reactor killed while creating its ledger
            return {}
        rows = connection.execute(
            """
            select listing_key, target, updated_at
            from reverse_etl.push_ledger
            where listing_key in (select unnest(?::varchar[]))
                and status in (select unnest(?::varchar[]))
            qualify row_number() over (partition by listing_key order by updated_at desc) = 1
            """,
            [list(listing_keys), list(MAY_SHOW)],
        ).fetchall()
    return {key: FastWrite(int(target), at) for key, target, at in rows}


def defer_to_fast_path(
    changes: Sequence[ListingChange], ledger_path: Path
) -> tuple[list[ListingChange], list[Outcome]]:
    """The changes still to write, and a `superseded` outcome for each one left to the fast
    path (its figure is newer than the build's and no higher)."""
    writes = fast_writes(ledger_path, [change.listing_key for change in changes])
    to_write: list[ListingChange] = []
    superseded: list[Outcome] = []
    for change in changes:
        fast = writes.get(change.listing_key)
        newer = fast is not None and (change.read_at is None or fast.at > change.read_at)
        if fast is not None and newer and fast.target <= change.target:
            superseded.append(
                Outcome(
                    change.listing_key,
                    "superseded",
                    change.target,
                    error=(
                        f"the fast path set {fast.target} at {fast.at:%Y-%m-%d %H:%M:%S} UTC, "
                        "after this build read the channel; the batch leaves it"
                    ),
                )
            )
        else:
            to_write.append(change)
    return to_write, superseded
