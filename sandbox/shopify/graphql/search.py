"""Shopify's search syntax for the `query:` argument, for the fields the sandbox filters on.

`updated_at:>'2026-09-01T00:00:00Z' AND status:open` becomes a list of terms; unknown fields
are ignored, as Shopify ignores terms it cannot apply (it only warns in `extensions.search`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from graphql import GraphQLError

TERM = re.compile(r"""(?P<field>[a-z_]+):(?P<op>>=|<=|>|<|=)?(?P<value>'[^']*'|"[^"]*"|\S+)""")
TIME_FIELDS = ("created_at", "updated_at", "processed_at")


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    value: str


def parse(query: str | None) -> list[Term]:
    if not query:
        return []
    terms = []
    for match in TERM.finditer(query):
        value = match["value"].strip("'\"")
        terms.append(Term(match["field"], match["op"] or "=", value))
    return terms


def timestamp(value: str) -> int:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphQLError(f"Invalid date in search query: {value!r}") from error
    if moment.tzinfo is None:
        return int(datetime.fromisoformat(value + "+00:00").timestamp())
    return int(moment.timestamp())


def compare(values: np.ndarray, op: str, bound: int) -> np.ndarray:
    return {
        ">": values > bound,
        ">=": values >= bound,
        "<": values < bound,
        "<=": values <= bound,
        "=": values == bound,
    }[op]


def time_mask(terms: list[Term], columns: dict[str, np.ndarray]) -> np.ndarray:
    """Apply every time-field term to the matching column (all columns equally long)."""
    size = len(next(iter(columns.values())))
    mask = np.ones(size, bool)
    for term in terms:
        if term.field in columns:
            mask &= compare(columns[term.field], term.op, timestamp(term.value))
    return mask
