"""The Tripletex simulator in-process behind a raw httpx client with a live session: for tests
that check the wire answer itself (status, body, headers), not what our client makes of it."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import httpx

from local.simulators.base import transport
from local.simulators.tripletex import TripletexSimulator, create_app

CONSUMER = "consumer-contract"
EMPLOYEE = "employee-contract"


class Sim:
    """The simulator in-process with a session, seeded for one scenario."""

    def __init__(self, seed: dict[str, Any] | None = None) -> None:
        base: dict[str, Any] = {
            "consumer_token": CONSUMER,
            "employee_token": EMPLOYEE,
            "grants": ["customer", "supplier", "product", "invoice"],
            "vatTypes": [
                {"id": 3, "name": "Utgående mva, høy sats", "number": "3", "percentage": 25},
                {"id": 5, "name": "Ingen utgående mva (innenfor mva-loven)", "number": "5", "percentage": 0},
            ],
            "currencies": [{"id": 1, "code": "NOK", "description": "Norske kroner"}],
        }
        self.app: TripletexSimulator = create_app({**base, **(seed or {})})
        self.http = httpx.Client(transport=transport(self.app), base_url="http://tripletex.test/v2")
        self.token = self.session(CONSUMER).json()["value"]["token"]
        self.http.headers["Authorization"] = "Basic " + base64.b64encode(f"0:{self.token}".encode()).decode()

    def session(self, consumer: str) -> httpx.Response:
        tomorrow = self.app.now().date() + dt.timedelta(days=3)
        params = {
            "consumerToken": consumer,
            "employeeToken": EMPLOYEE,
            "expirationDate": tomorrow.isoformat(),
        }
        return self.http.put("/token/session/:create", params=params)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(method, path, **kwargs)
        assert response.status_code < 300, response.text
        body: dict[str, Any] = response.json()
        return body

    def order(self, customer_id: int, lines: list[dict[str, Any]] | None = None, **extra: Any) -> int:
        body = {
            "customer": {"id": customer_id},
            "orderDate": "2026-03-21",
            "deliveryDate": "2026-03-21",
            **extra,
        }
        if lines is not None:
            body["orderLines"] = lines
        return int(self.ok("POST", "/order", json=body)["value"]["id"])


def many_products(count: int, start: int = 0) -> list[dict[str, Any]]:
    """Products enough to fill several pages."""
    return [
        {
            "id": start + i + 1,
            "name": f"Vare {start + i}",
            "number": f"P-{start + i:06d}",
            "priceExcludingVatCurrency": round(((start + i) * 7919) % 100_000 / 10 + 1, 2),
            "isStockItem": (start + i) % 3 != 0,
            "isInactive": (start + i) % 11 == 0,
            "vatType": {"id": 3},
        }
        for i in range(count)
    ]
