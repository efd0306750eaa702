"""Every email the service sends, as whole messages with named placeholders.

One entry per email: a translator replaces the texts here and nothing else (no sentence is put
together from pieces elsewhere). Subjects are fixed: no company name and nothing else a user
typed ever goes into one, so nobody can make our sender identity carry their words in a subject
line. What a user typed reaches a body only through ``plain`` (one line, no control or format
characters, bounded), and never reaches the verification email, the one email that goes to an
address nobody has proven yet.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_FIELD = 200


class EmailKind(StrEnum):
    VERIFY_EMAIL = "verify_email"
    SIGN_IN = "sign_in"
    SETTINGS_LINK = "settings_link"
    SETTINGS_LINK_ROTATED = "settings_link_rotated"
    CONFIRM_DELETE = "confirm_delete"
    CONFIRM_CREDENTIALS = "confirm_credentials"
    CONFIRM_NOTIFICATION_EMAIL = "confirm_notification_email"
    TENANT_DELETED = "tenant_deleted"
    CREDENTIALS_CHANGED = "credentials_changed"
    NOTIFICATION_EMAIL_CHANGED = "notification_email_changed"
    RELINK_NEEDED = "relink_needed"
    FAILURE_DIGEST = "failure_digest"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


_KEEP_THE_LINK = (
    "Keep this email: anyone with the link can change your integration's settings. "
    'If it gets into the wrong hands, open it and choose "Create a new link".\n'
)
_NOT_YOU = "If you did not ask for this, ignore this email: nothing changes unless the link is opened.\n"

MESSAGES: dict[EmailKind, Message] = {
    EmailKind.VERIFY_EMAIL: Message(
        "Confirm your email address for the Rackbeat-Tripletex integration",
        "Hello,\n\n"
        "Someone started setting up the Rackbeat-Tripletex integration with this email address as the "
        "contact. Open this link within {valid_minutes} minutes to confirm that the address is yours "
        "and to continue the setup where you left it, from any browser:\n\n"
        "{link}\n\n"
        "Later, \u201cAlready set up?\u201d on the same page emails you a sign-in link.\n\n"
        "If it was not you, ignore this email. We send nothing else to this address until it is "
        "confirmed, and the unfinished setup is deleted after a day.\n",
    ),
    EmailKind.SIGN_IN: Message(
        "Your sign-in link for the Rackbeat-Tripletex integration",
        "Hello {contact_name},\n\n"
        "Open this link within {valid_minutes} minutes to sign in to the integration of "
        "\u201c{company_name}\u201d. It works once.\n\n"
        "{link}\n\n" + _NOT_YOU,
    ),
    EmailKind.SETTINGS_LINK: Message(
        "Your Rackbeat-Tripletex integration is running",
        "Hello {contact_name},\n\n"
        "Your integration between Rackbeat and Tripletex is set up and running. "
        "You can change what is synchronised at any time through this link.\n\n"
        "{link}\n\n" + _KEEP_THE_LINK,
    ),
    EmailKind.SETTINGS_LINK_ROTATED: Message(
        "New settings link for the Rackbeat-Tripletex integration",
        "Hello {contact_name},\n\n"
        "A new settings link was created for your integration. The link you had before "
        "no longer works; use this one from now on.\n\n"
        "{link}\n\n" + _KEEP_THE_LINK,
    ),
    EmailKind.CONFIRM_DELETE: Message(
        "Confirm: delete the Rackbeat-Tripletex integration",
        "Hello {contact_name},\n\n"
        "Someone signed in to the integration of \u201c{company_name}\u201d asked to delete it, with its "
        "stored tokens and all its data. Open this link within {valid_minutes} minutes to confirm, "
        "then choose Delete again on the page where you asked:\n\n"
        "{link}\n\n" + _NOT_YOU,
    ),
    EmailKind.CONFIRM_CREDENTIALS: Message(
        "Confirm: replace the API tokens of the Rackbeat-Tripletex integration",
        "Hello {contact_name},\n\n"
        "Someone signed in to the integration of \u201c{company_name}\u201d asked to replace its "
        "Rackbeat and Tripletex API tokens. Open this link within {valid_minutes} minutes to confirm, "
        "then save the tokens again on the page where you entered them:\n\n"
        "{link}\n\n" + _NOT_YOU,
    ),
    EmailKind.CONFIRM_NOTIFICATION_EMAIL: Message(
        "Confirm: change where the Rackbeat-Tripletex integration sends alerts",
        "Hello {contact_name},\n\n"
        "Someone signed in to the integration of \u201c{company_name}\u201d asked to send its alerts "
        "to {new_address} instead. Open this link within {valid_minutes} minutes to confirm, then save "
        "the settings again on the page where you changed them:\n\n"
        "{link}\n\n" + _NOT_YOU,
    ),
    EmailKind.TENANT_DELETED: Message(
        "The Rackbeat-Tripletex integration was deleted",
        "Hello {contact_name},\n\n"
        "The integration of \u201c{company_name}\u201d was deleted: its stored tokens, settings and "
        "sync history are gone, and nothing is synchronised any more. Records already synchronised "
        "stay in Rackbeat and Tripletex.\n\n"
        "If you did not do this, set the integration up again and create new API tokens in Rackbeat "
        "and Tripletex (the old ones may be in someone else's hands).\n",
    ),
    EmailKind.CREDENTIALS_CHANGED: Message(
        "The API tokens of the Rackbeat-Tripletex integration were replaced",
        "Hello {contact_name},\n\n"
        "New Rackbeat and Tripletex API tokens were saved for the integration of "
        "\u201c{company_name}\u201d; it uses them from now on.\n\n"
        "If you did not do this, sign in, enter your own tokens again and create a new settings link.\n",
    ),
    EmailKind.NOTIFICATION_EMAIL_CHANGED: Message(
        "The Rackbeat-Tripletex integration sends alerts to a new address",
        "Hello {contact_name},\n\n"
        "Alerts of the integration of \u201c{company_name}\u201d now go to {new_address} instead of "
        "{old_address}.\n\n"
        "If you did not do this, sign in, set the address back and create a new settings link.\n",
    ),
    EmailKind.RELINK_NEEDED: Message(
        "Action needed: the Rackbeat-Tripletex integration is paused",
        "Hello {contact_name},\n\n"
        "Our daily check found that your API tokens no longer work, so the synchronisation "
        "between Rackbeat and Tripletex is paused. Nothing is lost: changes made meanwhile "
        "are picked up as soon as the tokens work again.\n\n"
        "What failed:\n{reasons}\n\n"
        'What to do: open the settings link from your welcome email, choose "Tokens" and '
        "enter working tokens. The integration resumes by itself once they pass the check.\n",
    ),
    EmailKind.FAILURE_DIGEST: Message(
        "{count} records could not be synchronised",
        "Hello {contact_name},\n\n"
        "These records did not reach the other system. Everything else is synchronising normally.\n\n"
        "{records}{more}\n\n"
        "A record syncs again on its own once it is corrected; you can also retry all from the "
        "settings page.\n",
    ),
}

# Lines inside a body, one message each.
RELINK_REASON = "- {label}: {fix}"
DIGEST_RECORD = "- {entity} {key}: {message} What to do: {fix}"
DIGEST_MORE = "\n... and {count} more in the settings page."


def plain(value: object) -> str:
    """Text from a user or a vendor as it may appear in a body: one line (line breaks and other
    control and format characters become spaces, so nothing can start a paragraph or a header
    of its own), bounded."""
    text = unicodedata.normalize("NFC", str(value))
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    single = " ".join(cleaned.split())
    return single if len(single) <= MAX_FIELD else single[: MAX_FIELD - 1] + "\u2026"


def line(template: str, **fields: object) -> str:
    return template.format(**{name: plain(value) for name, value in fields.items()})


def render(kind: EmailKind, **fields: object) -> tuple[str, str]:
    """Subject and body of `kind`. Fields are made plain except `link` (ours) and the
    pre-rendered lists (`reasons`, `records`, `more`), which are built with ``line``."""
    trusted = {"link", "reasons", "records", "more"}
    values = {name: (value if name in trusted else plain(value)) for name, value in fields.items()}
    message = MESSAGES[kind]
    subject = message.subject.format(**values)
    return subject, message.body.format(**values)
