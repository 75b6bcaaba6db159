"""Run-time fault injection, per channel: the bad weather a client must survive.

Faults are decided per request from a generator seeded by (seed, channel), so a given request
sequence meets the same faults every run. Throttles and server errors use the channel's own
response shapes (its 429 body, headers and error envelope), because a client that only copes
with a generic error would fail against the real API.
"""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FAULT_KINDS = ("throttle", "server_error", "slow", "timeout", "truncated", "malformed", "duplicate")


@dataclass
class FaultSettings:
    throttle: float = 0.0  # share answered with the channel's own 429
    server_error: float = 0.0  # share answered 500/502/503 in the channel's error shape
    slow: float = 0.0  # share delayed by `slow_seconds` before being served
    slow_seconds: float = 2.0
    timeout: float = 0.0  # share that hang for `timeout_seconds`, then drop the connection
    timeout_seconds: float = 30.0
    truncated: float = 0.0  # share of 2xx JSON bodies cut short
    malformed: float = 0.0  # share of 2xx bodies that are not JSON at all
    duplicate: float = 0.0  # share of follow-up pages that repeat records of the page before
    duplicate_count: int = 3
    added_field: str | None = None  # schema change: a new field on every record
    renamed_field: dict[str, str] | None = None  # schema change: {"from": old, "to": new}
    # bad records: {"field": name, "share": 0..1, "value": v}; without "value" the field is
    # dropped. Only records that have the field are touched (a missing id, a "12,30" amount).
    corrupt_field: dict[str, Any] | None = None
    zero_stock: bool = False  # a bad stock read: every quantity reported as 0
    # a silently short read: this share of the records of list answers is left out (1.0: the
    # answer is empty), pages and cursors unchanged
    dropped_records: float = 0.0
    paths: list[str] = field(default_factory=list)  # regexes; empty means every endpoint
    # HTTP methods the transport faults hit (e.g. ["GET"]: a read-back fails, the write does
    # not); empty means every method
    methods: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> FaultSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(payload) - known
        if unknown:
            raise ValueError(f"unknown fault settings {sorted(unknown)}; known: {sorted(known)}")
        settings = cls(**payload)
        for kind in (*FAULT_KINDS, "dropped_records"):
            share = getattr(settings, kind)
            if not 0 <= share <= 1:
                raise ValueError(f"{kind} must be a share between 0 and 1, got {share}")
        if settings.renamed_field is not None and set(settings.renamed_field) != {"from", "to"}:
            raise ValueError('renamed_field must be {"from": old_name, "to": new_name}')
        corrupt = settings.corrupt_field
        if corrupt is not None and (
            "field" not in corrupt
            or not 0 <= float(corrupt.get("share", 1.0)) <= 1
            or set(corrupt) - {"field", "share", "value"}
        ):
            raise ValueError('corrupt_field must be {"field": name, "share": 0..1, "value"?: v}')
        for pattern in settings.paths:
            re.compile(pattern)
        settings.methods = [method.upper() for method in settings.methods]
        return settings

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Verdict:
    """What the fault injector decided for one request."""

    throttle: bool = False
    server_error: int = 0
    delay_s: float = 0.0
    hang: bool = False
    truncate: bool = False
    malform: bool = False


class ChannelFaults:
    """The fault state of one channel, shared by all of its hosts."""

    def __init__(self, seed: int, channel: str) -> None:
        self.channel = channel
        self.settings = FaultSettings()
        self._random = random.Random(f"{seed}:{channel}:faults")

    def configure(self, settings: FaultSettings) -> None:
        self.settings = settings

    def applies_to(self, path: str, method: str | None = None) -> bool:
        patterns, methods = self.settings.paths, self.settings.methods
        if method is not None and methods and method.upper() not in methods:
            return False
        return not patterns or any(re.search(p, path) for p in patterns)

    def decide(self, path: str, method: str | None = None) -> Verdict:
        verdict = Verdict()
        settings = self.settings
        if not self.applies_to(path, method):
            return verdict
        roll = self._random.random
        if roll() < settings.throttle:
            verdict.throttle = True
        elif roll() < settings.server_error:
            verdict.server_error = self._random.choice((500, 502, 503))
        elif roll() < settings.timeout:
            verdict.hang = True
            verdict.delay_s = settings.timeout_seconds
        if roll() < settings.slow:
            verdict.delay_s = max(verdict.delay_s, settings.slow_seconds)
        if roll() < settings.truncated:
            verdict.truncate = True
        elif roll() < settings.malformed:
            verdict.malform = True
        return verdict

    def overlap(self, path: str) -> int:
        """How many records of the previous page a follow-up page should repeat (usually 0)."""
        if self.applies_to(path) and self._random.random() < self.settings.duplicate:
            return self.settings.duplicate_count
        return 0

    @property
    def rng(self) -> random.Random:
        """The channel's seeded generator, for record faults a channel applies in a shape of its
        own (Shopify's GraphQL data): they draw from the same sequence as `shape` does."""
        return self._random

    def fork(self) -> random.Random:
        """A generator of its own, seeded by one draw from the channel's. For work that runs
        beside the request sequence (a bulk export written while polls arrive): its draws must
        not depend on how other requests interleave with it, or a seed would stop fixing them."""
        return random.Random(self._random.getrandbits(64))

    def shape(self, record: dict[str, Any]) -> dict[str, Any]:
        """Apply an upstream schema change to one record (a no-op unless one is configured)."""
        settings = self.settings
        if settings.renamed_field and settings.renamed_field["from"] in record:
            renamed = {}
            for key, value in record.items():
                renamed[
                    settings.renamed_field["to"] if key == settings.renamed_field["from"] else key
                ] = value
            record = renamed
        if settings.added_field:
            record = {**record, settings.added_field: "unexpected"}
        corrupt = settings.corrupt_field
        if (
            corrupt is not None
            and corrupt["field"] in record
            and self._random.random() < float(corrupt.get("share", 1.0))
        ):
            record = dict(record)
            if "value" in corrupt:
                record[corrupt["field"]] = corrupt["value"]
            else:
                del record[corrupt["field"]]
        return record

    def shape_all(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        settings = self.settings
        if settings.dropped_records:
            records = [r for r in records if self._random.random() >= settings.dropped_records]
        if not (settings.renamed_field or settings.added_field or settings.corrupt_field):
            return records
        return [self.shape(record) for record in records]

    def corrupt(self, body: bytes, verdict: Verdict) -> bytes:
        """Turn a good JSON body into the broken one a flaky proxy would deliver."""
        if verdict.truncate and len(body) > 2:
            return body[: max(1, len(body) // 2)]
        if verdict.malform:
            if self._random.random() < 0.5:
                return b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            return b"{ undefined" + body[1:]
        return body

    async def wait(self, verdict: Verdict) -> None:
        if verdict.delay_s:
            await asyncio.sleep(verdict.delay_s)
