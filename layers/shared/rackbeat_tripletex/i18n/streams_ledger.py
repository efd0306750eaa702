"""The ledger streams of issue 15 (purchase orders, stock value, payment status): their labels,
one-line explanations, the voucher text Tripletex shows, and their failures with fixes."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "stream.purchase_orders_to_tripletex.label": Text("Innkjøpsordrer", "Purchase orders"),
    "stream.purchase_orders_to_tripletex.explain": Text(
        "Bestilte innkjøpsordrer i Rackbeat opprettes i Tripletex, "
        "så leverandørfakturaen kan matches mot dem.",
        "Purchase orders booked in Rackbeat are created in Tripletex, "
        "so the supplier invoice can be matched to them.",
    ),
    "stream.stock_value_to_tripletex.label": Text("Lagerverdi", "Stock value"),
    "stream.stock_value_to_tripletex.explain": Text(
        "Lagerverdien i Rackbeat føres som ett bilag per periode på lagerkontoen du velger i Tripletex.",
        "Rackbeat's stock value is posted as one voucher per period "
        "to the inventory account you choose in Tripletex.",
    ),
    "stream.payments_to_rackbeat.label": Text("Betalingsstatus", "Payment status"),
    "stream.payments_to_rackbeat.explain": Text(
        "Betalte og utestående beløp på fakturaene vi har ført i Tripletex vises per faktura.",
        "Paid and outstanding amounts on the invoices we entered in Tripletex are shown per invoice.",
    ),
    # ----- stock value ---------------------------------------------------------------------------
    "stock_value.description": Text(
        "Lagerverdi fra Rackbeat {period} ({last_day}): {value} kr, justering {amount} kr [{external}]",
        "Stock value from Rackbeat {period} ({last_day}): {value} NOK, adjustment {amount} NOK [{external}]",
    ),
    "stock_value.account_missing": Text(
        "Konto {number} finnes ikke eller er inaktiv i Tripletex.",
        "Account {number} does not exist or is inactive in Tripletex.",
    ),
    "stock_value.account_missing.fix": Text(
        "Velg en aktiv konto fra kontoplanen i Tripletex under Lagerverdi i innstillingene.",
        "Choose an active account from Tripletex's chart of accounts under Stock value in the settings.",
    ),
    "stock_value.no_value": Text(
        "Rackbeat oppga ingen lagerverdi for {last_day}.",
        "Rackbeat gave no stock value for {last_day}.",
    ),
    "stock_value.no_value.fix": Text(
        "Sjekk at API-nøkkelen i Rackbeat har tilgang til rapporter; "
        "perioden prøves igjen ved neste kjøring.",
        "Check that the Rackbeat API key may read reports; the period is tried again on the next run.",
    ),
    "stock_value.refused": Text(
        "Tripletex avviste bilaget for {period}: {reason}",
        "Tripletex refused the voucher for {period}: {reason}",
    ),
    "stock_value.refused.fix": Text(
        "Rett det Tripletex nevner (f.eks. en låst periode eller konto), og trykk Prøv igjen. "
        "Senere perioder venter til denne er ført.",
        "Correct what Tripletex names (e.g. a locked period or account) and press Retry. "
        "Later periods wait until this one is posted.",
    ),
    "stock_value.permission": Text(
        "Tripletex-brukeren mangler rettigheten «Avansert bilag», som trengs for å føre bilag.",
        "The Tripletex user lacks the 'Advanced Voucher' permission needed to post vouchers.",
    ),
    "stock_value.permission.fix": Text(
        "Gi API-brukeren rettigheten «Avansert bilag» i Tripletex; ventende perioder føres da automatisk.",
        "Grant the API user the 'Advanced Voucher' permission in Tripletex; waiting periods are then posted.",
    ),
    # ----- payment status --------------------------------------------------------------------------
    "payments.rackbeat_not_updated": Text(
        "Rackbeat har ingen API for innbetalinger på fakturaer, så statusen vises her og ikke i Rackbeat.",
        "Rackbeat has no API for payments on invoices, so the status is shown here and not in Rackbeat.",
    ),
    "payments.rackbeat_updated": Text(
        "Innbetalinger føres også på fakturaen i Rackbeat.",
        "Payments are also recorded on the invoice in Rackbeat.",
    ),
    "payments.refused": Text(
        "Rackbeat avviste innbetalingen på faktura {number}: {reason}",
        "Rackbeat refused the payment on invoice {number}: {reason}",
    ),
    "payments.refused.fix": Text(
        "Sjekk fakturaen i Rackbeat (er den bokført?); statusen prøves igjen ved neste kjøring.",
        "Check the invoice in Rackbeat (is it booked?); the status is tried again on the next run.",
    ),
}
