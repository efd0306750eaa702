"""What the import's start answers when it cannot start: not ready, already ran, choices that do
not fit the Rackbeat account."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "import.not_ready": Text(
        "Skriv inn og kontroller Rackbeat- og Tripletex-nøklene før du starter importen.",
        "Enter and validate the Rackbeat and Tripletex tokens before starting the import.",
    ),
    "import.already_ran_ended": Text(
        "Den første importen er allerede kjørt: den startet {started} og endte som {state}. Den "
        "kjøres bare én gang; poster som feilet, prøves igjen fra innstillingene.",
        "The initial import already ran: it started {started} and ended as {state}. It runs only "
        "once; failed records are retried from the settings.",
    ),
    "import.already_ran_running": Text(
        "Den første importen er allerede i gang: den startet {started} og er {state}. "
        "Vent til den er ferdig.",
        "The initial import already ran: it started {started} and is {state}. Wait for it to end.",
    ),
    "import.fix_choices": Text(
        "Rett valgte grupper eller betalingsbetingelser: {problems}",
        "Fix the chosen groups or payment terms: {problems}",
    ),
    "import.no_customer_group": Text(
        "Rackbeat har ingen kundegruppe {number}.", "Rackbeat has no customer group {number}."
    ),
    "import.no_supplier_group": Text(
        "Rackbeat har ingen leverandørgruppe {number}.", "Rackbeat has no supplier group {number}."
    ),
    "import.no_product_group": Text(
        "Rackbeat har ingen varegruppe {number}.", "Rackbeat has no product group {number}."
    ),
    "import.product_group_no_inventory": Text(
        "Varegruppen «{name}» har ikke lager; velg en som har.",
        "Product group '{name}' keeps no inventory; choose one that does.",
    ),
    "import.service_group_inventory": Text(
        "Varegruppen «{name}» har lager; tjenester trenger en uten lager.",
        "Product group '{name}' keeps inventory; services need one that does not.",
    ),
    "import.no_payment_term": Text(
        "Rackbeat har ingen betalingsbetingelse {number}.", "Rackbeat has no payment term {number}."
    ),
}
