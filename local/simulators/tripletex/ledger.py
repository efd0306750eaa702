"""The Tripletex ledger the issue-15 streams use: the chart of accounts, vouchers, the balance
sheet, and registering a payment on an invoice (specs/EVIDENCE-NEW-STREAMS.md, streams 3 and 5;
graded rows 33-40 of ASSUMPTIONS.md).

Registered from ``app.py`` with its collections, switches, seed and routes; every answer goes
through the simulator's own spec check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from local.simulators.tripletex.errors import TripletexError, Validation, validation_failed

if TYPE_CHECKING:
    from local.simulators.tripletex.app import TripletexSimulator

COLLECTIONS = {"accounts": "/ledger/account", "vouchers": "/ledger/voucher"}
VARIANTS: dict[str, tuple[tuple[str, ...], str]] = {
    # Whether >externalVoucherNumber finds vouchers created by POST /ledger/voucher (NONE), or a
    # second voucher with the same external number is refused (NONE).
    "external_voucher_lookup": (("works", "import_only", "duplicate_refused"), "works"),
    # POST /ledger/voucher "Requires the 'Advanced Voucher' permission" (OFF); denied -> 403/9000.
    "advanced_voucher": (("granted", "denied"), "granted"),
}
# REAL (tripletex-api2 #87, maintainer): postings must sum to 0 per date.
NOT_BALANCED = "Validering feilet: Summen av posteringene for {day} er ikke lik 0."
# REAL (tripletex-api2 #15 + CC capture): row 0 is the system's.
ROW_ZERO = (
    "Posteringene på rad 0 (guiRow 0) er systemgenererte og kan ikke opprettes eller endres på "
    "utsiden av Tripletex."
)
NO_POSTINGS = "Et bilag kan ikke registreres uten posteringer."
# REAL (CC, 3 captures; the captured text adds the code's name after a colon).
VAT_LOCKED = "Kontoen {number} {name} er låst til mva-kode {vat}."
# REAL (CC): GET /ledger/voucher with dateFrom == dateTo.
RANGE_REFUSED = (
    "'From and including' value ({low}) is greater than or equal 'To and excluding' value ({high}) in filter."
)
# NONE (text ours): an inactive account, an accounting period that is closed.
INACTIVE_ACCOUNT = "Kontoen {number} er inaktiv."
LOCKED_PERIOD = "Perioden for {day} er låst."
DUPLICATE_EXTERNAL = "Eksternt bilagsnummer {number} er allerede brukt."
DEFAULT_ACCOUNTS = (
    (1460, "Innkjøpte varer for videresalg", "ASSETS"),
    (1920, "Bankinnskudd", "ASSETS"),
    (4090, "Beholdningsendring", "OPERATING_EXPENSES"),
    (3000, "Salgsinntekt, avgiftspliktig", "OPERATING_REVENUES"),
)


def reset(sim: TripletexSimulator) -> None:
    """A company's standard chart (NS 4102 numbers) until a seed names its own."""
    for number, name, kind in DEFAULT_ACCOUNTS:
        sim._insert("accounts", _account({"number": number, "name": name, "type": kind}))


def load_seed(sim: TripletexSimulator, seed: dict[str, Any]) -> None:
    """Seed key ``accounts`` (``{number, name, ...}``) replaces the chart; ``lockedBefore``
    closes every accounting period before that date."""
    if "accounts" in seed:
        sim.store["accounts"].clear()
        for account in seed["accounts"]:
            sim._insert("accounts", _account(dict(account)), keep_id="id" in account)
    if "lockedBefore" in seed:
        sim.locked_before = dt.date.fromisoformat(seed["lockedBefore"])


def _account(record: dict[str, Any]) -> dict[str, Any]:
    number = int(record["number"])
    record.setdefault("isInactive", False)
    record.setdefault("vatLocked", False)
    record.setdefault("vatType", {"id": 0})
    record.setdefault("type", "ASSETS")
    record.setdefault("ledgerType", "GENERAL")
    record.setdefault("requiresDepartment", False)
    record.setdefault("requiresProject", False)
    record["numberPretty"] = str(number)
    record["displayName"] = f"{number} {record.get('name', '')}".strip()
    return record


def routes(sim: TripletexSimulator) -> list[tuple[str, str, Callable[..., Response]]]:
    return [
        ("GET", r"/ledger/account", lambda r: _accounts(sim, r)),
        ("GET", r"/ledger/voucher/>externalVoucherNumber", lambda r: _by_external(sim, r)),
        ("GET", r"/ledger/voucher", lambda r: _vouchers(sim, r)),
        ("POST", r"/ledger/voucher", lambda r: _post_voucher(sim, r)),
        ("GET", r"/ledger/voucher/(\d+)", lambda r, i: _voucher(sim, r, i)),
        ("GET", r"/balanceSheet", lambda r: _balance_sheet(sim, r)),
        ("PUT", r"/invoice/(\d+)/:payment", lambda r, i: _payment(sim, r, i)),
    ]


# ----- accounts --------------------------------------------------------------------------------
def _accounts(sim: TripletexSimulator, request: Request) -> Response:
    args = request.args
    numbers = {n.strip() for n in (args.get("number") or "").split(",") if n.strip()}
    inactive = args.get("isInactive")
    found = [
        a
        for a in sim.store["accounts"].values()
        if (not numbers or str(a["number"]) in numbers)
        and (inactive in (None, "") or str(a["isInactive"]).lower() == inactive.lower())
    ]
    found.sort(key=lambda a: a["number"])
    return _page(sim, request, "/ledger/account", [_public(a) for a in found])


def _account_by_id(sim: TripletexSimulator, account_id: Any) -> dict[str, Any]:
    account = sim.store["accounts"].get(account_id if isinstance(account_id, int) else -1)
    if account is None:
        raise validation_failed("postings.account.id", "Kontoen finnes ikke.")
    return account


# ----- vouchers --------------------------------------------------------------------------------
def _post_voucher(sim: TripletexSimulator, request: Request) -> Response:
    if sim.variants["advanced_voucher"] == "denied":
        raise TripletexError(403, 9000, "You do not have permission to access this feature.")
    body = sim._body(request, "/ledger/voucher")
    postings = body.get("postings") or []
    if not postings:
        raise validation_failed("postings", NO_POSTINGS)
    if any(not isinstance(p.get("row"), int) or p["row"] < 1 for p in postings):
        raise TripletexError(
            422,
            18000,
            "Validering feilet.",
            [Validation("postings", NO_POSTINGS), Validation("postings.row", ROW_ZERO)],
            developer_message="VALIDATION_ERROR",
        )
    day = dt.date.fromisoformat(body["date"])
    if sim.locked_before is not None and day < sim.locked_before:
        raise validation_failed("date", LOCKED_PERIOD.format(day=day.isoformat()))
    total = Decimal(0)
    stored_postings = []
    for posting in postings:
        account = _account_by_id(sim, (posting.get("account") or {}).get("id"))
        if account["isInactive"]:
            raise validation_failed("postings.account", INACTIVE_ACCOUNT.format(number=account["number"]))
        vat = (posting.get("vatType") or {}).get("id", 0)
        if account["vatLocked"] and vat != account["vatType"]["id"]:
            raise validation_failed(
                "postings.vatType.id",
                VAT_LOCKED.format(
                    number=account["number"], name=account["name"], vat=account["vatType"]["id"]
                ),
            )
        gross = Decimal(str(posting.get("amountGross", 0)))
        total += gross
        stored_postings.append(
            {"row": posting["row"], "account": {"id": account["id"]}, "amountGross": float(gross)}
        )
    if total != 0:
        raise validation_failed(None, NOT_BALANCED.format(day=day.isoformat()))
    external = body.get("externalVoucherNumber") or ""
    refuses_duplicates = sim.variants["external_voucher_lookup"] == "duplicate_refused"
    if (
        external
        and refuses_duplicates
        and any(v["externalVoucherNumber"] == external for v in sim.store["vouchers"].values())
    ):
        raise validation_failed("externalVoucherNumber", DUPLICATE_EXTERNAL.format(number=external))
    year_numbers = [v["number"] for v in sim.store["vouchers"].values() if v["year"] == day.year]
    record = {
        "date": day.isoformat(),
        "description": body.get("description", ""),
        "externalVoucherNumber": external,
        "postings": stored_postings,
        "number": max(year_numbers, default=0) + 1,
        "tempNumber": 0,
        "year": day.year,
    }
    sim._insert("vouchers", record)
    return sim._respond({"value": _voucher_body(sim, request, record)}, "/ledger/voucher", "POST", status=201)


def _voucher(sim: TripletexSimulator, request: Request, voucher_id: int) -> Response:
    record = sim._find("vouchers", voucher_id)
    return sim._respond({"value": _voucher_body(sim, request, record)}, "/ledger/voucher/{id}", "GET")


def _vouchers(sim: TripletexSimulator, request: Request) -> Response:
    args = request.args
    missing = [name for name in ("dateFrom", "dateTo") if not args.get(name)]
    if missing:
        raise TripletexError(
            422, 15000, "Validation failed", [Validation(n, "Kan ikke være null.") for n in missing]
        )
    low, high = dt.date.fromisoformat(args["dateFrom"]), dt.date.fromisoformat(args["dateTo"])
    if low >= high:
        raise validation_failed(
            None,
            RANGE_REFUSED.format(low=low, high=high),
        )
    found = [v for v in sim.store["vouchers"].values() if low <= dt.date.fromisoformat(v["date"]) < high]
    return _page(sim, request, "/ledger/voucher", [_voucher_body(sim, request, v) for v in found])


def _by_external(sim: TripletexSimulator, request: Request) -> Response:
    wanted = request.args.get("externalVoucherNumber") or ""
    # import_only: API-created vouchers are not found (every voucher here is API-created).
    works = sim.variants["external_voucher_lookup"] != "import_only"
    found = [
        v for v in sim.store["vouchers"].values() if works and wanted and v["externalVoucherNumber"] == wanted
    ]
    return _page(
        sim,
        request,
        "/ledger/voucher/>externalVoucherNumber",
        [_voucher_body(sim, request, v) for v in found],
    )


def _voucher_body(sim: TripletexSimulator, request: Request, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "version": record["version"],
        "url": sim._path_url(request, "/ledger/voucher", record["id"]),
        "date": record["date"],
        "number": record["number"],
        "tempNumber": 0,
        "year": record["year"],
        "description": record["description"],
        "externalVoucherNumber": record["externalVoucherNumber"],
        "postings": [
            {
                "row": p["row"],
                "account": {"id": p["account"]["id"]},
                "amountGross": p["amountGross"],
                "amountGrossCurrency": p["amountGross"],
            }
            for p in record["postings"]
        ],
    }


# ----- balance sheet ---------------------------------------------------------------------------
def balance(sim: TripletexSimulator, account_id: int, before: dt.date) -> Decimal:
    """The account's balance from every posting dated before ``before``."""
    return sum(
        (
            Decimal(str(p["amountGross"]))
            for v in sim.store["vouchers"].values()
            if dt.date.fromisoformat(v["date"]) < before
            for p in v["postings"]
            if p["account"]["id"] == account_id
        ),
        Decimal(0),
    )


def _balance_sheet(sim: TripletexSimulator, request: Request) -> Response:
    args = request.args
    missing = [name for name in ("dateFrom", "dateTo") if not args.get(name)]
    if missing:
        raise TripletexError(
            422, 15000, "Validation failed", [Validation(n, "Kan ikke være null.") for n in missing]
        )
    low, high = dt.date.fromisoformat(args["dateFrom"]), dt.date.fromisoformat(args["dateTo"])
    first = int(args.get("accountNumberFrom") or 0)
    last = int(args.get("accountNumberTo") or 99999)
    rows = []
    for account in sorted(sim.store["accounts"].values(), key=lambda a: a["number"]):
        # OFF: accountNumberTo is "to and excluding", like every Tripletex "To".
        if not first <= account["number"] < last:
            continue
        before, after = balance(sim, account["id"], low), balance(sim, account["id"], high)
        rows.append(
            {
                "account": {
                    "id": account["id"],
                    "url": sim._path_url(request, "/ledger/account", account["id"]),
                },
                "balanceIn": float(before),
                "balanceChange": float(after - before),
                "balanceOut": float(after),
                "startDate": low.isoformat(),
                "endDate": high.isoformat(),
            }
        )
    return _page(sim, request, "/balanceSheet", rows)


# ----- payments on invoices ----------------------------------------------------------------------
def _payment(sim: TripletexSimulator, request: Request, invoice_id: int) -> Response:
    """REAL (CC): a payment lowers ``amountOutstanding`` (a negative one raises it again); the
    currency and total variants follow it (REAL for NOK, the only currency captured)."""
    invoice = sim._find("invoices", invoice_id)
    args = request.args
    missing = [n for n in ("paymentDate", "paymentTypeId", "paidAmount") if not args.get(n)]
    if missing:
        raise TripletexError(
            422, 15000, "Validation failed", [Validation(n, "Kan ikke være null.") for n in missing]
        )
    paid = Decimal(args["paidAmount"])
    outstanding = Decimal(str(invoice.get("amountOutstanding", 0))) - paid
    invoice["amountOutstanding"] = float(outstanding)
    sim._touch("invoices", invoice)
    value = sim._render(request, "invoices", invoice, {"*": {}})
    return sim._respond({"value": value}, "/invoice/{id}/:payment", "PUT")


# ----- plumbing ------------------------------------------------------------------------------------
def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _page(
    sim: TripletexSimulator, request: Request, spec_path: str, values: list[dict[str, Any]]
) -> Response:
    start = int(request.args.get("from") or 0)
    count = int(request.args.get("count") or 1000)
    page = values[start : start + count]
    body = {"fullResultSize": len(values), "from": start, "count": len(page), "values": page}
    return sim._respond(body, spec_path, "GET")
