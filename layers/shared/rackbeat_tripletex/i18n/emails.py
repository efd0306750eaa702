"""Every email the service sends (``notify.messages``): subject and body per kind, and the lines
that go into a body's lists.

Keys: ``email.<EmailKind>.subject`` and ``email.<EmailKind>.body`` for every kind. Subjects are
fixed texts: nothing a user typed ever goes into one (``notify.messages`` says why)."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

_KEEP_THE_LINK = Text(
    "Ta vare på denne e-posten: alle som har lenken, kan endre innstillingene for integrasjonen. "
    "Kommer den på avveie, åpner du den og velger \u00abLag en ny lenke\u00bb.\n",
    "Keep this email: anyone with the link can change your integration's settings. "
    'If it gets into the wrong hands, open it and choose "Create a new link".\n',
)
_NOT_YOU = Text(
    "Har du ikke bedt om dette, kan du se bort fra e-posten: ingenting endres før lenken åpnes.\n",
    "If you did not ask for this, ignore this email: nothing changes unless the link is opened.\n",
)


def _ending(body: Text, ending: Text) -> Text:
    return Text(body.nb + ending.nb, body.en + ending.en)


MESSAGES: dict[str, Text] = {
    "email.verify_email.subject": Text(
        "Bekreft e-postadressen din for Rackbeat-Tripletex-integrasjonen",
        "Confirm your email address for the Rackbeat-Tripletex integration",
    ),
    "email.verify_email.body": Text(
        "Hei,\n\n"
        "Noen har begynt å sette opp Rackbeat-Tripletex-integrasjonen med denne e-postadressen som "
        "kontakt. Åpne denne lenken innen {valid_minutes} minutter for å bekrefte at adressen er din:\n\n"
        "{link}\n\n"
        "Var det ikke deg, kan du se bort fra denne e-posten. Vi sender ikke noe annet til adressen før "
        "den er bekreftet, og det uferdige oppsettet slettes etter et døgn.\n",
        "Hello,\n\n"
        "Someone started setting up the Rackbeat-Tripletex integration with this email address as the "
        "contact. Open this link within {valid_minutes} minutes to confirm that the address is yours:\n\n"
        "{link}\n\n"
        "If it was not you, ignore this email. We send nothing else to this address until it is "
        "confirmed, and the unfinished setup is deleted after a day.\n",
    ),
    "email.sign_in.subject": Text(
        "Innloggingslenken din for Rackbeat-Tripletex-integrasjonen",
        "Your sign-in link for the Rackbeat-Tripletex integration",
    ),
    "email.sign_in.body": _ending(
        Text(
            "Hei {contact_name},\n\n"
            "Åpne denne lenken innen {valid_minutes} minutter for å logge inn i integrasjonen til "
            "\u00ab{company_name}\u00bb. Den virker én gang.\n\n"
            "{link}\n\n",
            "Hello {contact_name},\n\n"
            "Open this link within {valid_minutes} minutes to sign in to the integration of "
            "\u201c{company_name}\u201d. It works once.\n\n"
            "{link}\n\n",
        ),
        _NOT_YOU,
    ),
    "email.settings_link.subject": Text(
        "Rackbeat-Tripletex-integrasjonen din er i gang", "Your Rackbeat-Tripletex integration is running"
    ),
    "email.settings_link.body": _ending(
        Text(
            "Hei {contact_name},\n\n"
            "Integrasjonen mellom Rackbeat og Tripletex er satt opp og i gang. Du kan når som helst "
            "endre hva som synkroniseres, via denne lenken.\n\n"
            "{link}\n\n",
            "Hello {contact_name},\n\n"
            "Your integration between Rackbeat and Tripletex is set up and running. "
            "You can change what is synchronised at any time through this link.\n\n"
            "{link}\n\n",
        ),
        _KEEP_THE_LINK,
    ),
    "email.settings_link_rotated.subject": Text(
        "Ny innstillingslenke for Rackbeat-Tripletex-integrasjonen",
        "New settings link for the Rackbeat-Tripletex integration",
    ),
    "email.settings_link_rotated.body": _ending(
        Text(
            "Hei {contact_name},\n\n"
            "Det er laget en ny innstillingslenke for integrasjonen din. Lenken du hadde før, virker "
            "ikke lenger; bruk denne fra nå av.\n\n"
            "{link}\n\n",
            "Hello {contact_name},\n\n"
            "A new settings link was created for your integration. The link you had before "
            "no longer works; use this one from now on.\n\n"
            "{link}\n\n",
        ),
        _KEEP_THE_LINK,
    ),
    "email.confirm_delete.subject": Text(
        "Bekreft: slett Rackbeat-Tripletex-integrasjonen",
        "Confirm: delete the Rackbeat-Tripletex integration",
    ),
    "email.confirm_delete.body": _ending(
        Text(
            "Hei {contact_name},\n\n"
            "Noen som er logget inn i integrasjonen til \u00ab{company_name}\u00bb, har bedt om å slette "
            "den, med lagrede nøkler og alle data. Åpne denne lenken innen {valid_minutes} minutter for "
            "å bekrefte, og velg så Slett igjen på siden der du ba om det:\n\n"
            "{link}\n\n",
            "Hello {contact_name},\n\n"
            "Someone signed in to the integration of \u201c{company_name}\u201d asked to delete it, with "
            "its stored tokens and all its data. Open this link within {valid_minutes} minutes to "
            "confirm, then choose Delete again on the page where you asked:\n\n"
            "{link}\n\n",
        ),
        _NOT_YOU,
    ),
    "email.confirm_credentials.subject": Text(
        "Bekreft: bytt API-nøklene til Rackbeat-Tripletex-integrasjonen",
        "Confirm: replace the API tokens of the Rackbeat-Tripletex integration",
    ),
    "email.confirm_credentials.body": _ending(
        Text(
            "Hei {contact_name},\n\n"
            "Noen som er logget inn i integrasjonen til \u00ab{company_name}\u00bb, har bedt om å bytte "
            "API-nøklene til Rackbeat og Tripletex. Åpne denne lenken innen {valid_minutes} minutter "
            "for å bekrefte, og lagre så nøklene igjen på siden der du la dem inn:\n\n"
            "{link}\n\n",
            "Hello {contact_name},\n\n"
            "Someone signed in to the integration of \u201c{company_name}\u201d asked to replace its "
            "Rackbeat and Tripletex API tokens. Open this link within {valid_minutes} minutes to "
            "confirm, then save the tokens again on the page where you entered them:\n\n"
            "{link}\n\n",
        ),
        _NOT_YOU,
    ),
    "email.confirm_notification_email.subject": Text(
        "Bekreft: endre hvor Rackbeat-Tripletex-integrasjonen sender varsler",
        "Confirm: change where the Rackbeat-Tripletex integration sends alerts",
    ),
    "email.confirm_notification_email.body": _ending(
        Text(
            "Hei {contact_name},\n\n"
            "Noen som er logget inn i integrasjonen til \u00ab{company_name}\u00bb, har bedt om at "
            "varslene sendes til {new_address} i stedet. Åpne denne lenken innen {valid_minutes} "
            "minutter for å bekrefte, og lagre så innstillingene igjen på siden der du endret dem:\n\n"
            "{link}\n\n",
            "Hello {contact_name},\n\n"
            "Someone signed in to the integration of \u201c{company_name}\u201d asked to send its alerts "
            "to {new_address} instead. Open this link within {valid_minutes} minutes to confirm, then "
            "save the settings again on the page where you changed them:\n\n"
            "{link}\n\n",
        ),
        _NOT_YOU,
    ),
    "email.tenant_deleted.subject": Text(
        "Rackbeat-Tripletex-integrasjonen ble slettet", "The Rackbeat-Tripletex integration was deleted"
    ),
    "email.tenant_deleted.body": Text(
        "Hei {contact_name},\n\n"
        "Integrasjonen til \u00ab{company_name}\u00bb ble slettet: lagrede nøkler, innstillinger og "
        "synkroniseringshistorikk er borte, og ingenting synkroniseres lenger. Poster som allerede er "
        "synkronisert, blir liggende i Rackbeat og Tripletex.\n\n"
        "Var det ikke deg som gjorde dette, setter du opp integrasjonen på nytt og lager nye "
        "API-nøkler i Rackbeat og Tripletex (de gamle kan være i andres hender).\n",
        "Hello {contact_name},\n\n"
        "The integration of \u201c{company_name}\u201d was deleted: its stored tokens, settings and "
        "sync history are gone, and nothing is synchronised any more. Records already synchronised "
        "stay in Rackbeat and Tripletex.\n\n"
        "If you did not do this, set the integration up again and create new API tokens in Rackbeat "
        "and Tripletex (the old ones may be in someone else's hands).\n",
    ),
    "email.credentials_changed.subject": Text(
        "API-nøklene til Rackbeat-Tripletex-integrasjonen ble byttet",
        "The API tokens of the Rackbeat-Tripletex integration were replaced",
    ),
    "email.credentials_changed.body": Text(
        "Hei {contact_name},\n\n"
        "Nye API-nøkler til Rackbeat og Tripletex ble lagret for integrasjonen til "
        "\u00ab{company_name}\u00bb; den bruker dem fra nå av.\n\n"
        "Var det ikke deg, logger du inn, legger inn dine egne nøkler igjen og lager en ny "
        "innstillingslenke.\n",
        "Hello {contact_name},\n\n"
        "New Rackbeat and Tripletex API tokens were saved for the integration of "
        "\u201c{company_name}\u201d; it uses them from now on.\n\n"
        "If you did not do this, sign in, enter your own tokens again and create a new settings link.\n",
    ),
    "email.notification_email_changed.subject": Text(
        "Rackbeat-Tripletex-integrasjonen sender varsler til en ny adresse",
        "The Rackbeat-Tripletex integration sends alerts to a new address",
    ),
    "email.notification_email_changed.body": Text(
        "Hei {contact_name},\n\n"
        "Varsler fra integrasjonen til \u00ab{company_name}\u00bb går nå til {new_address} i stedet for "
        "{old_address}.\n\n"
        "Var det ikke deg, logger du inn, setter adressen tilbake og lager en ny innstillingslenke.\n",
        "Hello {contact_name},\n\n"
        "Alerts of the integration of \u201c{company_name}\u201d now go to {new_address} instead of "
        "{old_address}.\n\n"
        "If you did not do this, sign in, set the address back and create a new settings link.\n",
    ),
    "email.relink_needed.subject": Text(
        "Du må gjøre noe: Rackbeat-Tripletex-integrasjonen er satt på pause",
        "Action needed: the Rackbeat-Tripletex integration is paused",
    ),
    "email.relink_needed.body": Text(
        "Hei {contact_name},\n\n"
        "Den daglige kontrollen fant at dette ikke virker lenger: {tokens}. Derfor står "
        "synkroniseringen mellom Rackbeat og Tripletex på pause. Ingenting går tapt: endringer som "
        "gjøres i mellomtiden, hentes så snart det virker igjen.\n\n"
        "Hva som feilet:\n{reasons}\n\n"
        "Slik fikser du det: åpne innstillingslenken fra velkomst-e-posten, velg \u00abNøkler\u00bb "
        "og legg inn en ny nøkkel bare der det står at den ikke virker. Integrasjonen fortsetter av "
        "seg selv når nøklene består kontrollen.\n",
        "Hello {contact_name},\n\n"
        "Our daily check found that this no longer works: {tokens}. So the synchronisation between "
        "Rackbeat and Tripletex is paused. Nothing is lost: changes made meanwhile are picked up as "
        "soon as it works again.\n\n"
        "What failed:\n{reasons}\n\n"
        'What to do: open the settings link from your welcome email, choose "Tokens" and enter a new '
        "token only where it says it no longer works. The integration resumes by itself once the "
        "tokens pass the check.\n",
    ),
    "email.failure_digest.subject": Text(
        "{count} poster kunne ikke synkroniseres", "{count} records could not be synchronised"
    ),
    "email.failure_digest.body": Text(
        "Hei {contact_name},\n\n"
        "Disse postene kom ikke over til det andre systemet. Alt annet synkroniseres som normalt.\n\n"
        "{records}{more}\n\n"
        "En post synkroniseres på nytt av seg selv når den er rettet; du kan også prøve alle på nytt "
        "fra innstillingssiden.\n",
        "Hello {contact_name},\n\n"
        "These records did not reach the other system. Everything else is synchronising normally.\n\n"
        "{records}{more}\n\n"
        "A record syncs again on its own once it is corrected; you can also retry all from the "
        "settings page.\n",
    ),
    "email.reconciliation_gaps.subject": Text(
        "Avstemmingen fant avvik mellom Rackbeat og Tripletex",
        "The reconciliation found differences between Rackbeat and Tripletex",
    ),
    "email.reconciliation_gaps.body": Text(
        "Hei {contact_name},\n\n"
        "Den daglige avstemmingen for {day} fant {count} avvik mellom Rackbeat og Tripletex:\n\n"
        "{gaps}{more}\n\n"
        "Åpne innstillingssiden og velg \u00abSend på nytt\u00bb ved hvert avvik, eller send alle "
        "fakturaene for en periode på nytt.\n",
        "Hello {contact_name},\n\n"
        "The daily reconciliation for {day} found {count} differences between Rackbeat and Tripletex:\n\n"
        "{gaps}{more}\n\n"
        'Open the settings page and choose "Resend" next to each difference, or resend all the '
        "invoices of a date range.\n",
    ),
    "email.import_done.subject": Text(
        "Importen fra Tripletex til Rackbeat er ferdig", "Your Tripletex import into Rackbeat is complete"
    ),
    "email.import_done_with_failures.subject": Text(
        "Importen fra Tripletex til Rackbeat er ferdig \u2013 noen poster trenger deg",
        "Your Tripletex import into Rackbeat is complete - some records need your attention",
    ),
    "email.import_summary.body": Text(
        "Hei {contact_name},\n\nDen første importen fra Tripletex til Rackbeat er ferdig.\n\n"
        "{counts}\n{failures}",
        "Hello {contact_name},\n\nThe one-time import from Tripletex into Rackbeat has finished.\n\n"
        "{counts}\n{failures}",
    ),
    "email.import_summary.count": Text(
        "{entity}: {total} i Tripletex \u2013 {created} opprettet, {linked} koblet til poster som fantes i "
        "Rackbeat, {failed} ikke importert.",
        "{entity}: {total} in Tripletex - {created} created, {linked} matched to existing Rackbeat "
        "records, {failed} not imported.",
    ),
    "email.import_summary.failures": Text(
        "\nIkke importert, og hva du gjør:\n{records}{more}\n\nNår du har rettet dem, åpner du "
        "innstillingslenken og velger \u00abPrøv feilede poster på nytt\u00bb.\n",
        "\nNot imported, and what to do:\n{records}{more}\n\nWhen you have fixed them, open your "
        'settings link and choose "Retry failed records".\n',
    ),
    "email.import_summary.more": Text(
        "\n- ... og {count} til på innstillingssiden.",
        "\n- ... and {count} more, listed in the settings page.",
    ),
    # Lines inside a body, one message each.
    "email.relink.tokens": Text("API-nøklene", "the API tokens"),
    "email.relink.token.rackbeat_api_token": Text("API-nøkkelen til Rackbeat", "the Rackbeat API token"),
    "email.relink.token.tripletex_consumer_token": Text(
        "consumer token til Tripletex", "the Tripletex consumer token"
    ),
    "email.relink.token.tripletex_employee_token": Text(
        "employee token til Tripletex", "the Tripletex employee token"
    ),
    "email.digest.record": Text(
        "- {entity} {key}: {message} Slik fikser du det: {fix}",
        "- {entity} {key}: {message} What to do: {fix}",
    ),
    "email.digest.more": Text(
        "\n... og {count} til på innstillingssiden.", "\n... and {count} more in the settings page."
    ),
    "email.reconciliation.more": Text(
        "\n... og {count} til på innstillingssiden.", "\n... and {count} more in the settings page."
    ),
}
