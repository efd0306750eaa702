"""Who is calling: the contact's confirmed address, emailed sign-in links, sessions and step-up
confirmations.

- ``POST /tenants`` emails a single-use verification link; until it is opened the tenant gets
  no other email and is removed after ``UNVERIFIED_LIFETIME``.
- A sign-in link (single use, ``SIGN_IN_VALID``) is exchanged for a session token. A session
  ends after ``SESSION_IDLE`` without use or ``SESSION_ABSOLUTE`` after sign-in, whichever comes
  first; a token older than ``ROTATE_AFTER`` is replaced on use (the old one works for
  ``ROTATION_GRACE`` more, for requests already on their way).
- The management token still opens the tenant routes, but deleting the tenant, replacing its
  tokens and changing where alerts go also need a confirmation link opened from the contact's
  mailbox (step-up). The grant it leaves is bound to the session or token that asked, and is
  used up by the one change.

Codes and tokens are stored only as SHA-256 hashes (``store.sessions``); a stranger, a wrong
token and an expired session all get the same answer as an unknown tenant.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.notify.messages import EmailKind
from rackbeat_tripletex.store.sessions import StoredSession

SESSION_TOKEN_PREFIX = "rbtx_s_"  # noqa: S105 - a marker, not a secret

VERIFY_VALID = timedelta(hours=1)
# Out-of-band codes that authenticate live ten minutes (ASVS 2.7.2); the confirmation's grant
# a little longer, for going back to the page and repeating the change.
SIGN_IN_VALID = timedelta(minutes=10)
CONFIRM_VALID = timedelta(minutes=10)
GRANT_VALID = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
ROTATE_AFTER = timedelta(minutes=5)
ROTATION_GRACE = timedelta(seconds=60)
UNVERIFIED_LIFETIME = timedelta(hours=24)
# A sign-in request names an address; at most this many of its tenants get a link.
SIGN_IN_TENANTS = 10


class CodePurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    SIGN_IN = "sign_in"
    STEP_UP = "step_up"


class StepUpAction(StrEnum):
    DELETE = "delete"
    CREDENTIALS = "credentials"
    NOTIFICATION_EMAIL = "notification_email"


CONFIRMATION_EMAIL: dict[StepUpAction, EmailKind] = {
    StepUpAction.DELETE: EmailKind.CONFIRM_DELETE,
    StepUpAction.CREDENTIALS: EmailKind.CONFIRM_CREDENTIALS,
    StepUpAction.NOTIFICATION_EMAIL: EmailKind.CONFIRM_NOTIFICATION_EMAIL,
}


def new_code() -> str:
    return secrets.token_urlsafe(24)


def new_session_token() -> str:
    return SESSION_TOKEN_PREFIX + secrets.token_urlsafe(32)


def is_session_token(presented: str | None) -> bool:
    return bool(presented) and str(presented).startswith(SESSION_TOKEN_PREFIX)


def minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


@dataclass(frozen=True)
class SessionState:
    """What the wizard shows about the session: when it was last used before this request
    (a use the contact does not recognise is a reason to sign out and rotate the link), and
    when it ends."""

    started_at: datetime
    last_used_at: datetime
    idle_expires_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Principal:
    """The tenant a request may act for, and what proved it."""

    tenant: Tenant
    # Binds a step-up grant to whoever asked for it: "session:<family>" or "token:<hash>".
    requester: str
    session: SessionState | None = None
    # A replacement for the presented session token, sent back in X-Session-Token.
    rotated_token: str | None = None


def session_state(session: StoredSession) -> SessionState:
    return SessionState(
        started_at=session.started_at,
        last_used_at=session.last_used_at,
        idle_expires_at=session.idle_expires_at,
        expires_at=session.absolute_expires_at,
    )


def session_alive(session: StoredSession, now: datetime) -> bool:
    if now >= session.idle_expires_at or now >= session.absolute_expires_at:
        return False
    return session.superseded_at is None or now < session.superseded_at + ROTATION_GRACE
