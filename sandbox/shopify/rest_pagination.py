"""Shopify REST cursor pagination: `page_info` tokens and the `Link` header.

A `page_info` is, as on Shopify, URL-safe base64 of a small JSON object carrying the original
filters, the last record's id and sort value, and a direction. With `page_info` a request may
only add `limit` and `fields`; anything else is refused the way Shopify refuses it. The last
page has no `rel="next"` link, which is the only end-of-data signal.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import numpy as np
import orjson
from aiohttp import web

DEFAULT_LIMIT = 50
MAX_LIMIT = 250


class PageError(Exception):
    """A request Shopify would refuse with 400; `errors` is the body's `errors` value."""

    def __init__(self, errors: Any) -> None:
        super().__init__(str(errors))
        self.errors = errors


@dataclass
class PageRequest:
    limit: int
    fields: list[str] | None
    filters: dict[str, str]
    last_id: int | None = None
    direction: str = "next"

    @property
    def is_follow_up(self) -> bool:
        return self.last_id is not None


def encode(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode(token: str) -> dict[str, Any]:
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as error:
        raise PageError({"page_info": "Invalid value."}) from error
    if not isinstance(payload, dict) or "last_id" not in payload or "direction" not in payload:
        raise PageError({"page_info": "Invalid value."})
    return payload


def parse(query: Any, filter_names: tuple[str, ...]) -> PageRequest:
    """Read limit, fields and either the filters or a page_info from a query string."""
    raw_limit = query.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError as error:
        raise PageError({"limit": "Invalid value."}) from error
    if limit < 1:
        raise PageError({"limit": "Invalid value."})
    limit = min(limit, MAX_LIMIT)  # Shopify serves at most 250 and does not say so
    fields = [f for f in query.get("fields", "").split(",") if f] or None
    if "page" in query:
        message = (
            "page cannot be passed. "
            "See https://shopify.dev/api/usage/pagination-rest for more information."
        )
        raise PageError({"page": message})
    if "page_info" not in query:
        filters = {name: query[name] for name in filter_names if name in query}
        return PageRequest(limit, fields, filters)
    extra = sorted(set(query) - {"page_info", "limit", "fields"})
    if extra:
        raise PageError(
            {name: f"{name} cannot be passed when page_info is present." for name in extra}
        )
    payload = decode(query["page_info"])
    filters = {k: v for k, v in payload.items() if k not in ("last_id", "last_value", "direction")}
    return PageRequest(limit, fields, filters, int(payload["last_id"]), str(payload["direction"]))


@dataclass
class Page:
    positions: np.ndarray  # indices into the sorted candidate list
    has_previous: bool
    has_next: bool


def slice_page(
    sorted_keys: np.ndarray, cursor_key: int | None, direction: str, limit: int, overlap: int
) -> Page:
    """Select a page from candidates sorted by a unique key, relative to a cursor.

    `overlap` repeats that many records of the previous page (an injected fault).
    """
    total = len(sorted_keys)
    if cursor_key is None:
        start = 0
    elif direction == "next":
        start = int(np.searchsorted(sorted_keys, cursor_key, side="right"))
        start = max(0, start - overlap)
    else:
        stop = int(np.searchsorted(sorted_keys, cursor_key, side="left"))
        start = max(0, stop - limit)
        positions = np.arange(start, stop)
        return Page(positions, start > 0, stop < total)
    stop = min(total, start + limit)
    return Page(np.arange(start, stop), start > 0, stop < total)


def link_header(
    request: web.Request,
    page: PageRequest,
    previous: dict[str, Any] | None,
    following: dict[str, Any] | None,
) -> str | None:
    links = []
    base = f"{request.url.origin()}{request.path}"
    for token, rel in ((previous, "previous"), (following, "next")):
        if token is None:
            continue
        params: dict[str, Any] = {"limit": page.limit}
        if page.fields:
            params["fields"] = ",".join(page.fields)
        params["page_info"] = encode({**page.filters, **token})
        links.append(f'<{base}?{urlencode(params)}>; rel="{rel}"')
    return ", ".join(links) if links else None
