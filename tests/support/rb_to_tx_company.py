"""Nordlys Verktøy AS, the company the Rackbeat -> Tripletex suites seed both simulators with:
VAT types for every Norwegian rate, product groups carrying those rates, a private customer group."""

from __future__ import annotations

from typing import Any

CONSUMER = "consumer-token-rb2tx"
EMPLOYEE = "employee-token-rb2tx"
RACKBEAT_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJyYjJ0eCJ9.c2lnbmF0dXJl"

PRIVATE_GROUP = 2
GROUP_25, GROUP_15, GROUP_12, GROUP_0, GROUP_SERVICES = 1, 2, 3, 4, 5


def _vat(vat_id: int, percentage: float, name: str) -> dict[str, Any]:
    return {
        "id": vat_id,
        "number": str(vat_id),
        "name": name,
        "percentage": percentage,
        "typeOfVat": "OUTGOING",
    }


def tripletex_seed() -> dict[str, Any]:
    return {
        "consumer_token": CONSUMER,
        "employee_token": EMPLOYEE,
        "grants": ["customer", "supplier", "product", "invoice"],
        "company": {"id": 42, "name": "Nordlys Verktøy AS", "organizationNumber": "923609016"},
        "vatTypes": [
            _vat(3, 25, "Utgående mva, høy sats"),
            _vat(31, 15, "Utgående mva, middels sats"),
            _vat(33, 12, "Utgående mva, lav sats"),
            _vat(5, 0, "Ingen utgående mva (innenfor mva-loven)"),
            _vat(6, 0, "Ingen utgående mva (utenfor mva-loven)"),
            _vat(52, 0, "Utførsel av varer og tjenester, fritatt"),
            {"id": 1, "number": "1", "name": "Inngående mva", "percentage": 25, "typeOfVat": "INCOMING"},
        ],
        "productUnits": [
            {"id": 1, "name": "Stykk", "nameShort": "stk"},
            {"id": 2, "name": "Time", "nameShort": "time"},
        ],
        "currencies": [
            {"id": 1, "code": "NOK", "description": "Norske kroner"},
            {"id": 2, "code": "SEK", "description": "Svenske kroner"},
            {"id": 4, "code": "EUR", "description": "Euro"},
        ],
    }


def rackbeat_seed() -> dict[str, Any]:
    def group(number: int, name: str, rate: float, inventory: bool = True) -> dict[str, Any]:
        return {
            "number": number,
            "name": name,
            "has_inventory": inventory,
            "vat_domestic": rate,
            "vat_eu": 0,
            "vat_abroad": 0,
        }

    return {
        "api_token": RACKBEAT_TOKEN,
        "self": {"user_account": {"id": 15355, "company_name": "Nordlys Verktøy AS"}, "user": {"id": 1}},
        "currencies": ["NOK", "SEK", "EUR"],
        "customer_groups": [{"number": 1, "name": "Bedrifter"}, {"number": PRIVATE_GROUP, "name": "Privat"}],
        "supplier_groups": [{"number": 1, "name": "Leverandører"}],
        "product_groups": [
            group(GROUP_25, "Varer", 25),
            group(GROUP_15, "Næringsmidler", 15),
            group(GROUP_12, "Persontransport", 12),
            group(GROUP_0, "Aviser", 0),
            group(GROUP_SERVICES, "Tjenester", 25, inventory=False),
        ],
        "payment_terms": [
            {"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"},
            {"number": 2, "name": "Netto 30 dager", "maturity_days": 30, "type": "net"},
        ],
        "units": [{"number": 1, "name": "stk"}, {"number": 2, "name": "time"}],
    }
