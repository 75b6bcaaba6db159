"""The resources every asset shares; assets name them by key, never build their own.

The warehouse and the channels are read from the environment when a step runs
(`TRIBUTARY_WAREHOUSE`, `TRIBUTARY_CHANNELS_FILE` or dlt's config), so the same code location
serves the sandbox, a staging shop or production by configuration alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.transform.project import PROJECT
from orchestration.resources.channels import ChannelsResource
from orchestration.resources.warehouse import WarehouseResource


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource(),
            "channels": ChannelsResource(),
            # The dbt beside this interpreter, whatever PATH the process was started with.
            "dbt": DbtCliResource(
                project_dir=PROJECT, dbt_executable=str(Path(sys.executable).with_name("dbt"))
            ),
        }
    )
