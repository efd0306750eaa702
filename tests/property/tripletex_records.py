"""Hypothesis strategies for Tripletex customers, suppliers and products as the API may answer them.

Each record starts from a real answer (``tests/integration/tripletex/samples``, captured from
Tripletex) and then draws, per field, a value, ``null`` or nothing: unknown enum values
(``invoiceSendMethod``, ``language``, ``invoicesDueInType``), ``""`` where Tripletex answers empty
strings, numbers as strings, references as ``{id, url}`` or expanded, and fields we have never
heard of. The records are planted as they are (``TripletexSimulator.plant``), so the reader sees
exactly what was drawn.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.property.harness import ABSENT, TEXT, maybe, vendor_record

SAMPLES = Path(__file__).resolve().parents[1] / "integration" / "tripletex" / "samples"
HOST = "kkpqfuj-amager.tripletex.dev/v2"
NORWAY, SWEDEN = 161, 204  # Tripletex country ids (local/simulators/tripletex/countries.py)


def _sample(name: str) -> dict[str, Any]:
    body = json.loads((SAMPLES / name).read_text())["response"]["body"]
    value: dict[str, Any] = (json.loads(body) if isinstance(body, str) else body)["value"]
    return value


CUSTOMER_SHAPES = [_sample("customer-post-201-name-only.json")]  # the with-address body is cut short
SUPPLIER_SHAPE = _sample("supplier-post-201.json")
PRODUCT_SHAPE = _sample("product-post-201.json")


def reference(
    path: str, ids: list[Any], expanded: st.SearchStrategy[dict[str, Any]]
) -> st.SearchStrategy[Any]:
    """``{id, url}`` as a GET answers it, the expanded object, or a reference without an id."""
    ref = st.sampled_from(ids).map(lambda i: {"id": i, "url": f"{HOST}{path}/{i}"})
    return st.one_of(ref, expanded, st.just({}))


COUNTRY = reference(
    "/country",
    [NORWAY, SWEDEN, 99999, "161"],
    st.sampled_from(
        [
            {"id": NORWAY, "version": 0, "name": "Norge", "isoAlpha2Code": "NO", "isoAlpha3Code": "NOR"},
            {"id": SWEDEN, "name": "Sverige", "isoAlpha2Code": "SE"},
            {"isoAlpha2Code": "XX", "name": None},
        ]
    ),
)
CURRENCY = reference(
    "/currency",
    [1, 4, 77, "1"],
    st.sampled_from([{"id": 1, "code": "NOK", "factor": 1}, {"id": 4, "code": "EUR"}, {"code": "SEK"}]),
)


def _address() -> st.SearchStrategy[Any]:
    expanded = st.fixed_dictionaries(
        {"id": st.integers(400_000_000, 400_999_999)},
        optional={
            "version": st.sampled_from([0, 1]),
            "addressLine1": maybe(TEXT),
            "addressLine2": st.sampled_from(["", None]),
            "postalCode": st.sampled_from(["4611", "", "111 51", 4611, None]),
            "city": maybe(TEXT),
            "country": st.one_of(COUNTRY, st.none()),
            "knr": st.sampled_from([0, "0"]),
            "x_matrikkel": st.just({"gnr": 1}),
        },
    ).map(lambda a: {k: v for k, v in a.items() if v is not ABSENT})
    ids = st.integers(400_000_000, 400_999_999)
    return st.one_of(ids.map(lambda i: {"id": i, "url": f"{HOST}/address/{i}"}), expanded, st.just(""))


EMAIL = st.sampled_from(["post@porto.no", "", "not-an-email", "a@b.c; d@e.f"])
ORG_NUMBER = st.sampled_from(["964528136", "", "NO 964 528 136 MVA", "SE5560000000", "12"])
LANGUAGE = st.one_of(
    st.sampled_from(["NO", "EN", "SV", "DA", ""]), st.text(string.ascii_uppercase, max_size=4)
)


def _party_fields() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "name": TEXT,
        "organizationNumber": ORG_NUMBER,
        "email": EMAIL,
        "invoiceEmail": EMAIL,
        "phoneNumber": st.sampled_from(["+47 22 00 00 00", "", "n/a"]),
        "phoneNumberMobile": st.sampled_from(["", "99999999"]),
        "description": TEXT,
        "isInactive": st.one_of(st.booleans(), st.sampled_from(["false", "true"])),
        "isPrivateIndividual": st.one_of(st.booleans(), st.just("false")),
        "language": LANGUAGE,
        "postalAddress": _address(),
        "physicalAddress": _address(),
        "deliveryAddress": _address(),
        "currency": CURRENCY,
        "ledgerAccount": st.just({"id": 1, "url": f"{HOST}/ledger/account/1"}),
        "bankAccountPresentation": st.sampled_from([[], [{"iban": "NO9386011117947"}]]),
        "website": st.sampled_from(["", "https://porto.no"]),
        "displayName": TEXT,
    }


def _numbered(
    record: st.SearchStrategy[dict[str, Any]], field: str, numbers: list[int], first_id: int, path: str
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """One record per number: ids from ``first_id``, the number as a JSON number or as text."""
    forms = st.sampled_from([lambda n: n, str, lambda n: n])
    return st.tuples(*(st.tuples(record, forms) for _ in numbers)).map(
        lambda drawn: [
            {**r, "id": first_id + i, "url": f"{HOST}{path}/{first_id + i}", field: form(numbers[i])}
            for i, (r, form) in enumerate(drawn)
        ]
    )


def customers(first_id: int, first_number: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    record = st.sampled_from(CUSTOMER_SHAPES).flatmap(
        lambda shape: vendor_record(
            shape,
            {
                **_party_fields(),
                "invoiceSendMethod": st.one_of(
                    st.sampled_from(["EMAIL", "EHF", "EFAKTURA", "AVTALEGIRO", "VIPPS", "PAPER", "MANUAL"]),
                    st.text(string.ascii_uppercase + "_", max_size=12),
                ),
                "invoicesDueIn": st.sampled_from([14, 0, "30", -1]),
                "invoicesDueInType": st.one_of(
                    st.sampled_from(["DAYS", "MONTHS", "RECURRING_DAY_OF_MONTH"]),
                    st.text(string.ascii_uppercase + "_", max_size=12),
                ),
                "emailAttachmentType": st.sampled_from(["ATTACHMENT", "LINK", "NEW_KIND"]),
                "discountPercentage": st.sampled_from([0, 12.5, "5"]),
                "globalLocationNumber": st.sampled_from([0, 7080000000000, "0"]),
                "singleCustomerInvoice": st.booleans(),
            },
        )
    )
    return st.integers(1, 2).flatmap(
        lambda n: _numbered(
            record, "customerNumber", list(range(first_number, first_number + n)), first_id, "/customer"
        )
    )


def suppliers(first_id: int, first_number: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    record = vendor_record(
        SUPPLIER_SHAPE,
        {
            **_party_fields(),
            "locale": st.sampled_from(["no_NO", "en_GB", "xx_XX", ""]),
            "isWholesaler": st.booleans(),
            "showProducts": st.booleans(),
        },
    )
    return st.integers(1, 2).flatmap(
        lambda n: _numbered(
            record, "supplierNumber", list(range(first_number, first_number + n)), first_id, "/supplier"
        )
    )


PRICE = st.one_of(
    st.integers(min_value=-50, max_value=100_000),
    st.floats(min_value=-50, max_value=100_000, allow_nan=False, allow_infinity=False).map(
        lambda x: round(x, 2)
    ),
    st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False).map(str),
)


def products(first_id: int, prefix: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    record = vendor_record(
        PRODUCT_SHAPE,
        {
            "name": TEXT,
            "description": TEXT,
            "orderLineDescription": st.sampled_from(["", "linje"]),
            "priceExcludingVatCurrency": PRICE,
            "priceIncludingVatCurrency": PRICE,
            "costExcludingVatCurrency": PRICE,
            "isInactive": st.one_of(st.booleans(), st.just("true")),
            "isStockItem": st.one_of(st.booleans(), st.just("false")),
            "productUnit": reference(
                "/product/unit",
                [1, 99, "1"],
                st.sampled_from(
                    [{"id": 1, "name": "Stykk", "nameShort": "stk"}, {"name": "Kasse", "nameShort": "ks"}]
                ),
            ),
            "vatType": reference(
                "/ledger/vatType",
                [3, 5, 31, 999],
                st.sampled_from(
                    [{"id": 3, "number": "3", "percentage": 25}, {"number": "77", "percentage": "25"}]
                ),
            ),
            "currency": CURRENCY,
            "ean": st.sampled_from(["5701234567890", "", "x"]),
            "weight": st.sampled_from([0, "1.5", 2.25]),
            "weightUnit": st.sampled_from(["kg", "g", "stone"]),
            "stockOfGoods": st.sampled_from([0, 3, "4.5", -1]),
            "displayNumber": TEXT,
        },
    )
    suffixes = st.lists(
        st.text(alphabet=string.ascii_uppercase + string.digits + " -/+.ØÅ", min_size=1, max_size=8),
        min_size=1,
        max_size=2,
        unique_by=str.strip,  # Rackbeat keeps "A " as "A": two such would be one product there
    )
    return suffixes.flatmap(
        lambda ss: st.tuples(*(record for _ in ss)).map(
            lambda rs: [
                {**r, "id": first_id + i, "url": f"{HOST}/product/{first_id + i}", "number": f"{prefix}{s}"}
                for i, (r, s) in enumerate(zip(rs, ss, strict=True))
            ]
        )
    )
