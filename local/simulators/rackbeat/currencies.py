"""Rackbeat's currency list, GET /currency (SW 2018 only: ``indexCurrencies``; graded in
``assumptions.CURRENCY_LIST``). It serves the seed's ``currencies``, the same list the
customer/supplier write checks ``currency`` against, so a preview that reads it predicts exactly
the writes the simulator refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from local.simulators.rackbeat import assumptions as A

if TYPE_CHECKING:
    from local.simulators.rackbeat.app import RackbeatSimulator


def route(sim: RackbeatSimulator, request: Request, head: str, rest: list[str]) -> tuple[int, Any] | None:
    """The answer for GET /currency, or None for any other path (and for this one, a 404, when
    the seed lists no currencies: it then accepts any code, so there is no list to serve)."""
    codes = sorted(sim.state.currencies)
    if head != "currency" or rest or request.method != "GET" or not A.CURRENCY_LIST or not codes:
        return None
    stamp = sim.now().strftime("%Y-%m-%d %H:%M:%S")
    rows = [
        {
            "code": code,
            "rate": A.BASE_CURRENCY_RATE if code == A.BASE_CURRENCY else None,
            "is_custom": False,
            "updated_at": stamp,
            "self": f"https://app.rackbeat.com/api/currency/{code}",
        }
        for code in codes
    ]
    return 206, {"currencies": rows, "total": len(rows), "pages": 1, "limit": len(rows), "page": 1}
