"""Issue 15's item streams: bills of materials, deactivation, employees in the initial import.

Stream keys as in ``streams.py``; ``lot.*`` are the bill-of-materials failures (``message`` with
the BOM's number, ``fix``); ``deactivation.*`` what a link and the history say about a record
deleted on one side; ``employees.*`` the optional import step's outcomes."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "stream.lots_to_tripletex.label": Text("Stykklister", "Bills of materials"),
    "stream.lots_to_tripletex.explain": Text(
        "Nye og endrede stykklister i Rackbeat opprettes og oppdateres som produkter i Tripletex.",
        "New and changed bills of materials in Rackbeat are created and updated as products in Tripletex.",
    ),
    "lot.no_number.message": Text(
        "Stykklisten {number} har ikke noe nummer.", "The bill of materials {number} has no number."
    ),
    "lot.no_number.fix": Text(
        "Gi stykklisten et nummer i Rackbeat; den synkroniseres på nytt av seg selv.",
        "Give the bill of materials a number in Rackbeat; it syncs again on its own.",
    ),
    "lot.no_group.message": Text(
        "Stykkliste {number} har ingen varegruppe, så momstypen er ukjent.",
        "Bill of materials {number} has no product group, so its VAT type is unknown.",
    ),
    "lot.no_group.fix": Text(
        "Legg stykklisten i en varegruppe i Rackbeat, og prøv den igjen.",
        "Put the bill of materials in a product group in Rackbeat, then retry it.",
    ),
    "lot.no_price.message": Text(
        "Stykkliste {number} har ingen salgspris.",
        "Bill of materials {number} has no sales price.",
    ),
    "lot.no_price.fix": Text(
        "Sett en salgspris på stykklisten i Rackbeat; den synkroniseres på nytt av seg selv.",
        "Set a sales price on the bill of materials in Rackbeat; it syncs again on its own.",
    ),
    "deactivation.deleted_in_rackbeat": Text(
        "Slettet i Rackbeat {at}; satt inaktiv i Tripletex (ikke slettet).",
        "Deleted in Rackbeat {at}; made inactive in Tripletex (not deleted).",
    ),
    "deactivation.deleted_in_tripletex": Text(
        "Slettet i Tripletex {at}; sperret i Rackbeat (ikke slettet).",
        "Deleted in Tripletex {at}; barred in Rackbeat (not deleted).",
    ),
    "record.entity.lot": Text("Stykkliste", "Bill of materials"),
    "record.entity.employee": Text("Ansatt", "Employee"),
    "record.possible_duplicate.message": Text(
        "En medarbeider med samme navn finnes allerede i Rackbeat, og ingen e-post skiller dem.",
        "An employee with the same name already exists in Rackbeat, and no e-mail tells them apart.",
    ),
    "record.possible_duplicate.fix": Text(
        "Sjekk at det er samme person; ellers opprett medarbeideren i Rackbeat selv.",
        "Check that it is the same person; otherwise create the employee in Rackbeat yourself.",
    ),
    "employees.label": Text("Ansatte", "Employees"),
    "employees.explain": Text(
        "Ansatte i Tripletex opprettes som medarbeidere i Rackbeat én gang, uten duplikater på e-post. "
        "De får ingen innlogging eller invitasjon.",
        "Tripletex employees are created once as Rackbeat employees, without duplicates by email. "
        "They get no login and no invitation.",
    ),
    "employees.possible_duplicate": Text(
        "{name} har ingen e-post, og en medarbeider med samme navn finnes i Rackbeat; ikke opprettet.",
        "{name} has no email and an employee with the same name exists in Rackbeat; not created.",
    ),
    "employees.possible_duplicate.fix": Text(
        "Sjekk at det er samme person; ellers opprett medarbeideren i Rackbeat selv.",
        "Check that it is the same person; otherwise create the employee in Rackbeat yourself.",
    ),
    "employees.no_name.message": Text("Den ansatte har ikke noe navn.", "The employee has no name."),
    "employees.no_name.fix": Text(
        "Gi den ansatte et navn i Tripletex, eller opprett medarbeideren i Rackbeat selv.",
        "Give the employee a name in Tripletex, or create the employee in Rackbeat yourself.",
    ),
    "employees.unavailable.fix": Text(
        "Gi API-nøkkelen tilgang til ansatte i Tripletex og start importen av ansatte på nytt, "
        "eller opprett medarbeiderne i Rackbeat selv.",
        "Give the API token access to employees in Tripletex and run the employee import again, "
        "or create the employees in Rackbeat yourself.",
    ),
    "employees.unavailable": Text(
        "Tripletex-nøkkelen gir ikke tilgang til ansatte, så ingen ansatte ble hentet.",
        "The Tripletex token has no access to employees, so no employees were imported.",
    ),
}
