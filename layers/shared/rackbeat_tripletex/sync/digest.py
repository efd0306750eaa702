"""The failure digest: at most one email a day per tenant listing records that could not sync.

sk = DIGEST  last_sent_at. A conditional write claims the day before the email goes out, so two
workers finishing at once cannot both send it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.models.sync import RecordFailure
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.dynamo import conditionally, tenant_pk

DIGEST_SK = "DIGEST"
INTERVAL = dt.timedelta(days=1)


def send_digest(
    table: Any,
    mailer: Mailer,
    tenant: Tenant,
    failures: list[RecordFailure],
    now: dt.datetime,
    *,
    to: str | None = None,
) -> bool:
    """Email the digest (to ``to``, else the tenant's contact) if there is something to say and
    none went out in the last day. Returns whether it was sent."""
    if not failures:
        return False
    claimed = conditionally(
        lambda: table.put_item(
            Item={"pk": tenant_pk(tenant.tenant_id), "sk": DIGEST_SK, "last_sent_at": now.isoformat()},
            ConditionExpression="attribute_not_exists(pk) OR last_sent_at <= :cutoff",
            ExpressionAttributeValues={":cutoff": (now - INTERVAL).isoformat()},
        )
    )
    if not claimed:
        return False
    try:
        mailer.send_failure_digest(tenant, to or tenant.contact_email, failures)
    except Exception:
        # Give the day back, so the next run's digest is not swallowed by a claim that sent nothing.
        table.delete_item(
            Key={"pk": tenant_pk(tenant.tenant_id), "sk": DIGEST_SK},
            ConditionExpression="last_sent_at = :mine",
            ExpressionAttributeValues={":mine": now.isoformat()},
        )
        raise
    return True
