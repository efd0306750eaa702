"""The summary email the contact gets when the import has finished.

Sent through SES (v2) from here: the onboarding notify module has no summary email, and this
message belongs to the import.
"""

from __future__ import annotations

import logging

from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.models.sync import RecordFailure, RunState
from rackbeat_tripletex.store.runs import RunRecord

logger = logging.getLogger(__name__)
# Enough to act on without turning the email into a report; the full list is in the wizard.
LISTED_FAILURES = 20
ENTITY_TITLES = {"customer": "Customers", "supplier": "Suppliers", "product": "Products"}


def summary_text(run: RunRecord, failures: list[RecordFailure], contact_name: str) -> tuple[str, str]:
    ok = run.state == RunState.COMPLETED
    subject = (
        "Your Tripletex import into Rackbeat is complete"
        if ok
        else "Your Tripletex import into Rackbeat is complete - some records need your attention"
    )
    lines = [
        f"Hello {contact_name},",
        "",
        "The one-time import from Tripletex into Rackbeat has finished.",
        "",
    ]
    for entity, counts in run.counters.items():
        total = run.totals.get(entity, counts.done)
        lines.append(
            f"{ENTITY_TITLES[entity]}: {total} in Tripletex - {counts.created} created, "
            f"{counts.linked} matched to existing Rackbeat records, {counts.failed} not imported."
        )
    if failures:
        lines += ["", "Not imported, and what to do:"]
        for failure in failures[:LISTED_FAILURES]:
            label = failure.name or failure.number or f"id {failure.key}"
            lines.append(f"- {failure.entity} {label}: {failure.message} {failure.suggested_fix}")
        if len(failures) > LISTED_FAILURES:
            lines.append(f"- ... and {len(failures) - LISTED_FAILURES} more, listed in the settings page.")
        lines += [
            "",
            'When you have fixed them, open your settings link and choose "Retry failed records".',
        ]
    return subject, "\n".join(lines) + "\n"


def send_summary(ctx: InitialSyncContext, run: RunRecord, failures: list[RecordFailure]) -> None:
    tenant = ctx.tenants.get(run.tenant_id)
    if tenant is None:
        logger.warning("tenant %s is gone; no summary email", run.tenant_id)
        return
    subject, text = summary_text(run, failures, tenant.contact_name)
    ctx.ses.send_email(
        FromEmailAddress=ctx.sender_email,
        Destination={"ToAddresses": [tenant.contact_email]},
        Content={
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            }
        },
    )
