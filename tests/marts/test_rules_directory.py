"""An installation's own rules directory (TRIBUTARY_SEEDS_DIR) is what dbt and the reactor use.

A brand maps its legacy seller SKUs, sets its allocation rules and its safety stock in the
seeds; keeping them in a directory of its own keeps them out of Tributary's checkout. dbt must
load that directory's files with the project's column types and tests, and the fast path must
map order statuses by the same file the marts use.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.rules import DBT_PROJECT_DIR, SEEDS_DIR_ENV, seeds_dir
from realtime.statuses import unified_status
from tests.marts.conftest import dbt, query

LEGACY = "shopify,tributary-outfitters,OLD-00042,TRB-TEE-M,the merchant's own map"


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(DBT_PROJECT_DIR / "seeds", directory)
    with (directory / "sku_overrides.csv").open("a") as file:
        file.write(f"{LEGACY}\n")
    monkeypatch.setenv(SEEDS_DIR_ENV, str(directory))
    return directory


def test_dbt_loads_and_tests_the_installations_rules(rules: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    seeded = dbt(
        warehouse, "build", "--select", "resource_type:seed", "--indirect-selection", "cautious"
    )
    assert seeded.ok, seeded.failures()
    rows = query(warehouse, "select * from rules.sku_overrides")
    assert rows == [tuple(LEGACY.split(","))]
    # The project's column types and tests apply to the installation's files too.
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'rules' and table_name = 'order_status_map'",
        )
    )
    assert types["precedence"] == "INTEGER"
    assert any(result.unique_id.startswith("test.") for result in seeded.results)


def test_the_reactor_maps_statuses_by_the_same_file(rules: Path) -> None:
    assert seeds_dir() == rules
    with (rules / "order_status_map.csv").open("a") as file:
        file.write("shopify,fulfillment_status,TELEPORTED,cancelled,9\n")
    assert unified_status("shopify", {"fulfillment_status": "TELEPORTED"}) == "cancelled"
