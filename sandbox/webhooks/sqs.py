"""A local SQS for Amazon's notifications: moto's server, one standard queue, boto3 to send.

Amazon delivers SP-API notifications into an SQS queue the seller owns. The sandbox runs an
SQS-compatible server (moto's `ThreadedMotoServer`) on a free loopback port for as long as it
runs, creates one standard queue in it, and publishes into whichever queue an Amazon
subscription names with boto3's `send_message`, as Amazon's side would. A consumer reads it
with an unmodified boto3 client (`endpoint_url` from the manifest).

moto keeps its queues per process, so each sandbox's queue name carries the port of its own
server: two sandboxes in one test process never share a queue.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

REGION = "us-east-1"
ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"  # noqa: S105 - moto accepts any; not a secret
HOST = "127.0.0.1"


HEALTH = b'{"ok": true, "channel": "amazon", "service": "sqs"}'


def with_health(app: Any) -> Any:
    """Answer `/_sandbox/health` like every other sandbox host; SQS requests go to moto."""

    def serve(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/_sandbox/health":
            start_response(
                "200 OK",
                [("Content-Type", "application/json"), ("Content-Length", str(len(HEALTH)))],
            )
            return [HEALTH]
        return app(environ, start_response)

    return serve


class NotificationQueue:
    def __init__(self) -> None:
        self._server: Any = None
        self._client: Any = None
        self._lock = threading.Lock()  # boto3 clients are thread-safe; creating them is not
        self.endpoint_url: str | None = None
        self.queue_url: str | None = None

    def start(self) -> None:
        """Start the server and create the queue (blocking: run it off the event loop)."""
        from moto.moto_server.werkzeug_app import MotoRequestHandler  # noqa: PLC0415 - heavy
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - heavy, once per process

        class QuietHandler(MotoRequestHandler):
            """moto's request handler without a stderr line per request."""

            def log_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        class QuietServer(ThreadedMotoServer):
            def _server_entry(self) -> None:
                from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
                    DomainDispatcherApplication,
                    create_backend_app,
                )
                from werkzeug.serving import make_server  # noqa: PLC0415

                app = with_health(DomainDispatcherApplication(create_backend_app))
                self._server = make_server(
                    self._ip_address, self._port, app, True, request_handler=QuietHandler
                )
                self._server_ready_event.set()
                self._server.serve_forever(poll_interval=0.05)  # stop promptly with the sandbox

        server = QuietServer(ip_address=HOST, port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self.endpoint_url = f"http://{host}:{port}"
        answer = self.client().create_queue(QueueName=f"tributary-sp-api-notifications-{port}")
        self.queue_url = str(answer["QueueUrl"])

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                import boto3  # noqa: PLC0415 - only once the queue is used

                session = boto3.session.Session()
                self._client = session.client(
                    "sqs",
                    endpoint_url=self.endpoint_url,
                    region_name=REGION,
                    aws_access_key_id=ACCESS_KEY_ID,
                    aws_secret_access_key=SECRET_ACCESS_KEY,
                )
            return self._client

    def send(self, queue_url: str, body: bytes) -> str:
        """Publish one message (blocking); its SQS MessageId."""
        answer = self.client().send_message(QueueUrl=queue_url, MessageBody=body.decode())
        return str(answer["MessageId"])

    def stop(self) -> None:
        if self._server is None:
            return
        if self.queue_url is not None:
            with contextlib.suppress(Exception):  # the server stops anyway
                self.client().delete_queue(QueueUrl=self.queue_url)
        self._server.stop()
        self._server = None

    def manifest(self) -> dict[str, str] | None:
        if self.endpoint_url is None or self.queue_url is None:
            return None
        return {
            "sqs_endpoint_url": self.endpoint_url,
            "queue_url": self.queue_url,
            "region": REGION,
            "aws_access_key_id": ACCESS_KEY_ID,
            "aws_secret_access_key": SECRET_ACCESS_KEY,
        }
