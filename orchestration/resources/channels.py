"""Where the channels' settings come from, as one Dagster resource."""

from __future__ import annotations

import os

import dagster as dg

from dlt_sources.common.config import CHANNELS_FILE_ENV


class ChannelsResource(dg.ConfigurableResource):
    """A channels file (the sandbox manifest layout) or, when none, dlt's config and secrets.

    `config_file` defaults to `TRIBUTARY_CHANNELS_FILE`, read when a step runs (not when the
    code location loads), so the UI can list the assets before any shop is configured."""

    config_file: str | None = None

    def settings_file(self) -> str | None:
        return self.config_file or os.environ.get(CHANNELS_FILE_ENV) or None
