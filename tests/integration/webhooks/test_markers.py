"""Delivery markers against DynamoDB (moto, the template's IdempotencyTable): the conditional
writes decide replay and echoes, so they are tested where the conditions are evaluated."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.webhooks.markers import REPLAY_DAYS, DeliveryMarkers

TENANT = "0123456789abcdef" * 2


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
    markers = DeliveryMarkers(table, clock=clock)
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
    markers = DeliveryMarkers(table, clock=Clock())
    first = markers.first_delivery("tripletex", TENANT, "idem-2")
    assert first is not None
    markers.forget(first)
    assert markers.first_delivery("tripletex", TENANT, "idem-2") is not None


def test_one_delivery_per_write_is_taken_for_its_echo(table: Any) -> None:
    clock = Clock()
    markers = DeliveryMarkers(table, clock=clock)
    written = int(clock.now) - 2
    # The first delivery after our write is its echo; the next one is somebody's change.
    assert markers.first_echo(TENANT, "product", "P-1", written, seconds=300) is True
    assert markers.first_echo(TENANT, "product", "P-1", written, seconds=300) is False
    # Our next write of the record has an echo of its own; other records and tenants are apart.
    assert markers.first_echo(TENANT, "product", "P-1", written + 5, seconds=300) is True
    assert markers.first_echo(TENANT, "product", "P-2", written, seconds=300) is True
    assert markers.first_echo(TENANT, "customer", "P-1", written, seconds=300) is True
    assert markers.first_echo("f" * 32, "product", "P-1", written, seconds=300) is True
