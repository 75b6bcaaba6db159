"""Shopify bulk operations: how history is exported without paging through the cost budget.

Start `bulkOperationRunQuery`, poll the operation until it ends, download the JSONL result to
a temporary file (so a broken download is retried whole and memory stays flat), then stream
it line by line. Nodes of nested connections come on their own lines with `__parentId`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson

from channels.deadline import sleep_within
from channels.errors import ChannelError, MalformedResponseError, RequestRejectedError
from channels.shopify.client import CHANNEL, ShopifyClient
from channels.transport import Malformed, retry_for_status

RUN = """
mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

POLL = """
query PollBulk($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}
"""

CURRENT = """
query CurrentBulk { currentBulkOperation(type: QUERY) { id status } }
"""

FINISHED_BADLY = ("FAILED", "CANCELED", "EXPIRED")
RUNNING = ("CREATED", "RUNNING", "CANCELING")


class BulkExport:
    def __init__(self, client: ShopifyClient, *, max_wait_s: float = 6 * 3600) -> None:
        self.client = client
        self.max_wait_s = max_wait_s

    def rows(self, query: str) -> Iterator[dict[str, Any]]:
        """Every JSONL object of a bulk query's result, in file order."""
        operation_id = self._start(query)
        url = self._wait(operation_id)
        if url is None:
            return
        with tempfile.TemporaryDirectory(prefix="tributary-bulk-") as directory:
            path = Path(directory) / "result.jsonl"
            self._download(url, path)
            yield from _read_lines(path, operation_id)

    def _start(self, query: str) -> str:
        deadline = time.monotonic() + self.max_wait_s
        while True:
            data = self.client.graphql(RUN, {"query": query})
            payload = data.get("bulkOperationRunQuery") or {}
            errors = payload.get("userErrors") or []
            if not errors and payload.get("bulkOperation"):
                return str(payload["bulkOperation"]["id"])
            if any(e.get("code") == "OPERATION_IN_PROGRESS" for e in errors):
                # One query operation per shop at a time: wait for the other one to end.
                if time.monotonic() > deadline:
                    break
                self._wait_for_current()
                continue
            messages = "; ".join(str(e.get("message")) for e in errors) or "no operation"
            raise RequestRejectedError(CHANNEL, "bulkOperationRunQuery", messages)
        raise ChannelError(CHANNEL, "bulkOperationRunQuery", "another bulk operation never ended")

    def _wait_for_current(self) -> None:
        while True:
            current = self.client.graphql(CURRENT).get("currentBulkOperation")
            if not current or current.get("status") not in RUNNING:
                return
            self._pause(f"another bulk operation ({current.get('id')}) is still running")

    def _wait(self, operation_id: str) -> str | None:
        deadline = time.monotonic() + self.max_wait_s
        while time.monotonic() < deadline:
            operation = self.client.graphql(POLL, {"id": operation_id}).get("bulkOperation")
            if not operation:
                raise ChannelError(CHANNEL, "bulkOperation", f"{operation_id} disappeared")
            status = operation.get("status")
            if status == "COMPLETED":
                return operation.get("url")
            if status in FINISHED_BADLY:
                raise ChannelError(
                    CHANNEL,
                    "bulkOperation",
                    f"{operation_id} ended {status} ({operation.get('errorCode')}); "
                    f"partial data: {operation.get('partialDataUrl')}",
                )
            self._pause(f"bulk operation {operation_id} is {status}")
        raise ChannelError(CHANNEL, "bulkOperation", f"{operation_id} still running at deadline")

    def _pause(self, reason: str) -> None:
        """Wait one poll interval, unless that would run past the job's deadline."""
        transport = self.client.transport
        sleep_within(
            transport.deadline, self.client.store.bulk_poll_s, CHANNEL, "bulkOperation", reason
        )

    def _download(self, url: str, path: Path) -> None:
        """Fetch the result file (a signed URL: no access token, no API budget).

        A refused download (429, 5xx) is read whole before the stream closes, so the retry
        loop can read its body and Retry-After like any other answer."""

        def fetch() -> httpx.Response:
            with path.open("wb") as file, self.client.http.stream("GET", url) as response:
                if response.status_code == 200:
                    for chunk in response.iter_bytes():
                        file.write(chunk)
                else:
                    response.read()
                return response

        def check(response: httpx.Response) -> None:
            retry_for_status(response)
            if response.status_code != 200:
                raise RequestRejectedError(
                    CHANNEL,
                    "bulk result download",
                    f"HTTP {response.status_code}",
                    status=response.status_code,
                )
            expected = response.headers.get("Content-Length")
            if expected is not None and path.stat().st_size != int(expected):
                raise Malformed(f"download cut short: {path.stat().st_size} of {expected} bytes")

        self.client.transport.call(fetch, check, endpoint="bulk result download")


def _read_lines(path: Path, operation_id: str) -> Iterator[dict[str, Any]]:
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise MalformedResponseError(
                    CHANNEL,
                    "bulk result",
                    f"line {number} is not JSON: {error}",
                    cursor=operation_id,
                ) from error
            if not isinstance(row, dict):
                raise MalformedResponseError(
                    CHANNEL, "bulk result", f"line {number} is not an object", cursor=operation_id
                )
            yield row
