"""Rackbeat webhooks: which events we want, registering them one by one, and parsing deliveries.

Only two of the events we want are confirmed to exist (RACKBEAT-EVIDENCE.md §6, mismatch 2), so
each is registered on its own: a refusal of one never costs us the others, and what Rackbeat
refused is recorded with its reason. Every stream is also read by the scheduled sync, so a
stream without a working webhook is late by at most one schedule interval, never lost.

Deliveries are only pointers (``{"key_name": "number", "key": "1021"}``): the worker fetches the
record through the API, so a late or repeated delivery always syncs the current state.

The delivery URL carries a per-tenant random secret as ``?secret=``: no public consumer has been
seen checking ``Rackbeat-Webhook-Token`` (Rackbeat's own integration template and a 2026
production consumer authenticate by a URL secret, the latter as ``?secret=``), so a delivery is
accepted with either. A query parameter rather than a path segment keeps one API Gateway route
(``/webhooks/rackbeat/{tenant_id}``) for old and new subscriptions, and keeps the secret out of
the path that API Gateway logs and metrics name.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from rackbeat_tripletex.clients.errors import ApiError, AuthError, RateLimited, ServerError, TransportError
from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.models.sync import Entity, EntitySyncTask
from rackbeat_tripletex.webhooks.store import EventState, WebhookStore

if TYPE_CHECKING:  # the webhooks function verifies deliveries and loads no HTTP client
    from rackbeat_tripletex.clients.rackbeat import RackbeatClient

logger = logging.getLogger(__name__)

# Evidence grades as in specs/evidence/README.md: OFF official, REAL captured, MEAS measured,
# PRAC integrator practice, WEAK, NONE.
Grade = Literal["OFF", "REAL", "MEAS", "PRAC", "WEAK", "NONE"]
CONFIRMED_GRADES: frozenset[str] = frozenset({"OFF", "REAL", "MEAS", "PRAC"})

_TRANSIENT = (RateLimited, ServerError, TransportError)
# OFF (DEV changelog 2026-04-27): product.deleted says a product was converted to a BOM.
CONVERTED_TO_LOT = "converted_to_lot"
SECRET_PARAMETER = "secret"  # noqa: S105 - the parameter's name, not a value
_REDACTED = "***"


@dataclass(frozen=True)
class WantedEvent:
    name: str
    entity: Entity
    grade: Grade
    source: str

    @property
    def confirmed(self) -> bool:
        return self.grade in CONFIRMED_GRADES


# Confirmed events first: if Rackbeat starts refusing partway, what we surely need is in place.
EVENTS: tuple[WantedEvent, ...] = (
    WantedEvent("product.created", "product", "PRAC", "gytisdemo product-webhook.js, production 2026"),
    WantedEvent("product.updated", "product", "PRAC", "gytisdemo product-webhook.js, production 2026"),
    # A deletion becomes a deactivation on the other side (sync/deactivation.py).
    WantedEvent("product.deleted", "product", "OFF", "DEV changelog 2026-04-27 (converted_to_lot)"),
    WantedEvent("lot.created", "lot", "OFF", "DEV changelog 2026-04-27 (product converted to a BOM)"),
    WantedEvent("customer.created", "customer", "NONE", "no source; may be on DEV's cut-off event page"),
    WantedEvent("customer.updated", "customer", "NONE", "no source; may be on DEV's cut-off event page"),
    WantedEvent("supplier.created", "supplier", "NONE", "no source; may be on DEV's cut-off event page"),
    WantedEvent("supplier.updated", "supplier", "NONE", "no source; may be on DEV's cut-off event page"),
    # A booked invoice is the one that goes to the books; drafts are not synced.
    WantedEvent(
        "customer_invoice.booked", "invoice", "NONE", "no source; may be on DEV's cut-off event page"
    ),
    WantedEvent("lot.updated", "lot", "NONE", "no source; the event table after lot.created is cut off"),
    WantedEvent("customer.deleted", "customer", "NONE", "no source; named like product.deleted"),
    WantedEvent("supplier.deleted", "supplier", "NONE", "no source; named like product.deleted"),
)
ENTITY_OF: dict[str, Entity] = {wanted.name: wanted.entity for wanted in EVENTS}
WANTED: dict[str, WantedEvent] = {wanted.name: wanted for wanted in EVENTS}


def webhook_url(public_base_url: str, tenant_id: str) -> str:
    """Our delivery route for a tenant, without the secret. It contains the tenant id:
    offboarding and re-registration recognise our subscriptions by it."""
    return f"{public_base_url.rstrip('/')}/webhooks/rackbeat/{tenant_id}"


def delivery_url(public_base_url: str, tenant_id: str, secret: str) -> str:
    """What Rackbeat is told to call: the route plus the registration's URL secret."""
    return f"{webhook_url(public_base_url, tenant_id)}?{urlencode({SECRET_PARAMETER: secret})}"


def is_ours(url: str, tenant_id: str) -> bool:
    return f"/webhooks/rackbeat/{tenant_id}" in url


def new_url_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class EventOutcome:
    event: WantedEvent
    state: EventState
    webhook_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Registration:
    tenant_id: str
    outcomes: tuple[EventOutcome, ...]

    @property
    def registered(self) -> list[str]:
        return [o.event.name for o in self.outcomes if o.state == "registered"]

    @property
    def missing(self) -> list[EventOutcome]:
        return [o for o in self.outcomes if o.state != "registered"]


def _reason(error: Exception, secret: str) -> str:
    """Rackbeat's own words for a refusal, never the secret (the client already redacts what it
    knows; the URL secret is replaced here too in case an answer echoes the URL)."""
    if isinstance(error, ApiError):
        if error.validation_messages:
            text = "; ".join(
                f"{vm.field}: {vm.message}" if vm.field else vm.message for vm in error.validation_messages
            )
        else:
            text = error.message
        text = f"Rackbeat answered {error.status or 'nothing'}: {text}"
    else:
        text = str(error) or type(error).__name__
    return text.replace(secret, _REDACTED)[:500]


def _register_one(
    client: RackbeatClient, wanted: WantedEvent, url: str, secret: str
) -> tuple[EventOutcome, str | None]:
    """One event; the client has already retried rate limits, 5xx and network errors."""
    try:
        created = client.register_webhook(wanted.name, url)
    except AuthError:
        raise  # the token is dead: every further call would fail the same way
    except ApiError as error:
        # Busy, 5xx or network after the client's retries: it failed this time. Any other answer
        # is Rackbeat refusing this event (e.g. 422 "The selected event is invalid").
        state: EventState = "failed" if isinstance(error, _TRANSIENT) else "refused"
        return EventOutcome(wanted, state, reason=_reason(error, secret)), None
    except RuntimeError as error:  # no token even after re-creating the subscription
        return EventOutcome(wanted, "failed", reason=_reason(error, secret)), None
    if created.token is None:
        return EventOutcome(wanted, "failed", reason="Rackbeat did not return a webhook token"), None
    return EventOutcome(wanted, "registered", webhook_id=created.id), created.token


NOT_TRIED = "Not tried: Rackbeat answered too slowly this time. Saving the settings again retries."


def register(
    client: RackbeatClient,
    store: WebhookStore,
    tenant_id: str,
    public_base_url: str,
    *,
    now: datetime,
    make_secret: Callable[[], str] = new_url_secret,
    time_left: Callable[[], float] = lambda: float("inf"),
) -> Registration:
    """Subscribe the tenant to every wanted event, each on its own, under a fresh URL secret;
    record per event what happened; then remove the previous registration's subscriptions (their
    URL carries the old secret, which no longer verifies). Raises only AuthError.

    ``time_left``: seconds the caller can still wait; once it is spent, the remaining events are
    recorded as failed without a call (the user is waiting on API Gateway's 29 s)."""
    secret = make_secret()
    client.add_secret(secret)
    url = delivery_url(public_base_url, tenant_id, secret)
    stored_url = webhook_url(public_base_url, tenant_id)
    at = now.isoformat()
    # Stored before Rackbeat knows the URL, so the first delivery to it already verifies.
    store.put_url_secret(tenant_id, secret, now)
    outcomes = []
    for wanted in EVENTS:
        if time_left() > 0:
            outcome, token = _register_one(client, wanted, url, secret)
        else:
            outcome, token = EventOutcome(wanted, "failed", reason=NOT_TRIED), None
        outcomes.append(outcome)
        if token is not None and outcome.webhook_id is not None:
            store.put_rackbeat(
                tenant_id, wanted.name, outcome.webhook_id, stored_url, token, evidence=wanted.grade, at=at
            )
        else:
            store.put_unregistered(
                tenant_id, wanted.name, outcome.state, outcome.reason or "", evidence=wanted.grade, at=at
            )
    store.forget_events(tenant_id, {row.event for row in store.event_rows(tenant_id)} - set(WANTED))
    if time_left() > 0:
        _remove_previous(client, tenant_id, url)
    return Registration(tenant_id, tuple(outcomes))


def _remove_previous(client: RackbeatClient, tenant_id: str, current_url: str) -> None:
    """Delete our subscriptions under an older URL. A failure leaves them in place: their
    deliveries are refused (old secret, replaced tokens) until Rackbeat gives up on them."""
    try:
        stale = [w for w in readable(client.webhooks()) if is_ours(w.url, tenant_id) and w.url != current_url]
        for webhook in stale:
            client.delete_webhook(webhook.id)
    except AuthError:
        raise
    except ApiError as error:
        logger.warning(
            "old rackbeat webhooks not removed",
            extra={"tenant_id": tenant_id, "error": type(error).__name__, "status": error.status},
        )


def task_for(tenant_id: str, event: str, body: Mapping[str, Any]) -> EntitySyncTask | None:
    entity = ENTITY_OF.get(event)
    key = body.get("new_key") or body.get("key")
    if entity is None or key is None or str(key) == "":
        return None
    deleted = event.endswith(".deleted")
    data = body.get("data")
    if deleted and (body.get(CONVERTED_TO_LOT) or (isinstance(data, Mapping) and data.get(CONVERTED_TO_LOT))):
        # The product became a bill of materials with the same number: the lot takes over its
        # Tripletex product (lot.created follows; this task gets there first if it is missed).
        entity, deleted = "lot", False
    return EntitySyncTask(
        tenant_id=tenant_id, source="rackbeat", entity=entity, key=str(key), event=event, deleted=deleted
    )
