"""Resolving a client's list of ids: unknown ids simply match nothing, as on the real APIs."""

from __future__ import annotations

from collections.abc import Iterable


def present(found: Iterable[int | None]) -> list[int]:
    """The world indices that ids resolved to, dropping the ids that resolved to nothing."""
    return [index for index in found if index is not None]
