"""Fault tests: each read completes with correct data and no create is duplicated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from local.simulators.tripletex import TripletexSimulator, create_app
from rackbeat_tripletex.clients.http import ServerError
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.models.tripletex import Customer, Product, Ref
from tests.support.tripletex_wire import many_products


@pytest.mark.parametrize("fault", ["429", "500", "502", "503", "timeout", "reset"])
def test_paged_read_survives_fault(
    fault: str, app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    app.load_seed({"products": many_products(2500, start=100)})
    client = make_client()
    app.set_faults({"sequence": ["ok", "ok", fault, fault, "ok"], "only_paths": "^/v2/product$"})
    numbers = [p.number for p in client.iter_products()]
    assert len(numbers) == 2501
    assert len(set(numbers)) == 2501
    assert [e["fault"] for e in app.request_log].count(fault) == 2


def test_429_without_reset_header_backs_off_and_recovers(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient], clock: Any
) -> None:
    client = make_client()
    client.get_customer(1)
    app.set_faults({"sequence": ["429", "429"]})
    assert client.get_customer(1).name == "Åsen Bygg AS"
    assert [e["status"] for e in app.request_log][-3:] == [429, 429, 200]
    assert len(clock.slept) >= 2  # backed off (through the injected sleep) before each retry


def test_429_with_reset_header_waits_for_the_window(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient], clock: Any
) -> None:
    client = make_client()
    client.get_customer(1)
    app.set_faults({"rate_limit_scale": 0.05})  # 5 requests per rolling 10 s
    # Another worker with the same token pair spends the whole budget.
    pair = next(iter(app.rate_windows))
    app.rate_windows[pair].extend([app.now().timestamp()] * 5)
    before = app.now()
    assert client.get_customer(2).name == "Kari Nordmann"
    assert 429 in [e["status"] for e in app.request_log]
    assert (app.now() - before).total_seconds() >= 9  # the client waited for the window to roll


def test_401_in_the_middle_of_a_paged_read_renews_the_session(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    app.load_seed({"products": many_products(2500, start=100)})
    client = make_client()
    iterator = client.iter_products()
    first = [next(iterator) for _ in range(1000)]
    app.sessions.clear()  # the session dies between two pages
    rest = list(iterator)
    assert len({p.number for p in first + rest}) == 2501
    statuses = [e["status"] for e in app.request_log]
    assert 401 in statuses
    assert sum(1 for e in app.request_log if e["path"] == "/v2/token/session/:create") == 2


@pytest.mark.parametrize("fault", ["500", "502", "503", "timeout", "reset"])
def test_create_whose_answer_is_lost_is_looked_up_not_duplicated(
    fault: str, app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    client = make_client()
    # The fault hits before the simulator acts: the outcome is unknown to the client.
    app.set_faults({"sequence": [fault], "only_paths": "^/v2/customer$"})
    before = len(app.records("customers"))
    customer = client.create_customer(
        Customer(
            name="Nordlys AS", customer_number=30001, is_private_individual=True, invoice_send_method="EMAIL"
        )
    )
    assert customer.customer_number == 30001
    numbers = [c.get("customerNumber") for c in app.records("customers").values()]
    assert numbers.count(30001) == 1
    assert len(app.records("customers")) == before + 1
    methods = [(e["method"], e["path"]) for e in app.request_log if e["path"] == "/v2/customer"]
    # Failed POST, then the lookup by number (active, then inactive: GET /customer answers only
    # active ones unless isInactive is given, B2), then (since it was not created) one more POST.
    assert methods == [
        ("POST", "/v2/customer"),
        ("GET", "/v2/customer"),
        ("GET", "/v2/customer"),
        ("POST", "/v2/customer"),
    ]


def test_create_processed_but_answer_lost_returns_existing_record(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    client = make_client()
    original = app.handle
    state = {"lose": True}

    def process_then_fail(request: Any) -> Any:
        response = original(request)
        if request.method == "POST" and request.path == "/v2/product" and state["lose"]:
            state["lose"] = False
            return app.fault_response(request, 502)  # the record exists; the answer is a 502
        return response

    app.handle = process_then_fail  # type: ignore[method-assign]
    product = client.create_product(
        Product(name="Tang", number="T-9", price_excluding_vat_currency=10, vat_type=Ref(id=3))
    )
    assert product.number == "T-9"
    assert [p["number"] for p in app.records("products").values()].count("T-9") == 1
    posts = [e for e in app.request_log if e["method"] == "POST"]
    assert len(posts) == 1


def test_create_without_number_is_never_retried_blindly(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    client = make_client()
    app.set_faults({"sequence": ["503"], "only_paths": "^/v2/product$"})
    with pytest.raises(ServerError) as caught:
        client.create_product(Product(name="Uten nummer"))
    assert caught.value.maybe_applied
    assert [e["method"] for e in app.request_log if e["path"] == "/v2/product"] == ["POST"]


def test_reading_25000_products_returns_each_exactly_once(seed: dict[str, Any]) -> None:
    seed["products"] = many_products(25_000)
    app = create_app(seed)
    app.set_faults({"rate_limit_scale": 1000})
    from local.simulators.base import transport
    from rackbeat_tripletex.clients.tripletex import (
        TripletexClient,
        TripletexCredentials,
        clear_session_cache,
    )

    clear_session_cache()
    client = TripletexClient(
        "http://tripletex.test/v2",
        TripletexCredentials(consumer_token=seed["consumer_token"], employee_token=seed["employee_token"]),
        transport=transport(app),
        sleep=lambda _: None,
        now=app.now,
    )
    ids = [p.id for p in client.iter_products()]
    assert len(ids) == 25_000
    assert set(ids) == {p["id"] for p in seed["products"]}
    assert any(e["status"] == 422 for e in app.request_log), "the read never hit the 10,000 limit"
    client.close()
    clear_session_cache()
