"""Typed errors: every failure names the channel, the endpoint and, where known, the cursor.

An operator reading a failed run must know which call broke and where pagination stood, so
that the cause can be found and the run resumed without guessing. Every reason is redacted
(channels.redact): error texts end up in logs, traces and tickets, credentials must not.
"""

from __future__ import annotations

from channels.redact import redact


class ChannelError(Exception):
    """A channel call that failed for good (after any retries it deserved)."""

    def __init__(
        self,
        channel: str,
        endpoint: str,
        reason: str,
        *,
        status: int | None = None,
        cursor: str | None = None,
    ) -> None:
        reason = redact(reason)  # a quoted body may hold a token: never let it travel further
        self.channel = channel
        self.endpoint = endpoint
        self.reason = reason
        self.status = status
        self.cursor = cursor
        where = f"{channel} {endpoint}"
        if cursor:
            where += f" (cursor {cursor})"
        status_text = f" [HTTP {status}]" if status is not None else ""
        super().__init__(f"{where}{status_text}: {reason}")


class AuthenticationError(ChannelError):
    """Credentials refused: retrying cannot help, the configuration must change."""


class RequestRejectedError(ChannelError):
    """The channel refused the request as invalid (a 4xx other than auth or throttling)."""


class RetriesExhaustedError(ChannelError):
    """Throttling, server errors or timeouts outlasted the retry policy."""


class DeadlineExceededError(ChannelError):
    """The job's deadline passed while the channel kept it waiting (retries, throttles, polls)."""


class MalformedResponseError(ChannelError):
    """A 2xx response whose body is not the documented shape, even after retries.

    Raised instead of returning a short or empty page, so pagination never ends silently.
    """


class BusinessError(ChannelError):
    """An error the channel reports inside a 200 envelope (TikTok's non-zero `code`)."""

    def __init__(
        self, channel: str, endpoint: str, code: int, message: str, **kwargs: object
    ) -> None:
        self.code = code
        super().__init__(channel, endpoint, f"code {code}: {message}", **kwargs)  # type: ignore[arg-type]
