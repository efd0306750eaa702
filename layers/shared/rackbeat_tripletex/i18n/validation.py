"""Why a request body was refused, per field (``onboarding.validation``).

Keys: ``validation.<pydantic error type>`` with the error's ``ctx`` values as placeholders, for
every type a body of ours can produce, and the types our own validators raise
(``PydanticCustomError``). A type without a key gets ``validation.other``."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "validation.summary": Text(
        "Forespørselen ble ikke godtatt. {problems}", "The request was not accepted. {problems}"
    ),
    "validation.other": Text("har en verdi som ikke kan brukes", "has a value that cannot be used"),
    "validation.json_invalid": Text(
        "Innholdet i forespørselen er ikke gyldig JSON. Se etter et manglende anførselstegn, komma "
        "eller klammeparentes.",
        "The request body is not valid JSON. Check for a missing quote, comma or brace.",
    ),
    "validation.body_not_utf8": Text(
        "Innholdet i forespørselen er ikke UTF-8-tekst. Send JSON kodet som UTF-8.",
        "The request body is not UTF-8 text. Send JSON encoded as UTF-8.",
    ),
    "validation.too_large": Text(
        "Forespørselen er større enn {kilobytes} KB. Send bare feltene denne adressen forventer.",
        "The request body is larger than {kilobytes} KB. Send only the fields this route expects.",
    ),
    "validation.too_deep": Text(
        "Innholdet i forespørselen har objekter eller lister nøstet dypere enn {depth} nivåer.",
        "The request body nests objects or lists deeper than {depth} levels.",
    ),
    "validation.number_too_large": Text(
        "Innholdet i forespørselen har et tall som er for stort for noe felt.",
        "The request body holds a number too large for any field.",
    ),
    "validation.missing": Text("må fylles ut", "is required"),
    "validation.extra_forbidden": Text(
        "er ikke et felt i denne forespørselen; fjern det", "is not a field of this request; remove it"
    ),
    "validation.string_type": Text("må være tekst", "must be text"),
    "validation.string_too_short": Text(
        "må ha minst {min_length} tegn", "must have at least {min_length} characters"
    ),
    "validation.string_too_long": Text(
        "kan ha høyst {max_length} tegn", "may have at most {max_length} characters"
    ),
    "validation.string_pattern_mismatch": Text("har feil form", "is not in the expected form"),
    "validation.too_short": Text("må ha minst {min_length} valg", "must have at least {min_length} entries"),
    "validation.too_long": Text("kan ha høyst {max_length} valg", "may have at most {max_length} entries"),
    "validation.bool_type": Text("må være sann eller usann", "must be true or false"),
    "validation.bool_parsing": Text("må være sann eller usann", "must be true or false"),
    "validation.int_type": Text("må være et heltall", "must be a whole number"),
    "validation.int_parsing": Text("må være et heltall", "must be a whole number"),
    "validation.int_from_float": Text("må være et heltall", "must be a whole number"),
    "validation.float_type": Text("må være et tall", "must be a number"),
    "validation.float_parsing": Text("må være et tall", "must be a number"),
    "validation.decimal_type": Text("må være et tall", "must be a number"),
    "validation.decimal_parsing": Text("må være et tall", "must be a number"),
    "validation.greater_than": Text("må være større enn {gt}", "must be greater than {gt}"),
    "validation.greater_than_equal": Text("må være minst {ge}", "must be at least {ge}"),
    "validation.less_than": Text("må være mindre enn {lt}", "must be less than {lt}"),
    "validation.less_than_equal": Text("kan være høyst {le}", "may be at most {le}"),
    "validation.enum": Text("må være en av {expected}", "must be one of {expected}"),
    "validation.literal_error": Text("må være {expected}", "must be {expected}"),
    "validation.model_attributes_type": Text("må være et JSON-objekt", "must be a JSON object"),
    "validation.model_type": Text("må være et JSON-objekt", "must be a JSON object"),
    "validation.dict_type": Text("må være et JSON-objekt", "must be a JSON object"),
    "validation.list_type": Text("må være en liste", "must be a list"),
    "validation.date_type": Text("må være en dato (ÅÅÅÅ-MM-DD)", "must be a date (YYYY-MM-DD)"),
    "validation.date_parsing": Text("må være en dato (ÅÅÅÅ-MM-DD)", "must be a date (YYYY-MM-DD)"),
    "validation.date_from_datetime_parsing": Text(
        "må være en dato (ÅÅÅÅ-MM-DD)", "must be a date (YYYY-MM-DD)"
    ),
    "validation.datetime_parsing": Text(
        "må være et tidspunkt (ÅÅÅÅ-MM-DDTtt:mm:ss)", "must be a date and time (YYYY-MM-DDThh:mm:ss)"
    ),
    "validation.union_tag_invalid": Text("har en ukjent type", "has an unknown kind"),
    "validation.union_tag_not_found": Text("mangler typen sin", "lacks its kind"),
    # Our own validators (PydanticCustomError types).
    "validation.email_address": Text(
        "er ikke en e-postadresse (forventet navn@firma.no)",
        "is not an email address (expected name@company.no)",
    ),
    "validation.control_characters": Text(
        "kan ikke inneholde linjeskift, tabulatorer eller usynlige kontrolltegn",
        "may not contain line breaks, tabs or invisible control characters",
    ),
    "validation.token_characters": Text(
        "kan bare inneholde bokstaver, sifre og tegn (ingen mellomrom, linjeskift eller bokstaver som "
        "æ, ø, å): kopier nøkkelen på nytt fra systemet som laget den",
        "may contain only letters, digits and symbols (no spaces, line breaks or letters like æ, ø, å): "
        "copy the token again from the system that issued it",
    ),
    "validation.retry_choice": Text(
        'send enten "all": true eller en liste "keys" som ikke er tom, ikke begge',
        'send either "all": true or a non-empty "keys" list, not both',
    ),
    "validation.resend_choice": Text(
        'send enten "gap_ids" eller både "date_from" og "date_to", ikke begge',
        'send either "gap_ids" or both "date_from" and "date_to", not both',
    ),
    "validation.reconciliation_range": Text(
        "fra-datoen kan ikke være etter til-datoen, og perioden kan være høyst {days} dager",
        "the from date may not be after the to date, and the range may be at most {days} days",
    ),
}
