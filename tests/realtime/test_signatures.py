"""Each channel's signature, at a real receiver: right is stored, anything else is 401 and
leaves the store as it was (the refusal is recorded, not the event)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from realtime.receiver import MAX_BODY_BYTES
from tests.realtime.conftest import Receiver
from tests.realtime.deliveries import SIGNERS, Signed, reserialised, unsigned

TWO_DAYS_S = 2 * 24 * 3600.0

FORGERIES: dict[str, Callable[[Callable[..., Signed]], Signed]] = {
    "forged": lambda sign: sign(secret="not-the-app-secret"),
    "stale": lambda sign: sign(signed_at=time.time() - TWO_DAYS_S),
    "re-serialised body": lambda sign: reserialised(sign()),
    "unsigned": lambda sign: unsigned(sign()),
}


@pytest.mark.parametrize("channel", sorted(SIGNERS))
def test_a_rightly_signed_delivery_is_stored_once_however_often_it_comes(
    receiver: Receiver, channel: str
) -> None:
    delivery = SIGNERS[channel]()
    first, again = receiver.send(delivery), receiver.send(delivery)
    assert (first.status_code, first.json()["outcome"]) == (200, "accepted")
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert receiver.copies(delivery) == 1


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
@pytest.mark.parametrize("channel", sorted(SIGNERS))
def test_a_forged_stale_or_reserialised_delivery_is_refused_and_stores_nothing(
    receiver: Receiver, channel: str, forgery: str
) -> None:
    refused_before = receiver.refusals(channel)
    delivery = FORGERIES[forgery](SIGNERS[channel])
    answer = receiver.send(delivery)
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]
    assert receiver.copies(delivery) == 0
    deadline = time.monotonic() + 5  # refusals are recorded without holding the answer
    while receiver.refusals(channel) == refused_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.refusals(channel) == refused_before + 1


def test_an_unconfigured_channel_is_not_found(receiver: Receiver) -> None:
    answer = receiver.send(Signed("bol", "1", {}, b"{}"))
    assert answer.status_code == 404


def test_an_oversized_body_is_refused_whether_or_not_it_declares_its_size(
    receiver: Receiver,
) -> None:
    """Nothing a channel sends comes near 2 MB. A request that declares more is refused with
    413 before its body arrives (it is never read into memory); one sent in chunks without a
    length is refused once the cap is passed."""
    host, port = receiver.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5.0) as connection:
        connection.sendall(
            b"POST /webhooks/shopify HTTP/1.1\r\nHost: receiver\r\n"
            + f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
            + b"{}"  # and nothing more: the rest never comes
        )
        answer = connection.recv(4096)  # times out if the receiver waits for the whole body
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]

    too_big = b"x" * (MAX_BODY_BYTES + 1)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(too_big), 64 * 1024):
            yield too_big[start : start + 64 * 1024]

    streamed = httpx.post(f"{receiver.url}/webhooks/shopify", content=chunks(), timeout=10.0)
    assert streamed.status_code == 413, streamed.text
    assert "larger than" in streamed.json()["error"]
