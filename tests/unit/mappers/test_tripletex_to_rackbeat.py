"""Tripletex -> Rackbeat mappers: examples from the demo data, and properties over any record
the Tripletex spec allows (each maps to a write valid under the Rackbeat reference, or fails
with a reason - never an exception)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from local.simulators.rackbeat.assumptions import EXTRA_REQUIRED_ON_CREATE
from local.simulators.rackbeat.validation import validate
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.customer import map_customer
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import map_product
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.supplier import map_supplier
from rackbeat_tripletex.models.rackbeat import CustomerWrite, ProductWrite, SupplierWrite
from rackbeat_tripletex.models.sync import (
    FailureReason,
    InitialSyncRequest,
    PaymentTermsMapping,
    RecordFailure,
    ReferenceData,
)
from rackbeat_tripletex.models.tripletex import Customer, Product, Supplier

REQUEST = InitialSyncRequest(
    customer_group=3,
    supplier_group=4,
    product_group=5,
    service_group=6,
    payment_terms=PaymentTermsMapping(default=1, by_days={"14": 1, "30": 2}),
)
REFS = ReferenceData(
    currency_codes={1: "NOK", 2: "SEK", 4: "EUR"},
    # As Tripletex's GET /country gives them (ids are the test's own).
    country_codes={161: "NO", 205: "SE", 57: "DK", 81: "DE", 230: "GB", 231: "US"},
    unit_names={1: "stk", 2: "time", 6: "pk"},
    rackbeat_units={"stk": 1, "time": 2},
    rackbeat_payment_terms=[1, 2],
)


def customer(**fields: Any) -> Customer:
    base: dict[str, Any] = {"id": 7, "name": "Åsen Bygg AS", "customerNumber": 10001}
    return Customer.model_validate(base | fields)


def test_company_customer_maps_every_field() -> None:
    mapped = map_customer(
        customer(
            organizationNumber="987654321",
            isInactive=False,
            email="post@asen.no",
            phoneNumber="+47 22000000",
            language="NO",
            invoicesDueIn=30,
            invoicesDueInType="DAYS",
            currency={"id": 1},
            postalAddress={
                "addressLine1": "Storgata 1",
                "postalCode": "0155",
                "city": "Oslo",
                "country": {"id": 161},
            },
        ),
        REQUEST,
        REFS,
    )
    assert isinstance(mapped, CustomerWrite)
    assert mapped.payload() == {
        "number": 10001,
        "company_name": "Åsen Bygg AS",
        "company_vat": "987654321",
        "address_street": "Storgata 1",
        "address_street2": None,
        "address_city": "Oslo",
        "address_zipcode": "0155",
        "address_country": "NO",
        "contact_email": "post@asen.no",
        "contact_phone": "+47 22000000",
        "locale": "nb",
        "currency": "NOK",
        "vat_zone": "domestic",
        "is_barred": False,
        "payment_terms_id": 2,
        "customer_group_id": 3,
    }


def test_private_individual_abroad_and_inactive() -> None:
    mapped = map_customer(
        customer(
            isPrivateIndividual=True,
            organizationNumber="987654321",
            isInactive=True,
            language="EN",
            currency={"id": 2},
            invoicesDueIn=10,
            physicalAddress={"city": "Stockholm", "country": {"id": 205}},
        ),
        REQUEST,
        REFS,
    )
    assert isinstance(mapped, CustomerWrite)
    assert mapped.company_vat is None
    assert (mapped.vat_zone, mapped.address_country, mapped.currency) == ("eu", "SE", "SEK")
    assert (mapped.is_barred, mapped.locale, mapped.payment_terms_id) == (True, "en", 1)


def test_vat_zone_outside_the_eu_is_abroad() -> None:
    mapped = map_customer(customer(postalAddress={"city": "New York", "country": {"id": 231}}), REQUEST, REFS)
    assert isinstance(mapped, CustomerWrite)
    assert mapped.vat_zone == "abroad"


def test_due_in_months_takes_the_default_term() -> None:
    mapped = map_customer(customer(invoicesDueIn=30, invoicesDueInType="MONTHS"), REQUEST, REFS)
    assert isinstance(mapped, CustomerWrite)
    assert mapped.payment_terms_id == 1


def test_customer_failures_say_why_and_what_to_do() -> None:
    cases = {
        FailureReason.MISSING_NUMBER: customer(customerNumber=None),
        FailureReason.INVALID_NUMBER: customer(customerNumber=0),
        FailureReason.MISSING_NAME: customer(name="  "),
        FailureReason.UNKNOWN_CURRENCY: customer(currency={"id": 99}),
        FailureReason.UNKNOWN_COUNTRY: customer(postalAddress={"city": "X", "country": {"id": 999}}),
    }
    for reason, record in cases.items():
        mapped = map_customer(record, REQUEST, REFS)
        assert isinstance(mapped, RecordFailure), reason
        assert mapped.reason == reason
        assert mapped.key == "7"
        assert "Tripletex" in mapped.suggested_fix or "support" in mapped.suggested_fix


def test_supplier_gets_supplier_group_and_default_term() -> None:
    mapped = map_supplier(
        Supplier.model_validate({"id": 5, "name": "Grossist AS", "supplierNumber": 20001, "language": "NO"}),
        REQUEST,
        REFS,
    )
    assert isinstance(mapped, SupplierWrite)
    assert (mapped.supplier_group_id, mapped.payment_terms_id, mapped.locale) == (4, 1, "nb")


def product(**fields: Any) -> Product:
    base: dict[str, Any] = {"id": 9, "name": "Hammer", "number": "H-1", "productUnit": {"id": 1}}
    return Product.model_validate(base | fields)


def test_stock_product_and_service() -> None:
    stock = map_product(
        product(
            isStockItem=True,
            priceExcludingVatCurrency=200.0,
            costExcludingVatCurrency=120.5,
            ean="7040000000001",
            description="Snekkerhammer",
        ),
        REQUEST,
        REFS,
    )
    assert isinstance(stock, ProductWrite)
    assert stock.payload() == {
        "number": "H-1",
        "name": "Hammer",
        "description": "Snekkerhammer",
        "group": 5,
        "unit_id": 1,
        "barcode": "7040000000001",
        "sales_price": 200.0,
        "recommended_cost_price": 120.5,
        "is_barred": False,
    }
    service = map_product(product(isStockItem=False, isInactive=True, productUnit={"id": 2}), REQUEST, REFS)
    assert isinstance(service, ProductWrite)
    assert (service.group, service.unit_id, service.is_barred) == (6, 2, True)


def test_product_failures() -> None:
    cases = {
        FailureReason.MISSING_NUMBER: product(number=None),
        FailureReason.UNKNOWN_UNIT: product(productUnit={"id": 6}),
        FailureReason.INVALID_PRICE: product(priceExcludingVatCurrency=-1.0),
        FailureReason.UNKNOWN_CURRENCY: product(currency={"id": 4}),
    }
    for reason, record in cases.items():
        mapped = map_product(record, REQUEST, REFS)
        assert isinstance(mapped, RecordFailure)
        assert mapped.reason == reason
    unknown = map_product(product(productUnit={"id": 6}), REQUEST, REFS)
    assert isinstance(unknown, RecordFailure)
    assert unknown.message == text("failure.tx.product_unit_missing.message", unit="pk")


# ----- properties --------------------------------------------------------------------------------
texts = st.one_of(st.none(), st.text(max_size=300))
small_ids = st.one_of(st.none(), st.sampled_from([1, 2, 4, 99]))
countries = st.one_of(st.none(), st.sampled_from([*REFS.country_codes, 1, 999]))
addresses = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "addressLine1": texts,
            "addressLine2": texts,
            "postalCode": texts,
            "city": texts,
            "country": countries.map(lambda c: None if c is None else {"id": c}),
        },
    ),
)
contact_fields = {
    "name": texts,
    "organizationNumber": texts,
    "email": texts,
    "invoiceEmail": texts,
    "phoneNumber": texts,
    "phoneNumberMobile": texts,
    "isPrivateIndividual": st.one_of(st.none(), st.booleans()),
    "isInactive": st.one_of(st.none(), st.booleans()),
    "postalAddress": addresses,
    "physicalAddress": addresses,
    "currency": small_ids.map(lambda c: None if c is None else {"id": c}),
    "language": st.one_of(st.none(), st.sampled_from(["NO", "EN"])),
}
numbers = st.one_of(st.none(), st.integers(min_value=0, max_value=2**31 - 1))


def _valid(schema: str, kind: str, write: CustomerWrite | SupplierWrite | ProductWrite) -> None:
    errors = validate(schema, write.payload(), EXTRA_REQUIRED_ON_CREATE[kind])
    assert errors == {}


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": st.integers(1, 10**9)},
        optional={
            **contact_fields,
            "customerNumber": numbers,
            "invoicesDueIn": st.integers(0, 10000),
            "invoicesDueInType": st.sampled_from(["DAYS", "MONTHS", "RECURRING_DAY_OF_MONTH"]),
        },
    )
)
def test_any_spec_valid_customer_maps_or_fails_with_a_reason(raw: dict[str, Any]) -> None:
    mapped = map_customer(Customer.model_validate(raw), REQUEST, REFS)
    if isinstance(mapped, RecordFailure):
        assert mapped.message
        assert mapped.suggested_fix
    else:
        _valid("CustomerCreate", "customer", mapped)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": st.integers(1, 10**9)}, optional={**contact_fields, "supplierNumber": numbers}
    )
)
def test_any_spec_valid_supplier_maps_or_fails_with_a_reason(raw: dict[str, Any]) -> None:
    mapped = map_supplier(Supplier.model_validate(raw), REQUEST, REFS)
    if isinstance(mapped, RecordFailure):
        assert mapped.message
        assert mapped.suggested_fix
    else:
        _valid("SupplierCreate", "supplier", mapped)


prices = st.one_of(st.none(), st.floats(min_value=-1e9, max_value=1e12, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": st.integers(1, 10**9)},
        optional={
            "name": texts,
            "number": texts,
            "description": texts,
            "ean": texts,
            "costExcludingVatCurrency": prices,
            "priceExcludingVatCurrency": prices,
            "isInactive": st.one_of(st.none(), st.booleans()),
            "isStockItem": st.one_of(st.none(), st.booleans()),
            "productUnit": st.one_of(st.none(), st.sampled_from([1, 2, 6, 42]).map(lambda u: {"id": u})),
            "currency": small_ids.map(lambda c: None if c is None else {"id": c}),
        },
    )
)
def test_any_spec_valid_product_maps_or_fails_with_a_reason(raw: dict[str, Any]) -> None:
    mapped = map_product(Product.model_validate(raw), REQUEST, REFS)
    if isinstance(mapped, RecordFailure):
        assert mapped.message
        assert mapped.suggested_fix
    else:
        _valid("ProductCreate", "product", mapped)
