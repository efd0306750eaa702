"""What the tenant's Rackbeat webhook registration achieved, per wanted event, in words a tenant
and an operator can act on (GET /tenants/{tenant_id}/webhooks and the wizard's settings step)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from rackbeat_tripletex.models.sync import Entity
from rackbeat_tripletex.webhooks.rackbeat import EVENTS, Grade
from rackbeat_tripletex.webhooks.store import EventRow, WebhookStore

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_MINUTES = {"minute": 1, "hour": 60, "day": 1440}

EventStatusState = Literal["registered", "refused", "failed", "not_registered"]


class EventStatus(BaseModel):
    event: str
    entity: Entity
    evidence: Grade = Field(
        description="How sure we are the event exists: OFF, REAL, MEAS, PRAC, WEAK, NONE."
    )
    state: EventStatusState = Field(
        description="registered; refused by Rackbeat (`reason` says why); failed this time (Rackbeat "
        "unreachable; saving the settings again retries); not_registered (not tried yet)."
    )
    reason: str | None = None
    webhook_id: int | None = None
    scheduled_sync_every_minutes: int | None = Field(
        default=None, description="Changes still arrive by the scheduled sync at least this often."
    )


class WebhookStatus(BaseModel):
    registered_at: str | None = Field(
        description="When the webhooks were last registered (and the URL secret made)."
    )
    registered: int
    wanted: int
    scheduled_sync_every_minutes: int | None
    message: str
    events: list[EventStatus]


def schedule_minutes(expression: str | None) -> int | None:
    """Minutes between scheduled runs from an EventBridge ``rate(...)``; None for cron or unset."""
    match = _RATE.match((expression or "").strip())
    if match is None:
        return None
    return int(match.group(1)) * _MINUTES[match.group(2).rstrip("s")]


def webhook_status(store: WebhookStore, tenant_id: str, schedule_expression: str | None) -> WebhookStatus:
    rows: dict[str, EventRow] = {row.event: row for row in store.event_rows(tenant_id)}
    every = schedule_minutes(schedule_expression)
    events = []
    for wanted in EVENTS:
        row = rows.get(wanted.name)
        events.append(
            EventStatus(
                event=wanted.name,
                entity=wanted.entity,
                evidence=wanted.grade,
                state=row.state if row is not None else "not_registered",
                reason=row.reason if row is not None else None,
                webhook_id=row.webhook_id if row is not None else None,
                scheduled_sync_every_minutes=every,
            )
        )
    registered = [e for e in events if e.state == "registered"]
    return WebhookStatus(
        registered_at=store.secret_rotated_at(tenant_id),
        registered=len(registered),
        wanted=len(events),
        scheduled_sync_every_minutes=every,
        message=_message(events, every),
        events=events,
    )


def _message(events: list[EventStatus], every: int | None) -> str:
    registered = sum(1 for e in events if e.state == "registered")
    cadence = f"every {every} minutes" if every else "on its schedule"
    if registered == len(events):
        return f"All {registered} Rackbeat webhooks are registered; the scheduled sync also runs {cadence}."
    late = sorted({e.entity for e in events if e.state != "registered"})
    return (
        f"{registered} of {len(events)} Rackbeat webhooks are registered. Changes to "
        f"{', '.join(f'{entity}s' for entity in late)} without a webhook reach the other system by the "
        f"scheduled sync {cadence}."
    )
