"""What the management routes of ``onboarding.service`` answer: a new settings link sent, and the
deletion of an integration (its typed confirmation, a webhook Rackbeat kept)."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "management.link_rotated": Text(
        "Vi har sendt en ny innstillingslenke til {address}. Den gamle lenken og tilgangen fra denne "
        "siden virker ikke lenger.",
        "A new settings link was sent to {address}. The old link and this page's access no longer work.",
    ),
    "management.delete_confirm": Text(
        "Skriv firmanavnet nøyaktig slik det er registrert (\u00ab{company}\u00bb) for å slette "
        "integrasjonen.",
        "To delete the integration, type the company name exactly as registered (\u201c{company}\u201d) "
        "in confirm_company_name.",
    ),
    "management.webhooks_not_removed": Text(
        "Vi fikk ikke kontakt med Rackbeat for å fjerne integrasjonens webhooks. Fjern dem i Rackbeat "
        "under Innstillinger \u2192 API \u2192 Webhooks; de slutter uansett å virke.",
        "We could not reach Rackbeat to remove the integration's webhooks. Remove them in Rackbeat "
        "under Settings \u2192 API \u2192 Webhooks; they stop working anyway.",
    ),
}
