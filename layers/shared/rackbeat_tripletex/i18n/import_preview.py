"""The import preview's own failures: the ones it predicts from reads alone, before any write."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "preview.duplicate_number.message": Text(
        "En annen post i Tripletex har samme nummer ({number}).",
        "Another Tripletex record has the same number ({number}).",
    ),
    "preview.duplicate_number.fix": Text(
        "Gi en av dem et eget nummer i Tripletex.",
        "Give one of them a number of its own in Tripletex.",
    ),
    "preview.unknown_currency.message": Text(
        "Rackbeat-kontoen har ikke valutaen {currency}.",
        "The Rackbeat account does not have the currency {currency}.",
    ),
    "preview.unknown_currency.fix": Text(
        "Slå på {currency} i Rackbeat før importen, eller bytt valuta i Tripletex.",
        "Turn on {currency} in Rackbeat before the import, or change the currency in Tripletex.",
    ),
}
