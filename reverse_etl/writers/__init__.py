"""One writer per channel: sets absolute quantities and reads back what the channel shows.

A writer gets the plan's changes for its channel and returns an Outcome per listing. It
writes through the channel's client in `channels/`, so pushes and ingestion share the same
rate budgets, and it never sends a quantity the plan did not hold, except when a
compare-and-set conflict shows the channel moved (see replan()).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange


class Writer(Protocol):
    channel: str

    def write(self, changes: Sequence[ListingChange]) -> list[Outcome]:
        """Set every listing to its target; one Outcome per change, in any order."""
        ...

    def read_back(self, changes: Sequence[ListingChange]) -> dict[str, int | None]:
        """What each listing shows now, by listing_key (None: the channel did not say)."""
        ...


def replan(change: ListingChange, shown_now: int) -> int | None:
    """The target after a compare-and-set conflict, or None when nothing is left to do.

    The channel moved since the ingest the plan was built on. If it already shows the
    target, done. If it shows less than it did then, it sold units our targets do not know
    yet: lower the target by as many, so the listing never offers stock that is gone. If it
    shows more (a manual change on the channel), the warehouse's figure stands.
    """
    if shown_now == change.target:
        return None
    sold_since = max(0, (change.previous or 0) - shown_now)
    return max(0, change.target - sold_since)
