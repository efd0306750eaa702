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
    # ----- failure list: the kinds of record and the reasons these streams add (i18n/records.py) ---
    "record.entity.purchase_order": Text("Innkjøpsordre", "Purchase order"),
    "record.entity.stock_value": Text("Lagerverdi", "Stock value"),
    "record.entity.payment": Text("Betaling", "Payment"),
    "record.unknown_account.message": Text(
        "En konto innstillingene nevner, finnes ikke eller er inaktiv i Tripletex.",
        "An account the settings name does not exist or is inactive in Tripletex.",
    ),
    "record.unknown_account.fix": Text(
        "Velg en aktiv konto fra kontoplanen i innstillingene.",
        "Choose an active account from the chart of accounts in the settings.",
    ),
    "record.not_available.message": Text(
        "Tripletex-selskapet mangler en modul eller en rettighet strømmen trenger.",
        "The Tripletex company lacks a module or a permission the stream needs.",
    ),
    "record.not_available.fix": Text(
        "Se detaljene for hvilken, og slå den på i Tripletex; strømmen fortsetter da selv.",
        "See the detail for which, and switch it on in Tripletex; the stream then carries on by itself.",
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
    "stock_value.settings_accounts": Text(
        "Kontoen {numbers} finnes ikke eller er inaktiv i kontoplanen i Tripletex. Velg en aktiv konto.",
        "Account {numbers} does not exist or is inactive in Tripletex's chart of accounts. "
        "Choose an active one.",
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
    # ----- purchase orders -------------------------------------------------------------------------
    "purchase_orders.logistics": Text(
        "Tripletex-selskapet har ikke modulen Logistikk Basis, som innkjøpsordrer krever.",
        "The Tripletex company lacks the Logistics Basic module that purchase orders need.",
    ),
    "purchase_orders.logistics.fix": Text(
        "Aktiver Logistikk Basis i Tripletex, eller slå av innkjøpsordrer i innstillingene.",
        "Activate Logistics Basic in Tripletex, or switch purchase orders off in the settings.",
    ),
    "purchase_orders.no_lines": Text(
        "Innkjøpsordre {number} har ingen linjer.",
        "Purchase order {number} has no lines.",
    ),
    "purchase_orders.no_lines.fix": Text(
        "Legg til varelinjer på ordren i Rackbeat; den prøves igjen når den endres.",
        "Add item lines to the order in Rackbeat; it is tried again when it changes.",
    ),
    "purchase_orders.unknown_item": Text(
        "Varen {item} på ordren finnes ikke i Tripletex.",
        "Item {item} on the order is not in Tripletex.",
    ),
    "purchase_orders.unknown_item.fix": Text(
        "Slå på produkter til Tripletex, eller opprett varen i Tripletex, og trykk Prøv igjen.",
        "Switch on products to Tripletex, or create the item in Tripletex, and press Retry.",
    ),
    "purchase_orders.unknown_currency": Text(
        "Valutaen {code} finnes ikke i Tripletex.",
        "Currency {code} does not exist in Tripletex.",
    ),
    "purchase_orders.unknown_currency.fix": Text(
        "Legg til valutaen i Tripletex og trykk Prøv igjen.",
        "Add the currency in Tripletex and press Retry.",
    ),
    "purchase_orders.dependency": Text(
        "Ordren trenger {entity} {number} i Tripletex, men den kunne ikke synkroniseres.",
        "The order needs {entity} {number} in Tripletex, but it could not be synced.",
    ),
    "purchase_orders.dependency.fix": Text(
        "Se feilen for den i listen og rett den; ordren prøves igjen etterpå.",
        "See its own failure in the list and correct it; the order is tried again after.",
    ),
    "purchase_orders.no_supplier": Text(
        "Innkjøpsordre {number} har ingen leverandør.",
        "Purchase order {number} has no supplier.",
    ),
    "purchase_orders.no_supplier.fix": Text(
        "Velg en leverandør på ordren i Rackbeat.",
        "Choose a supplier on the order in Rackbeat.",
    ),
    "purchase_orders.refused": Text(
        "Tripletex avviste innkjøpsordre {number}: {reason}",
        "Tripletex refused purchase order {number}: {reason}",
    ),
    "purchase_orders.refused.fix": Text(
        "Rett det Tripletex nevner og trykk Prøv igjen.",
        "Correct what Tripletex names and press Retry.",
    ),
    "purchase_orders.unreadable": Text(
        "Innkjøpsordre {number} kunne ikke leses fra Rackbeat: {reason}.",
        "Purchase order {number} could not be read from Rackbeat: {reason}.",
    ),
    "purchase_orders.unreadable.fix": Text(
        "Rett feltet på ordren i Rackbeat; den prøves igjen når den endres.",
        "Correct the field on the order in Rackbeat; it is tried again when it changes.",
    ),
    "purchase_orders.receipts_denied": Text(
        "Ordren er i Tripletex, men Tripletex tillater ikke varemottak for selskapet.",
        "The order is in Tripletex, but Tripletex does not allow goods receipts for the company.",
    ),
    "purchase_orders.receipts.fix": Text(
        "Aktiver varemottak (Logistikk) i Tripletex, "
        "eller slå av varemottak under Innkjøpsordrer i innstillingene.",
        "Activate goods receipts (Logistics) in Tripletex, "
        "or switch goods receipts off under Purchase orders in the settings.",
    ),
}
