"""Delivery markers against DynamoDB (moto, the template's IdempotencyTable): the conditional
writes decide replay and coalescing, so they are tested where the conditions are evaluated."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.webhooks.markers import REPLAY_DAYS, DeliveryMarkers, Slot

TENANT = "0123456789abcdef" * 2
WINDOW = 10


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def table(aws_stack: ProvisionedStack) -> Any:
    dynamodb = boto3.resource("dynamodb", endpoint_url=aws_stack.endpoint)
    return dynamodb.Table(aws_stack.physical["IdempotencyTable"].ref)


def test_an_idempotency_key_is_accepted_once_until_its_marker_expires(table: Any) -> None:
    clock = Clock()
    markers = DeliveryMarkers(table, window_seconds=WINDOW, clock=clock)
    first = markers.first_delivery("tripletex", TENANT, "idem-1")
    assert first is not None
    assert [markers.first_delivery("tripletex", TENANT, "idem-1") for _ in range(19)] == [None] * 19
    # Another tenant's delivery with the same key is its own.
    assert markers.first_delivery("tripletex", "f" * 32, "idem-1") is not None
    stored = table.get_item(Key={"id": first})["Item"]
    assert int(stored["expiration"]) == int(clock.now) + REPLAY_DAYS * 86400
    assert "idem-1" not in first, "the key is stored as a digest"
    clock.now += REPLAY_DAYS * 86400  # expired, whether or not TTL has deleted it yet
    assert markers.first_delivery("tripletex", TENANT, "idem-1") is not None


def test_a_forgotten_key_is_accepted_again(table: Any) -> None:
    markers = DeliveryMarkers(table, window_seconds=WINDOW, clock=Clock())
    first = markers.first_delivery("tripletex", TENANT, "idem-2")
    assert first is not None
    markers.forget(first)
    assert markers.first_delivery("tripletex", TENANT, "idem-2") is not None


def test_a_window_gives_one_leading_and_one_trailing_task_then_a_new_window_opens(table: Any) -> None:
    clock = Clock()
    markers = DeliveryMarkers(table, window_seconds=WINDOW, clock=clock)
    leading = markers.slot(TENANT, "rackbeat", "product", "P-1")
    assert leading is not None
    assert leading.delay_seconds == 0
    clock.now += 3
    trailing = markers.slot(TENANT, "rackbeat", "product", "P-1")
    # Delayed to the window's end, so it reads the record after every change the window saw.
    assert trailing == Slot(leading.marker_id, WINDOW - 3)
    clock.now += 2
    assert [markers.slot(TENANT, "rackbeat", "product", "P-1") for _ in range(5)] == [None] * 5
    # Another record, entity, source or tenant has its own window.
    others = [
        markers.slot(TENANT, "rackbeat", "product", "P-2"),
        markers.slot(TENANT, "tripletex", "product", "P-1"),
        markers.slot(TENANT, "rackbeat", "customer", "P-1"),
        markers.slot("f" * 32, "rackbeat", "product", "P-1"),
    ]
    assert [slot.delay_seconds if slot else None for slot in others] == [0, 0, 0, 0]
    assert len({slot.marker_id for slot in others if slot} | {leading.marker_id}) == 5
    clock.now += WINDOW  # the window closed: the next delivery leads a new one
    reopened = markers.slot(TENANT, "rackbeat", "product", "P-1")
    assert reopened == Slot(leading.marker_id, 0)
