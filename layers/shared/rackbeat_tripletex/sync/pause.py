"""A tenant whose token stopped working: paused (``needs_relink``) and told once per outage.

The daily token check and the sync both get here. The pause and the "told" mark are written
together, before the email: a crash between the two loses the email rather than sending it twice,
and a second worker that finds the tenant already marked sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.domain import Check, CheckId, Tenant, TenantStatus
from rackbeat_tripletex.notify.email import EMPLOYEE_TOKEN_FIELD, RACKBEAT_TOKEN_FIELD, Mailer
from rackbeat_tripletex.store.tenants import ConcurrentUpdateError, TenantStore

logger = logging.getLogger(__name__)
ATTEMPTS = 3


def dead_token(system: str | None) -> Check:
    """What a sync reports when a vendor rejects the stored token mid-run, in the current
    language: which token died (Rackbeat's API token, or Tripletex's employee token, the one that
    expires) and what to do."""
    rackbeat = system == "Rackbeat"
    check_id = CheckId.RACKBEAT_TOKEN if rackbeat else CheckId.TRIPLETEX_SESSION
    return Check(
        id=check_id,
        label=text(f"check.label.{check_id.value}"),
        ok=False,
        detail=text("check.dead.rackbeat" if rackbeat else "check.dead.tripletex"),
        fix=text("check.rackbeat.refused_fix" if rackbeat else "check.session.employee_fix"),
        field=RACKBEAT_TOKEN_FIELD if rackbeat else EMPLOYEE_TOKEN_FIELD,
    )


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
