"""A tenant's due work and its single holder, against DynamoDB (moto, the template's
IdempotencyTable): the conditional writes are what keep a tenant to one task at a time."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.store.tenant_work import ALL, HOLD_SECONDS, TenantWork

TENANT = "0123456789abcdef" * 2


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def table(aws_stack: ProvisionedStack) -> Any:
    return boto3.resource("dynamodb", endpoint_url=aws_stack.endpoint).Table(
        aws_stack.physical["IdempotencyTable"].ref
    )


def test_the_first_to_ask_holds_the_tenant_and_the_others_only_add_work(table: Any) -> None:
    work = TenantWork(table, clock=Clock())
    holder = work.request(TENANT, {"products_to_tripletex"})
    assert holder is not None
    assert [work.request(TENANT, {f"stream-{n % 3}"}) for n in range(10)] == [None] * 10
    other = work.request("f" * 32, {"products_to_tripletex"})
    assert other is not None
    assert other != holder
    assert work.take(TENANT, holder) == {"products_to_tripletex", "stream-0", "stream-1", "stream-2"}
    assert work.take(TENANT, holder) == set()
    assert work.release(TENANT, holder) is True
    # Free again: the next request holds it.
    assert work.request(TENANT, {ALL}) is not None


def test_work_added_while_the_holder_runs_keeps_it_from_letting_go(table: Any) -> None:
    work = TenantWork(table, clock=Clock())
    holder = work.request(TENANT, {"customers_to_tripletex"})
    assert work.take(TENANT, holder) == {"customers_to_tripletex"}
    assert work.request(TENANT, {"customers_to_tripletex"}) is None  # arrives mid-run
    assert work.release(TENANT, holder) is False, "letting go now would strand the new work"
    assert work.take(TENANT, holder) == {"customers_to_tripletex"}
    assert work.release(TENANT, holder) is True


def test_work_given_back_is_taken_by_the_next_turn(table: Any) -> None:
    work = TenantWork(table, clock=Clock())
    holder = work.request(TENANT, {"a", "b"})
    assert work.take(TENANT, holder) == {"a", "b"}
    work.give_back(TENANT, {"b"})
    assert work.request(TENANT, {"c"}) is None, "the holder still holds it between its turns"
    assert work.take(TENANT, holder) == {"b", "c"}


def test_a_holder_that_vanished_is_given_up_after_its_hold_and_fenced_out(table: Any) -> None:
    clock = Clock()
    work = TenantWork(table, clock=clock)
    old = work.request(TENANT, {"a"})
    clock.now += HOLD_SECONDS - 1
    assert work.request(TENANT, {"b"}) is None
    clock.now += 1
    new = work.request(TENANT, {"c"})
    assert new is not None
    assert new != old
    # The old holder's message, arriving late, takes nothing and lets go of nothing.
    assert work.take(TENANT, old) is None
    assert work.release(TENANT, old) is True, "the work is the new holder's"
    assert work.take(TENANT, new) == {"a", "b", "c"}
    assert work.release(TENANT, new) is True


def test_an_abandoned_tenant_is_free_with_its_work_still_due(table: Any) -> None:
    work = TenantWork(table, clock=Clock())
    holder = work.request(TENANT, {"a"})
    work.abandon(TENANT, holder)
    again = work.request(TENANT, {"b"})
    assert again is not None
    assert work.take(TENANT, again) == {"a", "b"}


def test_a_message_that_crashed_holding_the_tenant_takes_its_turn_up_again(table: Any) -> None:
    """A schedule tick's message became the holder, took the work and died: its redelivery (same
    message id) holds the tenant again and brings its work back; anyone else only adds work."""
    work = TenantWork(table, clock=Clock())
    assert work.request(TENANT, {ALL}, claimant="message-1") == "message-1"
    assert work.take(TENANT, "message-1") == {ALL}
    # ... the worker dies here; the next tick's message finds the tenant held and only adds work
    assert work.request(TENANT, {ALL}, claimant="message-2") is None
    assert work.request(TENANT, {ALL}, claimant="message-1") == "message-1"
    assert work.take(TENANT, "message-1") == {ALL}
    assert work.release(TENANT, "message-1") is True


def test_a_held_message_redelivered_after_its_turn_failed_takes_the_turn_up_again(table: Any) -> None:
    """The turn raised: it gave its work back and let go (so a delivery meanwhile starts a
    holder at once). Its message comes back with the same holder name and finds the tenant free
    with the work due: it holds the tenant again and runs it, instead of dropping itself and
    leaving the work to whichever delivery or tick comes next."""
    work = TenantWork(table, clock=Clock())
    holder = work.request(TENANT, {"a"})
    assert work.take(TENANT, holder) == {"a"}
    work.give_back(TENANT, {"a"})
    work.abandon(TENANT, holder)
    assert work.take(TENANT, holder) == {"a"}
    assert work.request(TENANT, {"b"}) is None, "it holds the tenant again"
    assert work.take(TENANT, holder) == {"b"}
    assert work.release(TENANT, holder) is True
    # Free with nothing due: a late copy of the message has nothing to do and holds nothing.
    assert work.take(TENANT, holder) is None
    assert work.request(TENANT, {"c"}) is not None


def test_a_held_message_never_takes_a_tenant_another_holder_holds(table: Any) -> None:
    work = TenantWork(table, clock=Clock())
    old = work.request(TENANT, {"a"})
    work.abandon(TENANT, old)
    new = work.request(TENANT, {"b"})
    assert new is not None
    assert new != old
    assert work.take(TENANT, old) is None, "fenced out, work due or not"
    assert work.take(TENANT, new) == {"a", "b"}
