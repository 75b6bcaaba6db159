"""Each channel's signature, at a real receiver: right is stored, anything else is 401 and
leaves the store as it was (the refusal is recorded, not the event)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

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
