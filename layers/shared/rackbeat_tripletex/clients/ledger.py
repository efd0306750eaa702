"""The calls the ledger streams make (issue 15): Tripletex's chart of accounts, vouchers, balance
sheet and invoice outstanding amounts; Rackbeat's valuation report and invoice payments.

Evidence and grades for every path and field: specs/EVIDENCE-NEW-STREAMS.md (streams 3 and 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rackbeat_tripletex.clients.errors import ApiError, NotFound
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import stock_value as sv

# Tripletex reads take ids in lists; a URL with 100 ids stays well under any length limit.
ID_BATCH = 100


class LedgerAccount(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: int
    number: int
    name: str = ""
    is_inactive: bool = Field(default=False, alias="isInactive")


class Outstanding(BaseModel):
    """What Tripletex says is left to pay on one invoice (read-only fields of ``Invoice``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: int
    amount: Decimal = Decimal(0)
    amount_currency: Decimal = Field(default=Decimal(0), alias="amountCurrency")
    amount_outstanding: Decimal = Field(default=Decimal(0), alias="amountOutstanding")
    amount_currency_outstanding: Decimal = Field(default=Decimal(0), alias="amountCurrencyOutstanding")
    is_credited: bool = Field(default=False, alias="isCredited")


# ----- Tripletex ---------------------------------------------------------------------------------
def accounts(api: TripletexClient, numbers: Iterable[int]) -> dict[int, LedgerAccount]:
    """The accounts with these numbers (``number`` takes a list, OFF + REAL), by number."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    params = {"number": ",".join(map(str, wanted)), "fields": "id,number,name,isInactive", "count": 1000}
    rows = api.request("GET", "/ledger/account", params=params).json().get("values") or []
    found = (LedgerAccount.model_validate(row) for row in rows)
    return {a.number: a for a in found if a.number in wanted}


def active_accounts(api: TripletexClient) -> list[LedgerAccount]:
    """The company's active accounts, by number (the chart the settings choose from)."""
    found: list[LedgerAccount] = []
    params: dict[str, Any] = {"isInactive": False, "fields": "id,number,name,isInactive", "count": 1000}
    while True:
        rows = (
            api.request("GET", "/ledger/account", params={**params, "from": len(found)}).json().get("values")
            or []
        )
        found += (LedgerAccount.model_validate(row) for row in rows)
        if len(rows) < params["count"]:
            return sorted(found, key=lambda a: a.number)


def account_balance(api: TripletexClient, number: int, day: dt.date) -> Decimal:
    """The account's balance at the end of ``day`` (``balanceOut``; ``dateTo`` and
    ``accountNumberTo`` are "to and excluding")."""
    params = {
        "dateFrom": day.isoformat(),
        "dateTo": (day + dt.timedelta(days=1)).isoformat(),
        "accountNumberFrom": number,
        "accountNumberTo": number + 1,
        "fields": "account,balanceOut",
    }
    rows = api.request("GET", "/balanceSheet", params=params).json().get("values") or []
    return sum((Decimal(str(row.get("balanceOut") or 0)) for row in rows), Decimal(0))


def find_voucher(api: TripletexClient, external: str, day: dt.date) -> int | None:
    """The voucher posted under ``external``, if there is one. ``>externalVoucherNumber`` may find
    only imported vouchers (NONE), so the vouchers of its date are searched too."""
    params: dict[str, Any] = {"externalVoucherNumber": external, "fields": "id,externalVoucherNumber"}
    rows = (
        api.request("GET", "/ledger/voucher/>externalVoucherNumber", params=params).json().get("values") or []
    )
    for row in rows:
        if row.get("externalVoucherNumber") == external:
            return int(row["id"])
    params = {
        "dateFrom": day.isoformat(),
        "dateTo": (day + dt.timedelta(days=1)).isoformat(),
        "fields": "id,description,externalVoucherNumber",
        "count": 1000,
    }
    rows = api.request("GET", "/ledger/voucher", params=params).json().get("values") or []
    for row in rows:
        if row.get("externalVoucherNumber") == external or external in (row.get("description") or ""):
            return int(row["id"])
    return None


def post_voucher(api: TripletexClient, body: dict[str, Any], day: dt.date) -> int:
    """POST /ledger/voucher; an answer lost after Tripletex may have stored it is settled by
    looking the voucher up, never by posting again."""
    external = str(body["externalVoucherNumber"])
    try:
        response = api.request(
            "POST", "/ledger/voucher", params={"sendToLedger": True}, json=body, idempotent=False
        )
    except ApiError as error:
        if not error.maybe_applied:
            raise
        found = find_voucher(api, external, day)
        if found is None:
            raise
        return found
    return int(response.json()["value"]["id"])


def outstanding(
    api: TripletexClient, ids: Iterable[int], since: dt.date, today: dt.date
) -> Iterator[Outstanding]:
    """The outstanding amounts of these invoices, ``ID_BATCH`` ids a call (``GET /invoice`` needs
    a date range, OFF + REAL; it has no changedSince, so known ids are re-read)."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), ID_BATCH):
        batch = wanted[start : start + ID_BATCH]
        params = {
            "id": ",".join(map(str, batch)),
            "invoiceDateFrom": since.isoformat(),
            "invoiceDateTo": (today + dt.timedelta(days=1)).isoformat(),
            "fields": "id,amount,amountCurrency,amountOutstanding,amountCurrencyOutstanding,isCredited",
            "count": len(batch),
        }
        for row in api.request("GET", "/invoice", params=params).json().get("values") or []:
            yield Outstanding.model_validate(row)


# ----- Rackbeat ----------------------------------------------------------------------------------
def stock_value(rackbeat: RackbeatClient, day: dt.date) -> Decimal | None:
    """Rackbeat's stock value at the end of ``day``: the valuation total, or (no total endpoint,
    or a key we do not know) the sum of the valuation report's lines. None: neither says."""
    params = {"date_to": day.isoformat()}
    try:
        total = sv.valuation_total(rackbeat.request("GET", "/reports/valuation/total", params=params).json())
    except NotFound:
        total = None
    if total is not None:
        return total
    return sv.valuation_sum(rackbeat.request("GET", "/reports/valuation", params=params).json())


def invoice_payments(rackbeat: RackbeatClient, number: int) -> list[dict[str, Any]] | None:
    """The payments Rackbeat holds on an invoice, or None when it has no payments API (404)."""
    try:
        body = rackbeat.request("GET", f"/customer-invoices/{number}/payments", ok_statuses=(206,)).json()
    except NotFound:
        return None
    rows = body.get("customer_invoice_payments") if isinstance(body, dict) else None
    return [row for row in rows or [] if isinstance(row, dict)]


def add_invoice_payment(rackbeat: RackbeatClient, number: int, amount: Decimal) -> None:
    rackbeat.request(
        "POST", f"/customer-invoices/{number}/payments", json={"amount": float(amount)}, idempotent=False
    )


def delete_invoice_payment(rackbeat: RackbeatClient, number: int, payment: int) -> None:
    rackbeat.request("DELETE", f"/customer-invoices/{number}/payments/{payment}")
