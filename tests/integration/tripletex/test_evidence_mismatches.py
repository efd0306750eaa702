"""The simulator side of each ranked mismatch B1-B10 in TRIPLETEX-EVIDENCE.md, plus the other
behaviours the evidence corrected (numbering, countries, credit notes, switches). Each test fails
on the simulator as it was before the evidence (it rendered addresses in full, ignored isInactive,
never refused an invoice, used a fixed 14-day due date, ...)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.tripletex_wire import Sim

ADDRESS = {"addressLine1": "Kungsgatan 1", "postalCode": "11143", "city": "Stockholm", "country": {"id": 191}}
LINE = {"count": 2, "unitPriceExcludingVatCurrency": 100, "description": "Vare"}


def _messages(response: httpx.Response) -> list[str]:
    return [m["message"] for m in response.json().get("validationMessages") or []]


def _customer(sim: Sim, **fields: Any) -> dict[str, Any]:
    body = {"name": "Kunde AS", "invoiceSendMethod": "EMAIL", **fields}
    value: dict[str, Any] = sim.ok("POST", "/customer", json=body)["value"]
    return value


# ----- B1: references render as {id, url} unless expanded -------------------------------------
@pytest.mark.parametrize("area", ["customer", "supplier"])
def test_b1_addresses_are_references_unless_expanded(area: str) -> None:
    sim = Sim({"invoiceSettings": {"defaultSendTypeB2B": "EMAIL"}})
    created = sim.ok("POST", f"/{area}", json={"name": "Svensk AB", "postalAddress": ADDRESS})["value"]
    plain = sim.ok("GET", f"/{area}/{created['id']}")["value"]
    assert set(plain["postalAddress"]) == {"id", "url"}
    assert set(plain["physicalAddress"]) == {"id", "url"}
    assert set(plain["currency"]) == {"id", "url"}
    listed = sim.ok("GET", f"/{area}", params={"fields": "*"})["values"][0]
    assert set(listed["postalAddress"]) == {"id", "url"}

    expanded = sim.ok("GET", f"/{area}/{created['id']}", params={"fields": "*,postalAddress(*)"})["value"]
    address = expanded["postalAddress"]
    assert (address["addressLine1"], address["city"], address["postalCode"]) == (
        "Kungsgatan 1",
        "Stockholm",
        "11143",
    )
    assert address["country"] == {"id": 191, "url": "tripletex.test/v2/country/191"}
    assert address["addressAsString"] == "Kungsgatan 1, 11143 Stockholm, Sverige"

    nested = sim.ok("GET", f"/{area}/{created['id']}", params={"fields": "id,postalAddress(*,country(*))"})
    assert nested["value"]["postalAddress"]["country"]["isoAlpha2Code"] == "SE"


def test_b1_the_post_answer_echoes_posted_addresses_and_references_the_rest() -> None:
    sim = Sim()
    value = _customer(sim, postalAddress=ADDRESS)
    assert value["postalAddress"]["city"] == "Stockholm"
    assert set(value["physicalAddress"]) == {"id", "url"}  # created empty, not posted


def test_b1_an_address_keeps_its_id_through_an_update() -> None:
    sim = Sim()
    value = _customer(sim, postalAddress=ADDRESS)
    first = value["postalAddress"]["id"]
    sim.ok("PUT", f"/customer/{value['id']}", json={"postalAddress": {"city": "Göteborg"}})
    after = sim.ok("GET", f"/customer/{value['id']}", params={"fields": "postalAddress(*)"})["value"]
    assert after["postalAddress"]["id"] == first
    assert (after["postalAddress"]["city"], after["postalAddress"]["addressLine1"]) == (
        "Göteborg",
        "Kungsgatan 1",
    )


# ----- B2: isInactive defaults to false on /customer and /supplier ------------------------------
@pytest.mark.parametrize("area", ["customer", "supplier"])
def test_b2_inactive_records_are_listed_only_when_asked(area: str) -> None:
    sim = Sim({"invoiceSettings": {"defaultSendTypeB2B": "EMAIL"}})
    active = sim.ok("POST", f"/{area}", json={"name": "Aktiv AS"})["value"]
    inactive = sim.ok("POST", f"/{area}", json={"name": "Nedlagt AS", "isInactive": True})["value"]

    def ids(**params: str) -> set[int]:
        return {v["id"] for v in sim.ok("GET", f"/{area}", params=params)["values"]}

    assert ids() == {active["id"]}
    assert ids(isInactive="true") == {inactive["id"]}
    assert ids(isInactive="false") == {active["id"]}
    # A single read by id still finds it.
    assert sim.ok("GET", f"/{area}/{inactive['id']}")["value"]["isInactive"] is True


def test_b2_products_have_no_isinactive_default() -> None:
    sim = Sim(
        {
            "products": [
                {"id": 1, "name": "A", "number": "1"},
                {"id": 2, "name": "B", "number": "2", "isInactive": True},
            ]
        }
    )
    assert {v["id"] for v in sim.ok("GET", "/product")["values"]} == {1, 2}


# ----- B3: invoicing without a bank account -------------------------------------------------------
def test_b3_invoice_settings_answer_from_the_seed_with_fields() -> None:
    sim = Sim({"invoiceSettings": {"bankAccountReady": False}})
    assert sim.ok("GET", "/invoice/settings", params={"fields": "bankAccountReady"}) == {
        "value": {"bankAccountReady": False}
    }
    everything = sim.ok("GET", "/invoice/settings")["value"]
    assert everything["defaultSendTypeB2B"] == "EHF"
    assert everything["defaultSendTypeB2C"] == "EMAIL"
    assert everything["sendTypes"] == ["EMAIL", "EHF", "PAPER", "MANUAL"]
    assert (everything["invoicesDueIn"], everything["invoicesDueInType"]) == (14, "DAYS")
    bad = sim.call("GET", "/invoice/settings", params={"fields": "bankAccount"})
    assert (bad.status_code, bad.json()["code"]) == (400, 11000)


@pytest.mark.parametrize("how", ["order", "invoice"])
def test_b3_every_invoice_fails_while_the_company_has_no_bank_account(how: str) -> None:
    sim = Sim({"invoiceSettings": {"bankAccountReady": False}})
    customer = _customer(sim)
    order = sim.order(customer["id"], [LINE])
    if how == "order":
        response = sim.call("PUT", f"/order/{order}/:invoice", params={"invoiceDate": "2026-03-21"})
    else:
        body = {"invoiceDate": "2026-03-21", "invoiceDueDate": "2026-04-04", "orders": [{"id": order}]}
        response = sim.call("POST", "/invoice", json=body)
    assert (response.status_code, response.json()["code"]) == (422, 18000)
    assert _messages(response) == [
        "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer."
    ]
    assert response.json()["validationMessages"][0]["field"] is None


# ----- B4: the due date comes from the order ------------------------------------------------------
@pytest.mark.parametrize(
    ("terms", "due"),
    [
        ({"invoicesDueIn": 30, "invoicesDueInType": "DAYS"}, "2026-04-20"),
        ({"invoicesDueIn": 1, "invoicesDueInType": "MONTHS"}, "2026-04-21"),
        ({"invoicesDueIn": 20, "invoicesDueInType": "RECURRING_DAY_OF_MONTH"}, "2026-04-20"),
        ({}, "2026-04-04"),
    ],
)
def test_b4_invoice_due_date_is_invoice_date_plus_the_orders_terms(terms: dict[str, Any], due: str) -> None:
    sim = Sim()
    order = sim.order(_customer(sim)["id"], [LINE], **terms)
    invoice = sim.ok("PUT", f"/order/{order}/:invoice", params={"invoiceDate": "2026-03-21"})["value"]
    assert invoice["invoiceDueDate"] == due


def test_b4_an_order_inherits_the_customers_terms_and_those_default_from_the_settings() -> None:
    sim = Sim({"invoiceSettings": {"invoicesDueIn": 10}})
    plain = _customer(sim)
    assert plain["invoicesDueIn"] == 10
    strict = _customer(sim, name="Streng AS", invoicesDueIn=5, invoicesDueInType="DAYS")
    order = sim.order(strict["id"], [LINE])
    assert sim.ok("GET", f"/order/{order}")["value"]["invoicesDueIn"] == 5
    invoice = sim.ok("PUT", f"/order/{order}/:invoice", params={"invoiceDate": "2026-03-21"})["value"]
    assert invoice["invoiceDueDate"] == "2026-03-26"


# ----- B5: send types come from the company's invoice settings -----------------------------------
def test_b5_name_only_company_customer_is_accepted_when_the_default_is_not_ehf() -> None:
    sim = Sim({"invoiceSettings": {"defaultSendTypeB2B": "EMAIL"}})
    response = sim.call("POST", "/customer", json={"name": "Bare Navn AS"})
    assert response.status_code == 201
    assert response.json()["value"]["invoiceSendMethod"] == "EMAIL"


def test_b5_ehf_default_still_needs_an_address() -> None:
    response = Sim().call("POST", "/customer", json={"name": "Bare Navn AS"})
    assert response.status_code == 422
    assert _messages(response) == ["postalAddress is required for EHF"]


def test_b5_private_customers_take_the_b2c_default() -> None:
    sim = Sim({"invoiceSettings": {"defaultSendTypeB2C": "PAPER"}})
    value = sim.ok("POST", "/customer", json={"name": "Kari", "isPrivateIndividual": True})["value"]
    assert value["invoiceSendMethod"] == "PAPER"


@pytest.mark.parametrize("explicit", [True, False])
def test_b5_ehf_on_a_company_that_cannot_send_ehf_fails(explicit: bool) -> None:
    settings = {"sendTypes": ["EMAIL", "PAPER"], "defaultSendTypeB2B": "EMAIL" if explicit else "EHF"}
    sim = Sim({"invoiceSettings": settings})
    body: dict[str, Any] = {"name": "Ehf AS", "organizationNumber": "964528136", "postalAddress": ADDRESS}
    if explicit:
        body["invoiceSendMethod"] = "EHF"
    response = sim.call("POST", "/customer", json=body)
    assert response.status_code == 422
    assert response.json()["validationMessages"][0]["field"] == "invoiceSendMethod"


# ----- B6: an area the token lacks -------------------------------------------------------------
def test_b6_denied_area_answers_403_by_default() -> None:
    sim = Sim({"grants": ["product", "invoice"]})
    response = sim.call("GET", "/customer")
    assert (response.status_code, response.json()["code"]) == (403, 9000)
    assert response.json()["message"] == "You do not have permission to access this feature."


def test_b6_denied_area_can_answer_empty_instead() -> None:
    sim = Sim({"grants": ["product", "invoice"], "customers": [{"id": 1, "name": "Skjult AS"}]})
    switched = sim.http.post("http://tripletex.test/_sim/options", json={"denied_area_answer": "empty"})
    assert switched.json()["denied_area_answer"] == "empty"
    listed = sim.call("GET", "/customer")
    assert (listed.status_code, listed.json()["values"]) == (200, [])
    assert sim.call("GET", "/customer/1").status_code == 404
    assert sim.call("POST", "/customer", json={"name": "Ny AS"}).status_code == 403
    assert sim.call("GET", "/product").status_code == 200
    sim.app.grants = {"customer"}
    assert sim.ok("GET", "/invoice/settings") == {"value": {}}


def test_options_are_validated_and_seedable() -> None:
    sim = Sim({"options": {"changed_since": "ignored"}})
    options = sim.http.get("http://tripletex.test/_sim/options").json()
    assert options["changed_since"] == "ignored"
    assert options["denied_area_answer"] == "403"
    assert options["product_is_stock_item"] == "present"
    refused = sim.http.post("http://tripletex.test/_sim/options", json={"changed_since": "sometimes"})
    assert refused.status_code == 400
    assert sim.http.post("http://tripletex.test/_sim/options", json={"no_such": 1}).status_code == 400


def test_changed_since_can_be_ignored_like_on_api_test() -> None:
    sim = Sim({"customers": [{"id": 1, "name": "Gammel AS"}]})
    params = {"changedSince": "2099-01-01T00:00:00"}
    assert sim.ok("GET", "/customer", params=params)["values"] == []
    sim.app.set_options({"changed_since": "ignored"})
    assert [v["id"] for v in sim.ok("GET", "/customer", params=params)["values"]] == [1]


# ----- B7: order numbers are unique -------------------------------------------------------------
def test_b7_an_order_number_in_use_is_refused_with_the_real_text() -> None:
    sim = Sim()
    customer = _customer(sim)["id"]
    sim.order(customer, [LINE], number="RB-1")
    body = {
        "customer": {"id": customer},
        "orderDate": "2026-03-22",
        "deliveryDate": "2026-03-22",
        "number": "RB-1",
    }
    response = sim.call("POST", "/order", json=body)
    assert response.status_code == 422
    assert _messages(response) == ["Dette nummeret er i bruk på en annen ordre, tilbud eller prosjekt."]


def test_b7_automatic_order_numbers_skip_numbers_in_use() -> None:
    sim = Sim()
    customer = _customer(sim)["id"]
    sim.order(customer, [LINE], number="1")
    second = sim.order(customer, [LINE])
    assert sim.ok("GET", f"/order/{second}")["value"]["number"] == "2"


# ----- B9: isStockItem may be absent ----------------------------------------------------------
def test_b9_is_stock_item_present_by_default_and_absent_when_switched() -> None:
    sim = Sim({"products": [{"id": 1, "name": "Hammer", "number": "H", "isStockItem": True}]})
    assert sim.ok("GET", "/product/1")["value"]["isStockItem"] is True
    sim.app.set_options({"product_is_stock_item": "absent"})
    assert "isStockItem" not in sim.ok("GET", "/product/1")["value"]
    assert "isStockItem" not in sim.ok("GET", "/product")["values"][0]


# ----- B10: what the simulator used to accept ---------------------------------------------------
def test_b10_unknown_fields_are_400_11000() -> None:
    sim = Sim({"customers": [{"id": 1, "name": "A"}]})
    response = sim.call("GET", "/customer", params={"fields": "id,nonExistingField"})
    assert (response.status_code, response.json()["code"]) == (400, 11000)
    assert response.json()["message"] == (
        "Illegal field in fields filter: nonExistingField. "
        "nonExistingField does not match a field in the model: CustomerDTO"
    )
    nested = sim.call("GET", "/customer/1", params={"fields": "postalAddress(street)"})
    assert "AddressDTO" in nested.json()["message"]


def test_b10_from_equal_to_to_is_422() -> None:
    sim = Sim()
    response = sim.call("GET", "/order", params={"orderDateFrom": "2026-03-21", "orderDateTo": "2026-03-21"})
    assert response.status_code == 422
    assert _messages(response) == [
        "'From and including' value (2026-03-21) is greater than or equal "
        "'To and excluding' value (2026-03-21) in filter."
    ]
    assert sim.call(
        "GET", "/order", params={"orderDateFrom": "2026-03-21", "orderDateTo": "2026-03-22"}
    ).is_success


def test_b10_an_order_without_lines_cannot_be_invoiced() -> None:
    sim = Sim()
    order = sim.order(_customer(sim)["id"])
    response = sim.call("PUT", f"/order/{order}/:invoice", params={"invoiceDate": "2026-03-21"})
    assert _messages(response) == ["Fakturaen inneholder ingen ordrelinjer."]


def test_b10_post_order_answers_without_lines_although_they_exist() -> None:
    sim = Sim()
    customer = _customer(sim)["id"]
    body = {
        "customer": {"id": customer},
        "orderDate": "2026-03-21",
        "deliveryDate": "2026-03-21",
        "orderLines": [LINE],
    }
    created = sim.ok("POST", "/order", json=body)["value"]
    assert created["orderLines"] == []
    read = sim.ok("GET", f"/order/{created['id']}", params={"fields": "orderLines(*)"})["value"]
    assert [line["count"] for line in read["orderLines"]] == [2.0]
    line_id = read["orderLines"][0]["id"]
    assert sim.ok("GET", f"/order/orderline/{line_id}")["value"]["amountExcludingVatCurrency"] == 200.0


# ----- numbering, versions, countries, reference endpoints ----------------------------------------
def test_numbering_and_version_after_create() -> None:
    sim = Sim()
    customer = _customer(sim)
    supplier = sim.ok("POST", "/supplier", json={"name": "Lev AS"})["value"]
    product = sim.ok("POST", "/product", json={"name": "Vare", "number": "V1"})["value"]
    order = sim.ok("GET", f"/order/{sim.order(customer['id'], [LINE])}")["value"]
    assert (customer["customerNumber"], customer["version"]) == (10001, 1)
    assert (supplier["supplierNumber"], supplier["version"]) == (20001, 1)
    assert (product["version"], order["version"]) == (0, 0)
    assert customer["displayName"] == "Kunde AS (10001)"
    assert customer["url"] == f"tripletex.test/v2/customer/{customer['id']}"


def test_countries_carry_tripletex_ids_and_iso_codes() -> None:
    sim = Sim()
    norway = sim.ok("GET", "/country/161")["value"]
    assert (norway["isoAlpha2Code"], norway["isoAlpha3Code"], norway["isoNumericCode"]) == (
        "NO",
        "NOR",
        "578",
    )
    sweden = sim.ok("GET", "/country", params={"code": "SE", "fields": "id,isoAlpha2Code"})["values"]
    assert sweden == [{"id": 191, "isoAlpha2Code": "SE"}]
    codes = {c["isoAlpha2Code"] for c in sim.ok("GET", "/country", params={"count": "1000"})["values"]}
    assert {"NO", "SE", "DK", "FI", "DE", "GB", "US", "NL", "PL"} <= codes
    ids = [c["id"] for c in sim.ok("GET", "/country")["values"]]
    assert len(ids) == len(set(ids))


def test_seed_countries_replace_the_list() -> None:
    sim = Sim({"countries": [{"id": 7, "name": "Norge", "isoAlpha2Code": "NO", "isoAlpha3Code": "NOR"}]})
    assert [c["id"] for c in sim.ok("GET", "/country")["values"]] == [7]
    assert sim.call("GET", "/country/161").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/ledger/vatType/3", "/currency/1", "/country/161", "/product/unit/1", "/invoice/paymentType/1"],
)
def test_every_reference_endpoint_answers_by_id(path: str) -> None:
    sim = Sim(
        {
            "productUnits": [{"id": 1, "name": "Stykk", "nameShort": "stk"}],
            "paymentTypes": [{"id": 1, "description": "Betalt til bank"}],
        }
    )
    assert sim.ok("GET", path)["value"]["id"] == int(path.rsplit("/", 1)[1])


# ----- invoices: POST /invoice keeps the order open, credit notes ------------------------------
def test_post_invoice_with_an_existing_order_does_not_close_it() -> None:
    sim = Sim()
    order = sim.order(_customer(sim)["id"], [LINE])
    body = {"invoiceDate": "2026-03-21", "invoiceDueDate": "2026-04-04", "orders": [{"id": order}]}
    assert sim.call("POST", "/invoice", json=body).status_code == 201
    assert sim.ok("GET", f"/order/{order}")["value"]["isClosed"] is False


def test_credit_note_negates_the_invoice_and_clears_what_is_outstanding() -> None:
    sim = Sim()
    order = sim.order(_customer(sim)["id"], [LINE])
    invoice = sim.ok("PUT", f"/order/{order}/:invoice", params={"invoiceDate": "2026-03-21"})["value"]
    assert (invoice["amountOutstanding"], invoice["amountCurrencyOutstanding"]) == (200.0, 200.0)
    note = sim.ok(
        "PUT",
        f"/invoice/{invoice['id']}/:createCreditNote",
        params={"date": "2026-03-25", "comment": "Retur"},
    )["value"]
    assert (note["isCreditNote"], note["creditedInvoice"], note["amount"]) == (True, invoice["id"], -200.0)
    assert (note["invoiceDate"], note["comment"]) == ("2026-03-25", "Retur")
    original = sim.ok("GET", f"/invoice/{invoice['id']}")["value"]
    assert (original["isCredited"], original["amountOutstanding"], original["amountCurrencyOutstanding"]) == (
        True,
        0.0,
        0.0,
    )
    again = sim.call("PUT", f"/invoice/{invoice['id']}/:createCreditNote", params={"date": "2026-03-26"})
    assert again.status_code == 422
    missing = sim.call("PUT", f"/invoice/{invoice['id']}/:createCreditNote")
    assert (missing.status_code, missing.json()["code"]) == (422, 15000)


def test_f10_moving_the_clock_back_does_not_leave_the_token_pair_rate_limited() -> None:
    sim = Sim()
    for _ in range(100):
        sim.call("GET", "/country/161")
    assert sim.call("GET", "/country/161").status_code == 429
    sim.app.set_clock(offset_seconds=-3600)
    assert sim.call("GET", "/country/161").status_code == 200


def test_f3_order_and_invoice_lists_honour_their_filters() -> None:
    sim = Sim()
    first, second = _customer(sim), _customer(sim, name="Annen AS")
    closed = sim.order(first["id"], [LINE])
    open_order = sim.order(second["id"], [LINE])
    sim.ok("PUT", f"/order/{closed}/:invoice", params={"invoiceDate": "2026-03-21"})
    span = {"orderDateFrom": "2026-03-01", "orderDateTo": "2026-04-01"}
    assert [o["id"] for o in sim.ok("GET", "/order", params={**span, "isClosed": "false"})["values"]] == [
        open_order
    ]
    assert [o["id"] for o in sim.ok("GET", "/order", params={**span, "isClosed": "true"})["values"]] == [
        closed
    ]
    dates = {"invoiceDateFrom": "2026-03-01", "invoiceDateTo": "2026-04-01"}
    invoices = sim.ok("GET", "/invoice", params={**dates, "customerId": str(second["id"])})["values"]
    assert invoices == []


def _references(value: Any) -> list[str]:
    if isinstance(value, dict):
        if set(value) == {"id", "url"}:
            return [str(value["url"])]
        return [url for item in value.values() for url in _references(item)]
    if isinstance(value, list):
        return [url for item in value for url in _references(item)]
    return []


def test_every_reference_the_simulator_hands_out_resolves() -> None:
    # The simulator does not serve accounts, projects, employees, departments or addresses by id.
    unserved = ("/ledger/account/", "/project/", "/employee/", "/department/", "/address/")
    sim = Sim(
        {"currencies": [], "products": [{"id": 1, "name": "Vare", "number": "V", "vatType": {"id": 3}}]}
    )
    customer = _customer(sim, postalAddress=ADDRESS)
    supplier = sim.ok("POST", "/supplier", json={"name": "Lev AS"})["value"]
    line = {"count": 1, "product": {"id": 1}}
    order = sim.ok("GET", f"/order/{sim.order(customer['id'], [line])}", params={"fields": "*,orderLines(*)"})
    invoice = sim.ok("PUT", f"/order/{order['value']['id']}/:invoice", params={"invoiceDate": "2026-03-21"})
    product = sim.ok("GET", "/product/1")
    urls = _references([customer, supplier, order, invoice, product])
    assert any("/currency/1" in url for url in urls)
    for url in urls:
        path = url.split("/v2", 1)[1]
        if not path.startswith(unserved):
            assert sim.call("GET", path).status_code == 200, path
