"""RackbeatClient against the simulator: every method (contract), then faults."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from local.simulators.base import transport
from local.simulators.rackbeat import RackbeatSimulator, create_app
from local.simulators.rackbeat.app import format_timestamp
from rackbeat_tripletex.clients.http import AuthError, RateLimited, RetryPolicy, ValidationFailed
from rackbeat_tripletex.clients.rackbeat import RackbeatClient, encode_number
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.models.rackbeat import (
    Customer,
    CustomerInvoiceDraftWrite,
    CustomerWrite,
    DocumentLineWrite,
    GroupWrite,
    Product,
    ProductGroupWrite,
    ProductWrite,
    SupplierWrite,
    UnitWrite,
)
from tests.support.rackbeat_account import BASE, TOKEN, small_seed

NEW_CUSTOMER = CustomerWrite(
    number=500,
    company_name="Åsen Snekkeri AS",
    payment_terms_id=1,
    customer_group_id=1,
    vat_zone="domestic",
    currency="NOK",
)


def posts(sim: RackbeatSimulator, path: str) -> list[dict]:
    return [e for e in sim.request_log if e["method"] == "POST" and e["path"].endswith(path)]


def test_encode_number_double_encodes() -> None:
    assert encode_number("ABC/123") == "ABC%252F123"
    assert encode_number("A+B C") == "A%252BB%2520C"
    assert encode_number(10001) == "10001"


def test_self_checks_the_token(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    assert client.self().user_account.company_name == "Fjord Handel AS"
    with (
        RackbeatClient(
            BASE, SecretStr("wrong-token-value"), transport=transport(sim), sleep=lambda _: None
        ) as bad,
        pytest.raises(AuthError) as raised,
    ):
        bad.self()
    assert "wrong-token-value" not in str(raised.value) + repr(raised.value)


def test_reference_data_iterators(client: RackbeatClient) -> None:
    assert [g.name for g in client.customer_groups()] == ["Kunder"]
    assert [g.name for g in client.supplier_groups()] == ["Leverandører"]
    assert [g.number for g in client.product_groups(has_inventory=True)] == [1]
    assert [t.maturity_days for t in client.payment_terms()] == [14, 30]
    assert [u.name for u in client.units()] == ["stk", "time"]


def test_create_groups(client: RackbeatClient) -> None:
    assert client.create_customer_group(GroupWrite(name="Utland")).number == 2
    assert client.create_supplier_group(GroupWrite(number=7, name="Import")).number == 7
    service = client.create_product_group(
        ProductGroupWrite(name="Frakt", has_inventory=False, vat_domestic=25)
    )
    assert service.has_inventory is False


def test_customer_list_pages_through_everything(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    numbers = [c.number for c in client.customers()]
    assert numbers == list(range(1, 46))
    pages = [e["query"]["page"] for e in sim.request_log if e["path"] == "/api/customers"]
    assert pages == ["1", "2", "3"]


def test_customer_crud(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    created = client.create_customer(NEW_CUSTOMER)
    assert created.number == 500
    # The ongoing sync does not hide its writes from other apps (RACKBEAT-EVIDENCE mismatch 8).
    assert posts(sim, "/customers")[0]["query"] == {}
    updated = client.update_customer(500, CustomerWrite(contact_email="post@asen.no"))
    assert updated.contact_email == "post@asen.no"
    assert updated.company_name == "Åsen Snekkeri AS"
    fetched = client.get_customer(500)
    assert fetched is not None
    assert fetched.contact_email == "post@asen.no"
    assert client.get_customer(99999) is None


def test_supplier_crud(client: RackbeatClient) -> None:
    supplier = client.create_supplier(
        SupplierWrite(
            number=20001,
            company_name="Bjørke Grossist AS",
            payment_terms_id=2,
            supplier_group_id=1,
            vat_zone="domestic",
            locale="nb",
            currency="NOK",
        )
    )
    assert supplier.number == 20001
    assert client.update_supplier(20001, SupplierWrite(contact_phone="+47 22000000")).contact_phone
    assert [s.number for s in client.suppliers()] == [20001]
    assert client.get_supplier(20001) is not None


def test_product_crud_with_awkward_numbers(client: RackbeatClient) -> None:
    product = client.create_product(
        ProductWrite(number="RØR 1/2+", name="Rørkobling ½ tomme", group=1, unit_id=1, sales_price=49.5)
    )
    assert product.number == "RØR 1/2+"
    assert client.update_product("RØR 1/2+", ProductWrite(sales_price=55.0)).sales_price == 55.0
    fetched = client.get_product("AB/123")
    assert isinstance(fetched, Product)
    # A product's embedded group has no has_inventory in real answers (MK): the group list has it.
    assert fetched.group.number == 1
    assert {p.number for p in client.products()} == {"AB/123", "KIT+1", "NV 0001", "RØR 1/2+"}


def test_validation_error_carries_field_messages(client: RackbeatClient) -> None:
    with pytest.raises(ValidationFailed) as raised:
        client.create_product(ProductWrite(number="Z-1", name="Z", group=42, unit_id=1, sales_price=1))
    error = raised.value
    assert error.status == 422
    assert [(m.field, m.message) for m in error.validation_messages] == [
        ("group", "The selected group is invalid.")
    ]
    assert error.user_hint


def test_updated_at_from_reads_changes_newest_first(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    sim.set_clock(offset_seconds=3 * 3600)
    cursor = format_timestamp(sim.now())
    client.update_customer(12, CustomerWrite(contact_phone="12"))
    sim.set_clock(offset_seconds=4 * 3600)
    client.update_customer(30, CustomerWrite(contact_phone="30"))
    assert [c.number for c in client.customers(updated_at_from=cursor)] == [30, 12]


def test_updated_at_fallback_when_the_filter_is_ignored() -> None:
    sim = create_app({**small_seed(), "options": {"strict_updated_at_filter": True}})
    with RackbeatClient(BASE, SecretStr(TOKEN), transport=transport(sim), sleep=lambda _: None) as rackbeat:
        sim.set_clock(offset_seconds=3 * 3600)
        cursor = format_timestamp(sim.now())
        rackbeat.update_customer(8, CustomerWrite(contact_phone="8"))
        assert [c.number for c in rackbeat.customers(updated_at_from=cursor)] == [8]
        list_reads = [e for e in sim.request_log if e["path"] == "/api/customers"]
        assert len(list_reads) == 1  # stopped at the first older record instead of reading all


def test_invoices_draft_book_and_read(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    cursor = format_timestamp(sim.now())
    draft = client.create_customer_invoice_draft(
        CustomerInvoiceDraftWrite(
            customer_id=3,
            number=3001,
            lines=[DocumentLineWrite(item_id="NV 0001", quantity=2, line_price=100)],
        )
    )
    assert draft.is_booked is False
    assert list(client.booked_invoices_since(cursor)) == []
    booked = client.book_customer_invoice(3001)
    assert booked.is_booked is True
    [listed] = list(client.booked_invoices_since(cursor))
    assert listed.number == 3001
    full = client.get_customer_invoice(3001)
    assert full is not None
    assert full.lines[0].child_id == "NV 0001"
    assert full.total_total == 250.0


def test_orders(sim: RackbeatSimulator) -> None:
    seed = {
        **small_seed(),
        "orders": [{"number": 9, "customer_id": 2, "lines": [{"item_id": "KIT+1", "quantity": 1}]}],
    }
    app = create_app(seed)
    with RackbeatClient(BASE, SecretStr(TOKEN), transport=transport(app), sleep=lambda _: None) as rackbeat:
        assert [o.number for o in rackbeat.orders()] == [9]
        order = rackbeat.get_order(9)
        assert order is not None
        assert order.lines[0].child_id == "KIT+1"


def test_webhooks_register_list_delete(client: RackbeatClient) -> None:
    created = client.register_webhook("product.updated", "https://sync.example.com/webhooks/rackbeat/t1")
    assert created.token is not None
    assert len(created.token) == 32
    assert created.token not in repr(created)
    again = client.register_webhook("product.updated", "https://sync.example.com/webhooks/rackbeat/t1")
    assert again.token
    assert again.token != created.token
    assert [w.event for w in client.webhooks(event="product.updated")] == ["product.updated"]
    client.delete_webhook(again.id)
    assert list(client.webhooks()) == []


def test_token_never_in_repr_or_logs(
    client: RackbeatClient, sim: RackbeatSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim.set_faults({"sequence": ["500", "ok"]})
    client.self()
    assert TOKEN not in repr(client)
    assert TOKEN not in caplog.text


def test_create_unit(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    created = client.create_unit(UnitWrite(name="pk"))
    assert (created.number, created.name) == (3, "pk")
    assert client.create_unit(UnitWrite(number=40, name="kartong")).number == 40
    assert [u.name for u in client.units()] == ["stk", "time", "pk", "kartong"]
    assert [e["status"] for e in posts(sim, "/units")] == [201, 201]


# ----- faults -------------------------------------------------------------------------------------
@pytest.mark.parametrize("outcome", ["429", "500", "502", "503", "timeout", "reset"])
def test_reads_complete_through_faults(client: RackbeatClient, sim: RackbeatSimulator, outcome: str) -> None:
    sim.set_faults({"sequence": ["ok", outcome, outcome, "ok"]})
    assert [c.number for c in client.customers()] == list(range(1, 46))


@pytest.mark.parametrize("outcome", ["500", "502", "503", "timeout", "reset", "429"])
def test_create_is_never_duplicated(client: RackbeatClient, sim: RackbeatSimulator, outcome: str) -> None:
    # The fault hits the POST; for timeout/reset/5xx the simulator may not have created anything
    # (an injected fault answers before the handler runs), so the client must look up, then create.
    sim.set_faults({"sequence": [outcome], "only_paths": "/customers$"})
    created = client.create_customer(NEW_CUSTOMER)
    assert created.number == 500
    assert len(list(sim.records("customers"))) == 46
    if outcome != "429":
        lookups = [e for e in sim.request_log if e["method"] == "GET" and e["path"] == "/api/customers/500"]
        assert len(lookups) == 1
    assert sum(1 for e in posts(sim, "/customers") if e["status"] == 201) == 1


def test_ambiguous_create_of_an_existing_record_finds_it(
    client: RackbeatClient, sim: RackbeatSimulator
) -> None:
    # The record exists already (an earlier attempt went through but its answer was lost):
    # after a 503 the client finds it by number instead of posting again.
    client.create_customer(NEW_CUSTOMER)
    sim.set_faults({"sequence": ["503"], "only_paths": "/customers$"})
    again = client.create_customer(NEW_CUSTOMER)
    assert again.number == 500
    assert [e["status"] for e in posts(sim, "/customers")] == [201, 503]


@pytest.mark.parametrize("outcome", [503, "timeout", "reset"])
def test_unit_create_is_never_duplicated(
    client: RackbeatClient, sim: RackbeatSimulator, outcome: int | str
) -> None:
    # Without a number the name is the only handle: the client looks the unit up by name before
    # it posts again (the simulator, like Rackbeat as far as anyone knows, takes a second "pk").
    sim.set_faults({"sequence": [str(outcome)], "only_paths": "/units$"})
    assert client.create_unit(UnitWrite(name="pk")).name == "pk"
    assert [u.name for u in client.units()].count("pk") == 1
    lookups = [e for e in sim.request_log if e["method"] == "GET" and e["path"] == "/api/units"]
    assert len(lookups) == 2  # the lookup after the lost answer, and the check above
    assert [e["status"] for e in posts(sim, "/units")] == [outcome, 201]


def test_unit_whose_answer_was_lost_is_found_not_made_again(
    client: RackbeatClient, sim: RackbeatSimulator
) -> None:
    # The first attempt went through but its answer was lost: the retry finds "pk" by name.
    first = client.create_unit(UnitWrite(name="pk"))
    sim.set_faults({"sequence": ["503"], "only_paths": "/units$"})
    again = client.create_unit(UnitWrite(name="pk"))
    assert again.number == first.number
    assert [u.name for u in client.units()].count("pk") == 1
    assert [e["status"] for e in posts(sim, "/units")] == [201, 503]


def test_booking_is_not_repeated_after_a_lost_answer(client: RackbeatClient, sim: RackbeatSimulator) -> None:
    client.create_customer_invoice_draft(
        CustomerInvoiceDraftWrite(
            customer_id=1, number=77, lines=[DocumentLineWrite(item_id="KIT+1", quantity=1)]
        )
    )
    sim.set_faults({"sequence": ["timeout"], "only_paths": "/book$"})
    assert client.book_customer_invoice(77).is_booked is True
    assert [e["status"] for e in posts(sim, "/book")] == ["timeout", 200]


def test_rate_limit_is_waited_out_with_the_headers(sim: RackbeatSimulator) -> None:
    sim.set_faults({"rate_limit_scale": 2 / 480})
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        # Waiting is simulated: the simulator's clock moves by what the client sleeps.
        sleeps.append(seconds)
        sim.set_clock(offset_seconds=sum(sleeps))

    with RackbeatClient(BASE, SecretStr(TOKEN), transport=transport(sim), sleep=sleep, page_size=20) as rb:
        assert [c.number for c in rb.customers()] == list(range(1, 46))
    statuses = [e["status"] for e in sim.request_log]
    assert statuses.count(429) >= 1
    assert statuses.count(206) == 3
    # The client waited for the Retry-After the simulator gave, not a blind short backoff.
    assert sum(sleeps) >= 1.0


def test_persistent_rate_limit_surfaces_as_rate_limited(sim: RackbeatSimulator) -> None:
    sim.set_faults({"error_rates": {"429": 1.0}})
    policy = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)
    with (
        RackbeatClient(
            BASE, SecretStr(TOKEN), transport=transport(sim), sleep=lambda _: None, retry=policy
        ) as rb,
        pytest.raises(RateLimited),
    ):
        rb.self()


def test_client_side_budget_keeps_under_480_per_minute(sim: RackbeatSimulator) -> None:
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with RackbeatClient(
        BASE, SecretStr(TOKEN), transport=transport(sim), sleep=sleep, clock=lambda: now[0]
    ) as rb:
        for _ in range(100):
            rb.self()
    # 20 requests of burst, then 8 per second: 80 more need 10 simulated seconds.
    assert sum(waits) == pytest.approx(10.0, rel=0.01)
    assert all(e["status"] == 200 for e in sim.request_log)


# ----- Rackbeat as it may really answer (RACKBEAT-EVIDENCE mismatches 1, 3, 5, 6, 11, 12) -----------
def _client(app: RackbeatSimulator, **options: Any) -> RackbeatClient:
    return RackbeatClient(BASE, SecretStr(TOKEN), transport=transport(app), sleep=lambda _: None, **options)


def _list_queries(app: RackbeatSimulator, path: str) -> list[dict[str, str]]:
    return [e["query"] for e in app.request_log if e["path"] == f"/api{path}" and e["method"] == "GET"]


def _changed(app: RackbeatSimulator, client: RackbeatClient, numbers: list[int]) -> str:
    """Change ``numbers`` an hour apart, after a cursor; returns the cursor."""
    app.set_clock(offset_seconds=3 * 3600)
    cursor = format_timestamp(app.now())
    for hours, number in enumerate(numbers, start=4):
        app.set_clock(offset_seconds=hours * 3600)
        client.update_customer(number, CustomerWrite(contact_phone=str(number)))
    app.request_log.clear()
    return cursor


@pytest.mark.parametrize("param", ["updated_at_from", "order_by"])
def test_a_refused_filter_is_dropped_once_and_applied_by_the_client(param: str) -> None:
    app = create_app({**small_seed(), "options": {"list_filters": {param: "refused"}}})
    with _client(app, page_size=10) as rackbeat:
        cursor = _changed(app, rackbeat, [12, 30])
        assert sorted(c.number for c in rackbeat.customers(updated_at_from=cursor)) == [12, 30]
        first, *rest = _list_queries(app, "/customers")
        assert param in first
        assert rest
        assert all(param not in q for q in rest)
        assert rackbeat.refused_filters["/customers"] >= {param}
        app.request_log.clear()
        assert sorted(c.number for c in rackbeat.customers(updated_at_from=cursor)) == [12, 30]
        assert all(param not in q for q in _list_queries(app, "/customers"))  # remembered


def test_ignored_filters_never_skip_a_change() -> None:
    # Default order (by number) across pages: 3 is on the first page, 40 on the fifth.
    app = create_app({**small_seed(), "options": {"list_filters": "ignored"}})
    with _client(app, page_size=10) as rackbeat:
        cursor = _changed(app, rackbeat, [40, 3])
        assert sorted(c.number for c in rackbeat.customers(updated_at_from=cursor)) == [3, 40]
        assert len(_list_queries(app, "/customers")) == 5  # read to the end: not sorted


def test_newest_first_stops_after_a_sorted_page_when_only_the_date_filter_is_ignored() -> None:
    app = create_app({**small_seed(), "options": {"list_filters": {"updated_at_from": "ignored"}}})
    with _client(app, page_size=10) as rackbeat:
        cursor = _changed(app, rackbeat, [40, 3])
        assert [c.number for c in rackbeat.customers(updated_at_from=cursor)] == [3, 40]
        assert len(_list_queries(app, "/customers")) == 1


@pytest.mark.parametrize("mode", ["honoured", "ignored", "refused"])
@pytest.mark.parametrize("timestamps", ["space", "iso"])
def test_booked_invoices_since_skips_no_booked_change(mode: str, timestamps: str) -> None:
    app = create_app({**small_seed(), "options": {"list_filters": mode, "timestamp_format": timestamps}})
    with _client(app, page_size=2) as rackbeat:

        def draft(number: int) -> None:
            rackbeat.create_customer_invoice_draft(
                CustomerInvoiceDraftWrite(
                    customer_id=3, number=number, lines=[DocumentLineWrite(item_id="NV 0001", quantity=1)]
                )
            )

        draft(3001)
        rackbeat.book_customer_invoice(3001)  # booked before the cursor
        app.set_clock(offset_seconds=3 * 3600)
        cursor = app.now()
        for number in (3002, 3003, 3004, 3005):
            app.set_clock(offset_seconds=(number - 2998) * 3600)
            draft(number)
        for number in (3005, 3003):
            rackbeat.book_customer_invoice(number)
        read = [i.number for i in rackbeat.booked_invoices_since(cursor)]
        assert sorted(read) == [3003, 3005]


def test_single_encoded_paths_are_learned_once() -> None:
    app = create_app({**small_seed(), "options": {"path_encoding": "single"}})
    with _client(app) as rackbeat:
        fetched = rackbeat.get_product("NV 0001")
        assert isinstance(fetched, Product)
        assert rackbeat.path_encoding == 1  # double 404'd, single found it
        app.request_log.clear()
        assert rackbeat.update_product("NV 0001", ProductWrite(sales_price=130.0)).sales_price == 130.0
        assert [e["status"] for e in app.request_log] == [200]  # no second guess
        assert isinstance(rackbeat.get_product("KIT+1"), Product)
        assert rackbeat.get_product("NO SUCH/1") is None


def test_urlfriendly_number_is_preferred_once_known() -> None:
    app = create_app({**small_seed(), "options": {"path_encoding": "single"}})
    with _client(app) as rackbeat:
        numbers = {p.number for p in rackbeat.products() if isinstance(p, Product)}
        assert "RØR 1/2+" not in numbers
        app.request_log.clear()
        for number in sorted(numbers):
            assert isinstance(rackbeat.get_product(number), Product)
        assert all(e["status"] == 200 for e in app.request_log)  # the record's own path form


@pytest.mark.parametrize("timestamps", ["space", "iso"])
def test_changes_are_compared_as_moments_in_either_timestamp_form(timestamps: str) -> None:
    app = create_app({**small_seed(), "options": {"timestamp_format": timestamps}})
    with _client(app) as rackbeat:
        cursor = _changed(app, rackbeat, [12, 30])
        changed = list(rackbeat.customers(updated_at_from=cursor))
        assert [c.number for c in changed] == [30, 12]
        assert all(isinstance(c, Customer) and c.updated_at and c.updated_at.tzinfo for c in changed)


def _inject(app: RackbeatSimulator, path: str, key: Any, raw: dict[str, Any]) -> None:
    """A record as real Rackbeat may hold it, past the simulator's own create validation."""
    app.put_record(path, key, {"updated_at": app.now(), "created_at": app.now(), **raw})


def test_a_record_the_model_refuses_is_yielded_as_unreadable_and_the_list_goes_on() -> None:
    app = create_app(small_seed())
    _inject(app, "customers", 20, {"number": 20, "company_name": "Rar AS", "payment_terms_id": "netto 14"})
    with _client(app, page_size=10) as rackbeat:
        items = list(rackbeat.customers())
        assert len(items) == 45
        [odd] = [i for i in items if isinstance(i, Unreadable)]
        assert odd.key == "20"
        assert "payment_terms_id" in odd.reason
        assert "'netto 14'" in odd.reason
        single = rackbeat.get_customer(20)
        assert isinstance(single, Unreadable)
        assert single.key == "20"


def test_consumer_identification_is_the_operators() -> None:
    app = create_app(small_seed())
    seen: list[httpx.Request] = []
    inner = transport(app)

    class Observed(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return inner.handle_request(request)

    with RackbeatClient(
        BASE,
        SecretStr(TOKEN),
        consumer_name="Fjordsync",
        consumer_contact="drift@fjordsync.no",
        transport=Observed(),
    ) as rackbeat:
        rackbeat.self()
    headers = seen[0].headers
    assert headers["Consumer-Name"] == "Fjordsync"
    assert headers["Consumer-Contact"] == "drift@fjordsync.no"
    assert headers["User-Agent"] == "Fjordsync (drift@fjordsync.no)"


def test_writes_suppress_webhooks_only_for_a_bulk_import(sim: RackbeatSimulator) -> None:
    with _client(sim) as ongoing, _client(sim, suppress_webhooks=True) as bulk:
        ongoing.update_customer(1, CustomerWrite(contact_phone="1"))
        bulk.update_customer(2, CustomerWrite(contact_phone="2"))
    puts = [e["query"] for e in sim.request_log if e["method"] == "PUT"]
    assert puts == [{}, {"suppress_webhooks": "true"}]
