"""Fjord Handel AS, the small Rackbeat account the simulator and client suites seed, and a webhook
receiver that records deliveries."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.wrappers import Request, Response

TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl"
BASE = "http://rackbeat.test/api"


def small_seed() -> dict[str, Any]:
    return {
        "api_token": TOKEN,
        "self": {"user_account": {"id": 777, "company_name": "Fjord Handel AS"}, "user": {"id": 1}},
        "currencies": ["NOK", "SEK", "EUR"],
        "customer_groups": [{"number": 1, "name": "Kunder"}],
        "supplier_groups": [{"number": 1, "name": "Leverandører"}],
        "product_groups": [
            {
                "number": 1,
                "name": "Varer",
                "has_inventory": True,
                "vat_domestic": 25,
                "vat_eu": 0,
                "vat_abroad": 0,
            },
            {"number": 2, "name": "Tjenester", "has_inventory": False, "vat_domestic": 25},
        ],
        "payment_terms": [
            {"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"},
            {"number": 2, "name": "Netto 30 dager", "maturity_days": 30, "type": "net"},
        ],
        "units": [{"number": 1, "name": "stk"}, {"number": 2, "name": "time"}],
        "customers": [
            {
                "number": n,
                "company_name": f"Kunde {n} Bærum AS",
                "payment_terms_id": 1,
                "customer_group_id": 1,
                "vat_zone": "domestic",
                "currency": "NOK",
            }
            for n in range(1, 46)
        ],
        "products": [
            {"number": "AB/123", "name": "Skrue 4 mm", "group": 1, "unit_id": 1, "sales_price": 10.0},
            {"number": "KIT+1", "name": "Montering", "group": 2, "unit_id": 2, "sales_price": 950.0},
            {"number": "NV 0001", "name": "Sement 25 kg", "group": 1, "unit_id": 1, "sales_price": 120.0},
        ],
    }


class Receiver:
    """A webhook subscriber: records every delivery, answers with the next scripted status."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self.received.append(
                {
                    "path": request.path,
                    "query": request.environ.get("QUERY_STRING", ""),
                    "headers": dict(request.headers),
                    "body": request.get_json(silent=True),
                }
            )
            status = self.statuses.pop(0) if self.statuses else 200
        return Response("", status=status)(environ, start_response)
