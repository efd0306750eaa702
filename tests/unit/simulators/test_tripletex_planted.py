"""The Tripletex simulator answers a record planted as the real API may hold it (unknown enum
values, extra fields, expanded references, a number as text, a null isInactive) instead of
failing the whole list; its own writes stay spec-checked."""

from __future__ import annotations

from typing import Any

import httpx

from local.simulators.base import transport
from local.simulators.tripletex import create_app
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, tripletex_seed

ODD = {
    "id": 900,
    "customerNumber": "40001",
    "name": "Odd AS",
    "isInactive": None,
    "invoiceSendMethod": "CARRIER_PIGEON",
    "currency": {"id": 1, "code": "NOK", "factor": 1},
    "x_unknown": {"a": 1},
}


def _client(seed: dict[str, Any]) -> httpx.Client:
    app = create_app(seed)
    client = httpx.Client(transport=transport(app), base_url="http://tripletex.test/v2")
    session = client.put(
        "/token/session/:create",
        params={
            "consumerToken": CONSUMER_TOKEN,
            "employeeToken": EMPLOYEE_TOKEN,
            "expirationDate": "2030-01-01",
        },
    )
    assert session.status_code == 200, session.text
    client.auth = httpx.BasicAuth("0", session.json()["value"]["token"])
    client.app = app  # type: ignore[attr-defined]
    return client


def test_a_planted_record_is_answered_as_planted_next_to_ordinary_ones() -> None:
    client = _client(tripletex_seed())
    client.app.plant("customers", dict(ODD))  # type: ignore[attr-defined]
    created = client.post(
        "/customer", json={"name": "Vanlig AS", "invoiceSendMethod": "EMAIL", "email": "a@b.no"}
    )  # numbering skips the text number
    assert created.status_code == 201, created.text
    assert created.json()["value"]["customerNumber"] == 10001

    answer = client.get("/customer", params={"fields": "*", "isInactive": "false"})
    assert answer.status_code == 200, answer.text
    values = {v["id"]: v for v in answer.json()["values"]}
    assert set(values) == {900, created.json()["value"]["id"]}  # a null isInactive is active
    planted = values[900]
    assert {k: planted[k] for k in ODD} == ODD
    single = client.get("/customer/900", params={"fields": "*"})
    assert single.status_code == 200, single.text
    assert single.json()["value"]["invoiceSendMethod"] == "CARRIER_PIGEON"
