"""Amazon's ORDER_CHANGE notifications, read by the receiver from an SQS queue served by
moto's server mode (boto3 talks to it as to AWS): stored once per NotificationId, refused
when they name another seller, and deleted from the queue only once stored."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.helpers.processes import free_port
from tests.realtime.conftest import start_receiver
from tests.realtime.deliveries import amazon_order_change, channels_settings

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def sqs_queue() -> Iterator[dict[str, Any]]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    queue_url = client.create_queue(QueueName="sp-api-notifications")["QueueUrl"]
    yield {"sqs_endpoint_url": endpoint, "queue_url": queue_url, "region": "us-east-1",
           **CREDENTIALS}  # fmt: skip
    server.stop()


def waiting(queue: dict[str, Any]) -> int:
    client = boto3.client("sqs", endpoint_url=queue["sqs_endpoint_url"], region_name="us-east-1",
                          **CREDENTIALS)  # fmt: skip
    attributes = client.get_queue_attributes(
        QueueUrl=queue["queue_url"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_order_change_notifications_are_stored_once_and_leave_the_queue(
    tmp_path: Path, sqs_queue: dict[str, Any]
) -> None:
    client = boto3.client("sqs", endpoint_url=sqs_queue["sqs_endpoint_url"],
                          region_name="us-east-1", **CREDENTIALS)  # fmt: skip
    bodies = [
        amazon_order_change("n-1"),
        amazon_order_change("n-1"),  # at least once: the same notification twice
        amazon_order_change("n-2"),
        amazon_order_change("n-3", seller_id="SOMEONE-ELSE"),
    ]
    for body in bodies:
        client.send_message(QueueUrl=sqs_queue["queue_url"], MessageBody=body.decode())
    receiver = start_receiver(tmp_path, channels_settings(amazon_queue=sqs_queue))
    try:
        deadline = time.monotonic() + 30
        while waiting(sqs_queue) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert waiting(sqs_queue) == 0
        stored = receiver.query("select event_id, topic, store_id from events order by event_id")
        assert stored == [("n-1", "ORDER_CHANGE", "ATVPDKIKX0DER"),
                          ("n-2", "ORDER_CHANGE", "ATVPDKIKX0DER")]  # fmt: skip
        outcomes = receiver.query(
            "select outcome, count(*) from deliveries where channel = 'amazon' group by outcome "
            "order by outcome"
        )
        assert outcomes == [("accepted", 2), ("duplicate", 1), ("rejected", 1)]
    finally:
        receiver.command.stop(timeout=10, linger=2)
