"""A dbt-duckdb plugin: hand every dbt session the installation's PII salt, out of band.

The salt (core/secrets.py) must reach the SQL that hashes contact data without appearing in
it: compiled SQL lands in dbt_project/target, in manifests, in the docs site analysts read,
and in run logs. So it travels in the environment (`TRIBUTARY_PII_SALT`, set by `tributary`
and by the Dagster resources) and each cursor dbt opens gets it as a session variable, which
the `hash_pii` macro reads with `getvariable`. A build without a salt fails here, loudly,
instead of hashing with nothing.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

SALT_ENV = "TRIBUTARY_PII_SALT"
VARIABLE = "tributary_pii_salt"


class Plugin(BasePlugin):
    def configure_cursor(self, cursor: Any) -> Any:
        salt = os.environ.get(SALT_ENV)
        if not salt:
            raise RuntimeError(
                f"{SALT_ENV} is not set: run dbt through `tributary transform` (or set it from "
                "your secrets store); contact data is never hashed with a known salt"
            )
        cursor.execute(f"set variable {VARIABLE} = ?", [salt])
        return cursor
