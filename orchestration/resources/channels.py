"""Where the channels' settings come from, as one Dagster resource."""

from __future__ import annotations

import os
from typing import Any

import dagster as dg
from pydantic import Field

from dlt_sources.common.config import CHANNELS_FILE_ENV


class ChannelsResource(dg.ConfigurableResource):
    """A channels file (the sandbox manifest layout) or, when none, dlt's config and secrets.

    `config_file` defaults to `TRIBUTARY_CHANNELS_FILE` as the code location loads, so the
    UI's Resources page shows which file (for `tributary ui`, which sandbox's manifest) this
    code location reads. When it is unset then, it is looked up again when a step runs, so the
    UI can list the assets before any shop is configured."""

    config_file: str | None = Field(
        default=None,
        description="The channels file read (the sandbox manifest layout); unset: dlt's "
        "config and secrets.",
    )

    def __init__(self, **data: Any) -> None:
        if data.get("config_file") is None:
            data["config_file"] = os.environ.get(CHANNELS_FILE_ENV) or None
        super().__init__(**data)

    def settings_file(self) -> str | None:
        return self.config_file or os.environ.get(CHANNELS_FILE_ENV) or None
