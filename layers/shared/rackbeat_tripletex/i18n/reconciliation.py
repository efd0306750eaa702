"""The daily reconciliation: each difference it finds, what to do about it, and the fields it
compares (``sync.reconciliation``, ``onboarding.api.reconciliation``).

Keys: ``reconciliation.<GapKind>`` and ``reconciliation.<GapKind>.fix`` for every kind of gap,
``reconciliation.field.<name>`` for every field compared."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "reconciliation.date": Text("{day}.{month}.{year}", "{year}-{month}-{day}"),
    "reconciliation.invoice_missing": Text(
        "Faktura {number} er bokført i Rackbeat, men finnes ikke i Tripletex.",
        "Invoice {number} is booked in Rackbeat but does not exist in Tripletex.",
    ),
    "reconciliation.invoice_missing.fix": Text(
        "Velg \u00abSend på nytt\u00bb: fakturaen sendes til Tripletex igjen.",
        'Choose "Resend": the invoice is sent to Tripletex again.',
    ),
    "reconciliation.invoice_duplicate": Text(
        "Faktura {number} finnes {count} ganger i Tripletex.",
        "Invoice {number} exists {count} times in Tripletex.",
    ),
    "reconciliation.invoice_duplicate.fix": Text(
        "Krediter de ekstra fakturaene i Tripletex (Faktura > Krediter); la én stå.",
        "Credit the extra invoices in Tripletex (Invoice > Credit); keep one.",
    ),
    "reconciliation.invoice_total": Text(
        "Faktura {number} har totalbeløp {rackbeat} i Rackbeat, men {tripletex} i Tripletex.",
        "Invoice {number} totals {rackbeat} in Rackbeat but {tripletex} in Tripletex.",
    ),
    "reconciliation.invoice_total.fix": Text(
        "Krediter fakturaen i Tripletex og velg \u00abSend på nytt\u00bb: riktig versjon sendes som "
        "ny faktura.",
        'Credit the invoice in Tripletex and choose "Resend": the right version goes as a new invoice.',
    ),
    "reconciliation.invoice_vat": Text(
        "Faktura {number} har {rackbeat} i MVA med {rate} % i Rackbeat, men {tripletex} i Tripletex.",
        "Invoice {number} has {rackbeat} VAT at {rate} % in Rackbeat but {tripletex} in Tripletex.",
    ),
    "reconciliation.invoice_vat.fix": Text(
        "Krediter fakturaen i Tripletex og velg \u00abSend på nytt\u00bb: riktig versjon sendes som "
        "ny faktura.",
        'Credit the invoice in Tripletex and choose "Resend": the right version goes as a new invoice.',
    ),
    "reconciliation.customer_fields": Text(
        "Kunde {number} er ulik i Rackbeat og Tripletex: {fields}.",
        "Customer {number} differs between Rackbeat and Tripletex: {fields}.",
    ),
    "reconciliation.customer_fields.fix": Text(
        "Velg \u00abSend på nytt\u00bb: kunden skrives til Tripletex slik den er i Rackbeat.",
        'Choose "Resend": the customer is written to Tripletex as it is in Rackbeat.',
    ),
    "reconciliation.product_fields": Text(
        "Produkt {number} er ulikt i Rackbeat og Tripletex: {fields}.",
        "Product {number} differs between Rackbeat and Tripletex: {fields}.",
    ),
    "reconciliation.product_fields.fix": Text(
        "Velg \u00abSend på nytt\u00bb: produktet skrives til Tripletex slik det er i Rackbeat.",
        'Choose "Resend": the product is written to Tripletex as it is in Rackbeat.',
    ),
    "reconciliation.field.name": Text("navn", "name"),
    "reconciliation.field.number": Text("nummer", "number"),
    "reconciliation.field.price": Text("pris", "price"),
    "reconciliation.not_resendable": Text(
        "Dette avviket rettes i Tripletex, ikke ved å sende på nytt.",
        "This difference is fixed in Tripletex, not by resending.",
    ),
}
