"""The real Tripletex answers issue 15's evidence holds (specs/EVIDENCE-NEW-STREAMS.md, "Captured
Tripletex answers", REAL from NM i AI 2026 sandbox runs and tripletex-api2 maintainers) are a
contract for the simulator's ledger and purchasing endpoints: status, code, texts and fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.tripletex_wire import Sim

ACCOUNTS = [
    {"id": 369290195, "number": 1460, "name": "Varelager"},
    {"id": 369290009, "number": 2400, "name": "Leverandørgjeld"},
    {
        "id": 368852827,
        "number": 7100,
        "name": "Bilgodtgjørelse oppgavepliktig",
        "type": "OPERATING_EXPENSES",
        "vatType": {"id": 0},
        "vatLocked": True,
    },
]


@pytest.fixture
def sim() -> Sim:
    return Sim({"accounts": ACCOUNTS})


def messages(body: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(m["field"], m["message"]) for m in body["validationMessages"]]


def test_a_voucher_with_rows_is_created_with_a_number_at_once(sim: Sim) -> None:
    body = {
        "date": "2026-03-28",
        "description": "Lønn 03/2026",
        "postings": [
            {"account": {"id": 369290195}, "amountGross": 31300, "amountGrossCurrency": 31300, "row": 1},
            {"account": {"id": 369290195}, "amountGross": 13300, "amountGrossCurrency": 13300, "row": 2},
            {"account": {"id": 369290009}, "amountGross": -44600, "amountGrossCurrency": -44600, "row": 3},
        ],
    }
    answer = sim.call("POST", "/ledger/voucher", json=body)
    assert answer.status_code == 201, answer.text
    value = answer.json()["value"]
    assert (value["date"], value["number"], value["tempNumber"], value["year"]) == ("2026-03-28", 1, 0, 2026)
    assert [(p["row"], p["amountGross"]) for p in value["postings"]] == [(1, 31300), (2, 13300), (3, -44600)]
    assert value["externalVoucherNumber"] == ""  # REAL: "" when unset


def test_postings_without_row_are_refused_with_both_real_messages(sim: Sim) -> None:
    body = {
        "date": "2026-03-28",
        "description": "x",
        "postings": [
            {"account": {"id": 369290195}, "amount": 100},
            {"account": {"id": 369290009}, "amount": -100},
        ],
    }
    answer = sim.call("POST", "/ledger/voucher", json=body)
    assert answer.status_code == 422
    error = answer.json()
    assert (error["code"], error["message"], error["developerMessage"]) == (
        18000,
        "Validering feilet.",
        "VALIDATION_ERROR",
    )
    assert messages(error) == [
        ("postings", "Et bilag kan ikke registreres uten posteringer."),
        (
            "postings.row",
            "Posteringene på rad 0 (guiRow 0) er systemgenererte og kan ikke opprettes "
            "eller endres på utsiden av Tripletex.",
        ),
    ]


def test_postings_that_do_not_sum_to_zero_are_refused_as_the_maintainer_showed(sim: Sim) -> None:
    body = {
        "date": "2023-11-02",
        "postings": [
            {"account": {"id": 369290195}, "amountGross": 100, "amountGrossCurrency": 100, "row": 1},
            {"account": {"id": 369290009}, "amountGross": -90, "amountGrossCurrency": -90, "row": 2},
        ],
    }
    answer = sim.call("POST", "/ledger/voucher", json=body)
    assert answer.status_code == 422
    assert messages(answer.json()) == [
        (None, "Validering feilet: Summen av posteringene for 2023-11-02 er ikke lik 0.")
    ]


def test_an_account_locked_to_a_vat_code_refuses_another(sim: Sim) -> None:
    body = {
        "date": "2026-03-28",
        "postings": [
            {
                "account": {"id": 368852827},
                "amountGross": 10,
                "amountGrossCurrency": 10,
                "row": 1,
                "vatType": {"id": 11},
            },
            {"account": {"id": 369290009}, "amountGross": -10, "amountGrossCurrency": -10, "row": 2},
        ],
    }
    answer = sim.call("POST", "/ledger/voucher", json=body)
    assert answer.status_code == 422
    ((field, message),) = messages(answer.json())
    assert field == "postings.vatType.id"
    assert message.startswith("Kontoen 7100 Bilgodtgjørelse oppgavepliktig er låst til mva-kode 0")


def test_voucher_lists_need_a_date_range_that_is_not_empty(sim: Sim) -> None:
    missing = sim.call("GET", "/ledger/voucher", params={"count": 100})
    assert missing.status_code == 422
    assert (missing.json()["code"], missing.json()["message"]) == (15000, "Validation failed")
    assert messages(missing.json()) == [
        ("dateFrom", "Kan ikke være null."),
        ("dateTo", "Kan ikke være null."),
    ]
    empty = sim.call("GET", "/ledger/voucher", params={"dateFrom": "2026-01-01", "dateTo": "2026-01-01"})
    assert empty.status_code == 422
    ((field, message),) = messages(empty.json())
    assert field is None
    assert "'From and including' value" in message
    assert "is greater than or equal 'To and excluding' value" in message


def test_an_account_is_found_by_its_number_with_the_real_fields(sim: Sim) -> None:
    (account,) = sim.ok("GET", "/ledger/account", params={"number": "7100"})["values"]
    assert {k: account[k] for k in ("number", "numberPretty", "name", "type", "ledgerType", "vatLocked")} == {
        "number": 7100,
        "numberPretty": "7100",
        "name": "Bilgodtgjørelse oppgavepliktig",
        "type": "OPERATING_EXPENSES",
        "ledgerType": "GENERAL",
        "vatLocked": True,
    }
    assert account["displayName"] == "7100 Bilgodtgjørelse oppgavepliktig"
    assert (account["isInactive"], account["requiresDepartment"], account["requiresProject"]) == (
        False,
        False,
        False,
    )


def test_a_partial_then_a_negative_payment_move_the_outstanding_amount(sim: Sim) -> None:
    customer = sim.ok("POST", "/customer", json={"name": "Kunde AS", "invoiceSendMethod": "EMAIL"})["value"][
        "id"
    ]
    order = sim.order(
        customer,
        [{"description": "Arbeid", "count": 1, "unitPriceExcludingVatCurrency": 17800, "vatType": {"id": 3}}],
    )
    invoice = sim.ok("PUT", f"/order/{order}/:invoice", params={"invoiceDate": "2026-03-21"})["value"]
    assert invoice["amount"] == 22250.0
    params = {"paymentDate": "2026-03-21", "paymentTypeId": 1, "paidAmount": 5000}
    paid = sim.ok("PUT", f"/invoice/{invoice['id']}/:payment", params=params)["value"]
    # REAL: 22 250.00 invoice, 5 000 paid -> 17 250.00 outstanding in every variant.
    assert (paid["amountOutstanding"], paid["amountCurrencyOutstanding"], paid["amountOutstandingTotal"]) == (
        17250.0,
        17250.0,
        17250.0,
    )
    back = sim.ok("PUT", f"/invoice/{invoice['id']}/:payment", params={**params, "paidAmount": -10000})[
        "value"
    ]
    assert back["amountOutstanding"] == 27250.0


def test_purchase_orders_number_themselves_and_without_logistics_answer_403(sim: Sim) -> None:
    supplier = sim.ok("POST", "/supplier", json={"name": "Lev AS"})["value"]["id"]
    employee = sim.app.employee["id"]
    body = {"supplier": {"id": supplier}, "deliveryDate": "2026-12-20", "ourContact": {"id": employee}}
    first = sim.ok("POST", "/purchaseOrder", json={**body, "number": "999"})["value"]
    assert first["number"] != "999"  # OFF: read-only
    sim.app.set_options({"logistics": "absent"})
    denied = sim.call("POST", "/purchaseOrder", json=body)
    assert denied.status_code == 403
    assert (denied.json()["code"], denied.json()["message"]) == (
        9000,
        "You do not have permission to access this feature.",
    )
