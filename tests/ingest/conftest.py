"""Ingest fixtures: a private sandbox per test module, frozen a little past its start.

Amazon never shows the last two minutes (its `LastUpdatedBefore` rule), so each world is
moved 130 s forward, not live, before the first ingest: no order appears in that span, and
every order the truth counts is visible to every channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from channels.budget import forget_budgets
from channels.retry import RetryPolicy
from tests.helpers.clients import Control
from tests.ingest.raw import Ingest

FAST_RETRIES = RetryPolicy(
    max_attempts=12, base_delay_s=0.02, max_delay_s=0.5, malformed_attempts=6
)
AMAZON_MARGIN_S = 130


@pytest.fixture(autouse=True)
def fresh_budgets() -> Iterator[None]:
    """Each test is a new process as far as rate budgets go."""
    forget_budgets()
    yield
    forget_budgets()


@pytest.fixture
def ingest_world(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> Callable[..., tuple[dict[str, Any], Control, Ingest]]:
    def start(
        client_timeout_s: float | None = None, **options: Any
    ) -> tuple[dict[str, Any], Control, Ingest]:
        manifest = sandbox(**options)
        if client_timeout_s is not None:
            for channel in manifest["channels"].values():
                channel["timeout_s"] = client_timeout_s
        control = Control(manifest)
        control.advance(AMAZON_MARGIN_S)
        return manifest, control, Ingest(manifest, tmp_path, policy=FAST_RETRIES)

    return start
