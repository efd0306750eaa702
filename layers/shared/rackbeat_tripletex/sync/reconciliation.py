"""The daily reconciliation: every invoice booked in Rackbeat on a day exists exactly once in
Tripletex with the same total and the same VAT per rate, and the customers and products on those
invoices that are linked agree on the fields we write (name, number, price).

The nightly full run checks yesterday (Oslo time) for each active tenant, stores what it found
(``store.reconciliation``; the cockpit reads it through ``GET /tenants/{id}/reconciliation``)
and emails the contact when it found a difference. A difference is put right by resending the
record: its link is marked so the stream writes it again (an invoice gone from Tripletex is sent
anew, one that differs goes the way of a changed invoice: credited in Tripletex, re-issued),
and the record goes on SyncQueue as a webhook would put it.

Amounts are compared as Tripletex computes them (``mappers.rackbeat_to_tripletex.amounts``):
each line rounded, so a total may differ from Rackbeat's by up to an øre per line.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rackbeat_tripletex.clients.tenant import ClientFactory
from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import Settings, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import EntitySyncTask
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.queue import send_bodies
from rackbeat_tripletex.store.reconciliation import DayChecked, Gap, GapKind, ReconciliationStore
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.reconciliation_day import OSLO, DayCheck, Found

logger = logging.getLogger(__name__)

# What a link's hashes are set to so the stream writes the record again: no content hashes to it.
RESEND_MARK = "resend"
# Differences that resending cannot put right: the extra invoices are credited in Tripletex.
NOT_RESENDABLE: frozenset[GapKind] = frozenset({"invoice_duplicate"})
# What a date range resends: the invoices' gaps (a duplicate is reported, not resent), not the
# customers' and products' on them.
INVOICE_GAPS: frozenset[GapKind] = frozenset(
    {"invoice_missing", "invoice_duplicate", "invoice_total", "invoice_vat"}
)
# At most this many days are checked and resent at once (a request must answer in seconds).
MAX_RANGE_DAYS = 31


def yesterday(now: dt.datetime) -> dt.date:
    return now.astimezone(OSLO).date() - dt.timedelta(days=1)


def human_date(day: dt.date, language: Language | str | None = None) -> str:
    return text(
        "reconciliation.date", language, day=f"{day.day:02d}", month=f"{day.month:02d}", year=str(day.year)
    )


def gap_summary(gap: Gap, language: Language | str | None = None) -> str:
    params = dict(gap.params)
    if "fields" in params:
        params["fields"] = ", ".join(
            text(f"reconciliation.field.{name}", language) for name in params["fields"].split(",")
        )
    return text(f"reconciliation.{gap.kind}", language, number=gap.key, **params)


def gap_fix(gap: Gap, language: Language | str | None = None) -> str:
    return text(f"reconciliation.{gap.kind}.fix", language)


@dataclass
class Reconciliation:
    """Checks days, keeps what they found, mails it, and resends what the user asks to."""

    store: ReconciliationStore
    links: LinkStore
    clients: ClientFactory
    mailer: Mailer
    sqs: Any
    sync_queue_url: str
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))

    def check_day(self, tenant: Tenant, settings: Settings, day: dt.date) -> tuple[DayChecked, list[Gap]]:
        found = Found(day=day, now=self.now())
        with self.clients(tenant.tenant_id) as clients:
            DayCheck(clients, self.links, tenant.tenant_id, settings, found).run()
        checked = DayChecked(
            day=day,
            checked_at=found.now,
            invoices=found.invoices,
            customers=found.customers,
            products=found.products,
            gaps=len(found.gaps),
        )
        gaps = self.store.record_day(tenant.tenant_id, checked, found.gaps)
        logger.info(
            "reconciliation checked",
            extra={
                "tenant_id": tenant.tenant_id,
                "day": day.isoformat(),
                "invoices": found.invoices,
                "gaps": len(gaps),
            },
        )
        return checked, gaps

    def daily(self, tenant: Tenant, settings: Settings) -> list[Gap]:
        """Yesterday's check for the nightly run; the contact is emailed when it found gaps."""
        day = yesterday(self.now())
        _, gaps = self.check_day(tenant, settings, day)
        if gaps:
            self.mailer.send_reconciliation_gaps(
                tenant,
                human_date(day, tenant.language),
                [_Said(gap_summary(g, tenant.language)) for g in gaps],
            )
        return gaps

    def resend(self, tenant_id: str, gaps: Iterable[Gap]) -> list[Gap]:
        """Put each gap's record on SyncQueue to be written again; returns the gaps resent."""
        chosen = [gap for gap in gaps if gap.kind not in NOT_RESENDABLE]
        tasks = []
        for gap in chosen:
            link = self.links.get(tenant_id, gap.entity, gap.key)
            if link is not None and link.state == "synced":
                if gap.kind == "invoice_missing":
                    # Sent again as a first attempt is: its order found again (by link, else by
                    # number) and invoiced, or made anew when it is gone too.
                    self.links.record(
                        tenant_id, gap.entity, gap.key, state="pending", rackbeat_source_hash=RESEND_MARK
                    )
                else:
                    # Written again as a changed record is: a differing invoice goes the way of
                    # one changed after it was sent (credited in Tripletex, then re-issued).
                    self.links.record(
                        tenant_id,
                        gap.entity,
                        gap.key,
                        rackbeat_source_hash=RESEND_MARK,
                        to_tripletex_hash=RESEND_MARK,
                    )
            tasks.append(
                EntitySyncTask(
                    tenant_id=tenant_id, source="rackbeat", entity=gap.entity, key=gap.key, event="resend"
                ).model_dump_json()
            )
        unsent = send_bodies(self.sqs, self.sync_queue_url, tasks, attempts=2)
        if unsent:
            raise RuntimeError(f"{unsent} resend messages were not sent to SyncQueue")
        at = self.now()
        for gap in chosen:
            self.store.mark_resent(tenant_id, gap, at)
        logger.info("reconciliation gaps resent", extra={"tenant_id": tenant_id, "resent": len(chosen)})
        return chosen


@dataclass(frozen=True)
class _Said:
    summary: str


def daily_reconciliation(ctx: SyncContext, tenant_id: str, sqs: Any, sync_queue_url: str) -> list[Gap]:
    """The nightly run's check of yesterday for one tenant. A failure is logged, not raised: the
    tenant's sync task must not be redone for it, and the next night checks again."""
    tenant = ctx.tenants.get(tenant_id)
    settings = ctx.tenants.get_settings(tenant_id)
    if tenant is None or settings is None or tenant.status != TenantStatus.ACTIVE:
        return []
    reconciliation = Reconciliation(
        store=ReconciliationStore(ctx.table),
        links=ctx.links,
        clients=ctx.clients,
        mailer=ctx.mailer,
        sqs=sqs,
        sync_queue_url=sync_queue_url,
        now=ctx.now,
    )
    try:
        return reconciliation.daily(tenant, settings)
    except Exception:
        logger.exception("reconciliation failed", extra={"tenant_id": tenant_id})
        return []
