"""The sandbox's two clocks, tied together by one `time_scale` knob.

- *World time* (`sim_now`) is what the data says: order timestamps, `updated_at` filters,
  Amazon's `LastUpdatedBefore`. It starts at a fixed instant so that the same seed serves the
  same bytes, and stands still unless the world is running (live mode) or a test advances it.
- *Wire time* (`wall_now`, `monotonic`) is what protocols measure: rate-limit buckets and
  token lifetimes. It is the real clock plus whatever a test has skipped, so skipping an hour
  of world time also expires hour-long tokens.
- *Real time* (`real_wall`) is the one clock a client shares with the sandbox: request
  signatures are judged against it, and absolute expiry times are stated in it.

With `time_scale = s`, one real second is `s` world seconds, and every duration or rate the
sandbox states on the wire is converted so a client living in real time sees a faster world:
buckets refill `s` times faster, `Retry-After` and `expires_in` are `s` times shorter. Ratios
between channels stay exactly as in production.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SimClock:
    def __init__(
        self,
        world_start: int,
        time_scale: float = 1.0,
        running: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if time_scale <= 0:
            raise ValueError(f"time_scale must be positive, got {time_scale}")
        self.time_scale = float(time_scale)
        self._monotonic = monotonic
        self._wall = wall
        self._skipped = 0.0  # real seconds skipped by `advance`
        self._anchor_sim = float(world_start)
        self._anchor_real = self.monotonic()
        self._running = running

    @property
    def running(self) -> bool:
        return self._running

    def monotonic(self) -> float:
        """Real monotonic seconds plus skipped time: what rate limiters measure."""
        return self._monotonic() + self._skipped

    def wall_now(self) -> float:
        """Real unix time plus skipped time: what token expiry measures."""
        return self._wall() + self._skipped

    def real_wall(self) -> float:
        """Real unix time, unskipped: what a client's own clock says."""
        return self._wall()

    def sim_now(self) -> int:
        """World time in unix seconds."""
        if not self._running:
            return int(self._anchor_sim)
        return int(self._anchor_sim + (self.monotonic() - self._anchor_real) * self.time_scale)

    def advance(self, world_seconds: float) -> None:
        """Skip ahead: world time moves `world_seconds`; wire time the equivalent real seconds."""
        if world_seconds < 0:
            raise ValueError("the clock only moves forward")
        self._skipped += world_seconds / self.time_scale
        if not self._running:
            self._anchor_sim += world_seconds

    def set_running(self, running: bool) -> None:
        """Start or stop world time flowing with the real clock (live mode)."""
        self._anchor_sim = float(self.sim_now())
        self._anchor_real = self.monotonic()
        self._running = running

    def wire_seconds(self, world_seconds: float) -> float:
        """A world duration (a token lifetime, a retry delay) as real seconds on the wire."""
        return world_seconds / self.time_scale

    def wire_rate(self, per_world_second: float) -> float:
        """A world rate (requests per second) as a rate per real second on the wire."""
        return per_world_second * self.time_scale
