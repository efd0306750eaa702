"""The specific words of a record's failure (``RecordFailure.message`` and ``suggested_fix``), as the
sync writes them where the record fails: the field, the value and where to correct it.

They are written in the language current where the failure is made (the workers run a tenant's
work under its language) and stored so; a tenant that switches language later still reads the
failures it already had in the old one. A quoted answer of Rackbeat or Tripletex (``{details}``,
``{why}``) is that system's own words and stays as it came.

``about(what)`` gives the placeholders naming the record (``{the}``, ``{The}``, ``{noun}``,
``{Noun}``) in the current language, for the sentences that say which kind of record failed."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text, text

_NOUNS: dict[str, Text] = {
    # Indefinite (``failure.noun.*``) and definite (``failure.the.*``) forms.
    "customer": Text("kunde", "customer"),
    "supplier": Text("leverandør", "supplier"),
    "product": Text("produkt", "product"),
    "lot": Text("stykkliste", "bill of materials"),
    "bill_of_materials": Text("stykkliste", "bill of materials"),
    "invoice": Text("faktura", "invoice"),
    "employee": Text("ansatt", "employee"),
    "purchase_order": Text("innkjøpsordre", "purchase order"),
    "payment": Text("betaling", "payment"),
    "stock_value": Text("lagerverdi", "stock value"),
    "sales_price": Text("salgspris", "sales price"),
    "cost_price": Text("kostpris", "cost price"),
    "invoice_date": Text("fakturadato", "invoice date"),
    "due_date": Text("forfallsdato", "due date"),
}
_DEFINITE: dict[str, Text] = {
    "customer": Text("kunden", "the customer"),
    "supplier": Text("leverandøren", "the supplier"),
    "product": Text("produktet", "the product"),
    "lot": Text("stykklisten", "the bill of materials"),
    "bill_of_materials": Text("stykklisten", "the bill of materials"),
    "invoice": Text("fakturaen", "the invoice"),
    "employee": Text("den ansatte", "the employee"),
    "purchase_order": Text("innkjøpsordren", "the purchase order"),
    "payment": Text("betalingen", "the payment"),
    "stock_value": Text("lagerverdien", "the stock value"),
    "sales_price": Text("salgsprisen", "the sales price"),
    "cost_price": Text("kostprisen", "the cost price"),
    "invoice_date": Text("fakturadatoen", "the invoice date"),
    "due_date": Text("forfallsdatoen", "the due date"),
}

MESSAGES: dict[str, Text] = {
    **{f"failure.noun.{slug}": words for slug, words in _NOUNS.items()},
    **{f"failure.the.{slug}": words for slug, words in _DEFINITE.items()},
    # ----- Tripletex -> Rackbeat (the import and the ongoing streams) ------------------------------
    "failure.tx.missing_name.message": Text("{The} har ikke noe navn.", "{The} has no name."),
    "failure.tx.missing_name.fix": Text(
        "Gi {the} et navn i Tripletex, og prøv på nytt.", "Give {the} a name in Tripletex, then retry it."
    ),
    "failure.tx.name_too_long.message": Text(
        "Navnet på {the} er {length} tegn; Rackbeat tillater {limit}.",
        "The name of {the} is {length} characters; Rackbeat allows {limit}.",
    ),
    "failure.tx.name_too_long.fix": Text(
        "Kort ned navnet på {the} i Tripletex til høyst {limit} tegn, og prøv på nytt.",
        "Shorten the name of {the} in Tripletex to at most {limit} characters, then retry it.",
    ),
    "failure.tx.unknown_country.message": Text(
        "Adressen bruker Tripletex-land-id {country_id}, som ikke er i landlisten Tripletex ga "
        "integrasjonen for denne kjøringen.",
        "The address uses Tripletex country id {country_id}, which is not in the country list "
        "Tripletex gave the integration for this run.",
    ),
    "failure.tx.unknown_country.fix": Text(
        "Velg landet på adressen på nytt i Tripletex, og prøv posten igjen (da leses Tripletex' "
        "landliste på nytt).",
        "Choose the address's country again in Tripletex, then retry the record (a retry reads "
        "Tripletex's country list again).",
    ),
    "failure.tx.unknown_currency.message": Text(
        "Valutaen på {the} (Tripletex-id {currency_id}) er ikke en av selskapets valutaer.",
        "The currency of {the} (Tripletex id {currency_id}) is not one of the company's currencies.",
    ),
    "failure.tx.unknown_currency.fix": Text(
        "Velg en valuta selskapet bruker for {the} i Tripletex, og prøv på nytt.",
        "Choose a currency for {the} in Tripletex that the company uses, then retry it.",
    ),
    "failure.tx.product_no_number.message": Text(
        "Produktet har ikke noe produktnummer; Rackbeat kjenner igjen produkter på nummeret.",
        "The product has no product number; Rackbeat identifies products by number.",
    ),
    "failure.tx.product_no_number.fix": Text(
        "Gi produktet et produktnummer i Tripletex, og prøv på nytt.",
        "Give the product a product number in Tripletex, then retry it.",
    ),
    "failure.tx.product_number_too_long.message": Text(
        "Produktnummeret er {length} tegn; Rackbeat tillater {limit}.",
        "The product number is {length} characters; Rackbeat allows {limit}.",
    ),
    "failure.tx.product_number_too_long.fix": Text(
        "Kort ned produktnummeret i Tripletex til høyst {limit} tegn, og prøv på nytt.",
        "Shorten the product number in Tripletex to at most {limit} characters, then retry it.",
    ),
    "failure.tx.product_foreign_price.message": Text(
        "Produktet er priset i {currency}; Rackbeat har salgspriser i {base}.",
        "The product is priced in {currency}; Rackbeat keeps sales prices in {base}.",
    ),
    "failure.tx.product_foreign_price.fix": Text(
        "Pris produktet i {base} i Tripletex, og prøv på nytt.",
        "Price the product in {base} in Tripletex, then retry it.",
    ),
    "failure.tx.product_negative_price.message": Text(
        "Produktets {noun} ({value}) er negativ.", "The product's {noun} ({value}) is negative."
    ),
    "failure.tx.product_negative_price.fix": Text(
        "Rett produktets {noun} i Tripletex, og prøv på nytt.",
        "Correct the product's {noun} in Tripletex, then retry it.",
    ),
    "failure.tx.product_unit_id.message": Text(
        "Produktets enhet (Tripletex-id {unit_id}) er ikke en av selskapets enheter.",
        "The product's unit (Tripletex id {unit_id}) is not one of the company's units.",
    ),
    "failure.tx.product_unit_id.fix": Text(
        "Velg en av selskapets enheter for produktet i Tripletex, og prøv på nytt.",
        "Choose one of the company's units for the product in Tripletex, then retry it.",
    ),
    "failure.tx.product_unit_missing.message": Text(
        "Produktets enhet «{unit}» finnes ikke i Rackbeat.",
        "The product's unit '{unit}' does not exist in Rackbeat.",
    ),
    "failure.tx.product_unit_missing.fix": Text(
        "Opprett enheten «{unit}» i Rackbeat (Innstillinger > Enheter) eller bytt produktets enhet i "
        "Tripletex, og prøv produktet på nytt.",
        "Create the unit '{unit}' in Rackbeat (Settings > Units) or change the product's unit in "
        "Tripletex, then retry the product.",
    ),
    "failure.tx.contact_no_number.message": Text(
        "{The} har ikke noe {noun}nummer.", "{The} has no {noun} number."
    ),
    "failure.tx.contact_no_number.fix": Text(
        "Gi {the} et {noun}nummer i Tripletex, og prøv på nytt.",
        "Give {the} a {noun} number in Tripletex, then retry it.",
    ),
    "failure.tx.contact_number_too_small.message": Text(
        "{Noun}nummeret {number} er ikke tillatt i Rackbeat (numrene starter på 1).",
        "{Noun} number {number} is not allowed in Rackbeat (numbers start at 1).",
    ),
    "failure.tx.contact_number_too_small.fix": Text(
        "Gi {the} et {noun}nummer på 1 eller mer i Tripletex, og prøv på nytt.",
        "Give {the} a {noun} number of 1 or more in Tripletex, then retry it.",
    ),
    "failure.tx.unreadable.message": Text(
        "Tripletex svarte med {the} i en form integrasjonen ikke kan lese: {why}.",
        "Tripletex answered {the} in a form the integration cannot read: {why}.",
    ),
    "failure.tx.unreadable.fix": Text(
        "Rett feltene som er nevnt på {the} i Tripletex, og prøv på nytt; ser de riktige ut der, kontakt "
        "kundestøtte med denne meldingen.",
        "Correct the named fields of {the} in Tripletex, then retry it; if they look right there, "
        "contact support with this message.",
    ),
    "failure.tx.duplicate_number.message": Text(
        "En annen {noun} i Tripletex (id {owner}) har samme nummer {number}; Rackbeat krever unike numre.",
        "Another Tripletex {noun} (id {owner}) has the same number {number}; Rackbeat needs unique numbers.",
    ),
    "failure.tx.duplicate_number.fix": Text(
        "Gi en av de to et eget nummer i Tripletex, og prøv denne på nytt.",
        "Give one of the two a number of its own in Tripletex, then retry this one.",
    ),
    "failure.tx.rejected_currency.message": Text(
        "Rackbeat har ikke valutaen til {the} ({details}).",
        "Rackbeat does not have the currency of {the} ({details}).",
    ),
    "failure.tx.rejected_currency.fix": Text(
        "Legg valutaen til {the} til i Rackbeat-kontoen, eller bytt valuta på {the} i Tripletex, og prøv "
        "på nytt.",
        "Add the currency of {the} to the Rackbeat account, or change the currency of {the} in "
        "Tripletex, then retry it.",
    ),
    "failure.tx.rejected_unit.message": Text(
        "Rackbeat har ikke produktets enhet ({details}).",
        "Rackbeat does not have the product's unit ({details}).",
    ),
    "failure.tx.rejected_unit.fix": Text(
        "Opprett enheten i Rackbeat eller bytt produktets enhet i Tripletex, og prøv på nytt.",
        "Create the unit in Rackbeat or change the product's unit in Tripletex, then retry it.",
    ),
    "failure.tx.rejected.message": Text(
        "Rackbeat avviste {the}: {details}", "Rackbeat refused {the}: {details}"
    ),
    "failure.tx.no_number.message": Text(
        "{Noun} {key} i Tripletex har ikke noe nummer.", "{Noun} {key} in Tripletex has no number."
    ),
    "failure.tx.no_number.fix": Text(
        "Gi {the} et nummer i Tripletex; den synkroniseres da av seg selv.",
        "Give {the} a number in Tripletex; it syncs again on its own.",
    ),
    "failure.tx.no_initial_import.message": Text(
        "Tripletex -> Rackbeat trenger gruppene og betalingsbetingelsene fra førstegangsimporten.",
        "Tripletex -> Rackbeat needs the groups and payment terms of the initial import.",
    ),
    "failure.tx.no_initial_import.fix": Text(
        "Kjør førstegangsimporten i veiviseren først; posten synkroniseres da av seg selv.",
        "Run the initial import in the wizard first; the record then syncs by itself.",
    ),
    # ----- either direction ----------------------------------------------------------------------
    # What to do about an API's refusal (clients/errors.py), beside the API's own words.
    "failure.hint.api": Text(
        "Forespørselen til regnskaps- eller lagersystemet feilet. Prøv igjen senere.",
        "The request to the accounting/inventory system failed. Try again later.",
    ),
    "failure.hint.auth": Text(
        "Tilgangsnøkkelen ble avvist. Lag en ny nøkkel og koble til kontoen på nytt.",
        "The access token was rejected. Create a new token and link the account again.",
    ),
    "failure.hint.access": Text(
        "Nøkkelen har ikke tilgang til dette området. Gi integrasjonsbrukeren tilgangen som mangler.",
        "The token has no access to this area. Grant the missing access to the integration user.",
    ),
    "failure.hint.not_found": Text(
        "Posten finnes ikke lenger i det andre systemet; den kan ha blitt slettet der.",
        "The record no longer exists in the other system; it may have been deleted there.",
    ),
    "failure.hint.conflict": Text(
        "Posten ble endret av noen andre samtidig; den synkroniseres på nytt.",
        "The record was changed by someone else at the same time; it will be synced again.",
    ),
    "failure.hint.validation": Text(
        "Det andre systemet avviste postens data. Rett feltene som er nevnt i meldingen.",
        "The other system refused the record's data. Correct the fields named in the message.",
    ),
    "failure.hint.rate_limited": Text(
        "Det andre systemet har mye å gjøre (forespørselsgrense). Synkroniseringen fortsetter av seg "
        "selv senere.",
        "The other system is busy (rate limit). The sync continues automatically later.",
    ),
    "failure.hint.server_error": Text(
        "Det andre systemet hadde en intern feil. Synkroniseringen prøver igjen av seg selv.",
        "The other system had an internal error. The sync retries automatically.",
    ),
    "failure.hint.transport": Text(
        "Fikk ikke kontakt med det andre systemet. Synkroniseringen prøver igjen av seg selv.",
        "The other system could not be reached. The sync retries automatically.",
    ),
    "failure.hint.result_too_large": Text(
        "For mange poster passet til én lesing; synkroniseringen deler opp lesingen av seg selv.",
        "Too many records matched one read; the sync splits the read automatically.",
    ),
    "failure.stream.paused": Text(
        "En nøkkel sluttet å virke; integrasjonen står på pause til nye nøkler er lagt inn.",
        "A token stopped working; the tenant is paused until new tokens are entered.",
    ),
    "failure.stream.keeps_changing": Text(
        "{Noun} {key} endres hele tiden i Tripletex.", "{Noun} {key} keeps changing in Tripletex."
    ),
    "failure.stream.the_api": Text("Det andre systemet", "The API"),
    "failure.stream.list_refused": Text(
        "{api} avviste forespørselen om listen over poster ({error}). {hint}",
        "{api} refused the stream's list request ({error}). {hint}",
    ),
    "failure.unreadable.message": Text(
        "{api} kunne ikke lese {noun} {key}: {why}.", "{api} {noun} {key} could not be read: {why}."
    ),
    "failure.unreadable.fix": Text(
        "Rett feltet som er nevnt på {the} i {api}; det prøves igjen når posten endres, eller nå med "
        "Prøv igjen. Er verdien gyldig i {api}, meld fra til driftsansvarlig: integrasjonen kjenner "
        "den ikke ennå.",
        "Correct the named field on {the} in {api}; it is tried again when it changes, or now with "
        "Retry. If the value is valid in {api}, report it to the operator: the integration does not "
        "know it yet.",
    ),
    "failure.without_number": Text("(uten nummer)", "(without a number)"),
}


def about(what: str) -> dict[str, str]:
    """The placeholders naming a kind of record (``customer``, ``sales price``, ...) in the
    current language: ``{noun}``/``{Noun}`` and, with its article, ``{the}``/``{The}``."""
    slug = what.replace(" ", "_")
    noun = text(f"failure.noun.{slug}")
    the = text(f"failure.the.{slug}")
    return {"noun": noun, "Noun": noun[:1].upper() + noun[1:], "the": the, "The": the[:1].upper() + the[1:]}


def detail(key: str, what: str | None = None, /, **params: object) -> tuple[str, str]:
    """The message and the fix of ``failure.<key>`` in the current language."""
    # A sentence uses only some of the record's names; ``str.format`` ignores the others.
    named: dict[str, object] = {**(about(what) if what else {}), **params}
    return text(f"failure.{key}.message", **named), text(f"failure.{key}.fix", **named)
