"""What the server tells the wizard and the cockpit: where setup stands, what blocks a step,
the payment-term mapping, the cockpit's status lines and the names of run triggers."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    # -- setup --------------------------------------------------------------------------------
    "wizard.no_streams": Text(
        "Velg minst én ting som skal synkroniseres. Uten noe valgt ville integrasjonen ikke gjort noe.",
        "Choose at least one thing to synchronise. With nothing chosen the integration would do nothing.",
    ),
    "wizard.account_taken.rackbeat": Text(
        "Denne Rackbeat-kontoen er allerede koblet til en integrasjon, så ingenting ble lagret. "
        "Er det deres? Bruk «Allerede satt opp?» på første side: vi sender en innloggingslenke "
        "til kontaktpersonen for den integrasjonen.",
        "This Rackbeat account is already connected to an integration, so nothing was saved. "
        "Is it yours? Use \u201cAlready set up?\u201d on the first page: we email a sign-in link "
        "to that integration's contact.",
    ),
    "wizard.account_taken.tripletex": Text(
        "Dette Tripletex-selskapet er allerede koblet til en integrasjon, så ingenting ble lagret. "
        "Er det deres? Bruk «Allerede satt opp?» på første side: vi sender en innloggingslenke "
        "til kontaktpersonen for den integrasjonen.",
        "This Tripletex company is already connected to an integration, so nothing was saved. "
        "Is it yours? Use \u201cAlready set up?\u201d on the first page: we email a sign-in link "
        "to that integration's contact.",
    ),
    "wizard.company_mismatch": Text(
        "Dere skrev firmanavnet «{company}», men nøklene hører til «{accounts}». Er det riktig firma? "
        "Hvis ikke, legg inn nøklene til «{company}».",
        "You entered the company name \u201c{company}\u201d, but the tokens belong to "
        "\u201c{accounts}\u201d. Is that the right company? "
        "If not, enter the tokens of \u201c{company}\u201d.",
    ),
    "wizard.email_verified_continue": Text(
        "E-postadressen er bekreftet. Du fortsetter oppsettet der du slapp.",
        "Your email address is confirmed. You continue the setup where you left it.",
    ),
    "wizard.step_unknown": Text(
        "Dette steget finnes ikke i oppsettet.",
        "There is no such step in the setup.",
    ),
    "wizard.token_unknown": Text(
        "Legg inn nøkkelen som ikke virker: Rackbeat API-nøkkel, Tripletex consumer token eller "
        "Tripletex employee token.",
        "Enter the token that does not work: the Rackbeat API token, the Tripletex consumer token "
        "or the Tripletex employee token.",
    ),
    # -- payment terms ---------------------------------------------------------------------
    "wizard.terms.matched": Text(
        "{customers} kunder med {days} dagers betalingsfrist får «{term}» i Rackbeat.",
        "{customers} customers with {days} days to pay get \u201c{term}\u201d in Rackbeat.",
    ),
    "wizard.terms.matched_one": Text(
        "Den ene kunden med {days} dagers betalingsfrist får «{term}» i Rackbeat.",
        "The one customer with {days} days to pay gets \u201c{term}\u201d in Rackbeat.",
    ),
    "wizard.terms.unmatched_one": Text(
        "Den ene kunden med {days} dagers betalingsfrist: Rackbeat har ingen betingelse med {days} dager, "
        "så den får «{term}». Velg en annen, eller lag «Netto {days} dager» i Rackbeat.",
        "The one customer with {days} days to pay: Rackbeat has no term of {days} days, so it gets "
        "\u201c{term}\u201d. Choose another, or create \u201cNet {days} days\u201d in Rackbeat.",
    ),
    "wizard.terms.unmatched": Text(
        "{customers} kunder med {days} dagers betalingsfrist: Rackbeat har ingen betingelse med "
        "{days} dager, så de får «{term}». Velg en annen, eller lag «Netto {days} dager» i Rackbeat.",
        "{customers} customers with {days} days to pay: Rackbeat has no term of {days} days, so "
        "they get \u201c{term}\u201d. Choose another, or create \u201cNet {days} days\u201d in Rackbeat.",
    ),
    # -- cockpit ---------------------------------------------------------------------------
    "cockpit.status.active": Text("Integrasjonen kjører.", "The integration is running."),
    "cockpit.status.onboarding": Text(
        "Oppsettet er ikke ferdig: ingenting synkroniseres ennå.",
        "The setup is not finished: nothing is synchronised yet.",
    ),
    "cockpit.status.paused": Text("Synkroniseringen er satt på pause.", "Synchronisation is paused."),
    "cockpit.status.needs_relink": Text(
        "Synkroniseringen er satt på pause fordi {token} ikke virker lenger. Legg inn en ny, så "
        "fortsetter den der den stoppet.",
        "Synchronisation is paused because {token} no longer works. Enter a new one and it "
        "continues where it stopped.",
    ),
    "cockpit.status.needs_relink_unknown": Text(
        "Synkroniseringen er satt på pause fordi nøklene ikke virker lenger. Legg inn nye nøkler.",
        "Synchronisation is paused because the tokens no longer work. Enter new tokens.",
    ),
    "cockpit.token.rackbeat_api_token": Text("Rackbeat API-nøkkelen", "the Rackbeat API token"),
    "cockpit.token.tripletex_consumer_token": Text(
        "consumer-nøkkelen fra Tripletex", "the Tripletex consumer token"
    ),
    "cockpit.token.tripletex_employee_token": Text(
        "ansattnøkkelen fra Tripletex", "the Tripletex employee token"
    ),
    "cockpit.trigger.webhook": Text("straks (webhook)", "at once (webhook)"),
    "cockpit.trigger.schedule": Text("planlagt", "scheduled"),
    "cockpit.trigger.reconcile": Text("avstemming", "reconciliation"),
    "cockpit.webhook.registered": Text("registrert", "registered"),
    "cockpit.webhook.refused": Text("avvist av Rackbeat", "refused by Rackbeat"),
    "cockpit.webhook.failed": Text("kunne ikke registreres", "could not be registered"),
    "cockpit.webhook.not_registered": Text("ikke registrert", "not registered"),
}
