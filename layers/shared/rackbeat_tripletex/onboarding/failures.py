"""What onboarding answers when a request cannot go on, in plain words and without HTTP (which
status each becomes is ``onboarding.api.errors``'s decision). Token values never enter a message.

An error carries a catalogue key and its values (``Say``), not a sentence: it is worded when
the answer is written, in the language of whoever is answered (``i18n.current_language``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.onboarding.identity import CONFIRM_VALID, StepUpAction, minutes


@dataclass(frozen=True)
class Say:
    """A message of the catalogue with its values, worded on use."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def format(self, **params: object) -> Say:
        return Say(self.key, {**self.params, **params})

    def __str__(self) -> str:
        return text(self.key, **self.params)


class OnboardingError(Exception):
    def __init__(self, message: str | Say) -> None:
        self._said = message
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self._said)

    def __str__(self) -> str:
        return self.message


NOT_FOUND = Say("error.not_found")


class TenantNotFoundError(OnboardingError):
    """Unknown tenant and wrong token alike: a stranger must not learn which one it was."""

    def __init__(self) -> None:
        super().__init__(NOT_FOUND)


class StepOrderError(OnboardingError):
    """The route needs an earlier wizard step done first; the message names that step."""


class ConfirmationError(OnboardingError):
    """The user did not confirm an irreversible step the way it asks."""


class SettingsRefusedError(OnboardingError):
    """The settings name something the company does not have (e.g. a ledger account)."""


class ConcurrentChangeError(OnboardingError):
    """Another request changed the tenant in between, every attempt; trying again is safe."""


class LinkInvalidError(OnboardingError):
    """An emailed code that is unknown, used, expired or for another tenant: one answer for all."""

    def __init__(self) -> None:
        super().__init__(Say("error.link_invalid"))


class StepUpRequired(OnboardingError):
    """The change needs a confirmation from the contact's mailbox; the link was sent."""

    def __init__(self, action: StepUpAction, sent_to: str) -> None:
        self.action = action
        self.sent_to = sent_to
        super().__init__(
            Say(f"error.step_up_sent.{action.value}", {"address": sent_to, "minutes": minutes(CONFIRM_VALID)})
        )


class OtherAccountError(OnboardingError):
    """The new tokens belong to another Rackbeat account or Tripletex company than the tenant's."""


CONFIRM_EMAIL_FIRST = Say("error.confirm_email_first")
OTHER_ACCOUNT = Say("error.other_account")
NEEDS_TOKENS = Say("error.needs_tokens")
