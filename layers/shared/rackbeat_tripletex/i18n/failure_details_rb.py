"""The specific words of a Rackbeat -> Tripletex record's failure (customers, suppliers, products,
bills of materials and invoices): ``failure_details`` keeps the rest and says how they are written."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    # ----- Rackbeat -> Tripletex ---------------------------------------------------------------------
    "failure.rb.missing_name.message": Text("{The} har ikke noe navn.", "{The} has no name."),
    "failure.rb.missing_name.fix": Text(
        "Gi {the} et navn i Rackbeat; den synkroniseres da på nytt av seg selv.",
        "Give {the} a name in Rackbeat; it syncs again on its own.",
    ),
    "failure.rb.number_too_large.message": Text(
        "{Noun}nummeret {number} er utenfor det Tripletex godtar (0 til {limit}).",
        "{Noun} number {number} is outside what Tripletex accepts (0 to {limit}).",
    ),
    "failure.rb.number_too_large.fix": Text(
        "Gi {the} et lavere nummer i Rackbeat; den synkroniseres da på nytt av seg selv.",
        "Give {the} a smaller number in Rackbeat; it syncs again on its own.",
    ),
    "failure.rb.country_code.message": Text(
        "Landet «{country}» er ikke en landkode integrasjonen kjenner.",
        "The country '{country}' is not a country code the integration knows.",
    ),
    "failure.rb.country_code.fix": Text(
        "Skriv landet som en tobokstavskode (som NO, SE eller DE) i Rackbeat; posten synkroniseres "
        "da på nytt.",
        "Write the country as a two-letter code (such as NO, SE or DE) in Rackbeat; it syncs again.",
    ),
    "failure.rb.negative_price.message": Text(
        "Produktets {noun} er negativ ({value}).", "The product's {noun} is negative ({value})."
    ),
    "failure.rb.negative_price.fix": Text(
        "Rett {the} i Rackbeat; produktet synkroniseres da på nytt av seg selv.",
        "Correct {the} in Rackbeat; the product syncs again on its own.",
    ),
    "failure.rb.product_no_number.message": Text(
        "Produktet har ikke noe nummer.", "The product has no number."
    ),
    "failure.rb.product_no_number.fix": Text(
        "Gi produktet et nummer i Rackbeat; det synkroniseres da på nytt av seg selv.",
        "Give the product a number in Rackbeat; it syncs again on its own.",
    ),
    "failure.rb.vat_zone.message": Text(
        "Momssonen «{zone}» har ingen mva-kode i Tripletex.", "VAT zone '{zone}' has no Tripletex VAT type."
    ),
    "failure.rb.vat_zone.fix": Text(
        "Velg mva-koden i Tripletex for momssonen «{zone}» i integrasjonens innstillinger, og prøv posten "
        "på nytt.",
        "Choose the Tripletex VAT type for the VAT zone '{zone}' in the integration's settings, then "
        "retry the record.",
    ),
    "failure.rb.where.export": Text("salg til utlandet (eksport, kode 52)", "sales abroad (export, code 52)"),
    "failure.rb.where.domestic": Text("innenlands salg", "domestic sales"),
    "failure.rb.no_vat_type.message": Text(
        "Tripletex har ingen utgående mva-kode for {rate} % på {where}.",
        "Tripletex has no outgoing VAT type for {rate} % on {where}.",
    ),
    "failure.rb.no_vat_type.fix": Text(
        "Aktiver en utgående mva-kode for {rate} % ({where}) i Tripletex, eller rett mva-satsen i "
        "Rackbeat, og prøv posten på nytt.",
        "Activate an outgoing VAT type for {rate} % ({where}) in Tripletex, or correct the VAT rate in "
        "Rackbeat, then retry the record.",
    ),
    "failure.rb.vat_type_rate.message": Text(
        "Mva-koden {number} som er valgt for momssonen «{zone}», er {rate} %, men linjens mva-sats i "
        "Rackbeat er {wanted} %.",
        "The VAT type {number} chosen for the VAT zone '{zone}' is {rate} %, but the line's VAT rate "
        "in Rackbeat is {wanted} %.",
    ),
    "failure.rb.vat_type_rate.fix": Text(
        "Velg en mva-kode på {wanted} % for momssonen «{zone}» i innstillingene, eller rett satsen i "
        "Rackbeat, og prøv posten på nytt.",
        "Choose a VAT type of {wanted} % for the VAT zone '{zone}' in the settings, or correct the rate "
        "in Rackbeat, then retry the record.",
    ),
    "failure.rb.vat_type_inactive.message": Text(
        "Mva-koden {number} som er valgt for momssonen «{zone}», er ikke en aktiv utgående mva-kode i "
        "Tripletex.",
        "The VAT type {number} chosen for the VAT zone '{zone}' is not an active outgoing VAT type in "
        "Tripletex.",
    ),
    "failure.rb.vat_type_inactive.fix": Text(
        "Aktiver mva-kode {number} i Tripletex, eller velg en annen for momssonen «{zone}» i "
        "innstillingene, og prøv posten på nytt.",
        "Activate VAT type {number} in Tripletex, or choose another one for the VAT zone '{zone}' in the "
        "settings, then retry the record.",
    ),
    "failure.rb.currency.message": Text(
        "Valutaen {currency} er ikke en av Tripletex-selskapets valutaer.",
        "The currency {currency} is not one of the Tripletex company's currencies.",
    ),
    "failure.rb.currency.fix": Text(
        "Legg til {currency} som valuta i Tripletex, eller velg en annen valuta i Rackbeat, og prøv "
        "posten på nytt.",
        "Add {currency} as a currency in Tripletex, or choose another currency in Rackbeat, then retry "
        "the record.",
    ),
    "failure.rb.country.message": Text(
        "Landet {code} finnes ikke i Tripletex-landlisten integrasjonen har.",
        "The country {code} is not known to the integration's Tripletex country list.",
    ),
    "failure.rb.country.fix": Text(
        "Rett landet i Rackbeat (en tobokstavskode som NO, SE eller DE), og prøv på nytt.",
        "Correct the country in Rackbeat (a two-letter code such as NO, SE or DE), then retry.",
    ),
    "failure.rb.unit_named": Text("«{unit}»", "'{unit}'"),
    "failure.rb.unit_number": Text("nummer {unit}", "number {unit}"),
    "failure.rb.unit.message": Text(
        "Rackbeat-enheten {unit} har ingen produktenhet med samme navn i Tripletex.",
        "The Rackbeat unit {unit} has no product unit with the same name in Tripletex.",
    ),
    "failure.rb.unit.fix": Text(
        "Opprett en produktenhet med navnet {unit} i Tripletex (Produkt > Enheter), og prøv posten på nytt.",
        "Create a product unit named {unit} in Tripletex (Product > Units), then retry the record.",
    ),
    "failure.rb.product_group.message": Text(
        "Varegruppen {number} ble ikke funnet i Rackbeat.",
        "The product group {number} was not found in Rackbeat.",
    ),
    "failure.rb.product_group.fix": Text(
        "Legg produktet i en eksisterende varegruppe i Rackbeat, og prøv på nytt.",
        "Put the product in an existing product group in Rackbeat, then retry it.",
    ),
    # ----- invoices ------------------------------------------------------------------------------------
    "failure.invoice.draft.message": Text(
        "Faktura {number} er et utkast i Rackbeat.", "Invoice {number} is a draft in Rackbeat."
    ),
    "failure.invoice.draft.fix": Text(
        "Bokfør fakturaen i Rackbeat; den sendes til Tripletex når den er bokført.",
        "Book the invoice in Rackbeat; it is sent to Tripletex when booked.",
    ),
    "failure.invoice.no_lines.message": Text(
        "Faktura {number} har ingen linjer.", "Invoice {number} has no lines."
    ),
    "failure.invoice.no_lines.fix": Text(
        "Legg til linjene i Rackbeat (eller krediter den tomme fakturaen der).",
        "Add the lines in Rackbeat (or credit the empty invoice there).",
    ),
    "failure.invoice.no_unit_prices.message": Text(
        "Ingen enhetspriser får Tripletex til å komme frem til beløpene på faktura {number} på øret.",
        "No unit prices make Tripletex arrive at invoice {number}'s amounts to the øre.",
    ),
    "failure.invoice.contact_support.fix": Text(
        "Kontakt kundestøtte med fakturanummeret; ingenting ble sendt til Tripletex.",
        "Contact support with the invoice number; nothing was sent to Tripletex.",
    ),
    "failure.invoice.totals_differ.message": Text(
        "Tripletex ville fått totalen {tripletex} på faktura {number}, Rackbeat {rackbeat}.",
        "Tripletex would total invoice {number} at {tripletex}, Rackbeat at {rackbeat}.",
    ),
    "failure.invoice.needs.message": Text(
        "Faktura {number} trenger {names} i Tripletex først.",
        "Invoice {number} needs {names} in Tripletex first.",
    ),
    "failure.invoice.needs.fix": Text(
        "Ingenting å gjøre: de synkroniseres først, og fakturaen følger etter.",
        "Nothing to do: they are synced first and the invoice follows.",
    ),
    "failure.invoice.no_date.message": Text(
        "Faktura {number} har ingen {noun}.", "Invoice {number} has no {noun}."
    ),
    "failure.invoice.no_date.fix": Text(
        "Sett {noun} på fakturaen i Rackbeat, og prøv på nytt.",
        "Set the {noun} on the invoice in Rackbeat, then retry it.",
    ),
    "failure.invoice.why.no_rate": Text("ingen av selskapets mva-satser", "no VAT rate of the company"),
    "failure.invoice.why.many_rates": Text("mer enn én mva-sats", "more than one VAT rate"),
    "failure.invoice.vat_rate.message": Text(
        "Linje {line} på faktura {number} har ingen mva-sats, varegruppen har ingen for momssonen "
        "«{zone}», og {why} får linjene til å stemme med fakturaens mva.",
        "Line {line} of invoice {number} has no VAT rate, its product group has none for the VAT zone "
        "'{zone}', and {why} makes the lines add up to the invoice's VAT.",
    ),
    "failure.invoice.vat_rate.fix": Text(
        "Sett mva-satsen for momssonen «{zone}» på linjens varegruppe i Rackbeat (eller satsen på "
        "linjen), og prøv fakturaen på nytt.",
        "Set the VAT rate for the VAT zone '{zone}' on the line's product group in Rackbeat (or the "
        "rate on the line), then retry the invoice.",
    ),
    "failure.invoice.lines_sum.message": Text(
        "Totalene på faktura {number} i Rackbeat er ikke lik summen av linjene (linjer {lines}, "
        "delsum {subtotal}, mva {vat}, total {total}).",
        "Invoice {number}'s totals in Rackbeat do not equal the sum of its lines (lines {lines}, "
        "subtotal {subtotal}, VAT {vat}, total {total}).",
    ),
    "failure.invoice.lines_sum.fix": Text(
        "Åpne og lagre fakturaen på nytt i Rackbeat så totalene regnes ut igjen, og prøv på nytt.",
        "Open and re-save the invoice in Rackbeat so its totals are recalculated, then retry it.",
    ),
    "failure.invoice.vat_sum.message": Text(
        "Mva på faktura {number} i Rackbeat ({vat}) er ikke lik linjenes mva ({lines_vat}).",
        "Invoice {number}'s VAT in Rackbeat ({vat}) does not equal its lines' VAT ({lines_vat}).",
    ),
    "failure.invoice.vat_sum.fix": Text(
        "Åpne og lagre fakturaen på nytt i Rackbeat så mva regnes ut igjen, og prøv på nytt.",
        "Open and re-save the invoice in Rackbeat so its VAT is recalculated, then retry it.",
    ),
    "failure.invoice.dependency.message": Text(
        "Faktura {number} trenger {item} i Tripletex først, men {why}.",
        "Invoice {number} needs {item} in Tripletex first, but {why}.",
    ),
    "failure.invoice.dependency.not_found": Text(
        "den ble ikke funnet i Rackbeat", "it was not found in Rackbeat"
    ),
    "failure.invoice.dependency.failed": Text(
        "den kunne ikke synkroniseres til Tripletex (dens egen feil i listen sier hvorfor)",
        "it could not be synced to Tripletex (its own failure in the list says why)",
    ),
    "failure.invoice.dependency.fix": Text(
        "Rett {item} i Rackbeat (se dens egen feil, om den er listet), og prøv fakturaen på nytt; "
        "nattkjøringen prøver den også igjen.",
        "Fix {item} in Rackbeat (see its own failure, if listed), then retry the invoice; the nightly "
        "run retries it too.",
    ),
    "failure.invoice.where.order": Text("Tripletex-ordre {number}", "Tripletex order {number}"),
    "failure.invoice.where.invoice": Text("Tripletex-faktura {number}", "Tripletex invoice {number}"),
    "failure.invoice.changed.message": Text(
        "Faktura {number} ble endret i Rackbeat etter at den kom til Tripletex som {where}; Tripletex "
        "kunne ikke ta imot endringen, så den ble ikke sendt.",
        "Invoice {number} was changed in Rackbeat after it reached Tripletex as {where}; Tripletex "
        "could not take the change, so it was not sent.",
    ),
    "failure.invoice.changed_order.fix": Text(
        "Slett ordre {order} i Tripletex, og prøv fakturaen på nytt: den sendes da igjen med endringen. "
        "Eller angre endringen i Rackbeat.",
        "Delete the order {order} in Tripletex, then retry this invoice: it is sent again with the "
        "change. Or undo the change in Rackbeat.",
    ),
    "failure.invoice.changed_invoice.fix": Text(
        "Krediter {where} i Tripletex (Faktura > Krediter), og prøv fakturaen på nytt: den endrede "
        "versjonen går da til Tripletex som en ny faktura. Eller angre endringen i Rackbeat.",
        "Credit {where} in Tripletex (Invoice > Credit), then retry this invoice: the changed "
        "version then goes to Tripletex as a new invoice. Or undo the change in Rackbeat.",
    ),
    # ----- credit notes --------------------------------------------------------------------------------
    "failure.credit_note.no_original.message": Text(
        "Kreditnota {key} sier ikke hvilken faktura den krediterer, så den kan ikke bli en kreditnota "
        "til en Tripletex-faktura.",
        "Credit note {key} does not say which invoice it credits, so it cannot be made a credit note "
        "of a Tripletex invoice.",
    ),
    "failure.credit_note.original_missing.message": Text(
        "Kreditnota {key} krediterer faktura {number}, som Rackbeat ikke har, så den kan ikke bli en "
        "kreditnota til en Tripletex-faktura.",
        "Credit note {key} credits invoice {number}, which Rackbeat does not have, so it cannot be "
        "made a credit note of a Tripletex invoice.",
    ),
    "failure.credit_note.original_not_sent.message": Text(
        "Kreditnota {key} krediterer faktura {number}, som ikke har kommet til Tripletex, så den kan "
        "ikke bli en kreditnota til en Tripletex-faktura.",
        "Credit note {key} credits invoice {number}, which has not reached Tripletex, so it cannot be "
        "made a credit note of a Tripletex invoice.",
    ),
    "failure.credit_note.credit_yourself.fix": Text(
        "Krediter den opprinnelige fakturaen i Tripletex selv (Faktura > Krediter); ingenting ble "
        "sendt for denne kreditnotaen.",
        "Credit the original invoice in Tripletex yourself (Invoice > Credit); nothing was sent "
        "for this credit note.",
    ),
    "failure.credit_note.other_customer.message": Text(
        "Kreditnota {key} gjelder kunde {customer}, men faktura {number} som den krediterer, gjelder "
        "kunde {original_customer}.",
        "Credit note {key} is for customer {customer}, but invoice {number} it credits is for "
        "customer {original_customer}.",
    ),
    "failure.credit_note.other_customer.fix": Text(
        "Krediter fakturaen i Tripletex selv (Faktura > Krediter); ingenting ble sendt.",
        "Credit the invoice in Tripletex yourself (Invoice > Credit); nothing was sent.",
    ),
    "failure.credit_note.open_order.message": Text(
        "Kreditnota {key} krediterer faktura {number}, som fortsatt er en åpen ordre ({order}) i "
        "Tripletex, ikke en faktura.",
        "Credit note {key} credits invoice {number}, which is still an open order ({order}) in "
        "Tripletex, not an invoice.",
    ),
    "failure.credit_note.open_order.fix": Text(
        "Slett ordre {order} i Tripletex (eller fakturer den), og prøv kreditnotaen på nytt.",
        "Delete the order {order} in Tripletex (or invoice it), then retry this credit note.",
    ),
    # ----- the Tripletex company's setup for invoicing (tenant-level failures) --------------------
    "failure.setup.bank_account.message": Text(
        "Tripletex avviser alle fakturaer: selskapet har ikke registrert et bankkontonummer "
        "(Tripletex: \u201c{refusal}\u201d). Ingen faktura ble sendt; de venter i Rackbeat.",
        "Tripletex refuses every invoice: the company has not registered a bank account number "
        "(Tripletex: \u201c{refusal}\u201d). No invoice was sent; they wait in Rackbeat.",
    ),
    "failure.setup.bank_account.fix": Text(
        "Registrer en bankkonto i Tripletex (Innstillinger > Selskap > Bankkontonummer, eller "
        "kontonummeret på hovedbokskonto 1920). Fakturaene som venter, går til Tripletex ved neste "
        "synkronisering av seg selv.",
        "Register a bank account in Tripletex (Settings > Company > Bank account number, or the account "
        "number on ledger account 1920). The waiting invoices go to Tripletex with the next sync by "
        "themselves.",
    ),
    "failure.setup.vat_types.message": Text(
        "Tripletex har ingen aktiv utgående mva-kode for {rates}. Fakturaer med slike linjer feiler til "
        "den er aktiv.",
        "Tripletex has no active outgoing VAT type for {rates}. Invoices with such lines fail until it "
        "is active.",
    ),
    "failure.setup.vat_types.fix": Text(
        "Aktiver mva-kodene i Tripletex (Innstillinger > Mva-innstillinger), eller rett varegruppenes "
        "mva-satser i Rackbeat.",
        "Activate the VAT types in Tripletex (Settings > VAT settings), or correct the product groups' "
        "VAT rates in Rackbeat.",
    ),
    "failure.setup.zone": Text("sone «{zone}» ({number})", "zone '{zone}' ({number})"),
    "failure.setup.zone_vat_types.message": Text(
        "Mva-kodene som er valgt i innstillingene for {zones}, er ikke aktive utgående mva-koder i "
        "Tripletex.",
        "The VAT types chosen in the settings for {zones} are not active outgoing VAT types in Tripletex.",
    ),
    "failure.setup.zone_vat_types.fix": Text(
        "Velg en aktiv mva-kode i Tripletex for hver av disse sonene i integrasjonens innstillinger.",
        "Choose an active Tripletex VAT type for each of these zones in the integration's settings.",
    ),
}
