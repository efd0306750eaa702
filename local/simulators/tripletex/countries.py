"""Tripletex's country list (``GET /country``) as the simulator serves it.

Tripletex identifies a country by its own id, not by the ISO code. Two ids are known from public
captured material (ASSUMPTIONS.md "Countries"): Norway is 161 (REAL: every captured address and
employee) and Sweden is 191 (REAL: an integrator's POST /customer for a Swedish customer,
tripletex-api2 issue #13). No other id was found, so every other country gets ``1000 + its ISO
numeric code``: an id that cannot collide with the two real ones and is stable across runs. The
seed key ``countries`` replaces the list.
"""

from __future__ import annotations

from typing import Any

NORWAY_ID = 161
# Ids seen in real Tripletex answers/requests; everything else is 1000 + ISO numeric (invented).
REAL_IDS = {"NO": NORWAY_ID, "SE": 191}

# ISO alpha-2, alpha-3, numeric, Norwegian name (Tripletex answers in Norwegian: "Norge").
_ISO: tuple[tuple[str, str, str, str], ...] = (
    ("AT", "AUT", "040", "Østerrike"),
    ("AU", "AUS", "036", "Australia"),
    ("BE", "BEL", "056", "Belgia"),
    ("BG", "BGR", "100", "Bulgaria"),
    ("BR", "BRA", "076", "Brasil"),
    ("CA", "CAN", "124", "Canada"),
    ("CH", "CHE", "756", "Sveits"),
    ("CN", "CHN", "156", "Kina"),
    ("CY", "CYP", "196", "Kypros"),
    ("CZ", "CZE", "203", "Tsjekkia"),
    ("DE", "DEU", "276", "Tyskland"),
    ("DK", "DNK", "208", "Danmark"),
    ("EE", "EST", "233", "Estland"),
    ("ES", "ESP", "724", "Spania"),
    ("FI", "FIN", "246", "Finland"),
    ("FO", "FRO", "234", "Færøyene"),
    ("FR", "FRA", "250", "Frankrike"),
    ("GB", "GBR", "826", "Storbritannia"),
    ("GL", "GRL", "304", "Grønland"),
    ("GR", "GRC", "300", "Hellas"),
    ("HR", "HRV", "191", "Kroatia"),
    ("HU", "HUN", "348", "Ungarn"),
    ("IE", "IRL", "372", "Irland"),
    ("IN", "IND", "356", "India"),
    ("IS", "ISL", "352", "Island"),
    ("IT", "ITA", "380", "Italia"),
    ("JP", "JPN", "392", "Japan"),
    ("LI", "LIE", "438", "Liechtenstein"),
    ("LT", "LTU", "440", "Litauen"),
    ("LU", "LUX", "442", "Luxembourg"),
    ("LV", "LVA", "428", "Latvia"),
    ("MT", "MLT", "470", "Malta"),
    ("NL", "NLD", "528", "Nederland"),
    ("NO", "NOR", "578", "Norge"),
    ("NZ", "NZL", "554", "New Zealand"),
    ("PL", "POL", "616", "Polen"),
    ("PT", "PRT", "620", "Portugal"),
    ("RO", "ROU", "642", "Romania"),
    ("SE", "SWE", "752", "Sverige"),
    ("SI", "SVN", "705", "Slovenia"),
    ("SK", "SVK", "703", "Slovakia"),
    ("TR", "TUR", "792", "Tyrkia"),
    ("UA", "UKR", "804", "Ukraina"),
    ("US", "USA", "840", "USA"),
    ("ZA", "ZAF", "710", "Sør-Afrika"),
)


def default_countries() -> list[dict[str, Any]]:
    """The simulator's default ``/country`` records (fresh dicts each call)."""
    return [
        {
            "id": REAL_IDS.get(alpha2, 1000 + int(numeric)),
            "version": 0,
            "name": name,
            "displayName": name,
            "isoAlpha2Code": alpha2,
            "isoAlpha3Code": alpha3,
            "isoNumericCode": numeric,
        }
        for alpha2, alpha3, numeric, name in _ISO
    ]


def country_id(alpha2: str) -> int:
    """The id the default list gives the ISO alpha-2 code ``alpha2`` (KeyError if not listed)."""
    for country in default_countries():
        if country["isoAlpha2Code"] == alpha2:
            return int(country["id"])
    raise KeyError(alpha2)
