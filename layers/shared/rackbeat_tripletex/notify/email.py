"""Emails to a tenant's contact, sent through SES (v2 API).

Every email says what happened and what to do next, in the tenant's language; its words are in
the catalogue (``i18n/emails.py``, rendered by ``notify.messages``). Links
carry their secret in the URL fragment (`#settings?...`, `#sign-in?...`), which browsers never
send to a server, so it cannot end up in an access log.

Two rules hold for every email here: nothing but the verification link goes to a contact whose
address is not confirmed yet, and, when the mailer has limits (the API's mailer has), every
email the API can trigger is counted against its recipient and tenant first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlencode

import boto3

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.records import failure_words
from rackbeat_tripletex.models.domain import Check, Tenant
from rackbeat_tripletex.notify.limits import EmailLimits
from rackbeat_tripletex.notify.messages import RELINK_REASON, EmailKind, line, render

logger = logging.getLogger(__name__)

# The digest names this many records; the rest are counted and waiting on the settings page.
DIGEST_SHOWN = 25
# The reconciliation email names this many gaps; the rest are on the settings page.
GAPS_SHOWN = 25
# The inputs a check's fix can point at (``Check.field``), in the order a dead token is named.
RACKBEAT_TOKEN_FIELD = "rackbeat_api_token"  # noqa: S105 - a field name
CONSUMER_TOKEN_FIELD = "tripletex_consumer_token"  # noqa: S105 - a field name
EMPLOYEE_TOKEN_FIELD = "tripletex_employee_token"  # noqa: S105 - a field name
TOKEN_FIELDS = (RACKBEAT_TOKEN_FIELD, CONSUMER_TOKEN_FIELD, EMPLOYEE_TOKEN_FIELD)

# Changes the contact is told about afterwards; each needed a confirmation that was counted.
NOTICES = (EmailKind.TENANT_DELETED, EmailKind.CREDENTIALS_CHANGED, EmailKind.NOTIFICATION_EMAIL_CHANGED)


class FailedRecord(Protocol):
    """A record that could not sync, as the failure digest lists it."""

    @property
    def entity(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def suggested_fix(self) -> str: ...


class Gap(Protocol):
    """A difference the reconciliation found, as its email lists it."""

    @property
    def summary(self) -> str: ...


def failure_digest_text(tenant: Tenant, failures: Sequence[FailedRecord]) -> tuple[str, str]:
    """Subject and body of the failure digest, in the tenant's language."""
    language = tenant.language
    lines = []
    for f in failures[:DIGEST_SHOWN]:
        words = failure_words(f.reason, f.entity, f.message, f.suggested_fix, language)
        lines.append(
            line(
                text("email.digest.record", language),
                entity=words.entity,
                key=f.key,
                message=words.message,
                fix=words.fix,
            )
        )
    more = (
        line(text("email.digest.more", language), count=len(failures) - DIGEST_SHOWN)
        if len(failures) > DIGEST_SHOWN
        else ""
    )
    return render(
        EmailKind.FAILURE_DIGEST,
        language,
        count=len(failures),
        contact_name=tenant.contact_name,
        records="\n".join(lines),
        more=more,
    )


def relink_needed_text(tenant: Tenant, failed: Sequence[Check]) -> tuple[str, str]:
    """Subject and body of the relink email: which token is dead, and each failed check's fix."""
    language = tenant.language
    reasons = "\n".join(
        line(RELINK_REASON, label=check.label, detail=check.detail, fix=check.fix or "") for check in failed
    )
    dead = [field for field in TOKEN_FIELDS if any(check.field == field for check in failed)]
    if dead and all(check.field for check in failed):
        tokens = ", ".join(text(f"email.relink.token.{field}", language) for field in dead)
    else:
        tokens = text("email.relink.tokens", language)
    return render(
        EmailKind.RELINK_NEEDED, language, contact_name=tenant.contact_name, reasons=reasons, tokens=tokens
    )


def reconciliation_text(tenant: Tenant, day: str, gaps: Sequence[Gap]) -> tuple[str, str]:
    """Subject and body of the reconciliation email; each gap's summary is in the tenant's language."""
    language = tenant.language
    shown = "\n".join(line("- {summary}", summary=gap.summary) for gap in gaps[:GAPS_SHOWN])
    more = (
        line(text("email.reconciliation.more", language), count=len(gaps) - GAPS_SHOWN)
        if len(gaps) > GAPS_SHOWN
        else ""
    )
    return render(
        EmailKind.RECONCILIATION_GAPS,
        language,
        contact_name=tenant.contact_name,
        day=day,
        count=len(gaps),
        gaps=shown,
        more=more,
    )


def fragment_link(public_base_url: str, page: str, **values: str) -> str:
    base = public_base_url.rstrip("/") + "/"
    return f"{base}#{page}?{urlencode(values)}"


def settings_link(public_base_url: str, tenant_id: str, management_token: str) -> str:
    return fragment_link(public_base_url, "settings", tenant=tenant_id, token=management_token)


class Mailer:
    def __init__(
        self,
        client: Any,
        sender: str,
        *,
        limits: EmailLimits | None = None,
        configuration_set: str | None = None,
    ) -> None:
        self._client = client
        self._sender = sender
        self._limits = limits
        self._configuration_set = configuration_set

    @classmethod
    def from_config(cls) -> Mailer:
        return cls(boto3.client("sesv2"), runtime_config().require("sender_email"))

    # -- the one email for an unconfirmed address -----------------------------------------

    def send_verification(self, tenant: Tenant, link: str, valid_minutes: int) -> None:
        self._take(tenant, tenant.contact_email)
        self._send(
            tenant.contact_email,
            *render(EmailKind.VERIFY_EMAIL, tenant.language, link=link, valid_minutes=valid_minutes),
        )

    # -- sign-in and settings links -------------------------------------------------------

    def send_sign_in(self, tenant: Tenant, link: str, valid_minutes: int) -> bool:
        return self._send_to_contact(
            tenant,
            EmailKind.SIGN_IN,
            link=link,
            valid_minutes=valid_minutes,
            company_name=tenant.company_name,
        )

    def count(self, tenant: Tenant, recipient: str) -> None:
        """Count an email about to be sent before a change it reports is made (EmailLimitReached
        then stops the change, not only the email); pass ``counted=True`` when sending it."""
        self._take(tenant, recipient)

    def send_settings_link(
        self, tenant: Tenant, to: str, link: str, *, rotated: bool, counted: bool = False
    ) -> bool:
        kind = EmailKind.SETTINGS_LINK_ROTATED if rotated else EmailKind.SETTINGS_LINK
        if not self._allowed(tenant, kind):
            return False
        if not counted:
            self._take(tenant, to)
        self._send(to, *render(kind, tenant.language, contact_name=tenant.contact_name, link=link))
        return True

    def send_confirmation(
        self, tenant: Tenant, kind: EmailKind, link: str, valid_minutes: int, **fields: str
    ) -> bool:
        """A step-up link: the change it confirms happens only after it is opened."""
        return self._send_to_contact(
            tenant, kind, link=link, valid_minutes=valid_minutes, company_name=tenant.company_name, **fields
        )

    def send_notice(self, tenant: Tenant, kind: EmailKind, **fields: str) -> bool:
        """The contact is told of a change after it happened. Not counted: each notice follows
        a confirmation that was, and a notice must not be lost to a full window."""
        assert kind in NOTICES, kind
        if not self._allowed(tenant, kind):
            return False
        subject, body = render(
            kind,
            tenant.language,
            contact_name=tenant.contact_name,
            company_name=tenant.company_name,
            **fields,
        )
        self._send(tenant.contact_email, subject, body)
        return True

    # -- scheduled mail -------------------------------------------------------------------

    def send_relink_needed(self, tenant: Tenant, failed: Sequence[Check]) -> bool:
        if not self._allowed(tenant, EmailKind.RELINK_NEEDED):
            return False
        self._send(tenant.contact_email, *relink_needed_text(tenant, failed))
        return True

    def send_failure_digest(self, tenant: Tenant, to: str, failures: Sequence[FailedRecord]) -> bool:
        """The daily list of records that could not sync; how often it goes out is the caller's
        rule (``sync.digest``), so this only writes the email."""
        if not self._allowed(tenant, EmailKind.FAILURE_DIGEST):
            return False
        self._send(to, *failure_digest_text(tenant, failures))
        return True

    def send_reconciliation_gaps(self, tenant: Tenant, day: str, gaps: Sequence[Gap]) -> bool:
        """The gaps a day's reconciliation found; once per day and tenant is the caller's rule."""
        if not self._allowed(tenant, EmailKind.RECONCILIATION_GAPS):
            return False
        self._send(tenant.contact_email, *reconciliation_text(tenant, day, gaps))
        return True

    # -- helpers --------------------------------------------------------------------------

    def _send_to_contact(self, tenant: Tenant, kind: EmailKind, **fields: object) -> bool:
        if not self._allowed(tenant, kind):
            return False
        self._take(tenant, tenant.contact_email)
        self._send(
            tenant.contact_email, *render(kind, tenant.language, contact_name=tenant.contact_name, **fields)
        )
        return True

    @staticmethod
    def _allowed(tenant: Tenant, kind: EmailKind) -> bool:
        if tenant.email_verification_pending:
            logger.info(
                "email withheld: contact address not confirmed",
                extra={"tenant_id": tenant.tenant_id, "email_kind": kind.value},
            )
            return False
        return True

    def _take(self, tenant: Tenant, recipient: str) -> None:
        if self._limits is not None:
            self._limits.take(recipient, tenant.tenant_id)

    def _send(self, to: str, subject: str, text: str) -> None:
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
                }
            },
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        self._client.send_email(**request)
