"""Tripletex -> Rackbeat through the ongoing sync, against a Tripletex simulator that answers as the
real one does (TRIPLETEX-EVIDENCE B1, B2, B9, F1 and changedSince ignored, #113): a Tripletex
change never blanks what Tripletex did not clear, a deactivation reaches Rackbeat, one record we
cannot read fails alone, and every change is written once whatever changedSince does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.simulators.tripletex.countries import country_id
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.sync import EntitySyncTask, RunOutcome, StreamName
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.support.seeds import GROUP_SERVICES
from tests.support.sync_world import Env, initial_import_done, tripletex_user

CUSTOMERS = StreamName.CUSTOMERS_TO_RACKBEAT


@pytest.fixture
def office(env: Env) -> Iterator[TripletexClient]:
    """Someone working in Tripletex, through the API with the company's tokens."""
    env.enable("customers_to_rackbeat", "products_to_rackbeat")
    with tripletex_user(env.tripletex) as api:
        yield api


def _rackbeat_customer(env: Env, number: int) -> dict[str, Any]:
    answer = env.user.http.get(f"/customers/{number}")
    assert answer.status_code == 200, answer.text
    customer: dict[str, Any] = answer.json()["customer"]
    return customer


def _private_customer(number: int, name: str, **fields: Any) -> tx.Customer:
    return tx.Customer(
        name=name, customer_number=number, is_private_individual=True, invoice_send_method="EMAIL", **fields
    )


def _current(api: TripletexClient, number: int) -> tx.Customer:
    found = api.find_customer_by_number(number)
    assert found is not None
    return found


def test_a_tripletex_change_keeps_the_rackbeat_address_and_clears_only_what_tripletex_cleared(
    env: Env, office: TripletexClient
) -> None:
    stockholm = tx.Address(
        address_line1="Drottninggatan 1",
        postal_code="111 51",
        city="Stockholm",
        country=tx.Country(id=country_id("SE")),
    )
    initial_import_done(env)
    office.create_customer(_private_customer(8001, "Svea Handel", postal_address=stockholm))
    assert env.run()[CUSTOMERS].written == 1
    first = _rackbeat_customer(env, 8001)
    assert (first["address_street"], first["address_city"]) == ("Drottninggatan 1", "Stockholm")
    assert (first["address_country"], first["vat_zone"]) == ("SE", "eu")

    # A change in Tripletex that leaves the address as it is: the address stays in Rackbeat.
    current = _current(office, 8001)
    office.update_customer(tx.Customer(id=current.id, version=current.version, name="Svea Handel AB"))
    assert env.run()[CUSTOMERS].written == 1
    renamed = _rackbeat_customer(env, 8001)
    assert renamed["company_name"] == "Svea Handel AB"
    assert (renamed["address_street"], renamed["address_city"]) == ("Drottninggatan 1", "Stockholm")
    assert (renamed["address_country"], renamed["vat_zone"]) == ("SE", "eu")

    # Tripletex clears the street: Rackbeat's street is cleared too, the rest stays.
    current = _current(office, 8001)
    assert current.postal_address is not None
    cleared = current.postal_address.model_copy(update={"address_line1": ""})
    office.update_customer(tx.Customer(id=current.id, version=current.version, postal_address=cleared))
    assert env.run()[CUSTOMERS].written == 1
    after = _rackbeat_customer(env, 8001)
    assert not after.get("address_street")
    assert (after["address_city"], after["address_country"]) == ("Stockholm", "SE")


def test_a_deactivation_in_tripletex_reaches_rackbeat_as_barred(env: Env, office: TripletexClient) -> None:
    initial_import_done(env)
    office.create_customer(_private_customer(8101, "Snart Borte"))
    env.run()
    assert _rackbeat_customer(env, 8101)["is_barred"] is False

    current = _current(office, 8101)
    office.update_customer(tx.Customer(id=current.id, version=current.version, is_inactive=True))
    assert env.run()[CUSTOMERS].written == 1
    assert _rackbeat_customer(env, 8101)["is_barred"] is True


def test_a_customer_tripletex_answers_unreadably_fails_alone(env: Env, office: TripletexClient) -> None:
    initial_import_done(env)
    for number in (8201, 8202, 8203):
        office.create_customer(_private_customer(number, f"Kunde {number}"))
    odd = next(c for c in env.tripletex.records("customers").values() if c["customerNumber"] == 8202)
    # Spec-valid, but a reference without an id.
    env.tripletex.change_stored("customers", odd["id"], {"currency": {"code": "SEK"}})

    run = env.run()[CUSTOMERS]
    assert (run.written, run.failed, run.outcome) == (
        2,
        1,
        RunOutcome.PARTIAL,
    )  # the others written, the cursor moved
    (failure,) = [
        f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table) if f.stream == CUSTOMERS
    ]
    assert (failure.key, failure.reason) == ("8202", "unreadable")
    assert "currency" in failure.message
    assert failure.suggested_fix
    for number in (8201, 8203):
        assert _rackbeat_customer(env, number)["company_name"] == f"Kunde {number}"
    # The cursor moved on: the next run does not write the two again, nor retry the unchanged one.
    again = env.run()[CUSTOMERS]
    assert (again.written, again.failed) == (0, 0)
    # A webhook for it (or the retry endpoint) reads it alone: it fails alone again, nothing raises.
    task = EntitySyncTask(
        tenant_id=env.tenant.tenant_id,
        source="tripletex",
        entity="customer",
        key=str(odd["id"]),
        event="retry",
    )
    assert env.engine.run_entity(task) == "failed"
    (failure,) = [
        f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table) if f.stream == CUSTOMERS
    ]
    assert (failure.key, failure.reason, failure.attempts) == ("8202", "unreadable", 2)


def test_with_changed_since_ignored_each_change_is_written_once(env: Env, office: TripletexClient) -> None:
    env.tripletex.set_options({"changed_since": "ignored"})
    initial_import_done(env)
    for number in (8301, 8302, 8303):
        office.create_customer(_private_customer(number, f"Kunde {number}"))
    assert env.run()[CUSTOMERS].written == 3

    env.rackbeat.request_log.clear()
    assert env.run()[CUSTOMERS].written == 0  # every customer came back; none is written again
    assert [e for e in env.rackbeat.request_log if e["method"] in ("POST", "PUT")] == []

    current = _current(office, 8302)
    office.update_customer(tx.Customer(id=current.id, version=current.version, name="Kunde Endret"))
    run = env.run()[CUSTOMERS]
    assert (run.written, run.failed) == (1, 0)
    writes = [e for e in env.rackbeat.request_log if e["method"] in ("POST", "PUT")]
    assert [e["path"] for e in writes] == ["/api/customers/8302"]
    assert _rackbeat_customer(env, 8302)["company_name"] == "Kunde Endret"


@pytest.mark.parametrize(("choice", "group"), [("stock", 1), ("service", GROUP_SERVICES)])
def test_a_product_without_is_stock_item_goes_where_the_tenant_chose(
    env: Env, office: TripletexClient, choice: str, group: int
) -> None:
    env.tripletex.set_options({"product_is_stock_item": "absent"})
    initial_import_done(env, service_group=GROUP_SERVICES, products_without_stock_flag=choice)
    office.create_product(tx.Product(name="Tau", number="T-1", price_excluding_vat_currency=50.0))
    product = office.find_product_by_number("T-1")
    assert product is not None
    assert "is_stock_item" not in product.model_fields_set  # the answer leaves it out (B9)
    assert env.run()[StreamName.PRODUCTS_TO_RACKBEAT].written == 1
    answer = env.user.http.get("/products/T-1")
    assert answer.status_code == 200, answer.text
    assert answer.json()["product"]["group"]["number"] == group
