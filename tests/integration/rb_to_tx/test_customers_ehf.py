"""EHF cases: every customer made in Rackbeat reaches Tripletex without an error and with a send
method that works for it, decided by the data rather than by Tripletex's EHF default."""

from __future__ import annotations

from typing import Any

import pytest

from local.seed.demo import COUNTRY_ID
from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import (
    Mapped,
    Reference,
    map_customer,
    map_product,
    map_supplier,
)
from rackbeat_tripletex.models import rackbeat as rb
from tests.support.rb_to_tx_company import GROUP_SERVICES, PRIVATE_GROUP

OSLO_ADDRESS = {"address_street": "Storgata 1", "address_zipcode": "0155", "address_city": "Oslo"}


def _rackbeat_customer(rackbeat: RackbeatClient, number: int, **fields: Any) -> rb.Customer:
    base: dict[str, Any] = {
        "number": number,
        "company_name": f"Kunde {number} Ærlig Øl Å/S",
        "customer_group_id": 1,
        "payment_terms_id": 2,
        "vat_zone": "domestic",
        "currency": "NOK",
        "locale": "nb",
    }
    return rackbeat.create_customer(rb.CustomerWrite(**{**base, **fields}))


CASES = [
    pytest.param(
        {"company_vat": "NO 923 609 016 MVA", "contact_email": "post@fjord.no", **OSLO_ADDRESS},
        "EHF",
        "923609016",
        id="valid-org-number-with-address",
    ),
    pytest.param(
        {"company_vat": "923609016", "contact_email": "post@fjord.no", "address_country": "NO"},
        "EMAIL",
        "923609016",
        id="valid-org-number-without-address",
    ),
    pytest.param(
        {"company_vat": "987654325", "address_city": "Oslo"}, "PAPER", "987654325", id="no-address-no-email"
    ),
    pytest.param(
        {"company_vat": "923609017", "contact_email": "faktura@feil.no", **OSLO_ADDRESS},
        "EMAIL",
        None,
        id="invalid-mod11",
    ),
    pytest.param(
        {"company_vat": "12 34 5", **OSLO_ADDRESS}, "PAPER", None, id="invalid-length-without-email"
    ),
    pytest.param(
        {"company_vat": "812345672", "contact_email": "kari@nordmann.no", "customer_group_id": PRIVATE_GROUP,
         **OSLO_ADDRESS},
        "EMAIL",
        None,
        id="private-individual",
    ),
    pytest.param(
        {
            "company_vat": "SE556677889901",
            "contact_email": "order@svensk.se",
            "address_street": "Drottninggatan 5",
            "address_zipcode": "111 51",
            "address_city": "Stockholm",
            "address_country": "SE",
            "vat_zone": "eu",
            "currency": "SEK",
            "locale": "sv",
        },
        "EMAIL",
        "SE556677889901",
        id="foreign-company",
    ),
    pytest.param(
        # Nine digits that happen to be MOD11-valid must still not become an EHF receiver abroad.
        {"company_vat": "923609016", "address_country": "DE", "vat_zone": "eu", "currency": "EUR",
         "address_street": "Hauptstraße 1", "address_zipcode": "10115", "address_city": "Berlin"},
        "PAPER",
        "923609016",
        id="foreign-company-norwegian-looking-number",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "send_method", "organization_number"), CASES)
def test_ehf_case_is_created_without_error_with_a_working_send_method(
    rackbeat: RackbeatClient,
    tripletex: TripletexClient,
    tripletex_app: TripletexSimulator,
    reference: Reference,
    fields: dict[str, Any],
    send_method: str,
    organization_number: str | None,
) -> None:
    customer = _rackbeat_customer(rackbeat, 501, **fields)
    result = map_customer(customer, reference, private_customer_groups={PRIVATE_GROUP})
    assert isinstance(result, Mapped), result

    created = tripletex.create_customer(result.record)
    stored = tripletex.get_customer(created.id or 0)

    assert stored.invoice_send_method == send_method
    # Tripletex answers a field that is not set as "" (whole DTOs with defaults, REAL).
    assert (stored.organization_number or None) == organization_number
    assert stored.customer_number == 501
    assert stored.is_private_individual is (fields.get("customer_group_id") == PRIVATE_GROUP)
    if send_method == "EHF":
        assert stored.single_customer_invoice is False
    if send_method == "EMAIL":
        assert stored.invoice_email == fields["contact_email"]
    assert stored.invoices_due_in == 30
    assert stored.invoices_due_in_type == "DAYS"
    assert all(not entry["spec_violations"] for entry in tripletex_app.request_log)
    assert all(entry["status"] < 400 for entry in tripletex_app.request_log)


def test_foreign_company_keeps_its_country_and_currency(
    rackbeat: RackbeatClient, tripletex: TripletexClient, reference: Reference
) -> None:
    customer = _rackbeat_customer(
        rackbeat,
        502,
        company_vat="SE556677889901",
        address_street="Drottninggatan 5",
        address_zipcode="111 51",
        address_city="Stockholm",
        address_country="SE",
        vat_zone="eu",
        currency="SEK",
        locale="sv",
    )
    result = map_customer(customer, reference)
    assert isinstance(result, Mapped)
    stored = tripletex.get_customer(tripletex.create_customer(result.record).id or 0)

    assert stored.physical_address is not None
    assert stored.physical_address.country is not None
    assert stored.physical_address.country.id == COUNTRY_ID["SE"]
    assert stored.currency is not None
    assert stored.currency.id == reference.currency_ids["SEK"]
    assert stored.language == "EN"


def test_barred_customer_is_inactive_and_update_keeps_the_hash_stable(
    rackbeat: RackbeatClient, tripletex: TripletexClient, reference: Reference
) -> None:
    customer = _rackbeat_customer(rackbeat, 503, is_barred=True, contact_email="a@b.no", **OSLO_ADDRESS)
    first = map_customer(customer, reference)
    again = map_customer(rackbeat.get_customer(503) or customer, reference)
    assert isinstance(first, Mapped)
    assert isinstance(again, Mapped)
    assert first.content_hash == again.content_hash

    stored = tripletex.get_customer(tripletex.create_customer(first.record).id or 0)
    assert stored.is_inactive is True

    changed = rackbeat.update_customer(503, rb.CustomerWrite(contact_phone="+47 22 33 44 55"))
    third = map_customer(changed, reference)
    assert isinstance(third, Mapped)
    assert third.content_hash != first.content_hash
    updated = tripletex.update_customer(
        third.record.model_copy(update={"id": stored.id, "version": stored.version})
    )
    assert updated.phone_number == "+47 22 33 44 55"


def test_supplier_and_products_are_created(
    rackbeat: RackbeatClient,
    tripletex: TripletexClient,
    tripletex_app: TripletexSimulator,
    reference: Reference,
) -> None:
    supplier = rackbeat.create_supplier(
        rb.SupplierWrite(
            number=7001,
            company_name="Grossist Øst AS",
            company_vat="NO974123452MVA",
            supplier_group_id=1,
            vat_zone="domestic",
            locale="nb",
            currency="NOK",
            payment_terms_id=1,
            contact_email="salg@grossist.no",
            **OSLO_ADDRESS,
        )
    )
    mapped_supplier = map_supplier(supplier, reference)
    assert isinstance(mapped_supplier, Mapped)
    stored_supplier = tripletex.create_supplier(mapped_supplier.record)
    assert stored_supplier.organization_number == "974123452"

    stock = rackbeat.create_product(
        rb.ProductWrite(
            number="HM/40", name="Hammer 40 mm", group=1, unit_id=1, sales_price=199.0,
            recommended_cost_price=80.5, barcode="5701234567890", description="Klohammer",
        )
    )  # fmt: skip
    service = rackbeat.create_product(
        rb.ProductWrite(number="MONT 1", name="Montering", group=GROUP_SERVICES, unit_id=2, sales_price=950.0)
    )
    for product, stock_item, unit in ((stock, True, 1), (service, False, 2)):
        mapped_product = map_product(product, reference)
        assert isinstance(mapped_product, Mapped), mapped_product
        created = tripletex.get_product(tripletex.create_product(mapped_product.record).id or 0)
        assert created.number == product.number
        assert created.is_stock_item is stock_item
        assert created.product_unit is not None
        assert created.product_unit.id == unit
        assert created.vat_type is not None
        assert created.vat_type.id == 3
        assert created.price_excluding_vat_currency == product.sales_price
        assert created.price_including_vat_currency == pytest.approx(product.sales_price * 1.25)
    stored_stock = tripletex.find_product_by_number("HM/40")
    assert stored_stock is not None
    assert stored_stock.ean == "5701234567890"
    assert stored_stock.cost_excluding_vat_currency == 80.5
    assert all(not entry["spec_violations"] for entry in tripletex_app.request_log)
