"""What the daily reconciliation found, per tenant and day.

Layout (in the tenant's partition of StateTable):
  sk = RECON#DAY#<YYYY-MM-DD>                      the day's check: when, how much was compared
  sk = RECON#GAP#<YYYY-MM-DD>#<gap id>             one difference found that day

A day checked again replaces its rows: a gap no longer found (resent, or fixed by hand) is
gone, one still there keeps when it was first found and resent. Rows expire after RETENTION
(DynamoDB TTL), and go with the tenant's partition when it is deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, Field

from rackbeat_tripletex.models.sync import Entity
from rackbeat_tripletex.store.dynamo import conditionally, dynamo, plain, query_prefix, tenant_pk

DAY_PREFIX = "RECON#DAY#"
GAP_PREFIX = "RECON#GAP#"
RETENTION = dt.timedelta(days=90)

GapKind = Literal[
    "invoice_missing",
    "invoice_duplicate",
    "invoice_total",
    "invoice_vat",
    "customer_fields",
    "product_fields",
]


class Gap(BaseModel):
    """One difference between Rackbeat and Tripletex; ``params`` fill its message."""

    gap_id: str
    day: dt.date
    entity: Entity
    key: str = Field(description="The record's Rackbeat number.")
    kind: GapKind
    params: dict[str, str] = Field(default_factory=dict)
    found_at: dt.datetime
    resent_at: dt.datetime | None = None


class DayChecked(BaseModel):
    day: dt.date
    checked_at: dt.datetime
    invoices: int = 0
    customers: int = 0
    products: int = 0
    gaps: int = 0


def gap_id(day: dt.date, entity: str, key: str, kind: str) -> str:
    """Stable for the same difference on the same day, so a re-check finds it again; short and
    URL-safe whatever characters a product number has."""
    digest = hashlib.sha256(f"{day.isoformat()}\x1f{entity}\x1f{key}\x1f{kind}".encode()).hexdigest()
    return f"{day.isoformat()}-{digest[:12]}"


class ReconciliationStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def record_day(self, tenant_id: str, checked: DayChecked, gaps: list[Gap]) -> list[Gap]:
        """Replace the day's rows; returns the gaps as stored (first found, resent kept)."""
        pk = tenant_pk(tenant_id)
        day = checked.day.isoformat()
        before = {g.gap_id: g for g in self.gaps(tenant_id, checked.day, checked.day)}
        kept = [
            g.model_copy(
                update={"found_at": before[g.gap_id].found_at, "resent_at": before[g.gap_id].resent_at}
            )
            if g.gap_id in before
            else g
            for g in gaps
        ]
        expires = int((checked.checked_at + RETENTION).timestamp())
        with self._table.batch_writer() as batch:
            for stale in before.keys() - {g.gap_id for g in kept}:
                batch.delete_item(Key={"pk": pk, "sk": f"{GAP_PREFIX}{day}#{stale}"})
            for gap in kept:
                batch.put_item(
                    Item={
                        "pk": pk,
                        "sk": f"{GAP_PREFIX}{day}#{gap.gap_id}",
                        "expires_at": expires,
                        **dynamo(gap.model_dump(mode="json")),
                    }
                )
            batch.put_item(
                Item={
                    "pk": pk,
                    "sk": f"{DAY_PREFIX}{day}",
                    "expires_at": expires,
                    **dynamo(checked.model_copy(update={"gaps": len(kept)}).model_dump(mode="json")),
                }
            )
        return kept

    def days(self, tenant_id: str, limit: int) -> list[DayChecked]:
        rows = query_prefix(self._table, tenant_pk(tenant_id), DAY_PREFIX, ScanIndexForward=False)
        found = []
        for row in rows:
            found.append(DayChecked.model_validate(_body(row)))
            if len(found) >= limit:
                break
        return found

    def gaps(self, tenant_id: str, first: dt.date | None = None, last: dt.date | None = None) -> list[Gap]:
        """The gaps of the days from ``first`` to ``last`` (all kept days without them), oldest first."""
        rows = query_prefix(self._table, tenant_pk(tenant_id), GAP_PREFIX)
        gaps = [Gap.model_validate(_body(row)) for row in rows]
        return [g for g in gaps if (first is None or g.day >= first) and (last is None or g.day <= last)]

    def mark_resent(self, tenant_id: str, gap: Gap, at: dt.datetime) -> None:
        """Unless a re-check removed the gap meanwhile."""
        conditionally(
            lambda: self._table.update_item(
                Key={"pk": tenant_pk(tenant_id), "sk": f"{GAP_PREFIX}{gap.day.isoformat()}#{gap.gap_id}"},
                UpdateExpression="SET resent_at = :at",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":at": at.astimezone(dt.UTC).isoformat()},
            )
        )


def _body(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in plain(row).items() if k not in ("pk", "sk", "expires_at")}
