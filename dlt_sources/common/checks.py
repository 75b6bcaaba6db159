"""Record checks: the promises a raw row must keep before it may enter the warehouse.

Each check returns a reason (naming the field) or None. A record with any reason goes to
quarantine with its raw payload instead of loading as a row with a silent null.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from dlt_sources.common.window import parse_time

Check = Callable[[dict[str, Any]], str | None]
MONEY = re.compile(r"^-?\d+(\.\d+)?$")
_MISSING = object()


def dig(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or a sentinel when any step is absent."""
    value: Any = record
    for step in path.split("."):
        if not isinstance(value, dict) or step not in value:
            return _MISSING
        value = value[step]
    return value


def required(path: str) -> Check:
    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if value is _MISSING or value is None or value == "":
            return f"missing {path}"
        return None

    return check


def positive_count(path: str) -> Check:
    """A whole number above zero: a kit of zero components would offer infinite kits."""

    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            return f"{path} must be a positive integer, got {value!r}"
        return None

    return check


def whole_number(path: str) -> Check:
    """A whole number of units, zero or more: a stock count of "lots" or 2.5 is not one."""

    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if value is _MISSING or value is None:
            return f"missing {path}"
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{path} must be a whole number of units, got {value!r}"
        return None

    return check


def non_empty(path: str) -> Check:
    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if not isinstance(value, list) or not value:
            return f"{path} must be a non-empty list"
        return None

    return check


def money(path: str, *, optional: bool = False) -> Check:
    """A decimal string amount ("12.30"); absent is fine only when `optional`."""

    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if value is _MISSING or value is None:
            return None if optional else f"missing money {path}"
        if not isinstance(value, str | int | float) or not MONEY.match(str(value)):
            return f"malformed money {path}={value!r}"
        return None

    return check


def one_of(path: str, allowed: Collection[str], *, optional: bool = False) -> Check:
    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if value is _MISSING or value is None:
            return None if optional else f"missing {path}"
        if value not in allowed:
            return f"unknown {path}={value!r}"
        return None

    return check


def timestamp(path: str) -> Check:
    def check(record: dict[str, Any]) -> str | None:
        value = dig(record, path)
        if value is _MISSING or value is None:
            return f"missing timestamp {path}"
        try:
            parse_time(value)
        except (TypeError, ValueError, OverflowError):
            return f"malformed timestamp {path}={value!r}"
        return None

    return check


def each(path: str, checks: list[Check]) -> Check:
    """Apply `checks` to every element of the list at `path` (line items and the like)."""

    def check(record: dict[str, Any]) -> str | None:
        items = dig(record, path)
        if items is _MISSING or items is None:
            return None
        if not isinstance(items, list):
            return f"{path} is not a list"
        for index, item in enumerate(items):
            for inner in checks:
                reason = inner(item) if isinstance(item, dict) else f"{path}[{index}] not object"
                if reason:
                    return f"{path}[{index}]: {reason}"
        return None

    return check


def problems(record: dict[str, Any], checks: list[Check]) -> list[str]:
    return [reason for check in checks if (reason := check(record))]
