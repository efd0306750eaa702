"""Tripletex customer -> Rackbeat customer."""

from __future__ import annotations

from rackbeat_tripletex.mappers.common import MapFailure, failure
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.contacts import contact_fields
from rackbeat_tripletex.models.rackbeat import CustomerWrite
from rackbeat_tripletex.models.sync import InitialSyncRequest, RecordFailure, ReferenceData
from rackbeat_tripletex.models.tripletex import Customer


def map_customer(
    customer: Customer, request: InitialSyncRequest, refs: ReferenceData
) -> CustomerWrite | RecordFailure:
    """The Rackbeat customer for ``customer``, or why it cannot be imported. Never raises."""
    try:
        fields = contact_fields(customer, customer.customer_number, "customer", refs)
    except MapFailure as error:
        return failure("customer", customer.id, customer.customer_number, customer.name, error)
    # Only whole days map to a term; months or "day of month" terms take the default term.
    days = customer.invoices_due_in if customer.invoices_due_in_type in (None, "DAYS") else None
    return CustomerWrite(
        **fields,
        payment_terms_id=request.payment_terms.term_for(days),
        customer_group_id=request.customer_group,
    )
