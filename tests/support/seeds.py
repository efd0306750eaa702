"""The Fjord Lager company the ongoing-sync tests seed both simulators with (integration,
end-to-end, chaos, property). Small: exactly what the cases need, a Tripletex company with the
standard outgoing VAT types, units and currencies; a Rackbeat account with groups, units and a term.
"""

from __future__ import annotations

from typing import Any

RACKBEAT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.rackbeat-sync-token.c2lnbmF0dXJl"
NEW_RACKBEAT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.rackbeat-new-token.bmV3c2lnbmF0dXJl"
CONSUMER_TOKEN = "consumer-sync-5a1c7d2b8e4a6f3f"
EMPLOYEE_TOKEN = "employee-sync-2d4e6f1a3b5c7d8c"


# Rackbeat product groups: the group carries the product's VAT rate.
GROUP_25, GROUP_15, GROUP_12, GROUP_0, GROUP_SERVICES = 1, 2, 3, 4, 5


def tripletex_seed() -> dict[str, Any]:
    return {
        "consumer_token": CONSUMER_TOKEN,
        "employee_token": EMPLOYEE_TOKEN,
        "grants": ["customer", "supplier", "product", "invoice"],
        "company": {"id": 1, "name": "Fjord Lager AS", "organizationNumber": "912345678"},
        "vatTypes": [
            {"id": 3, "number": "3", "name": "Utgående mva, høy sats", "percentage": 25.0},
            {"id": 31, "number": "31", "name": "Utgående mva, middels sats", "percentage": 15.0},
            {"id": 33, "number": "33", "name": "Utgående mva, lav sats", "percentage": 12.0},
            {"id": 5, "number": "5", "name": "Ingen utgående mva", "percentage": 0.0},
            {"id": 6, "number": "6", "name": "Ingen utgående mva (utenfor mva-loven)", "percentage": 0.0},
            {"id": 52, "number": "52", "name": "Utførsel av varer og tjenester, fritatt", "percentage": 0.0},
        ],
        "currencies": [
            {"id": 1, "code": "NOK", "description": "Norske kroner", "factor": 1},
            {"id": 4, "code": "EUR", "description": "Euro", "factor": 1},
        ],
        "productUnits": [{"id": 1, "name": "Stykk", "nameShort": "stk", "commonCode": "EA"}],
        "paymentTypes": [{"id": 1, "description": "Betalt til bank"}],
    }


def rackbeat_seed() -> dict[str, Any]:
    return {
        "api_token": RACKBEAT_TOKEN,
        "self": {"user_account": {"id": 7, "company_name": "Fjord Lager AS"}},
        "currencies": ["NOK", "EUR"],
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
            *(
                {
                    "number": n,
                    "name": name,
                    "has_inventory": stock,
                    "vat_domestic": rate,
                    "vat_eu": 0,
                    "vat_abroad": 0,
                }
                for n, name, rate, stock in (
                    (GROUP_15, "Næringsmidler", 15, True),
                    (GROUP_12, "Persontransport", 12, True),
                    (GROUP_0, "Aviser", 0, True),
                    (GROUP_SERVICES, "Tjenester", 25, False),
                )
            ),
        ],
        "units": [{"number": 1, "name": "stk"}],
        "payment_terms": [{"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"}],
    }
