"""Every email the service sends, as whole messages with named placeholders, in the tenant's language.

One subject and one body per email in the catalogue (``i18n/emails.py``, keys
``email.<kind>.subject`` and ``.body``): a translator edits the texts there and nothing else.
Subjects are fixed: no company name and nothing else a user
typed ever goes into one, so nobody can make our sender identity carry their words in a subject
line. What a user typed reaches a body only through ``plain`` (one line, no control or format
characters, bounded), and never reaches the verification email, the one email that goes to an
address nobody has proven yet.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from rackbeat_tripletex.i18n import Language, text

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
    RECONCILIATION_GAPS = "reconciliation_gaps"


# Lines inside a body that hold no words of their own.
RELINK_REASON = "- {label}: {detail} {fix}"


def plain(value: object) -> str:
    """Text from a user or a vendor as it may appear in a body: one line (line breaks and other
    control and format characters become spaces, so nothing can start a paragraph or a header
    of its own), bounded."""
    normal = unicodedata.normalize("NFC", str(value))
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in normal)
    single = " ".join(cleaned.split())
    return single if len(single) <= MAX_FIELD else single[: MAX_FIELD - 1] + "\u2026"


def line(template: str, **fields: object) -> str:
    return template.format(**{name: plain(value) for name, value in fields.items()})


# Fields that are ours (the link) or lists built line by line with ``line`` already.
TRUSTED = frozenset({"link", "reasons", "records", "gaps", "more", "tokens"})


def render(kind: EmailKind, language: Language, **fields: object) -> tuple[str, str]:
    """Subject and body of `kind` in `language`. Fields are made plain except the TRUSTED ones."""
    values = {name: (value if name in TRUSTED else plain(value)) for name, value in fields.items()}
    subject = text(f"email.{kind.value}.subject", language, **values)
    return subject, text(f"email.{kind.value}.body", language, **values)
