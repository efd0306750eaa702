"""Hypothesis strategies for Rackbeat records in the API's shape, as real Rackbeat may send them.

Each record starts from a real record shape (``tests/fixtures/rackbeat_samples``, from the
evidence) and then draws, per field, a value, ``null`` or nothing; unknown enum values (VAT
zones, child types), numbers as strings, both timestamp forms, and fields we have never heard
of. Keys the simulator itself looks records up by (a product's group, an invoice's customer)
stay lookups it can answer, so the simulator renders every record as Rackbeat would.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import string
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.property.harness import TEXT, vendor_record

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "rackbeat_samples"
# Groups, terms and units the seeded account has (tests/support/seeds.rackbeat_seed).
GROUPS = [1, 2, 3, 4, 5]
SEEDED_CUSTOMER = 5001
SEEDED_PRODUCT = "P-1"


def _sample(name: str, key: str) -> dict[str, Any]:
    loaded = json.loads((SAMPLES / name).read_text())[key]
    record: dict[str, Any] = loaded[0] if isinstance(loaded, list) else loaded
    return record


# The simulator stamps updated_at itself, in the form the switches choose.
rackbeat_record = functools.partial(vendor_record, drop=("updated_at",))
CUSTOMER_SHAPE = _sample("01-list-envelope-customers.json", "customers")
PRODUCT_SHAPE = _sample("02-product.json", "product")
INVOICE_SHAPE = _sample("03-customer-invoice.json", "customer_invoice")


def timestamp_text() -> st.SearchStrategy[str]:
    moments = st.datetimes(min_value=dt.datetime(2018, 1, 1), max_value=dt.datetime(2030, 12, 31))
    forms = st.sampled_from(
        [
            lambda m: m.strftime("%Y-%m-%d %H:%M:%S"),
            lambda m: m.replace(microsecond=0).isoformat() + "+01:00",
            lambda m: m.isoformat() + "Z",
            lambda m: m.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
        ]
    )
    return st.builds(lambda m, form: form(m), moments, forms)


def date_text() -> st.SearchStrategy[str]:
    day = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2030, 12, 31)).map(dt.date.isoformat)
    return st.one_of(day, timestamp_text())


MONEY = st.one_of(
    st.integers(min_value=-50, max_value=100_000),
    st.floats(min_value=-50, max_value=100_000, allow_nan=False, allow_infinity=False).map(
        lambda x: round(x, 2)
    ),
    st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False).map(str),
)
FLAG = st.one_of(st.booleans(), st.sampled_from([0, 1, "true", "false"]))
VAT_ZONE = st.one_of(
    st.sampled_from(["domestic", "eu", "abroad", "domestic_exempt", "DK", "country_specific_se"]),
    st.text(alphabet=string.ascii_lowercase + "_", max_size=16),
)


def _contact_fields(group_field: str) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "company_name": TEXT,
        "company_vat": st.one_of(st.sampled_from(["999999999", "NO 912345610 MVA", "DK12345678", ""]), TEXT),
        "address_street": TEXT,
        "address_street2": TEXT,
        "address_city": TEXT,
        "address_zipcode": st.sampled_from(["0155", "1234", "DK-2100", "", "abc"]),
        "address_country": st.sampled_from(["NO", "Norge", "Danmark", "SE", "", "Atlantis"]),
        "contact_email": st.sampled_from(["post@example.no", "not-an-email", ""]),
        "contact_phone": st.sampled_from(["+47 22 00 00 00", "", "n/a"]),
        "locale": st.sampled_from(["nb", "da", "en", "xx"]),
        "currency": st.sampled_from(["NOK", "EUR", "XYZ", "nok"]),
        "vat_zone": VAT_ZONE,
        "payment_terms_id": st.sampled_from([1, "1", 999, "net 14"]),
        group_field: st.sampled_from([1, "1", 99]),
        "is_barred": FLAG,
        "ean": st.sampled_from(["5790000000000", "", "123"]),
        "created_at": timestamp_text(),
    }


def contacts(group_field: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    """1 to 3 customers (``customer_group_id``) or suppliers (``supplier_group_id``)."""
    record = rackbeat_record(CUSTOMER_SHAPE, _contact_fields(group_field))
    numbers = st.lists(st.integers(6000, 6999), min_size=1, max_size=3, unique=True)
    return numbers.flatmap(
        lambda ns: st.tuples(*(st.tuples(record, st.sampled_from([n, str(n), n, None])) for n in ns))
    ).map(lambda pairs: [_numbered(r, n) for r, n in pairs])


def _numbered(record: dict[str, Any], number: Any) -> dict[str, Any]:
    return {**record, "number": number}


# Text only: Rackbeat may answer a plain-digit number as a JSON number (the read model takes
# it, tests/unit/clients), but the simulator cannot render one (its urlfriendly_number quotes text).
PRODUCT_NUMBER = st.text(
    alphabet=string.ascii_uppercase + string.digits + " -/+.ØÅ", min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s != SEEDED_PRODUCT and s != "")


def products() -> st.SearchStrategy[list[dict[str, Any]]]:
    record = rackbeat_record(
        {k: v for k, v in PRODUCT_SHAPE.items() if k not in ("urlfriendly_number", "group")},
        {
            "name": TEXT,
            "sales_price": MONEY,
            "recommended_cost_price": MONEY,
            "unit_id": st.sampled_from([1, "1", 99]),
            "barcode": st.sampled_from(["5701234567890", "", "x"]),
            "description": TEXT,
            "is_barred": FLAG,
            "stock_quantity": st.sampled_from([0, 3, "4.5", -1]),
            "default_supplier_id": st.sampled_from([1, "1"]),
            "inventory_enabled": FLAG,
            "created_at": timestamp_text(),
        },
    )
    numbers = st.lists(PRODUCT_NUMBER, min_size=1, max_size=3, unique_by=lambda n: str(n))
    groups = st.sampled_from(GROUPS)
    return numbers.flatmap(
        lambda ns: st.tuples(
            *(
                st.tuples(record, groups).map(lambda rg, n=n: {**rg[0], "number": n, "group": rg[1]})
                for n in ns
            )
        )
    ).map(list)


def _line() -> st.SearchStrategy[dict[str, Any]]:
    return rackbeat_record(
        INVOICE_SHAPE["lines"][0],
        {
            "child_type": st.sampled_from(["product", "lot", "text", "product"]),
            "child_id": st.sampled_from([SEEDED_PRODUCT]),
            "name": TEXT,
            "quantity": st.sampled_from([1, 2, "3", 1.5]),
            "line_price": MONEY,
            "discount_percentage": st.sampled_from([0, 10, "5", 12.5]),
            "vat_percentage": st.sampled_from([25, "25", 15, 0, 12]),
            "total": MONEY,
        },
    )


def invoices() -> st.SearchStrategy[list[dict[str, Any]]]:
    """1 to 3 booked invoices of the seeded customer, selling the seeded product."""
    record = rackbeat_record(
        {k: v for k, v in INVOICE_SHAPE.items() if k not in ("lines", "customer", "number", "customer_id")},
        {
            "currency": st.sampled_from(["NOK", "EUR", "XYZ"]),
            "currency_rate": st.sampled_from([100, "100", 1.0]),
            "total_total": MONEY,
            "total_subtotal": MONEY,
            "total_vat": MONEY,
            "vat_zone": VAT_ZONE,
            "payment_terms_id": st.sampled_from([1, "1", 999]),
            "invoice_date": date_text(),
            "due_date": date_text(),
            "booked_at": timestamp_text(),
            "heading": TEXT,
            "note": TEXT,
            "order_id": st.sampled_from([1, "1"]),
        },
    )
    lines = st.lists(_line(), min_size=0, max_size=2).map(
        lambda ls: [{**line, "id": i} for i, line in enumerate(ls, start=1)]
    )
    one = st.tuples(
        record,
        lines,
        st.sampled_from([SEEDED_CUSTOMER, str(SEEDED_CUSTOMER)]),
        st.sampled_from([True, 1, "true"]),
    )
    numbers = st.lists(st.integers(7000, 7999), min_size=1, max_size=3, unique=True)
    return numbers.flatmap(
        lambda ns: st.tuples(
            *(
                one.map(
                    lambda t, n=n: {
                        **t[0],
                        "lines": t[1],
                        "customer_id": t[2],
                        "is_booked": t[3],
                        "number": n,
                    }
                )
                for n in ns
            )
        )
    ).map(list)


SWITCHES = st.fixed_dictionaries(
    {
        "list_filters": st.one_of(
            st.sampled_from(["honoured", "ignored", "refused"]),
            st.fixed_dictionaries(
                {
                    p: st.sampled_from(["honoured", "ignored", "refused"])
                    for p in ("updated_at_from", "order_by", "is_booked")
                }
            ),
        ),
        "timestamp_format": st.sampled_from(["space", "iso"]),
        "invoice_line_vat": st.sampled_from(["present", "absent"]),
        "path_encoding": st.sampled_from(["double", "single"]),
    }
)
