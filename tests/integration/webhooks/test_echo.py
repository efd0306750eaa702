"""Our own writes do not come back as work: the echo filter against what the sync engine really
stores (moto, both simulators in-process), each side with what its deliveries carry."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.sync import EntitySyncTask, StreamName
from rackbeat_tripletex.webhooks.echo import ECHO_SECONDS, EchoFilter
from rackbeat_tripletex.webhooks.markers import DeliveryMarkers
from tests.support.sync_world import Env, initial_import_done, tripletex_rows, tripletex_user


class Clock:
    def __init__(self) -> None:
        import time

        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def echoes(env: Env, aws_stack: ProvisionedStack) -> tuple[EchoFilter, Clock]:
    markers_table = boto3.resource("dynamodb", endpoint_url=aws_stack.endpoint).Table(
        aws_stack.physical["IdempotencyTable"].ref
    )
    clock = Clock()
    return EchoFilter(env.ctx.links, DeliveryMarkers(markers_table, clock=clock), clock), clock


def _private(number: int, name: str) -> tx.Customer:
    return tx.Customer(
        name=name, customer_number=number, is_private_individual=True, invoice_send_method="EMAIL"
    )


def _task(env: Env, source: str, entity: Any, key: str) -> EntitySyncTask:
    return EntitySyncTask(
        tenant_id=env.tenant.tenant_id, source=source, entity=entity, key=key, event=f"{entity}.update"
    )


def test_a_tripletex_event_for_the_version_we_wrote_is_an_echo_and_a_later_one_is_not(
    env: Env, echoes: tuple[EchoFilter, Clock]
) -> None:
    echo, _ = echoes
    env.user.create_customer(5301, "Ekko Nord AS")
    assert env.run()[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    (customer,) = tripletex_rows(env.tripletex, "customers")
    ours = _task(env, "tripletex", "customer", str(customer["id"]))
    # Tripletex announces our write as many times as it likes: each is our echo.
    assert [echo.is_echo(ours, customer["version"]) for _ in range(3)] == [True] * 3
    # An older version is no news either; a delivery without a version cannot be judged.
    assert echo.is_echo(ours, customer["version"] - 1) is True
    assert echo.is_echo(ours, None) is False

    # Someone edits the customer in Tripletex: its event carries a newer version, and counts.
    with tripletex_user(env.tripletex) as api:
        edited = api.update_customer(
            tx.Customer(id=customer["id"], version=customer["version"], name="Ekko Sør AS")
        )
    assert edited.version is not None
    assert edited.version > customer["version"]
    assert echo.is_echo(ours, edited.version) is False
    # A record we never linked, and a deletion, are never echoes.
    assert echo.is_echo(_task(env, "tripletex", "customer", "999999"), 1) is False
    deleted = ours.model_copy(update={"deleted": True})
    assert echo.is_echo(deleted, customer["version"]) is False


def test_the_first_rackbeat_delivery_after_our_write_is_its_echo(
    env: Env, echoes: tuple[EchoFilter, Clock]
) -> None:
    echo, clock = echoes
    initial_import_done(env)
    env.enable("customers_to_rackbeat")
    with tripletex_user(env.tripletex) as api:
        api.create_customer(_private(5302, "Fra Tripletex AS"))
    runs = env.run()
    assert runs[StreamName.CUSTOMERS_TO_RACKBEAT].written == 1
    ours = _task(env, "rackbeat", "customer", "5302")
    # Rackbeat's delivery names only the number: the first one after our write is its echo,
    # a second one is somebody's change right after ours and goes through.
    assert echo.is_echo(ours) is True
    assert echo.is_echo(ours) is False
    # Long after our write, a delivery is somebody's change.
    env.user.update_customer(5302, company_name="Endret i Rackbeat AS")
    clock.now += ECHO_SECONDS + 1
    assert echo.is_echo(ours) is False
    # A record we never wrote to Rackbeat has no echo.
    assert echo.is_echo(_task(env, "rackbeat", "customer", "5399")) is False


def test_the_rackbeat_to_tripletex_stream_sends_nothing_back_for_what_we_wrote_to_rackbeat(env: Env) -> None:
    """Both directions on: after our write to Rackbeat, the reverse stream's run reads the record
    and writes nothing to Tripletex (so Tripletex has no event to send us either)."""
    initial_import_done(env)
    env.enable("customers_to_rackbeat")
    with tripletex_user(env.tripletex) as api:
        api.create_customer(_private(5303, "Begge Veier AS"))
    assert env.run()[StreamName.CUSTOMERS_TO_RACKBEAT].written == 1
    env.tripletex.request_log.clear()
    again = env.run()
    assert again[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 0
    writes = [e for e in env.tripletex.request_log if e["method"] in ("POST", "PUT")]
    assert writes == []


def test_a_user_change_taken_for_our_echo_still_reaches_tripletex_on_the_next_run(
    env: Env, echoes: tuple[EchoFilter, Clock]
) -> None:
    """Rackbeat's deliveries name only the number, so the filter cannot tell our write's echo
    from a user's change right after it: when the user's delivery is the one dropped, the next
    run reads Rackbeat's changes since its cursor and compares content with what we wrote."""
    echo, _ = echoes
    initial_import_done(env)
    env.enable("customers_to_rackbeat")
    with tripletex_user(env.tripletex) as api:
        api.create_customer(_private(5304, "Fra Tripletex AS"))
    assert env.run()[StreamName.CUSTOMERS_TO_RACKBEAT].written == 1
    env.user.update_customer(5304, company_name="Endret i Rackbeat AS")
    assert echo.is_echo(_task(env, "rackbeat", "customer", "5304")) is True, "taken for our echo"
    runs = env.run()
    assert runs[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    names = [c["name"] for c in tripletex_rows(env.tripletex, "customers") if c["customerNumber"] == 5304]
    assert names == ["Endret i Rackbeat AS"]
