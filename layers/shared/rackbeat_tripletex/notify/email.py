"""Emails to a tenant's contact, sent through SES (v2 API).

Every email says what happened and what to do next. The settings link carries the management
token in the URL fragment (`#settings?...`), which browsers never send to a server, so it
cannot end up in an access log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlencode

import boto3

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Check, Tenant

# The digest names this many records; the rest are counted and waiting on the settings page.
DIGEST_SHOWN = 25


class FailedRecord(Protocol):
    """A record that could not sync, as the failure digest lists it."""

    @property
    def entity(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def suggested_fix(self) -> str: ...


def failure_digest_text(tenant: Tenant, failures: Sequence[FailedRecord]) -> tuple[str, str]:
    """Subject and body of the failure digest."""
    subject = f"{len(failures)} records could not be synchronised ({tenant.company_name})"
    lines = [
        f"- {f.entity} {f.key}: {f.message} What to do: {f.suggested_fix}" for f in failures[:DIGEST_SHOWN]
    ]
    more = (
        f"\n... and {len(failures) - DIGEST_SHOWN} more in the settings page."
        if len(failures) > DIGEST_SHOWN
        else ""
    )
    body = (
        f"Hello {tenant.contact_name},\n\n"
        "These records did not reach the other system. Everything else is synchronising normally.\n\n"
        + "\n".join(lines)
        + more
        + "\n\nA record syncs again on its own once it is corrected; you can also retry all from the "
        "settings page.\n"
    )
    return subject, body


def settings_link(public_base_url: str, tenant_id: str, management_token: str) -> str:
    base = public_base_url.rstrip("/") + "/"
    return f"{base}#settings?{urlencode({'tenant': tenant_id, 'token': management_token})}"


class Mailer:
    def __init__(self, client: Any, sender: str) -> None:
        self._client = client
        self._sender = sender

    @classmethod
    def from_config(cls) -> Mailer:
        return cls(boto3.client("sesv2"), runtime_config().require("sender_email"))

    def send_settings_link(self, tenant: Tenant, to: str, link: str, *, rotated: bool) -> None:
        if rotated:
            subject = f"New settings link for the Rackbeat-Tripletex integration ({tenant.company_name})"
            opening = (
                "A new settings link was created for your integration. The link you had before "
                "no longer works; use this one from now on."
            )
        else:
            subject = f"Your Rackbeat-Tripletex integration is running ({tenant.company_name})"
            opening = (
                "Your integration between Rackbeat and Tripletex is set up and running. "
                "You can change what is synchronised at any time through this link."
            )
        self._send(
            to,
            subject,
            f"Hello {tenant.contact_name},\n\n{opening}\n\n{link}\n\n"
            "Keep this email: anyone with the link can change your integration's settings. "
            'If it gets into the wrong hands, open it and choose "Create a new link".\n',
        )

    def send_relink_needed(self, tenant: Tenant, failed: Sequence[Check]) -> None:
        reasons = "\n".join(f"- {check.label}: {check.fix or check.detail}" for check in failed)
        self._send(
            tenant.contact_email,
            f"Action needed: the Rackbeat-Tripletex integration is paused ({tenant.company_name})",
            f"Hello {tenant.contact_name},\n\n"
            "Our daily check found that your API tokens no longer work, so the synchronisation "
            "between Rackbeat and Tripletex is paused. Nothing is lost: changes made meanwhile "
            "are picked up as soon as the tokens work again.\n\n"
            f"What failed:\n{reasons}\n\n"
            'What to do: open the settings link from your welcome email, choose "Tokens" and '
            "enter working tokens. The integration resumes by itself once they pass the check.\n",
        )

    def send_failure_digest(self, tenant: Tenant, to: str, failures: Sequence[FailedRecord]) -> None:
        """The daily list of records that could not sync; how often it goes out is the caller's
        rule (``sync.digest``), so this only writes the email."""
        subject, text = failure_digest_text(tenant, failures)
        self._send(to, subject, text)

    def _send(self, to: str, subject: str, text: str) -> None:
        self._client.send_email(
            FromEmailAddress=self._sender,
            Destination={"ToAddresses": [to]},
            Content={
                "Simple": {
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
                }
            },
        )
