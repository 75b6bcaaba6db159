"""A webhook endpoint on loopback for tests: records every request, answers as it is told.

Written from the documented protocols only (no sandbox code), so what a test verifies about a
delivery is what any receiver would see on the wire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    at: float  # real time of arrival

    def json(self) -> Any:
        return orjson.loads(self.body)

    def header(self, name: str) -> str:
        return self.headers[name.lower()]


# Decides the answer to one request: (HTTP status, seconds to wait before answering).
Plan = Callable[[Received, int], tuple[int, float]]


def always_ok(received: Received, count: int) -> tuple[int, float]:
    return 200, 0.0


class Receiver:
    """`with Receiver() as hooks: ... hooks.url ... hooks.wait_for(lambda r: ...)`."""

    def __init__(self, plan: Plan = always_ok) -> None:
        self.plan = plan
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received = Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time()
                )
                with receiver._lock:
                    receiver.requests.append(received)
                    count = len(receiver.requests)
                status, delay = receiver.plan(received, count)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting: that is the point of a slow answer

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256  # a burst of deliveries must not overflow the backlog

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def wait_for(
        self, predicate: Callable[[list[Received]], bool], timeout: float = 15.0
    ) -> list[Received]:
        """Wait until `predicate(all requests so far)` holds; the requests then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.received()
            if predicate(seen):
                return seen
            time.sleep(0.05)
        raise AssertionError(f"timed out; received {len(self.received())} requests")

    def settle(self, quiet: float = 0.5, timeout: float = 15.0) -> list[Received]:
        """Wait until nothing new has arrived for `quiet` seconds; everything received."""
        deadline = time.monotonic() + timeout
        count, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            now = len(self.received())
            if now != count:
                count, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
            time.sleep(0.05)
        return self.received()
