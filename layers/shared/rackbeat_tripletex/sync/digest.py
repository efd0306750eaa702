"""The failure digest: at most one email a day per tenant listing records that could not sync.

sk = DIGEST  last_sent_at. A conditional write claims the day before the email goes out, so two
workers finishing at once cannot both send it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import ClientError

from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.tenants import tenant_pk
from rackbeat_tripletex.sync.model import SyncFailure

DIGEST_SK = "DIGEST"
INTERVAL = dt.timedelta(days=1)
SHOWN = 25


def digest_text(tenant: Tenant, failures: list[SyncFailure]) -> tuple[str, str]:
    subject = f"{len(failures)} records could not be synchronised ({tenant.company_name})"
    lines = [f"- {f.entity} {f.key}: {f.message} What to do: {f.suggested_fix}" for f in failures[:SHOWN]]
    more = f"\n... and {len(failures) - SHOWN} more in the settings page." if len(failures) > SHOWN else ""
    body = (
        f"Hello {tenant.contact_name},\n\n"
        "These records did not reach the other system. Everything else is synchronising normally.\n\n"
        + "\n".join(lines)
        + more
        + "\n\nA record syncs again on its own once it is corrected; you can also retry all from the "
        "settings page.\n"
    )
    return subject, body


def send_digest(
    table: Any, mailer: Mailer, tenant: Tenant, failures: list[SyncFailure], now: dt.datetime
) -> bool:
    """Email the digest if there is something to say and none went out in the last day."""
    if not failures:
        return False
    try:
        table.put_item(
            Item={"pk": tenant_pk(tenant.tenant_id), "sk": DIGEST_SK, "last_sent_at": now.isoformat()},
            ConditionExpression="attribute_not_exists(pk) OR last_sent_at <= :cutoff",
            ExpressionAttributeValues={":cutoff": (now - INTERVAL).isoformat()},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    subject, body = digest_text(tenant, failures)
    # Mailer has no digest template yet (notify/email.py is not this module's); its sender is reused.
    mailer._send(tenant.contact_email, subject, body)
    return True
