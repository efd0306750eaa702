"""Rackbeat records as Rackbeat answers them, valid and not, for the property tests."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import strategies as st

from local.seed.demo import COUNTRY_ID
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import Reference
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx

MOD11_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
PRIVATE_GROUP = 9


def reference() -> Reference:
    vat = [(3, 25), (31, 15), (33, 12), (5, 0), (6, 0), (52, 0)]
    return Reference.build(
        vat_types=[tx.VatType(id=i, number=str(i), percentage=p, name=f"Utgående {p}") for i, p in vat],
        product_units=[
            tx.ProductUnit(id=1, name="Stykk", name_short="stk"),
            tx.ProductUnit(id=2, name="Time"),
        ],
        currencies=[tx.Currency(id=i, code=c) for i, c in ((1, "NOK"), (2, "SEK"), (4, "EUR"))],
        countries=COUNTRY_ID,
        rackbeat_units=[
            rb.Unit(number=1, name="stk"),
            rb.Unit(number=2, name="time"),
            rb.Unit(number=3, name="pk"),
        ],
        payment_terms=[rb.PaymentTerm(number=1, name="Netto 14", maturity_days=14, type="net")],
        product_groups=[
            rb.ProductGroup(number=n, name=f"G{n}", has_inventory=n % 2 == 1, vat_domestic=rate)
            for n, rate in ((1, 25), (2, 15), (3, 12), (4, 0), (5, 7))
        ],
    )


@st.composite
def norwegian_organization_number(draw: st.DrawFn) -> str:
    while True:
        digits = draw(st.text("0123456789", min_size=8, max_size=8))
        remainder = sum(int(d) * w for d, w in zip(digits, MOD11_WEIGHTS, strict=True)) % 11
        check = 0 if remainder == 0 else 11 - remainder
        if check != 10:
            return digits + str(check)


text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
maybe_text = st.none() | text
company_vat = st.none() | st.one_of(
    norwegian_organization_number(),
    norwegian_organization_number().map(lambda n: f"NO {n[:3]} {n[3:6]} {n[6:]} MVA"),
    st.text("0123456789 ", max_size=12),
    st.sampled_from(["SE556677889901", "DE123456789", "GB123456789", "NO", "MVA"]),
    text,
)
country = st.none() | st.sampled_from(
    ["NO", "no", "Norge", "SE", "DK", "DE", "GB", "US", "FR", "Atlantis", ""]
)
email = st.none() | st.sampled_from(
    ["post@fjord.no", "ola.nordmann@example.com", "uten-krøllalfa", "a@b", ""]
)
zipcode = st.none() | st.sampled_from(["0155", "5003", "111 51", "10115", "", "12"])


def party_fields() -> dict[str, Any]:
    return {
        "company_name": st.one_of(text, st.sampled_from(["Fjord Handel AS", "Ærlig Øl & Å"])),
        "company_vat": company_vat,
        "address_street": maybe_text,
        "address_street2": maybe_text,
        "address_city": maybe_text,
        "address_zipcode": zipcode,
        "address_country": country,
        "contact_email": email,
        "contact_phone": maybe_text,
        "locale": st.none() | st.sampled_from(["nb", "nn", "en", "sv", "da"]),
        "currency": st.none() | st.sampled_from(["NOK", "SEK", "EUR", "GBP"]),
        "vat_zone": st.none() | st.sampled_from(["domestic", "eu", "abroad"]),
        "payment_terms_id": st.none() | st.sampled_from([1, 2]),
        "is_barred": st.booleans(),
    }


numbers = st.integers(min_value=0, max_value=2**31 - 1) | st.integers(min_value=-5, max_value=2**40)
customers = st.builds(
    rb.Customer,
    number=numbers,
    customer_group_id=st.none() | st.sampled_from([1, PRIVATE_GROUP]),
    **party_fields(),
)
# Mostly well-formed Norwegian companies, so that every send method (EHF too) is reached often.
norwegian_companies = st.builds(
    rb.Customer,
    number=st.integers(min_value=1, max_value=99_999),
    company_name=st.sampled_from(["Fjord Handel AS", "Ærlig Øl & Å", "Bygg-Ola ENK"]),
    company_vat=st.one_of(
        norwegian_organization_number(),
        norwegian_organization_number(),
        st.sampled_from([None, "923609017", "12345"]),
    ),
    address_street=st.sampled_from(["Storgata 1", "Storgata 1", "Storgata 1", None]),
    address_city=st.sampled_from(["Oslo", "Oslo", "Oslo", None]),
    address_zipcode=st.sampled_from(["0155", "0155", "0155", "155", None]),
    address_country=st.none() | st.sampled_from(["NO", "Norge"]),
    contact_email=email,
    customer_group_id=st.sampled_from([1, 1, PRIVATE_GROUP]),
    currency=st.just("NOK"),
    vat_zone=st.just("domestic"),
    payment_terms_id=st.sampled_from([1, 2]),
)
all_customers = customers | norwegian_companies
suppliers = st.builds(rb.Supplier, number=numbers, supplier_group_id=st.none() | st.just(1), **party_fields())

prices = st.decimals(min_value=-1000, max_value=100_000, places=6, allow_nan=False).map(float)
products = st.builds(
    rb.Product,
    number=st.one_of(st.sampled_from(["AB/123", "KIT+1", "NV 0001", " "]), text),
    name=text,
    group=st.builds(
        rb.ProductGroupEmbedded, number=st.integers(1, 6), has_inventory=st.none() | st.booleans()
    ),
    sales_price=prices,
    unit_id=st.none() | st.integers(1, 4),
    barcode=maybe_text,
    description=maybe_text,
    recommended_cost_price=st.none() | prices,
    cost_price=st.none() | prices,
    is_barred=st.booleans(),
)


def _round2(value: float) -> float:
    # Rackbeat's (assumed) arithmetic, as its simulator does it: floats rounded per line.
    return round(value, 2)


@st.composite
def booked_invoices(draw: st.DrawFn) -> rb.CustomerInvoice:
    """A booked invoice whose totals are Rackbeat's own, computed the way Rackbeat computes them."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        quantity = float(draw(st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3)))
        price = float(
            draw(st.decimals(min_value=-5000, max_value=50_000, places=draw(st.sampled_from([2, 6]))))
        )
        discount = float(draw(st.sampled_from([0, 0, 10, 12.5, 33.333, 100]) | st.decimals(0, 100, places=2)))
        vat = float(draw(st.sampled_from([25, 15, 12, 0])))
        total = _round2(quantity * price * (1 - discount / 100))
        lines.append(
            rb.DocumentLine(
                child_id=draw(st.sampled_from(["P1", "P2", "P3"])),
                name=draw(maybe_text),
                quantity=quantity,
                line_price=price,
                discount_percentage=discount,
                vat_percentage=vat,
                total=total,
            )
        )
    subtotal = _round2(sum(line.total or 0 for line in lines))
    vat_total = _round2(sum(_round2((line.total or 0) * (line.vat_percentage or 0) / 100) for line in lines))
    return rb.CustomerInvoice(
        number=draw(st.integers(1, 10**6)),
        customer_id=1001,
        currency=draw(st.sampled_from(["NOK", "EUR", "SEK"])),
        vat_zone=draw(st.none() | st.sampled_from(["domestic", "eu", "abroad"])),
        is_booked=True,
        lines=lines,
        total_subtotal=subtotal,
        total_vat=vat_total,
        total_total=_round2(subtotal + vat_total),
        invoice_date="2026-11-24",
        due_date=draw(st.none() | st.just("2026-12-08")),
        payment_terms_id=1,
        updated_at="2026-11-24 10:00:00",
    )


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
