"""Why a record did not sync and what to do, per failure reason (``models.sync.FailureReason``),
for the failure list, the cockpit and the failure digest.

Keys: ``record.entity.<Entity>`` (the record's kind inside a sentence), ``record.<reason>.message``
and ``record.<reason>.fix`` for every reason. The words the sync wrote when the record failed
(often the other system's own, with the field and value) stay beside them as the detail."""

from __future__ import annotations

from dataclasses import dataclass

from rackbeat_tripletex import i18n
from rackbeat_tripletex.i18n import Language, Text, text

MESSAGES: dict[str, Text] = {
    "record.entity.customer": Text("Kunde", "Customer"),
    "record.entity.supplier": Text("Leverandør", "Supplier"),
    "record.entity.product": Text("Produkt", "Product"),
    "record.entity.invoice": Text("Faktura", "Invoice"),
    "record.entity.record": Text("Post", "Record"),
    "record.missing_number.message": Text("Posten har ikke noe nummer.", "The record has no number."),
    "record.missing_number.fix": Text(
        "Gi posten et nummer i systemet den kommer fra; den synkroniseres da av seg selv.",
        "Give the record a number in the system it comes from; it then syncs by itself.",
    ),
    "record.invalid_number.message": Text(
        "Nummeret kan ikke brukes i det andre systemet.", "The number cannot be used in the other system."
    ),
    "record.invalid_number.fix": Text(
        "Gi posten et nummer med bare sifre (høyst 9), og prøv på nytt.",
        "Give the record a number of digits only (at most 9), then retry.",
    ),
    "record.duplicate_number.message": Text(
        "To poster har samme nummer.", "Two records have the same number."
    ),
    "record.duplicate_number.fix": Text(
        "Gi en av dem et eget nummer, og prøv på nytt.", "Give one of them a number of its own, then retry."
    ),
    "record.missing_name.message": Text("Posten har ikke noe navn.", "The record has no name."),
    "record.missing_name.fix": Text(
        "Gi posten et navn, og prøv på nytt.", "Give the record a name, then retry."
    ),
    "record.name_too_long.message": Text(
        "Navnet er for langt for det andre systemet.", "The name is too long for the other system."
    ),
    "record.name_too_long.fix": Text("Kort ned navnet, og prøv på nytt.", "Shorten the name, then retry."),
    "record.unknown_currency.message": Text(
        "Valutaen finnes ikke i det andre systemet.", "The currency does not exist in the other system."
    ),
    "record.unknown_currency.fix": Text(
        "Legg til valutaen i det andre systemet, eller velg en annen på posten, og prøv på nytt.",
        "Add the currency in the other system, or choose another on the record, then retry.",
    ),
    "record.unknown_unit.message": Text(
        "Enheten finnes ikke i det andre systemet.", "The unit does not exist in the other system."
    ),
    "record.unknown_unit.fix": Text(
        "Opprett enheten (veiviseren kan gjøre det med ett klikk), og prøv på nytt.",
        "Create the unit (the wizard can do it in one click), then retry.",
    ),
    "record.unknown_country.message": Text(
        "Landet finnes ikke i det andre systemet.", "The country does not exist in the other system."
    ),
    "record.unknown_country.fix": Text(
        "Rett landet på posten til et land med landkode, og prøv på nytt.",
        "Correct the record's country to one with a country code, then retry.",
    ),
    "record.unreadable.message": Text(
        "Posten kunne ikke leses slik systemet leverte den.",
        "The record could not be read as the system sent it.",
    ),
    "record.unreadable.fix": Text(
        "Åpne posten, lagre den på nytt og prøv igjen; hjelper ikke det, kontakt oss.",
        "Open the record, save it again and retry; if that does not help, contact us.",
    ),
    "record.invalid_price.message": Text("Prisen kan ikke brukes.", "The price cannot be used."),
    "record.invalid_price.fix": Text(
        "Rett prisen (et tall, ikke negativt), og prøv på nytt.",
        "Correct the price (a number, not negative), then retry.",
    ),
    "record.not_found.message": Text(
        "Posten finnes ikke lenger i systemet den kom fra.",
        "The record no longer exists in the system it came from.",
    ),
    "record.not_found.fix": Text(
        "Ingenting å gjøre hvis den ble slettet med vilje; ellers opprett den igjen.",
        "Nothing to do if it was deleted on purpose; otherwise create it again.",
    ),
    "record.rejected.message": Text(
        "Det andre systemet avviste posten.", "The other system refused the record."
    ),
    "record.rejected.fix": Text(
        "Rett feltene som er nevnt i detaljene, og prøv på nytt.",
        "Correct the fields named in the detail, then retry.",
    ),
    "record.unknown_product_group.message": Text(
        "Varegruppen til produktet finnes ikke.", "The product's group does not exist."
    ),
    "record.unknown_product_group.fix": Text(
        "Velg en varegruppe som finnes på produktet i Rackbeat, og prøv på nytt.",
        "Choose an existing product group on the product in Rackbeat, then retry.",
    ),
    "record.unknown_vat_type.message": Text(
        "Tripletex har ingen aktiv MVA-kode for linjens sats.",
        "Tripletex has no active VAT type for the line's rate.",
    ),
    "record.unknown_vat_type.fix": Text(
        "Aktiver MVA-koden i Tripletex (Innstillinger > MVA-innstillinger), og prøv på nytt.",
        "Activate the VAT type in Tripletex (Settings > VAT settings), then retry.",
    ),
    "record.unknown_vat_zone.message": Text(
        "Kundens MVA-sone er ukjent.", "The customer's VAT zone is unknown."
    ),
    "record.unknown_vat_zone.fix": Text(
        "Velg en MVA-sone på kunden i Rackbeat, og prøv på nytt.",
        "Choose a VAT zone on the customer in Rackbeat, then retry.",
    ),
    "record.unknown_vat_rate.message": Text("MVA-satsen er ukjent.", "The VAT rate is unknown."),
    "record.unknown_vat_rate.fix": Text(
        "Rett MVA-satsen på varegruppen i Rackbeat, og prøv på nytt.",
        "Correct the VAT rate of the product group in Rackbeat, then retry.",
    ),
    "record.changed_after_sync.message": Text(
        "Fakturaen ble endret etter at den var ført i Tripletex.",
        "The invoice changed after it was entered in Tripletex.",
    ),
    "record.changed_after_sync.fix": Text(
        "En ført faktura endres ikke; lag en kreditnota i Rackbeat og en ny faktura.",
        "An entered invoice is not changed; make a credit note in Rackbeat and a new invoice.",
    ),
    "record.unknown_credited_invoice.message": Text(
        "Fakturaen som krediteres, finnes ikke i Tripletex.",
        "The credited invoice does not exist in Tripletex.",
    ),
    "record.unknown_credited_invoice.fix": Text(
        "Send den opprinnelige fakturaen først; kreditnotaen følger av seg selv.",
        "Send the original invoice first; the credit note follows by itself.",
    ),
    "record.not_booked.message": Text("Fakturaen er ikke bokført ennå.", "The invoice is not booked yet."),
    "record.not_booked.fix": Text(
        "Bokfør fakturaen i Rackbeat; den sendes da av seg selv.",
        "Book the invoice in Rackbeat; it is sent by itself then.",
    ),
    "record.no_lines.message": Text("Fakturaen har ingen linjer.", "The invoice has no lines."),
    "record.no_lines.fix": Text(
        "Legg til linjer på fakturaen, og prøv på nytt.", "Add lines to the invoice, then retry."
    ),
    "record.missing_date.message": Text("Fakturaen mangler dato.", "The invoice has no date."),
    "record.missing_date.fix": Text(
        "Gi fakturaen en dato, og prøv på nytt.", "Give the invoice a date, then retry."
    ),
    "record.missing_dependency.message": Text(
        "En post fakturaen trenger, er ikke synkronisert ennå.",
        "A record the invoice needs is not synced yet.",
    ),
    "record.missing_dependency.fix": Text(
        "Den synkroniseres først av seg selv; prøv på nytt om noen minutter.",
        "It is synced first by itself; retry in a few minutes.",
    ),
    "record.dependency_failed.message": Text(
        "Kunden eller et produkt på fakturaen kunne ikke synkroniseres.",
        "The invoice's customer or a product could not be synced.",
    ),
    "record.dependency_failed.fix": Text(
        "Rett den posten først (den står også i listen); fakturaen følger av seg selv.",
        "Fix that record first (it is in the list too); the invoice follows by itself.",
    ),
    "record.amounts_do_not_add_up.message": Text(
        "Beløpene på fakturaen går ikke opp.", "The invoice's amounts do not add up."
    ),
    "record.amounts_do_not_add_up.fix": Text(
        "Kontroller linjene og rabattene i Rackbeat, og prøv på nytt.",
        "Check the lines and discounts in Rackbeat, then retry.",
    ),
    "record.no_initial_import.message": Text(
        "Den første importen er ikke kjørt ennå.", "The initial import has not run yet."
    ),
    "record.no_initial_import.fix": Text(
        "Kjør den første importen i veiviseren; posten synkroniseres da av seg selv.",
        "Run the initial import in the wizard; the record then syncs by itself.",
    ),
    "record.bank_account.message": Text(
        "Tripletex-selskapet har ingen bankkonto registrert.",
        "The Tripletex company has no bank account registered.",
    ),
    "record.bank_account.fix": Text(
        "Registrer en bankkonto i Tripletex (Innstillinger > Selskap); fakturaene som venter, "
        "sendes da av seg selv.",
        "Register a bank account in Tripletex (Settings > Company); the waiting invoices are sent "
        "by themselves then.",
    ),
    "record.vat_types.message": Text(
        "Tripletex mangler MVA-koder som varegruppene bruker.",
        "Tripletex lacks VAT types the product groups use.",
    ),
    "record.vat_types.fix": Text(
        "Aktiver MVA-kodene i Tripletex (Innstillinger > MVA-innstillinger).",
        "Activate the VAT types in Tripletex (Settings > VAT settings).",
    ),
    "record.zone_vat_types.message": Text(
        "Tripletex mangler MVA-koder for kundenes MVA-soner.",
        "Tripletex lacks VAT types for the customers' VAT zones.",
    ),
    "record.zone_vat_types.fix": Text(
        "Aktiver MVA-kodene for utland og fritak i Tripletex (Innstillinger > MVA-innstillinger).",
        "Activate the VAT types for abroad and exempt sales in Tripletex (Settings > VAT settings).",
    ),
    "record.other.message": Text("Posten kunne ikke synkroniseres.", "The record could not be synced."),
    "record.other.fix": Text(
        "Se detaljene, rett posten og prøv på nytt.", "See the detail, correct the record, then retry."
    ),
}


@dataclass(frozen=True)
class FailureWords:
    entity: str
    message: str
    fix: str
    # What the sync wrote when the record failed: specific, in the other system's or our words.
    detail: str


def failure_words(
    reason: str, entity: str, message: str, fix: str, language: Language | None = None
) -> FailureWords:
    """A failed record's kind, cause and fix in `language`; a reason without words of its own
    gets the general sentence, and the specific words recorded stay as the detail."""
    known = f"record.{reason}.message" in i18n.CATALOGUE
    key = reason if known else "other"
    kind = (
        f"record.entity.{entity}" if f"record.entity.{entity}" in i18n.CATALOGUE else "record.entity.record"
    )
    return FailureWords(
        entity=text(kind, language),
        message=text(f"record.{key}.message", language),
        fix=text(f"record.{key}.fix", language),
        detail=" ".join(part for part in (message, fix) if part),
    )
