"""Finding again in Tripletex what an earlier attempt sent: the order, the invoice made of it."""

from __future__ import annotations

import datetime as dt

from rackbeat_tripletex.clients.http import NotFound
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.sync import EntityLink


def order_of(api: TripletexClient, link: EntityLink) -> tx.Order | None:
    """The order behind a synced invoice, unless the user deleted it."""
    if link.order_id is None:
        return None
    try:
        return api.get_order(link.order_id)
    except NotFound:
        return None


def existing_order(api: TripletexClient, order: tx.Order, link: EntityLink | None) -> tx.Order | None:
    """The order a previous attempt created: by link, else by its number, whatever its date
    (order numbers are unique, so a re-dated retry must not post the number again)."""
    if link is not None:
        found = order_of(api, link)
        if found is not None and found.number == order.number:
            return found
    return api.find_order_by_number(order.number) if order.number else None


def invoice_of(api: TripletexClient, order_id: int, day: dt.date) -> tx.Invoice | None:
    """The invoice a previous attempt made of the order: an order is invoiced once."""
    for invoice in api.iter_invoices(day, day + dt.timedelta(days=1)):
        if any(o.id == order_id for o in invoice.orders):
            return invoice
    return None


def sent_invoice(api: TripletexClient, link: EntityLink, order: tx.Order | None) -> tx.Invoice | None:
    """The Tripletex invoice a synced Rackbeat invoice became (made by us, or by the user from
    our order)."""
    if link.tripletex_id is not None and link.tripletex_id != link.order_id:
        try:
            return api.get_invoice(link.tripletex_id)
        except NotFound:
            return None
    if order is not None and order.id is not None and order.order_date is not None:
        found = invoice_of(api, order.id, order.order_date)
        return api.get_invoice(found.id) if found is not None and found.id is not None else None
    return None
