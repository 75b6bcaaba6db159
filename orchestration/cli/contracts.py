"""`tributary contracts refresh`: rewrite the raw contracts from a full load.

A raw contract (`dlt_sources/contracts/<slug>.schema.yaml`) lists every table and column a
channel's load may write; loads freeze columns against it, so an upstream rename stops the
load instead of loading nulls. Refresh it when a channel's API version changes, then review
the diff like code. Without `--config` it loads a small sandbox world.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click
import dlt
import yaml  # type: ignore[import-untyped]

from dlt_sources.common.config import channels_from_file
from dlt_sources.common.pipeline import CONTRACTS
from dlt_sources.common.tables import EVOLVING
from dlt_sources.registry import SOURCES


@click.group()
def contracts() -> None:
    """The raw-layer schema contracts."""


@contracts.command()
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False))
def refresh(config_file: str | None) -> None:
    """Regenerate every channel's contract from a full load."""
    if config_file is None:
        from sandbox.server.context import SandboxOptions  # noqa: PLC0415 - only when used
        from sandbox.server.runner import SandboxConfig, SandboxThread  # noqa: PLC0415

        with SandboxThread(
            SandboxConfig(seed=42, scale="small", options=SandboxOptions(rate_limits=False))
        ) as manifest:
            _refresh_all(manifest["channels"])
    else:
        _refresh_all(channels_from_file(config_file))


def _refresh_all(channels: dict[str, Any]) -> None:
    for slug, source in SOURCES.items():
        if slug not in channels:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            exported = Path(scratch) / "export"
            pipeline = dlt.pipeline(
                pipeline_name=f"contract_{slug}",
                destination=dlt.destinations.duckdb(f"{scratch}/contract.duckdb"),
                dataset_name=f"raw_{slug}",
                pipelines_dir=f"{scratch}/pipelines",
                export_schema_path=str(exported),
            )
            pipeline.run(source(channels[slug]), schema_contract=EVOLVING)
            document = yaml.safe_load((exported / f"{slug}.schema.yaml").read_text())
        target = CONTRACTS / f"{slug}.schema.yaml"
        target.write_text(yaml.safe_dump(contract_of(document), sort_keys=True))
        click.echo(f"{slug}: {len(document['tables'])} tables -> {target}")


def contract_of(document: dict[str, Any]) -> dict[str, Any]:
    """An exported schema minus what belongs to one pipeline's history, not to the contract."""
    document.get("settings", {}).pop("schema_contract", None)
    document["previous_hashes"] = []
    document.pop("imported_version_hash", None)
    for table in document.get("tables", {}).values():
        table.pop("schema_contract", None)
        table.pop("x-normalizer", None)
    return document
