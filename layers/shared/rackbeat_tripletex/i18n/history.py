"""The run history as the cockpit shows it: what each run synced, why it ran, how it ended
(``onboarding.syncing``).

Keys: ``history.to.<target>`` (a stream's label with its direction), ``history.trigger.<Trigger>``,
``history.outcome.<RunOutcome>``."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "history.to.tripletex": Text("{label} til Tripletex", "{label} to Tripletex"),
    "history.to.rackbeat": Text("{label} til Rackbeat", "{label} to Rackbeat"),
    "history.trigger.webhook": Text("Endring i Rackbeat eller Tripletex", "Change in Rackbeat or Tripletex"),
    "history.trigger.schedule": Text("Planlagt synkronisering", "Scheduled sync"),
    "history.trigger.reconcile": Text("Nattlig kontroll", "Nightly check"),
    "history.outcome.ok": Text("Fullført", "Completed"),
    "history.outcome.partial": Text("Fullført med feil", "Completed with failures"),
    "history.outcome.failed": Text("Feilet; prøves igjen", "Failed; tried again"),
    "history.outcome.paused": Text("Satt på pause: en nøkkel virker ikke", "Paused: a token does not work"),
}
