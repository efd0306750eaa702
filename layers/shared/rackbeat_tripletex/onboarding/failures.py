"""What onboarding answers when a request cannot go on, in plain words and without HTTP (which
status each becomes is ``onboarding.api.errors``'s decision). Token values never enter a message."""

from __future__ import annotations

from rackbeat_tripletex.onboarding.identity import CONFIRM_VALID, CONFIRMATION_SENT, StepUpAction, minutes

NOT_FOUND_MESSAGE = "Tenant not found"


class OnboardingError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class TenantNotFoundError(OnboardingError):
    """Unknown tenant and wrong token alike: a stranger must not learn which one it was."""

    def __init__(self) -> None:
        super().__init__(NOT_FOUND_MESSAGE)


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
        super().__init__(
            "This link does not work any more: it was used already, it expired, or it was copied "
            "incompletely. Ask for a new one."
        )


class StepUpRequired(OnboardingError):
    """The change needs a confirmation from the contact's mailbox; the link was sent."""

    def __init__(self, action: StepUpAction, sent_to: str) -> None:
        self.action = action
        self.sent_to = sent_to
        super().__init__(CONFIRMATION_SENT[action].format(address=sent_to, minutes=minutes(CONFIRM_VALID)))


class OtherAccountError(OnboardingError):
    """The new tokens belong to another Rackbeat account or Tripletex company than the tenant's."""


CONFIRM_EMAIL_FIRST = (
    "Confirm your email address first: open the link we sent to {address}. No email? Ask for a new "
    "link on this page; check the spam folder too."
)
OTHER_ACCOUNT = (
    "These tokens belong to a different Rackbeat account or Tripletex company than the one this "
    "integration was set up with, so nothing was saved. To connect the other one, save them again "
    "with \u201creconnect\u201d chosen: the records already paired are then forgotten and matched "
    "again from the start."
)
