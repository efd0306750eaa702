"""What the API answers when a request cannot go on (``onboarding.failures``, ``onboarding.api.errors``).

Keys: ``error.<what>``; ``error.vendor.<kind>`` for a Rackbeat or Tripletex call that failed."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "error.not_found": Text("Fant ikke integrasjonen.", "Tenant not found"),
    "error.link_invalid": Text(
        "Denne lenken virker ikke lenger: den er brukt, utløpt eller ble kopiert ufullstendig. Be om en ny.",
        "This link does not work any more: it was used already, it expired, or it was copied "
        "incompletely. Ask for a new one.",
    ),
    "error.step_up_sent.delete": Text(
        "For å slette integrasjonen åpner du bekreftelseslenken vi sendte til {address} innen "
        "{minutes} minutter, og velger så Slett her igjen.",
        "To delete the integration, open the confirmation link we sent to {address} within "
        "{minutes} minutes, then choose Delete again here.",
    ),
    "error.step_up_sent.credentials": Text(
        "For å bytte API-nøklene åpner du bekreftelseslenken vi sendte til {address} innen "
        "{minutes} minutter, og lagrer så nøklene her igjen.",
        "To replace the stored tokens, open the confirmation link we sent to {address} within "
        "{minutes} minutes, then save the tokens again here.",
    ),
    "error.step_up_sent.notification_email": Text(
        "For å endre varslingsadressen åpner du bekreftelseslenken vi sendte til {address} innen "
        "{minutes} minutter, og lagrer så innstillingene her igjen.",
        "To send alerts to another address, open the confirmation link we sent to {address} within "
        "{minutes} minutes, then save the settings again here.",
    ),
    "error.confirm_email_first": Text(
        "Bekreft e-postadressen din først: åpne lenken vi sendte til {address}. Ingen e-post? Be om en "
        "ny lenke på denne siden, og se i søppelposten også.",
        "Confirm your email address first: open the link we sent to {address}. No email? Ask for a new "
        "link on this page; check the spam folder too.",
    ),
    "error.other_account": Text(
        "Disse nøklene hører til en annen Rackbeat-konto eller et annet Tripletex-selskap enn det "
        "integrasjonen ble satt opp med, så ingenting ble lagret. For å koble til det andre lagrer du "
        "dem på nytt med \u00abkoble til på nytt\u00bb valgt: postene som allerede er koblet sammen, "
        "glemmes da og matches på nytt fra start.",
        "These tokens belong to a different Rackbeat account or Tripletex company than the one this "
        "integration was set up with, so nothing was saved. To connect the other one, save them again "
        "with \u201creconnect\u201d chosen: the records already paired are then forgotten and matched "
        "again from the start.",
    ),
    "error.needs_tokens": Text(
        "Legg inn API-nøklene til Rackbeat og Tripletex og la oss sjekke dem først "
        "(steget \u00abNøkler\u00bb).",
        "Enter your Rackbeat and Tripletex API tokens and let us check them first (step \u201cTokens\u201d).",
    ),
    "error.needs_settings": Text(
        "Velg hva som skal synkroniseres først (steget \u00abInnstillinger\u00bb).",
        "Choose what to synchronise first (step \u201cSettings\u201d).",
    ),
    "error.confirmation_used": Text(
        "Bekreftelsen ble brukt av en annen forespørsel; be om en ny.",
        "The confirmation was used by another request; ask for a new one.",
    ),
    "error.changed_meanwhile": Text(
        "Integrasjonen ble endret samtidig av en annen forespørsel; prøv igjen.",
        "The tenant was changed at the same time by another request; try again.",
    ),
    "error.too_many_emails": Text(
        "Det er sendt for mange e-poster til denne adressen eller for denne integrasjonen i det siste, "
        "så ingen ble sendt nå. Prøv igjen om {minutes} minutter.",
        "Too many emails went to this address or for this integration lately, so none was sent now. "
        "Try again in {minutes} minutes.",
    ),
    # A Rackbeat or Tripletex call that failed after the client's own retries.
    "error.vendor.busy": Text(
        "{system} har mye å gjøre; prøv igjen om et minutt.", "{system} is busy; try again in a minute."
    ),
    "error.vendor.down": Text(
        "{system} har problemer akkurat nå; prøv igjen om noen minutter.",
        "{system} has a problem right now; try again in a few minutes.",
    ),
    "error.vendor.unreachable": Text(
        "Fikk ikke kontakt med {system}; prøv igjen om noen minutter.",
        "{system} could not be reached; try again in a few minutes.",
    ),
    "error.vendor.auth.Rackbeat": Text(
        "Rackbeat godtar ikke lenger API-nøkkelen. Lag en ny i Rackbeat under Innstillinger \u2192 API "
        "og legg bare den inn i steget \u00abNøkler\u00bb.",
        "Rackbeat no longer accepts the API token. Create a new one in Rackbeat under Settings \u2192 "
        "API and enter only that one in the step \u201cTokens\u201d.",
    ),
    "error.vendor.auth.Tripletex": Text(
        "Tripletex godtar ikke lenger employee token (den er utløpt eller slettet). Lag en ny under "
        "navnet ditt \u2192 Min profil \u2192 API-tilgang i Tripletex og legg bare den inn i steget "
        "\u00abNøkler\u00bb.",
        "Tripletex no longer accepts the employee token (it expired or was deleted). Create a new one "
        "under your name \u2192 My profile \u2192 API access in Tripletex and enter only that one in "
        "the step \u201cTokens\u201d.",
    ),
    "error.vendor.access_denied": Text(
        "{system} nekter nøkkelen tilgang til denne delen. Gi nøkkelen tilgangen i {system} og prøv igjen.",
        "{system} denies the token access to this part. Grant the token that access in {system} and "
        "try again.",
    ),
    "error.vendor.refused": Text(
        "{system} avviste forespørselen: {reason}", "{system} refused the request: {reason}"
    ),
    "error.vendor.refused_plain": Text(
        "{system} avviste forespørselen. Prøv igjen senere.", "{system} refused the request. Try again later."
    ),
    "error.vendor.other_system": Text("Det andre systemet", "The other system"),
}
