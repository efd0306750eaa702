"""A tenant whose token stopped working: paused (``needs_relink``) and told once per outage.

The daily token check and the sync both get here. The pause and the "told" mark are written
together, before the email: a crash between the two loses the email rather than sending it twice,
and a second worker that finds the tenant already marked sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from rackbeat_tripletex.models.domain import Check, Tenant, TenantStatus
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.tenants import ConcurrentUpdateError, TenantStore

logger = logging.getLogger(__name__)
ATTEMPTS = 3


def pause_for_relink(
    tenants: TenantStore, mailer: Mailer, tenant_id: str, checks: Sequence[Check], now: dt.datetime
) -> Tenant | None:
    """Pause the tenant and email its contact unless this outage was already told. Returns the
    paused tenant; None when it is gone or in a state a pause does not apply to (offboarded)."""
    for _ in range(ATTEMPTS):
        current = tenants.get_with_version(tenant_id)
        if current is None:
            return None
        profile, version = current
        if profile.status not in (TenantStatus.ACTIVE, TenantStatus.NEEDS_RELINK):
            return None
        notify = profile.relink_notified_at is None
        paused = profile.model_copy(
            update={
                "status": TenantStatus.NEEDS_RELINK,
                "updated_at": now,
                "relink_notified_at": profile.relink_notified_at or now,
            }
        )
        try:
            tenants.save(paused, expected_version=version)
        except ConcurrentUpdateError:
            continue
        logger.warning(
            "tokens no longer work; tenant paused",
            extra={"tenant_id": tenant_id, "failed_checks": [c.id.value for c in checks]},
        )
        if notify:
            mailer.send_relink_needed(paused, list(checks))
        return paused
    return None
