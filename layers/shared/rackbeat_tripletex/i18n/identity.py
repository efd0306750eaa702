"""Who is calling: what the sign-in, verification and confirmation routes answer
(``onboarding.api.identity``, ``onboarding.access``).

Keys: ``identity.<what>``, and ``identity.confirmed.<StepUpAction>`` for every action."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "identity.verified": Text(
        "E-postadressen din er bekreftet. Fortsett oppsettet av integrasjonen.",
        "Your email address is confirmed. Continue setting up the integration.",
    ),
    "identity.verification_sent": Text(
        "En ny bekreftelseslenke ble sendt til {address}. Den virker én gang, i én time.",
        "A new confirmation link was sent to {address}. It works once, for one hour.",
    ),
    "identity.already_verified": Text(
        "Denne e-postadressen er allerede bekreftet.", "This email address is confirmed already."
    ),
    "identity.signed_out": Text(
        "Du er logget ut. For å komme tilbake ber du om en innloggingslenke på startsiden.",
        "Signed out. To come back, ask for a sign-in link on the start page.",
    ),
    "identity.sign_in_requested": Text(
        "Hvis en integrasjon bruker denne adressen, er en innloggingslenke på vei dit. Den virker én "
        "gang, i {minutes} minutter; se i søppelposten også.",
        "If an integration uses this address, a sign-in link is on its way to it. It works once, for "
        "{minutes} minutes; check the spam folder too.",
    ),
    "identity.confirmed.delete": Text(
        "Bekreftet. Gå tilbake til siden der du ba om det, og velg Slett igjen.",
        "Confirmed. Go back to the page where you asked and choose Delete again.",
    ),
    "identity.confirmed.credentials": Text(
        "Bekreftet. Gå tilbake til siden der du la inn nøklene, og lagre dem igjen.",
        "Confirmed. Go back to the page where you entered the tokens and save them again.",
    ),
    "identity.confirmed.notification_email": Text(
        "Bekreftet. Gå tilbake til siden der du endret varslingsadressen, og lagre innstillingene igjen.",
        "Confirmed. Go back to the page where you changed the alert address and save the settings again.",
    ),
}
