"""Code that points the platform at another place for a while leaves the environment as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.environment import environment_set


def a_strategy_that_fails_half_way(run_directory: Path) -> None:
    scratch = {
        "TRIBUTARY_WAREHOUSE": str(run_directory / "warehouse.duckdb"),
        "TRIBUTARY_ALLOCATION_RULE_SET": "live",
    }
    with environment_set(scratch):
        assert {name: os.environ[name] for name in scratch} == scratch
        raise RuntimeError("a strategy failed half way")


def test_names_get_their_old_values_back_or_go_even_after_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRIBUTARY_WAREHOUSE", "/srv/brand/warehouse.duckdb")
    monkeypatch.delenv("TRIBUTARY_ALLOCATION_RULE_SET", raising=False)
    with pytest.raises(RuntimeError, match="half way"):
        a_strategy_that_fails_half_way(tmp_path)
    assert os.environ["TRIBUTARY_WAREHOUSE"] == "/srv/brand/warehouse.duckdb"
    assert "TRIBUTARY_ALLOCATION_RULE_SET" not in os.environ
