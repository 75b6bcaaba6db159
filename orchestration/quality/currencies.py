"""ISO 4217 currencies in circulation today, from the Unicode CLDR data Babel ships."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from babel.core import get_global
from babel.numbers import get_territory_currencies


@functools.cache
def iso_currencies() -> frozenset[str]:
    """Legal tender of some territory today: EUR and USD yes, DEM (retired 2002) and XXX no."""
    today = datetime.now(UTC).date()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    return frozenset(codes)
