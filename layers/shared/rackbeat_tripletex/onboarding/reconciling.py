"""The reconciliation routes' bodies and work: what the daily check found, checking a day now,
and resending what it found (``sync.reconciliation`` does the checking and resending).

Every message in an answer is in the reader's language; a gap keeps its values, not its words."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property
from typing import Self

import boto3
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from rackbeat_tripletex.i18n import Language, use_language
from rackbeat_tripletex.models.domain import Settings, Tenant
from rackbeat_tripletex.models.sync import Entity
from rackbeat_tripletex.onboarding.failures import Say, StepOrderError
from rackbeat_tripletex.store.reconciliation import DayChecked, Gap, GapKind, ReconciliationStore
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.reconciliation import (
    INVOICE_GAPS,
    MAX_RANGE_DAYS,
    NOT_RESENDABLE,
    Reconciliation,
    gap_fix,
    gap_summary,
    yesterday,
)


class GapView(BaseModel):
    gap_id: str = Field(description="What POST .../reconciliation/resend takes in `gap_ids`.")
    day: dt.date = Field(description="The day checked (the invoices' date in Rackbeat).")
    entity: Entity
    key: str = Field(description="The record's number in Rackbeat.")
    kind: GapKind
    summary: str = Field(description="What differs, in the reader's language.")
    fix: str = Field(description="What to do, in the reader's language.")
    resendable: bool = Field(description="Whether resending puts it right (else `fix` says what does).")
    found_at: dt.datetime
    resent_at: dt.datetime | None = None


class ReconciliationView(BaseModel):
    """``GET /tenants/{tenant_id}/reconciliation``: the days checked (newest first) and their gaps."""

    tenant_id: str
    days: list[DayChecked]
    gaps: list[GapView] = Field(description="The gaps of the days listed, oldest day first.")


class CheckDay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(default=None, description="The day to check; yesterday (Oslo) when left out.")


class DayReport(BaseModel):
    """``POST /tenants/{tenant_id}/reconciliation/check``: the day as checked just now."""

    tenant_id: str
    day: DayChecked
    gaps: list[GapView]


class ResendRequest(BaseModel):
    """``{"gap_ids": [...]}`` resends those gaps; ``{"date_from": ..., "date_to": ...}`` checks
    each day of the range again and resends every invoice found missing or different."""

    model_config = ConfigDict(extra="forbid")

    gap_ids: list[str] | None = Field(default=None, min_length=1, max_length=500)
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @model_validator(mode="after")
    def _one_choice(self) -> Self:
        ranged = self.date_from is not None or self.date_to is not None
        if (self.gap_ids is None) == (not ranged) or (
            ranged and (self.date_from is None or self.date_to is None)
        ):
            raise PydanticCustomError(
                "resend_choice", 'Send either "gap_ids" or both "date_from" and "date_to", not both.'
            )
        if self.date_from is not None and self.date_to is not None:
            span = (self.date_to - self.date_from).days + 1
            if span < 1 or span > MAX_RANGE_DAYS:
                raise PydanticCustomError(
                    "reconciliation_range",
                    "the from date may not be after the to date, and the range may be at most {days} days",
                    {"days": MAX_RANGE_DAYS},
                )
        return self


class ResendQueued(BaseModel):
    """202: the records are on SyncQueue; the next check shows whether the gaps are gone."""

    tenant_id: str
    resent: list[str] = Field(description="The gap ids whose records were queued again.")
    not_resendable: list[str] = Field(
        default_factory=list, description="Gaps resending cannot put right; their `fix` says what does."
    )
    not_found: list[str] = Field(default_factory=list, description="Gap ids not (or no longer) recorded.")
    days_checked: list[dt.date] = Field(default_factory=list, description="A range: the days checked again.")


def view(gap: Gap) -> GapView:
    return GapView(
        gap_id=gap.gap_id,
        day=gap.day,
        entity=gap.entity,
        key=gap.key,
        kind=gap.kind,
        summary=gap_summary(gap),
        fix=gap_fix(gap),
        resendable=gap.kind not in NOT_RESENDABLE,
        found_at=gap.found_at,
        resent_at=gap.resent_at,
    )


@dataclass
class ReconciliationOperations:
    """Built on first use: the other routes never pay for the vendors' clients."""

    sync_queue_url: str

    @cached_property
    def _context(self) -> SyncContext:
        return SyncContext.from_config()

    @cached_property
    def reconciliation(self) -> Reconciliation:
        ctx = self._context
        return Reconciliation(
            store=ReconciliationStore(ctx.table),
            links=ctx.links,
            clients=ctx.clients,
            mailer=ctx.mailer,
            sqs=boto3.client("sqs"),
            sync_queue_url=self.sync_queue_url,
        )

    def read(self, tenant_id: str, days: int, language: Language | None = None) -> ReconciliationView:
        """``language``: the page's, when the reader switched it away from the tenant's."""
        store = self.reconciliation.store
        checked = store.days(tenant_id, days)
        first = min((d.day for d in checked), default=None)
        gaps = store.gaps(tenant_id, first) if first is not None else []
        with use_language(language) if language is not None else nullcontext():
            return ReconciliationView(tenant_id=tenant_id, days=checked, gaps=[view(g) for g in gaps])

    def check(self, tenant: Tenant, request: CheckDay) -> DayReport:
        day = request.day or yesterday(self.reconciliation.now())
        checked, gaps = self.reconciliation.check_day(tenant, self._settings(tenant), day)
        return DayReport(tenant_id=tenant.tenant_id, day=checked, gaps=[view(g) for g in gaps])

    def resend(self, tenant: Tenant, request: ResendRequest) -> ResendQueued:
        tenant_id = tenant.tenant_id
        if request.date_from is not None and request.date_to is not None:
            settings = self._settings(tenant)
            days = [
                request.date_from + dt.timedelta(days=n)
                for n in range((request.date_to - request.date_from).days + 1)
            ]
            found = [gap for day in days for gap in self.reconciliation.check_day(tenant, settings, day)[1]]
            wanted = [gap for gap in found if gap.kind in INVOICE_GAPS]
            missing: list[str] = []
        else:
            days = []
            recorded = {gap.gap_id: gap for gap in self.reconciliation.store.gaps(tenant_id)}
            ids = list(dict.fromkeys(request.gap_ids or []))
            wanted = [recorded[i] for i in ids if i in recorded]
            missing = [i for i in ids if i not in recorded]
        resent = self.reconciliation.resend(tenant_id, wanted)
        return ResendQueued(
            tenant_id=tenant_id,
            resent=[gap.gap_id for gap in resent],
            not_resendable=[gap.gap_id for gap in wanted if gap.kind in NOT_RESENDABLE],
            not_found=missing,
            days_checked=days,
        )

    def _settings(self, tenant: Tenant) -> Settings:
        settings = self._context.tenants.get_settings(tenant.tenant_id)
        if settings is None:
            raise StepOrderError(Say("error.needs_settings"))
        return settings
