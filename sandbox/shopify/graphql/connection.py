"""Relay connections as Shopify serves them: `first`/`last` up to 250, opaque cursors.

In a bulk operation the same resolvers run with `bulk=True`: connections return everything and
ignore paging arguments, as Shopify's bulk executor does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from graphql import GraphQLError, GraphQLResolveInfo

MAX_PAGE = 250


@dataclass
class PageInfo:
    hasNextPage: bool
    hasPreviousPage: bool
    startCursor: str | None
    endCursor: str | None


@dataclass
class Edge:
    cursor: str
    node: Any


@dataclass
class Connection:
    edges: list[Edge]
    nodes: list[Any]
    pageInfo: PageInfo


def encode_cursor(key: int) -> str:
    return base64.b64encode(orjson.dumps({"last_id": int(key)})).decode()


def decode_cursor(cursor: str) -> int:
    try:
        return int(orjson.loads(base64.b64decode(cursor))["last_id"])
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}") from error


def is_bulk(info: GraphQLResolveInfo) -> bool:
    return bool(info.context.get("bulk"))


def page_size(info: GraphQLResolveInfo, first: int | None, last: int | None) -> int | None:
    """Validate first/last as Shopify does; None means 'everything' (bulk only)."""
    if is_bulk(info):
        return None
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported")
    size = first if first is not None else last
    assert size is not None
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(f"The first/last argument must be between 0 and {MAX_PAGE}.")
    return size


def connection(
    info: GraphQLResolveInfo,
    keys: np.ndarray | Sequence[int],
    make_node: Callable[[int], Any],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection:
    """A page of items identified by `keys`, which must ascend in output order."""
    keys = np.asarray(keys, np.int64)
    size = page_size(info, first, last)
    start, stop = 0, len(keys)
    if after is not None:
        start = int(np.searchsorted(keys, decode_cursor(after), side="right"))
    if before is not None:
        stop = int(np.searchsorted(keys, decode_cursor(before), side="left"))
    if size is not None:
        if last is not None:
            start = max(start, stop - size)
        else:
            stop = min(stop, start + size)
    chosen = keys[start:stop].tolist()
    nodes = [make_node(k) for k in chosen]
    edges = [Edge(encode_cursor(k), n) for k, n in zip(chosen, nodes, strict=True)]
    return Connection(
        edges=edges,
        nodes=nodes,
        pageInfo=PageInfo(
            hasNextPage=stop < len(keys),
            hasPreviousPage=start > 0,
            startCursor=edges[0].cursor if edges else None,
            endCursor=edges[-1].cursor if edges else None,
        ),
    )
