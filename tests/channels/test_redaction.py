"""Credentials never travel in error texts: a token endpoint answering a cut-off body makes
a clear error that says what broke, without the token it cut off."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from channels.amazon import AmazonAccount, AmazonClient
from channels.errors import MalformedResponseError
from channels.retry import RetryPolicy
from channels.warehouse import WarehouseClient, WarehouseConfig
from dlt_sources.common.pipeline import IngestError
from tests.helpers.clients import Control
from tests.ingest.raw import Ingest

QUICK = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=0.05, malformed_attempts=3)
AMAZON_TOKEN = re.compile(r"Atz[ar]\|[A-Za-z0-9\-_]{6,}")


def test_a_cut_off_token_answer_fails_clearly_without_quoting_the_token(
    sandbox: Callable[..., dict[str, Any]],
) -> None:
    manifest = sandbox(scale="tiny")
    Control(manifest).faults("amazon", truncated=1.0, paths=["/auth/o2/token"])
    client = AmazonClient(AmazonAccount.from_mapping(manifest["channels"]["amazon"]), policy=QUICK)
    with pytest.raises(MalformedResponseError) as failure:
        client.order_items("na", "113-0000000-0000000")
    message = str(failure.value)
    assert "LWA token" in message
    assert "body is not JSON" in message
    assert "[redacted]" in message
    assert not AMAZON_TOKEN.search(message), message


def test_configured_secrets_are_masked_in_any_error_a_client_raises(
    sandbox: Callable[..., dict[str, Any]],
) -> None:
    manifest = sandbox(scale="tiny")
    settings = manifest["channels"]["warehouse"]
    Control(manifest).faults("warehouse", malformed=1.0)
    client = WarehouseClient(WarehouseConfig.from_mapping(settings), policy=QUICK)
    with pytest.raises(MalformedResponseError) as failure:
        next(client.pages("/v1/items"))
    assert settings["api_key"] not in str(failure.value)


def test_an_ingest_failing_on_a_token_keeps_it_out_of_its_error_and_trace(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest = sandbox(scale="tiny")
    Control(manifest).faults("amazon", truncated=1.0, paths=["/auth/o2/token"])
    ingest = Ingest(manifest, tmp_path, policy=QUICK)
    with pytest.raises(IngestError) as failure:
        ingest.run("amazon")
    assert not AMAZON_TOKEN.search(str(failure.value))
    trace = (tmp_path / "pipelines" / "tributary_amazon" / "trace.pickle").read_bytes()
    assert not AMAZON_TOKEN.search(trace.decode("latin-1"))
