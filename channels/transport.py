"""One retry loop for every channel: budget, send, interpret, and decide what a failure means.

A channel client supplies two functions per call: `send` (build and send the request, so a
refreshed token or a fresh signature goes into every attempt) and `interpret` (turn the
response into data, or raise one of the signals below). The loop owns everything else:
taking the rate budget, retrying throttles, 5xx and dropped connections with backoff that
honours Retry-After, re-authenticating once when a token has expired, retrying a body that
does not parse, and failing with a typed error that names the endpoint and the cursor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import orjson

from channels.budget import TokenBucket
from channels.deadline import Deadline
from channels.errors import AuthenticationError, MalformedResponseError, RetriesExhaustedError
from channels.redact import redact
from channels.retry import RetryPolicy, parse_retry_after

T = TypeVar("T")
log = logging.getLogger(__name__)


class Retry(Exception):  # noqa: N818 - a signal, not an error
    """Transient: try again after `after` seconds (or our own backoff when None)."""

    def __init__(self, reason: str, *, after: float | None = None, throttled: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after
        self.throttled = throttled


class Reauthenticate(Exception):  # noqa: N818 - a signal, not an error
    """The access token was refused as expired: refresh it and send the same request again."""


class Malformed(Exception):  # noqa: N818 - a signal, not an error
    """A 2xx body that is not the documented shape; retried a few times, then fatal."""


def retry_for_status(response: httpx.Response) -> None:
    """Raise `Retry` for the statuses every channel treats as transient (429 and 5xx)."""
    status = response.status_code
    if status == 429:
        raise Retry(
            f"throttled: {response.text[:200]}",
            after=parse_retry_after(response.headers.get("Retry-After")),
            throttled=True,
        )
    if status >= 500:
        raise Retry(
            f"server error {status}: {response.text[:200]}",
            after=parse_retry_after(response.headers.get("Retry-After")),
        )


def parse_json(response: httpx.Response) -> Any:
    """The body as JSON, or `Malformed` (a truncated body, an HTML error page from a proxy)."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as error:
        snippet = redact(response.content[:80].decode("utf-8", "replace"))
        raise Malformed(f"body is not JSON ({error}); starts with {snippet!r}") from error


@dataclass
class RequestTally:
    """Requests, retries and throttles summed over every client that shares it.

    A caller that runs several clients as one job (an ingest, a push) hands them one tally, so
    it can report what the job cost against the channel's limits without reaching into each
    client's transport."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0


class Transport:
    def __init__(
        self,
        channel: str,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        tally: RequestTally | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.channel = channel
        self.policy = policy or RetryPolicy()
        self.deadline = deadline
        self._sleep = sleep
        self.requests = 0
        self.retries = 0
        self.throttled = 0
        self.tally = tally or RequestTally()

    def call(
        self,
        send: Callable[[], httpx.Response],
        interpret: Callable[[httpx.Response], T],
        *,
        endpoint: str,
        cursor: str | None = None,
        budget: TokenBucket | None = None,
        cost: float = 1.0,
        reauthenticate: Callable[[], None] | None = None,
    ) -> T:
        failures = 0
        malformed = 0
        reauthenticated = False
        reason = ""
        while True:
            self._take_turn(endpoint, cursor, reason, budget, cost)
            self.requests += 1
            self.tally.requests += 1
            after: float | None = None
            try:
                return interpret(send())
            except (httpx.TimeoutException, httpx.TransportError) as error:
                reason = f"{type(error).__name__}: {error}"
            except Retry as signal:
                reason, after = signal.reason, signal.after
                if signal.throttled:
                    self.throttled += 1
                    self.tally.throttled += 1
                    if budget is not None:
                        budget.throttled(after)
                        after = 0.0  # the budget itself now holds every caller back
            except Reauthenticate as signal:
                if reauthenticated or reauthenticate is None:
                    raise AuthenticationError(
                        self.channel,
                        endpoint,
                        f"token refused after refresh: {signal}",
                        cursor=cursor,
                    ) from signal
                reauthenticate()
                reauthenticated = True
                continue
            except Malformed as signal:
                malformed += 1
                reason = str(signal)
                if malformed >= self.policy.malformed_attempts:
                    raise MalformedResponseError(
                        self.channel, endpoint, f"{reason} ({malformed} attempts)", cursor=cursor
                    ) from signal
            failures += 1
            self.retries += 1
            self.tally.retries += 1
            if failures >= self.policy.max_attempts:
                raise RetriesExhaustedError(
                    self.channel,
                    endpoint,
                    f"gave up after {failures} attempts: {reason}",
                    cursor=cursor,
                )
            self._back_off(endpoint, cursor, reason, failures, after)

    def _take_turn(
        self,
        endpoint: str,
        cursor: str | None,
        reason: str,
        budget: TokenBucket | None,
        cost: float,
    ) -> None:
        """Wait for the rate budget, within the deadline (when the job has one)."""
        if self.deadline is not None:
            self.deadline.check(self.channel, endpoint, reason, cursor)
        if budget is None:
            return
        try:
            budget.acquire(cost, until=self.deadline.at if self.deadline else None)
        except TimeoutError:
            assert self.deadline is not None  # only a deadline bounds the wait
            waiting = reason or "waiting for the rate budget"
            self.deadline.fail(self.channel, endpoint, waiting, cursor)

    def _back_off(
        self, endpoint: str, cursor: str | None, reason: str, failures: int, after: float | None
    ) -> None:
        """Sleep before the next attempt: the server's Retry-After or our backoff."""
        delay = self.policy.delay(failures, after) if after != 0.0 else 0.0
        if self.deadline is not None and not self.deadline.allows(delay):
            self.deadline.fail(self.channel, endpoint, reason, cursor)
        log.info(
            "%s %s: %s; retry %d in %.2fs", self.channel, endpoint, redact(reason), failures, delay
        )
        if delay:
            self._sleep(delay)
