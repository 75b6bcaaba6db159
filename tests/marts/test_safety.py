"""What must fail, fails loudly: unknown statuses, raw PII in a mart, a build without its PII
salt; and what must not, does not: a column added or dropped upstream."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.secrets import pii_salt
from core.warehouse import Warehouse
from orchestration.cli import main
from orchestration.transform import DBT_PROJECT_DIR, dbt_environment
from tests.marts.conftest import NEW_LOAD, BuiltWorld, copy_of, dbt, execute, query


def test_a_status_no_seed_knows_fails_the_build_naming_the_order(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    (order_id,) = query(warehouse, "select min(amazon_order_id) from raw_amazon.orders")[0]
    execute(
        warehouse,
        f"update raw_amazon.orders set order_status = 'Teleported', _dlt_load_id = '{NEW_LOAD}'"
        f" where amazon_order_id = '{order_id}'",
    )
    run = dbt(warehouse, "build")
    assert not run.ok
    failed = {result.name for result in run.failures}
    assert "not_null_fct_orders_status" in " ".join(failed)
    unmapped = query(
        warehouse,
        "select order_id, unmapped_statuses from intermediate.int_orders_statuses_mapped"
        " where unmapped_statuses is not null",
    )
    assert unmapped == [(order_id, "order_status=Teleported")]


def test_raw_contact_data_in_a_mart_fails_the_pii_test(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    execute(
        warehouse,
        "update marts.dim_customers set email_sha256 = "
        "(select min(email) from raw_shopify.customers)"
        " where customer_id = (select min(customer_id) from marts.dim_customers)",
    )
    run = dbt(warehouse, "test", "--select", "assert_marts_hold_no_raw_pii")
    assert not run.ok
    assert [(r.name.split(".")[-1], r.failures) for r in run.failures] == [
        ("assert_marts_hold_no_raw_pii", 1)
    ]


def test_staging_survives_a_column_added_or_dropped_upstream(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    execute(
        warehouse,
        "alter table raw_shopify.orders drop column cancel_reason",
        "alter table raw_shopify.orders drop column shipping_address__zip",
        "alter table raw_amazon.orders add column loyalty_tier varchar default 'gold'",
    )
    run = dbt(warehouse, "build", "--full-refresh")
    assert run.ok, run.explain()
    assert query(
        warehouse,
        "select count(*), count(cancel_reason), count(ship_to_postcode)"
        " from staging.stg_shopify__orders",
    ) == [(900, 0, 0)]
    truth_orders = sum(row["orders"] for row in built_world.control.truth()["orders"])
    assert query(warehouse, "select count(*) from marts.fct_orders") == [(truth_orders,)]


def test_the_transform_command_names_what_failed(
    built_world: BuiltWorld, tmp_path: Path, monkeypatch
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    execute(
        warehouse, f"update raw_tiktok_shop.orders set status = 'LOST', _dlt_load_id = '{NEW_LOAD}'"
    )
    monkeypatch.setenv("TRIBUTARY_WAREHOUSE", str(warehouse))
    result = CliRunner().invoke(main, ["transform", "--select", "+fct_orders"])
    assert result.exit_code == 1
    assert "not_null_fct_orders_status" in result.output


def test_docs_generate(built_world: BuiltWorld, tmp_path: Path) -> None:
    warehouse = copy_of(built_world, tmp_path)
    run = dbt(warehouse, "docs", "generate")
    assert run.ok, run.explain()
    assert (run.target_path / "catalog.json").exists()
    assert (run.target_path / "index.html").exists()


def test_a_brand_without_one_channel_builds_without_its_raw_tables(
    built_world: BuiltWorld, tmp_path: Path, monkeypatch
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    execute(warehouse, "drop schema raw_tiktok_shop cascade")
    monkeypatch.setenv("TRIBUTARY_CHANNELS", "shopify,amazon")
    run = dbt(warehouse, "build", "--full-refresh")
    assert run.ok, run.explain()
    assert not [
        r for r in run.results if "tiktok" in r.unique_id and r.unique_id.startswith("model")
    ]
    channels = query(warehouse, "select distinct channel from marts.fct_orders order by 1")
    assert channels == [("amazon",), ("shopify",)]


def test_contact_hashes_are_salted_with_the_installations_secret_not_a_known_value(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    """With a salt anyone knows, hashing a list of candidate emails re-identifies every
    customer; the installation's salt is random, private, and never written into SQL."""
    emails = query(
        built_world.warehouse,
        "select distinct lower(trim(email)) from raw_shopify.customers where email is not null",
    )
    assert emails
    digests = {
        row[0]
        for row in query(built_world.warehouse, "select email_sha256 from marts.dim_customers")
    }

    def digest(salt: str, email: str) -> str:
        return hashlib.sha256(f"{salt}|{email}".encode()).hexdigest()

    for public_default in ("tributary", "", "test"):
        assert not {digest(public_default, email) for (email,) in emails} & digests
    salt = pii_salt()
    assert len(salt) >= 32
    assert {digest(salt, email) for (email,) in emails} <= digests, "the secret salt is the one"

    generated = Path(".tributary/secrets/pii_salt")
    if generated.exists():  # generated on first use unless a deployment passed one
        assert stat.S_IMODE(generated.stat().st_mode) == 0o600
        ignored = subprocess.run(  # noqa: S603 - git, asked about our own file
            ["git", "check-ignore", "-q", str(generated)],  # noqa: S607
            check=False,
        )
        assert ignored.returncode == 0, "the salt file is kept out of git"
    compiled = built_world.build.target_path / "run"
    assert compiled.exists()
    for path in compiled.rglob("*.sql"):
        assert salt not in path.read_text(), f"the salt leaked into {path}"


def test_a_build_without_the_salt_fails_instead_of_hashing_with_nothing(
    built_world: BuiltWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    monkeypatch.delenv("TRIBUTARY_PII_SALT", raising=False)
    environment = {**dbt_environment(Warehouse(warehouse))}
    del environment["TRIBUTARY_PII_SALT"]
    finished = subprocess.run(  # noqa: S603 - dbt itself, without what tributary hands it
        [str(Path(sys.executable).with_name("dbt")), "build", "--select", "dim_customers",
         "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target")],
        env=environment, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert finished.returncode != 0
    assert "TRIBUTARY_PII_SALT is not set" in finished.stdout + finished.stderr
