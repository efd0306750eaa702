"""Payment status rows: what Tripletex last said is paid and outstanding on each invoice we
entered there (``payments_to_rackbeat``), and the invoices that stream has to look at.

Layout (in the tenant's partition of StateTable):
  sk = PAY#<rackbeat invoice number>   ``PaymentStatus``
Invoices are read from their links (``LINK#invoice#<number>``, ``store.links``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from rackbeat_tripletex.store.dynamo import dynamo, plain, query_prefix, tenant_pk
from rackbeat_tripletex.store.links import link_sk

PREFIX = "PAY#"
Status = Literal["outstanding", "partly_paid", "paid", "credited"]


class PaymentStatus(BaseModel):
    invoice: str  # the Rackbeat invoice number
    tripletex_id: int
    amount: Decimal
    outstanding: Decimal
    # In the invoice's currency (Tripletex's ``amountCurrencyOutstanding``).
    outstanding_currency: Decimal
    status: Status
    checked_at: dt.datetime
    # Whether Rackbeat's invoice carries the payments too (its API may not have them).
    in_rackbeat: bool = False


class InvoicePayments(BaseModel):
    """Paid and outstanding per invoice we entered in Tripletex, and whether Rackbeat shows it."""

    tenant_id: str
    # Why Rackbeat's own invoices do (not) show these payments, in the tenant's language.
    note: str
    invoices: list[PaymentStatus]


class PaymentStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def invoices(self, tenant_id: str) -> Iterator[tuple[str, int]]:
        """(Rackbeat number, Tripletex id) of every invoice we entered in Tripletex."""
        for row in query_prefix(self._table, tenant_pk(tenant_id), link_sk("invoice", "")):
            tripletex_id = row.get("tripletex_id")
            if tripletex_id is not None and row.get("state") == "synced":
                yield str(row["rackbeat_key"]), int(tripletex_id)

    def statuses(self, tenant_id: str) -> dict[str, PaymentStatus]:
        rows = query_prefix(self._table, tenant_pk(tenant_id), PREFIX)
        found = (PaymentStatus.model_validate(plain(_fields(row))) for row in rows)
        return {status.invoice: status for status in found}

    def put(self, tenant_id: str, status: PaymentStatus) -> None:
        item = {"pk": tenant_pk(tenant_id), "sk": PREFIX + status.invoice, **status.model_dump(mode="json")}
        self._table.put_item(Item=dynamo(item))


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("pk", "sk")}
