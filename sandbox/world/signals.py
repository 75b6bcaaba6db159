"""What the world tells an observer as things happen: the seam webhooks are built on.

The world is generic and knows nothing of channels or HTTP; it only announces the moments at
which something a channel would notify about happened: an order placed, scheduled events
applied (payments, shipments, cancellations, restocks...), a listing's displayed quantity
changed, a cycle count booked. A world without a listener (the usual case: nobody has
subscribed to any webhook) pays a single `is None` check per change.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

SALE = "sale"  # a shopper's order took units off a listing's displayed quantity
WRITE = "write"  # a client's stock write set the displayed quantity through a channel API


class WorldListener(Protocol):
    def order_placed(self, order: int, at: int) -> None:
        """A live order was accepted at world time `at` (its lines are already committed)."""
        ...

    def events_applied(self, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray) -> None:
        """A batch of scheduled events (see `world.events`) was applied, in time order."""
        ...

    def listing_changed(self, listing: int, at: int, cause: str) -> None:
        """A listing's displayed quantity changed (`SALE` or `WRITE`)."""
        ...

    def stock_counted(self, sku: int, location: int, change: int, at: int) -> None:
        """A cycle count changed a SKU's on hand at a warehouse location by `change`."""
        ...

    def advanced_to(self, until: int) -> None:
        """The world has caught up with world time `until` (the clock moved)."""
        ...
