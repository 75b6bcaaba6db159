"""A per-job deadline: how long one channel's ingest or push may keep trying.

Retries make a sick channel slow rather than failed: a 5xx storm or a hanging host can keep a
job busy for hours, while every other channel waits behind it for its turn. A job therefore
gets a deadline, and every wait it would make (the rate budget, a retry's backoff, a bulk
operation's polling) is checked against it: past the deadline the job fails with a
`DeadlineExceededError` naming the channel, the endpoint and the last reason, and the other
channels go on. A request already on the wire is bounded by the client's own timeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NoReturn

from channels.errors import DeadlineExceededError


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock after which a job stops trying."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(at=time.monotonic() + seconds, seconds=seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(
        self, channel: str, endpoint: str, reason: str = "", cursor: str | None = None
    ) -> None:
        """Raise when the deadline has passed (`reason`: what kept the job busy)."""
        if self.remaining() <= 0:
            raise DeadlineExceededError(channel, endpoint, self._text(reason), cursor=cursor)

    def allows(self, wait_s: float) -> bool:
        """Whether waiting `wait_s` more seconds still ends before the deadline."""
        return wait_s < self.remaining()

    def fail(self, channel: str, endpoint: str, reason: str, cursor: str | None = None) -> NoReturn:
        """Raise now: a wait the job would need does not fit before the deadline."""
        raise DeadlineExceededError(channel, endpoint, self._text(reason), cursor=cursor)

    def _text(self, reason: str) -> str:
        tail = f"; last: {reason}" if reason else ""
        return f"gave up at the channel's deadline of {self.seconds:.0f} s{tail}"


def sleep_within(
    deadline: Deadline | None, seconds: float, channel: str, endpoint: str, reason: str
) -> None:
    """Sleep `seconds`, or fail at once when that would run past `deadline`."""
    if deadline is not None and not deadline.allows(seconds):
        deadline.fail(channel, endpoint, reason)
    if seconds > 0:
        time.sleep(seconds)
