"""Where a channel's settings come from: a JSON file or dlt's config and secrets.

Both use one layout, the `channels` section of the sandbox manifest, so the local sandbox is
just one configuration among others:

- a JSON file: `tributary ingest --config .tributary/sandbox.json` (or the env variable
  `TRIBUTARY_CHANNELS_FILE`), read from its `channels` object;
- dlt's providers: `[sources.<slug>]` in `.dlt/config.toml` and `.dlt/secrets.toml` (secrets
  win), as dlt documents, e.g. `[[sources.shopify.stores]]` with `access_token`;
- environment variables in dlt's convention, which win over both:
  `SOURCES__WAREHOUSE__API_KEY=...`; lists and tables as JSON
  (`SOURCES__SHOPIFY__STORES='[{"store_id": ...}]'`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CHANNELS_FILE_ENV = "TRIBUTARY_CHANNELS_FILE"


class ChannelNotConfiguredError(LookupError):
    def __init__(self, slug: str) -> None:
        super().__init__(
            f"channel {slug!r} is not configured: add [sources.{slug}] to .dlt/secrets.toml or "
            f"pass a channels file (--config, ${CHANNELS_FILE_ENV})"
        )


def channels_from_file(path: str | Path) -> dict[str, dict[str, Any]]:
    document = json.loads(Path(path).read_text())
    channels = document.get("channels", document)
    if not isinstance(channels, dict):
        raise ValueError(f"{path}: `channels` must be an object keyed by channel slug")
    return channels


def channel_settings(slug: str, config_file: str | Path | None = None) -> dict[str, Any]:
    """The settings of one channel, from the file if given, else from dlt's providers."""
    path = config_file or os.environ.get(CHANNELS_FILE_ENV)
    if path:
        channels = channels_from_file(path)
        if slug not in channels:
            raise ChannelNotConfiguredError(slug)
        return dict(channels[slug])
    import dlt  # noqa: PLC0415 - seconds to import; a process given a channels file never needs it

    section = f"sources.{slug}"
    merged: dict[str, Any] = {**(dlt.config.get(section) or {}), **(dlt.secrets.get(section) or {})}
    _merge(merged, _from_environment(slug))
    if not merged:
        raise ChannelNotConfiguredError(slug)
    return merged


def _from_environment(slug: str) -> dict[str, Any]:
    prefix = f"SOURCES__{slug.upper()}__"
    found: dict[str, Any] = {}
    for name, raw in os.environ.items():
        if not name.startswith(prefix):
            continue
        *parents, leaf = name[len(prefix) :].lower().split("__")
        target = found
        for parent in parents:
            target = target.setdefault(parent, {})
        text = raw.strip()
        target[leaf] = json.loads(text) if text[:1] in "[{" else raw
    return found


def _merge(base: dict[str, Any], override: dict[str, Any]) -> None:
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def configured_channels(config_file: str | Path | None = None) -> list[str]:
    """Slugs with settings in the file (or, without one, in dlt's providers)."""
    from dlt_sources.registry import SOURCES  # noqa: PLC0415 - the registry imports sources

    path = config_file or os.environ.get(CHANNELS_FILE_ENV)
    if path:
        return [slug for slug in SOURCES if slug in channels_from_file(path)]
    found = []
    for slug in SOURCES:
        try:
            channel_settings(slug)
        except ChannelNotConfiguredError:
            continue
        found.append(slug)
    return found
