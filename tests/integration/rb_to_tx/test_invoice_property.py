"""Property: for any booked invoice Rackbeat can produce, the Tripletex simulator's own arithmetic
on the mapped order lands on Rackbeat's totals, on either side of VAT, without an error."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import (
    Mapped,
    MappedInvoice,
    Reference,
    map_customer,
    map_invoice,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from tests.support.rackbeat_strategies import booked_invoices

# Order numbers are unique in Tripletex (REAL), and the simulator lives across the examples.
_NUMBERS = itertools.count(1)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(invoice=booked_invoices())
def test_simulator_totals_equal_rackbeats(
    tripletex: TripletexClient,
    tripletex_app: TripletexSimulator,
    reference: Reference,
    invoice: rb.CustomerInvoice,
) -> None:
    customer = tripletex.find_customer_by_number(1001)
    if customer is None:
        mapped_customer = map_customer(
            rb.Customer(number=1001, company_name="Fjord AS", currency="NOK"), reference
        )
        assert isinstance(mapped_customer, Mapped)
        customer = tripletex.create_customer(mapped_customer.record)
    product_ids = {}
    for number in ("P1", "P2", "P3"):
        product = tripletex.find_product_by_number(number) or tripletex.create_product(
            tx.Product(number=number, name=f"Vare {number}", vat_type=tx.Ref(id=3))
        )
        product_ids[number] = product.id or 0

    for including in (False, True):
        mapped = map_invoice(
            invoice.model_copy(update={"number": next(_NUMBERS)}),
            reference,
            customer_id=customer.id,
            product_ids=product_ids,
            mode="order",
            prices_including_vat=including,
        )
        assert isinstance(mapped, MappedInvoice), mapped
        stored = tripletex.get_order(tripletex.create_order(mapped.order).id or 0)
        excl = sum((Decimal(str(x.amount_excluding_vat_currency)) for x in stored.order_lines), Decimal(0))
        incl = sum((Decimal(str(x.amount_including_vat_currency)) for x in stored.order_lines), Decimal(0))
        assert excl == Decimal(str(invoice.total_subtotal))
        assert incl == Decimal(str(invoice.total_total))
    assert [e for e in tripletex_app.request_log if e["status"] >= 400] == []
