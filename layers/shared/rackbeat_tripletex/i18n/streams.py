"""What the wizard and the history call each stream, and one line on what it does.

Keys: ``stream.<StreamName>.label`` and ``stream.<StreamName>.explain`` for every registered
stream (``tests/unit/sync/test_stream_registry.py`` checks that each has both)."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "stream.customers_to_tripletex.label": Text("Kunder", "Customers"),
    "stream.customers_to_tripletex.explain": Text(
        "Nye og endrede kunder i Rackbeat opprettes og oppdateres i Tripletex.",
        "New and changed customers in Rackbeat are created and updated in Tripletex.",
    ),
    "stream.suppliers_to_tripletex.label": Text("Leverandører", "Suppliers"),
    "stream.suppliers_to_tripletex.explain": Text(
        "Nye og endrede leverandører i Rackbeat opprettes og oppdateres i Tripletex.",
        "New and changed suppliers in Rackbeat are created and updated in Tripletex.",
    ),
    "stream.products_to_tripletex.label": Text("Produkter", "Products"),
    "stream.products_to_tripletex.explain": Text(
        "Nye og endrede produkter i Rackbeat opprettes og oppdateres i Tripletex.",
        "New and changed products in Rackbeat are created and updated in Tripletex.",
    ),
    "stream.invoices_to_tripletex.label": Text("Bokførte fakturaer", "Booked invoices"),
    "stream.invoices_to_tripletex.explain": Text(
        "Fakturaer som bokføres i Rackbeat føres i Tripletex, med kunde og produkter.",
        "Invoices booked in Rackbeat are entered in Tripletex, with their customer and products.",
    ),
    "stream.customers_to_rackbeat.label": Text("Kunder", "Customers"),
    "stream.customers_to_rackbeat.explain": Text(
        "Nye og endrede kunder i Tripletex opprettes og oppdateres i Rackbeat.",
        "New and changed customers in Tripletex are created and updated in Rackbeat.",
    ),
    "stream.suppliers_to_rackbeat.label": Text("Leverandører", "Suppliers"),
    "stream.suppliers_to_rackbeat.explain": Text(
        "Nye og endrede leverandører i Tripletex opprettes og oppdateres i Rackbeat.",
        "New and changed suppliers in Tripletex are created and updated in Rackbeat.",
    ),
    "stream.products_to_rackbeat.label": Text("Produkter", "Products"),
    "stream.products_to_rackbeat.explain": Text(
        "Nye og endrede produkter i Tripletex opprettes og oppdateres i Rackbeat.",
        "New and changed products in Tripletex are created and updated in Rackbeat.",
    ),
}
