"""The summary email the contact gets when the import has finished.

Sent through SES (v2) from here: this message belongs to the import. Its words are in the
catalogue (``i18n/emails.py``), in the tenant's language.
"""

from __future__ import annotations

import logging

from rackbeat_tripletex.i18n import DEFAULT_LANGUAGE, Language, text
from rackbeat_tripletex.i18n.records import failure_words
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.models.sync import RecordFailure, RunState
from rackbeat_tripletex.notify.messages import line, plain
from rackbeat_tripletex.store.runs import RunRecord

logger = logging.getLogger(__name__)
# Enough to act on without turning the email into a report; the full list is in the wizard.
LISTED_FAILURES = 20
# What each imported entity is called in the email: the stream that brought it.
_TITLE = "stream.{entity}s_to_rackbeat.label"
_FAILURE = "- {entity} {label}: {message} {fix}"


def summary_text(
    run: RunRecord, failures: list[RecordFailure], contact_name: str, language: Language = DEFAULT_LANGUAGE
) -> tuple[str, str]:
    """Subject and body in the tenant's language (the words in ``i18n/emails.py``)."""
    ok = run.state == RunState.COMPLETED
    subject = text("email.import_done.subject" if ok else "email.import_done_with_failures.subject", language)
    counts = []
    for entity, tally in run.counters.items():
        counts.append(
            text(
                "email.import_summary.count",
                language,
                entity=text(_TITLE.format(entity=entity), language),
                total=run.totals.get(entity, tally.done),
                created=tally.created,
                linked=tally.linked,
                failed=tally.failed,
            )
        )
    listed = ""
    if failures:
        records = []
        for failure in failures[:LISTED_FAILURES]:
            words = failure_words(
                failure.reason, failure.entity, failure.message, failure.suggested_fix, language
            )
            label = failure.name or failure.number or failure.key
            records.append(
                line(_FAILURE, entity=words.entity, label=label, message=words.message, fix=words.fix)
            )
        extra = len(failures) - LISTED_FAILURES
        more = text("email.import_summary.more", language, count=extra) if extra > 0 else ""
        listed = text("email.import_summary.failures", language, records="\n".join(records), more=more)
    body = text(
        "email.import_summary.body",
        language,
        contact_name=plain(contact_name),
        counts="\n".join(counts),
        failures=listed,
    )
    return subject, body


def send_summary(ctx: InitialSyncContext, run: RunRecord, failures: list[RecordFailure]) -> None:
    tenant = ctx.tenants.get(run.tenant_id)
    if tenant is None:
        logger.warning("tenant %s is gone; no summary email", run.tenant_id)
        return
    subject, body = summary_text(run, failures, tenant.contact_name, tenant.language)
    ctx.ses.send_email(
        FromEmailAddress=ctx.sender_email,
        Destination={"ToAddresses": [tenant.contact_email]},
        Content={
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            }
        },
    )
