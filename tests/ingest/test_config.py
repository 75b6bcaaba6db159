"""Channel settings come from a channels file or from dlt's providers, never from code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlt_sources.common.config import (
    CHANNELS_FILE_ENV,
    ChannelNotConfiguredError,
    channel_settings,
    configured_channels,
)


def test_a_channels_file_in_the_manifest_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "channels.json"
    path.write_text(json.dumps({"channels": {"warehouse": {"base_url": "u", "api_key": "k"}}}))
    assert channel_settings("warehouse", path) == {"base_url": "u", "api_key": "k"}
    assert configured_channels(path) == ["warehouse"]
    with pytest.raises(ChannelNotConfiguredError, match=r"\[sources.amazon\]"):
        channel_settings("amazon", path)
    monkeypatch.setenv(CHANNELS_FILE_ENV, str(path))
    assert channel_settings("warehouse")["api_key"] == "k"


def test_dlt_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CHANNELS_FILE_ENV, raising=False)
    monkeypatch.setenv("SOURCES__WAREHOUSE__BASE_URL", "https://wms.example.com")
    monkeypatch.setenv("SOURCES__WAREHOUSE__API_KEY", "wms_live_x")
    settings = channel_settings("warehouse")
    assert settings == {"base_url": "https://wms.example.com", "api_key": "wms_live_x"}
