"""Rackbeat customer -> Tripletex customer, with an invoice send method that will work.

Tripletex makes every company customer an EHF receiver unless told otherwise, and EHF fails
without a valid Norwegian organization number and a postal address. So the send method is always
explicit: EHF only when the company can send EHF at all (its ``/invoice/settings`` send types)
and the customer's data supports it, else EMAIL when there is an address to mail to, else PAPER.
Nobody has to switch EHF off by hand.
"""

from __future__ import annotations

from collections.abc import Collection

from rackbeat_tripletex.mappers.rackbeat_to_tripletex.parties import Party, party, record_number
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import HOME_COUNTRY, Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import (
    Mapped,
    MappingFailure,
    Unmappable,
    Warnings,
    mapped,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx

MAX_DUE_DAYS = 10_000  # Tripletex's maximum for invoicesDueIn


def invoice_send_method(
    p: Party, *, private_individual: bool, company_sends_ehf: bool = True
) -> tx.InvoiceSendMethod:
    ehf_capable = (
        company_sends_ehf
        and not private_individual
        and p.country == HOME_COUNTRY
        and p.organization_number is not None
        and p.address_complete
    )
    if ehf_capable:
        return "EHF"
    return "EMAIL" if p.email else "PAPER"


def map_customer(
    customer: rb.Customer, reference: Reference, *, private_customer_groups: Collection[int] = ()
) -> Mapped[tx.Customer] | MappingFailure:
    """``private_customer_groups``: Rackbeat customer groups whose members are private individuals
    (Rackbeat has no such flag on the customer itself)."""
    warnings = Warnings()
    try:
        number = record_number(customer.number, "customer")
        p = party(customer, "customer", reference, warnings)
    except Unmappable as error:
        return error.failure("customer", customer.number)
    private = customer.customer_group_id is not None and customer.customer_group_id in private_customer_groups
    method = invoice_send_method(p, private_individual=private, company_sends_ehf=reference.can_send_ehf)
    due_days = reference.payment_days(customer.payment_terms_id)
    if customer.payment_terms_id is not None and due_days is None:
        warnings.add(f"Payment term {customer.payment_terms_id} was not found; Tripletex's default applies.")
    if due_days is not None and due_days > MAX_DUE_DAYS:
        warnings.add(f"Payment term of {due_days} days is longer than Tripletex allows; left out.")
        due_days = None
    record = tx.Customer(
        customer_number=number,
        name=p.name,
        # A person has no organization number; a sole proprietor is a company customer.
        organization_number=None if private else p.organization_number,
        email=p.email,
        invoice_email=p.email,
        phone_number=p.phone,
        is_private_individual=private,
        is_inactive=customer.is_barred,
        invoice_send_method=method,
        single_customer_invoice=False if method == "EHF" else None,
        invoices_due_in=due_days,
        invoices_due_in_type="DAYS" if due_days is not None else None,
        postal_address=p.address,
        physical_address=p.address,
        currency=tx.Ref(id=p.currency_id),
        language=p.language,
    )
    return mapped(record, warnings)
