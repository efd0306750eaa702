"""The Tripletex read models accept real answers (TRIPLETEX-EVIDENCE F1): every `real-verbatim`
sample body of an entity we read validates, with the whole DTO's ``""``/``null``/``0``/``false``
defaults and references as ``{id, url}``; and a field answered as a reference is told apart from
one answered empty, so the mappers never mistake "not expanded" for "cleared"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rackbeat_tripletex.clients.records import Unreadable, read_each
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.contacts import as_update
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.customer import map_customer
from rackbeat_tripletex.models.rackbeat import CustomerWrite
from rackbeat_tripletex.models.sync import InitialSyncRequest, PaymentTermsMapping, ReferenceData
from rackbeat_tripletex.models.tripletex import (
    Customer,
    Invoice,
    Order,
    PaymentType,
    Product,
    Supplier,
    TripletexModel,
    VatType,
)

# The evidence samples, as the simulator's contract tests replay them.
SAMPLES = Path(__file__).resolve().parents[3] / "tests" / "integration" / "tripletex" / "samples"

MODELS: dict[str, type[TripletexModel]] = {
    "customer-post-201-name-only.json": Customer,
    # customer-post-201-with-address.json is left out: its body was captured cut short.
    "supplier-post-201.json": Supplier,
    "supplier-list-get-200.json": Supplier,
    "product-post-201.json": Product,
    "order-post-201-embedded-lines.json": Order,
    "order-invoice-put-200.json": Invoice,
    "vattype-list-get-200.json": VatType,
    "paymenttype-list-get-200.json": PaymentType,
}


def _values(name: str) -> list[dict[str, Any]]:
    body = json.loads((SAMPLES / name).read_text())["response"]["body"]
    return list(body["values"]) if "values" in body else [body["value"]]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_real_answer_reads_whole(name: str) -> None:
    rows = _values(name)
    read = list(read_each(MODELS[name], rows, api="Tripletex", key_field="id"))
    assert rows
    assert not [r for r in read if isinstance(r, Unreadable)]


def test_a_real_supplier_read_without_expansion_has_unknown_addresses() -> None:
    (row,) = _values("supplier-list-get-200.json")
    supplier = Supplier.model_validate(row)
    assert supplier.postal_address is not None
    assert supplier.postal_address.is_reference()
    assert supplier.physical_address is not None
    assert supplier.physical_address.is_reference()


def test_an_enum_value_we_do_not_know_reads_as_not_set() -> None:
    customer = Customer.model_validate(
        {"id": 1, "language": "SV", "invoiceSendMethod": "OWN_PRINTER", "invoicesDueInType": ""}
    )
    assert (customer.language, customer.invoice_send_method, customer.invoices_due_in_type) == (None,) * 3


REQUEST = InitialSyncRequest(
    customer_group=1,
    supplier_group=1,
    product_group=1,
    service_group=2,
    payment_terms=PaymentTermsMapping(default=1),
)
REFS = ReferenceData(currency_codes={1: "NOK"}, country_codes={161: "NO", 191: "SE"})


def _update_payload(row: dict[str, Any]) -> dict[str, Any]:
    customer = Customer.model_validate(row)
    mapped = map_customer(customer, REQUEST, REFS)
    assert isinstance(mapped, CustomerWrite)
    return as_update(mapped, customer).payload()


def test_an_update_from_an_unexpanded_answer_leaves_the_address_alone() -> None:
    (row,) = _values("customer-post-201-name-only.json")
    assert "postalAddress" in row
    payload = _update_payload(row)
    assert not {k for k in payload if k.startswith("address_")}
    assert "vat_zone" not in payload


def test_an_update_from_an_expanded_answer_sends_the_address_and_clears_what_was_cleared() -> None:
    (row,) = _values("customer-post-201-name-only.json")
    expanded = row | {
        "postalAddress": {"id": 5, "addressLine1": "", "addressLine2": "", "postalCode": "", "city": ""},
        "physicalAddress": {
            "id": 6,
            "addressLine1": "Drottninggatan 1",
            "postalCode": "111 51",
            "city": "Stockholm",
            "country": {"id": 191, "url": "x/v2/country/191"},
        },
    }
    payload = _update_payload(expanded)
    assert payload["address_street"] == "Drottninggatan 1"
    assert (payload["address_country"], payload["vat_zone"]) == ("SE", "eu")
    assert payload["address_street2"] is None  # Tripletex answered it empty: cleared in Rackbeat


def test_fields_missing_from_the_answer_are_left_out_of_an_update() -> None:
    payload = _update_payload({"id": 1, "name": "Bare Navn AS", "customerNumber": 10001})
    assert set(payload) == {"number", "company_name", "customer_group_id"}
