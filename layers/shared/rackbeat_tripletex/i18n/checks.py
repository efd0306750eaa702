"""The token check: what each check is called, what it found and what to do (``onboarding.token_checks``).

Keys: ``check.label.<CheckId>`` for every check, ``check.<finding>`` for what a check says."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "check.label.rackbeat_token": Text("Rackbeat API-nøkkel", "Rackbeat API token"),
    "check.label.tripletex_session": Text("Tripletex-pålogging", "Tripletex session"),
    "check.label.tripletex_company": Text("Tripletex-selskap", "Tripletex company"),
    "check.label.tripletex_access_customer": Text(
        "Tripletex-tilgang til kunder", "Tripletex access to customers"
    ),
    "check.label.tripletex_access_supplier": Text(
        "Tripletex-tilgang til leverandører", "Tripletex access to suppliers"
    ),
    "check.label.tripletex_access_product": Text(
        "Tripletex-tilgang til produkter", "Tripletex access to products"
    ),
    "check.label.tripletex_access_invoice": Text(
        "Tripletex-tilgang til kundefakturaer", "Tripletex access to customer invoices"
    ),
    "check.label.tripletex_environment": Text("Tripletex-miljø", "Tripletex environment"),
    "check.label.tripletex_bank_account": Text("Bankkonto for fakturaer", "Bank account for invoices"),
    "check.label.tripletex_vat_types": Text("MVA-koder", "VAT types"),
    "check.label.tripletex_ehf": Text("EHF-fakturaer", "EHF invoices"),
    # What each access check is about, inside a sentence.
    "check.area.customer": Text("kunder", "customers"),
    "check.area.supplier": Text("leverandører", "suppliers"),
    "check.area.product": Text("produkter", "products"),
    "check.area.invoice": Text("kundefakturaer", "customer invoices"),
    # Rackbeat
    "check.rackbeat.ok": Text(
        "Rackbeat-kontoen \u00ab{company}\u00bb.", "Rackbeat account \u201c{company}\u201d."
    ),
    "check.rackbeat.refused": Text(
        "Rackbeat godtok ikke API-nøkkelen.", "Rackbeat did not accept the API token."
    ),
    "check.rackbeat.refused_fix": Text(
        "Lag en ny nøkkel i Rackbeat under Innstillinger \u2192 API og lim inn hele (den er lang; kopier "
        "den i ett stykke, uten mellomrom eller linjeskift).",
        "Create a new token in Rackbeat under Settings \u2192 API and paste all of it (it is long; copy "
        "it in one go, without spaces or line breaks).",
    ),
    # A token that stopped working while synchronising (the relink email names it).
    "check.dead.rackbeat": Text(
        "Rackbeat avviste API-nøkkelen under synkroniseringen.",
        "Rackbeat rejected the API token while synchronising.",
    ),
    "check.dead.tripletex": Text(
        "Tripletex avviste employee token under synkroniseringen.",
        "Tripletex rejected the employee token while synchronising.",
    ),
    # Tripletex session
    "check.session.ok": Text("Pålogging opprettet.", "Session created."),
    "check.session.consumer_refused": Text(
        "Tripletex godtok ikke consumer token.", "Tripletex did not accept the consumer token."
    ),
    "check.session.consumer_fix": Text(
        "Lim inn consumer token du fikk sammen med integrasjonen på nytt, nøyaktig slik du fikk den.",
        "Paste the consumer token you were given with the integration again, exactly as given.",
    ),
    "check.session.employee_refused": Text(
        "Tripletex godtok ikke employee token.", "Tripletex did not accept the employee token."
    ),
    "check.session.employee_fix": Text(
        "Åpne navnet ditt \u2192 Min profil \u2192 API-tilgang i Tripletex, lag en ny nøkkel for "
        "applikasjonen \u00abRackbeat WMS\u00bb og lim den inn.",
        "In Tripletex open your name \u2192 My profile \u2192 API access, create a new token for the "
        "application \u201cRackbeat WMS\u201d and paste it.",
    ),
    "check.session.swapped": Text(
        "Consumer token og employee token er byttet om.",
        "The consumer token and the employee token are swapped.",
    ),
    "check.session.swapped_fix": Text(
        "Lim inn consumer token i feltet for consumer token og employee token i feltet for employee "
        "token; nøklene er ellers i orden.",
        "Put the consumer token in the consumer token field and the employee token in the employee "
        "token field; the tokens themselves are fine.",
    ),
    "check.session.refused": Text("Tripletex godtok ikke nøklene.", "Tripletex did not accept the tokens."),
    "check.session.refused_fix": Text(
        "Sjekk at tillegget \u00abAPI 2.0\u00bb er bestilt under Selskap \u2192 Mitt abonnement, og lag en "
        "ny employee token under Min profil \u2192 API-tilgang.",
        "Check that the \u201cAPI 2.0\u201d add-on is ordered under Company \u2192 My subscription, and "
        "create a new employee token under My profile \u2192 API access.",
    ),
    # Tripletex company
    "check.company.ok": Text(
        "Tripletex-selskapet \u00ab{company}\u00bb.", "Tripletex company \u201c{company}\u201d."
    ),
    "check.company.unknown": Text(
        "Tripletex sa ikke hvilket selskap nøkkelen hører til.",
        "Tripletex did not say which company the token belongs to.",
    ),
    "check.company.unknown_fix": Text(
        "Lag employee token mens du er logget inn i selskapet du vil koble til.",
        "Create the employee token while logged in to the company you want to connect.",
    ),
    # Tripletex access per area
    "check.access.ok": Text("Kan lese og endre {area}.", "Can read and write {area}."),
    "check.access.denied": Text(
        "Tripletex-nøkkelen har ikke tilgang til {area}.", "The Tripletex token has no access to {area}."
    ),
    "check.access.denied_fix": Text(
        "Endre nøkkelen i Tripletex \u2192 navnet ditt \u2192 Min profil \u2192 API-tilgang, gi tilgang "
        "til {area} og sjekk på nytt.",
        "Edit the token in Tripletex \u2192 your name \u2192 My profile \u2192 API access, grant access "
        "to {area}, and check again.",
    ),
    "check.access.read_only": Text(
        "Tripletex-nøkkelen kan lese {area}, men ikke endre dem.",
        "The Tripletex token can read {area} but not change them.",
    ),
    "check.access.read_only_fix": Text(
        "Endre nøkkelen i Tripletex \u2192 navnet ditt \u2192 Min profil \u2192 API-tilgang, gi lese- og "
        "skrivetilgang til {area} og sjekk på nytt.",
        "Edit the token in Tripletex \u2192 your name \u2192 My profile \u2192 API access, grant read "
        "and write access to {area}, and check again.",
    ),
    "check.access.unconfirmed": Text(
        "Fikk ikke bekreftet at Tripletex-nøkkelen kan endre {area}.",
        "Could not confirm that the Tripletex token may change {area}.",
    ),
    "check.access.unconfirmed_fix": Text(
        "Sjekk nøkkelens API-tilgang i Tripletex, og sjekk på nytt.",
        "Check the token's API access in Tripletex, then check again.",
    ),
    # Company setup for invoicing (advisory)
    "check.bank.unknown": Text(
        "Fikk ikke sjekket selskapets bankkonto; Tripletex sier fra ved første faktura om den mangler, "
        "og synkroniseringen melder det én gang.",
        "Could not check the company's bank account; Tripletex will say so on the first invoice if it "
        "is missing, and the sync reports it once.",
    ),
    "check.bank.ok": Text(
        "Selskapet har registrert bankkonto: Tripletex kan lage fakturaer.",
        "The company has a bank account registered: Tripletex can issue invoices.",
    ),
    "check.bank.missing": Text(
        "Tripletex-selskapet har ingen bankkonto registrert, så Tripletex avviser alle fakturaer.",
        "The Tripletex company has no bank account registered, so Tripletex refuses every invoice.",
    ),
    "check.bank.missing_fix": Text(
        "Registrer en bankkonto i Tripletex (Innstillinger > Selskap > Kontonummer, eller kontonummeret "
        "på konto 1920). Fakturaene som venter, går til Tripletex ved neste synkronisering av seg selv.",
        "Register a bank account in Tripletex (Settings > Company > Bank account number, or the account "
        "number on ledger account 1920). The waiting invoices go to Tripletex with the next sync by "
        "themselves.",
    ),
    "check.vat.ok": Text(
        "Alle MVA-satsene i varegruppene i Rackbeat har en aktiv utgående MVA-kode i Tripletex.",
        "Every VAT rate of the Rackbeat product groups has an active outgoing VAT type in Tripletex.",
    ),
    "check.vat.missing": Text(
        "Tripletex har ingen aktiv utgående MVA-kode for {rates}.",
        "Tripletex has no active outgoing VAT type for {rates}.",
    ),
    "check.vat.missing_fix": Text(
        "Aktiver MVA-kodene i Tripletex (Innstillinger > MVA-innstillinger), eller rett MVA-satsene på "
        "varegruppene i Rackbeat; fakturaer med slike linjer feiler inntil da.",
        "Activate the VAT types in Tripletex (Settings > VAT settings), or correct the product groups' "
        "VAT rates in Rackbeat; invoices with such lines fail until then.",
    ),
    "check.ehf.ok": Text(
        "Tripletex-selskapet kan sende EHF: kunder med gyldig organisasjonsnummer og adresse får "
        "EHF-fakturaer.",
        "The Tripletex company can send EHF: customers with a valid organization number and address "
        "get EHF invoices.",
    ),
    "check.ehf.cannot": Text(
        "Tripletex-selskapet kan ikke sende EHF-fakturaer, så kundene får fakturaene på e-post (eller "
        "på papir når de ikke har e-postadresse).",
        "The Tripletex company cannot send EHF invoices, so customers get their invoices by e-mail (or "
        "on paper when they have no e-mail address).",
    ),
    "check.ehf.unknown": Text(
        "Fikk ikke lest selskapets sendetyper; EHF brukes der kundens data tillater det, slik Tripletex "
        "gjør som standard.",
        "Could not read the company's send types; EHF is used where the customer's data allows it, as "
        "Tripletex does by default.",
    ),
    # Tripletex environment
    "check.environment.ok_production": Text(
        "Nøklene passer til Tripletex' produksjonsmiljø.", "Tokens match Tripletex's production environment."
    ),
    "check.environment.ok_test": Text(
        "Nøklene passer til Tripletex' testmiljø.", "Tokens match Tripletex's test environment."
    ),
    "check.environment.test_token": Text(
        "En nøkkel fra Tripletex' testmiljø ble lagt inn (den begynner med \u00abtest-\u00bb).",
        "A token from Tripletex's test environment was entered (it starts with \u201ctest-\u201d).",
    ),
    "check.environment.test_token_fix": Text(
        "Tjenesten jobber mot ditt ekte Tripletex-selskap. Lag employee token i tripletex.no (ikke i "
        "testmiljøet, api-test.tripletex.tech) og bruk consumer token for produksjon.",
        "This service works with your real Tripletex company. Create the employee token in "
        "tripletex.no (not in the test environment, api-test.tripletex.tech) and use the production "
        "consumer token.",
    ),
    "check.environment.production_token": Text(
        "En produksjonsnøkkel ble lagt inn, men tjenesten bruker Tripletex' testmiljø.",
        "A production token was entered, but this service uses Tripletex's test environment.",
    ),
    "check.environment.production_token_fix": Text(
        "Lag nøklene i Tripletex' testmiljø (api-test.tripletex.tech); de begynner med \u00abtest-\u00bb.",
        "Create the tokens in Tripletex's test environment (api-test.tripletex.tech); they start with "
        "\u201ctest-\u201d.",
    ),
    # A system that could not be asked
    "check.unreachable.refused": Text("{system} avviste forespørselen.", "{system} refused the request."),
    "check.unreachable.refused_fix": Text(
        "Nøkkelen har ikke tilgang til denne delen av {system}; gi tilgang og sjekk på nytt.",
        "The token has no access to this part of {system}; grant it and check again.",
    ),
    "check.unreachable.down": Text(
        "{system} svarte ikke eller svarte med en feil.",
        "{system} could not be reached or answered with an error.",
    ),
    "check.unreachable.down_fix": Text(
        "{system} ser ut til å ha problemer akkurat nå. Vent noen minutter og sjekk på nytt.",
        "{system} seems to have a problem right now. Wait a few minutes and check again.",
    ),
    "check.system.either": Text("Rackbeat eller Tripletex", "Rackbeat or Tripletex"),
    # Checks not run because an earlier one failed: no fix of their own.
    "check.skipped.environment": Text(
        "Ikke sjekket: nøkkelen er for det andre Tripletex-miljøet.",
        "Not checked: the token is for the other Tripletex environment.",
    ),
    "check.skipped.no_session": Text(
        "Ikke sjekket: ingen pålogging i Tripletex.", "Not checked: no Tripletex session."
    ),
    "check.skipped.unreachable": Text(
        "Ikke sjekket: fikk ikke kontakt med Tripletex.", "Not checked: Tripletex could not be reached."
    ),
    # The answer to a token check that failed: the causes, first failed first.
    "check.outcome.failed": Text("Ingenting ble lagret. {causes}", "Nothing was saved. {causes}"),
}
