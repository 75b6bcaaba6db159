"""kill -9 of the receiver while deliveries pour in loses no event it acknowledged.

Each trial sends signed deliveries from several threads, kills the receiver's whole process
group at a random moment, starts it again on the same store, and checks that every delivery
answered 200 is stored exactly once; the deliveries that got no answer are sent again (as a
channel retries) and are then stored once too. More trials: benchmarks/realtime_kill.py.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.realtime.conftest import Receiver, start_receiver
from tests.realtime.deliveries import SIGNERS, Signed, channels_settings

TRIALS = 20
SENDERS = 6


def pour(
    receiver: Receiver, stop: threading.Event, channel: str
) -> tuple[list[Signed], list[Signed]]:
    """Send until the receiver dies or `stop`; (acknowledged, unanswered) deliveries."""
    acknowledged, unanswered = [], []
    with httpx.Client(timeout=5.0) as client:
        while not stop.is_set():
            delivery = SIGNERS[channel]()
            try:
                answer = client.post(
                    f"{receiver.url}/webhooks/{channel}",
                    content=delivery.body,
                    headers=delivery.headers,
                )
            except httpx.TransportError:
                unanswered.append(delivery)
                return acknowledged, unanswered
            (acknowledged if answer.status_code == 200 else unanswered).append(delivery)
    return acknowledged, unanswered


@pytest.mark.timeout(900)
def test_kill_9_of_the_receiver_loses_no_acknowledged_event(tmp_path: Path) -> None:
    chance = random.Random(20261201)
    settings = channels_settings()
    receiver = start_receiver(tmp_path, settings)
    acknowledged_total = 0
    try:
        for trial in range(TRIALS):
            stop = threading.Event()
            channels = [sorted(SIGNERS)[i % len(SIGNERS)] for i in range(SENDERS)]
            with ThreadPoolExecutor(SENDERS) as pool:
                futures = [pool.submit(pour, receiver, stop, channel) for channel in channels]
                time.sleep(chance.uniform(0.05, 1.0))
                for process in receiver.command.session():
                    process.kill()
                receiver.command.process.wait()
                time.sleep(0.2)
                stop.set()
                results = [future.result() for future in futures]
            acknowledged = [d for ack, _ in results for d in ack]
            unanswered = [d for _, lost in results for d in lost]
            receiver = start_receiver(tmp_path, settings)
            missing = [d.event_id for d in acknowledged if receiver.copies(d) != 1]
            assert not missing, f"trial {trial}: acknowledged but not stored once: {missing[:5]}"
            for delivery in unanswered:  # the channel retries what got no answer
                assert receiver.send(delivery).status_code == 200
                assert receiver.copies(delivery) == 1
            acknowledged_total += len(acknowledged)
    finally:
        receiver.command.stop(timeout=10, linger=2)
    assert acknowledged_total > TRIALS  # the kills did land among acknowledged deliveries
