"""The cockpit the settings link and a sign-in open: is the integration running (and if not,
why, and which token to replace), how each stream is doing, the run history as a person reads
it (labels from the catalogue, Norwegian dates, webhook deliveries grouped), and each webhook
subscription's state; the reconciliation panel reads from its own routes (``reconciliation_url``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import Check, CheckId, Settings, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import RunOutcome, StreamName, SyncRun
from rackbeat_tripletex.streams import registry

TokenField = Literal["rackbeat_api_token", "tripletex_consumer_token", "tripletex_employee_token"]
TOKEN_FIELDS = ("rackbeat_api_token", "tripletex_consumer_token", "tripletex_employee_token")
# Deliveries of one stream closer together than this are one row of the history.
DELIVERY_GROUP = dt.timedelta(hours=1)
_MONTHS_NB = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

try:
    OSLO: dt.tzinfo = ZoneInfo("Europe/Oslo")
except ZoneInfoNotFoundError:  # a runtime without tzdata: UTC is off by an hour or two, not wrong
    OSLO = dt.UTC


class StreamHealth(BaseModel):
    name: StreamName
    label: str
    direction: Literal["to_tripletex", "to_rackbeat"]
    enabled: bool
    last_success_at: dt.datetime | None
    last_success_text: str | None
    lag_seconds: int | None = Field(description="Since the last successful run.")
    records_today: int = Field(description="Written today (Oslo time).")
    open_failures: int


class HistoryRow(BaseModel):
    started_at: dt.datetime
    when: str = Field(description="The start, in the requested language, Oslo time.")
    what: str = Field(description="The streams of the run, by their labels.")
    how: str = Field(description="What started it: at once (webhook), scheduled, reconciliation.")
    deliveries: int = Field(description="Webhook deliveries in this row (1 for a scheduled run).")
    read: int
    written: int
    failed: int
    outcome: RunOutcome


class WebhookRow(BaseModel):
    event: str
    state: str
    state_text: str
    reason: str | None = None


class CockpitView(BaseModel):
    tenant_id: str
    company_name: str
    status: TenantStatus
    status_text: str
    dead_token: TokenField | None = Field(description="The one token to replace when paused for it.")
    streams: list[StreamHealth]
    history: list[HistoryRow]
    webhooks: list[WebhookRow]
    open_failures: int
    reconciliation_url: str | None = Field(
        None, description="Where the reconciliation panel reads from (relative to the API's root)."
    )


def when_text(moment: dt.datetime, language: Language) -> str:
    local = moment.astimezone(OSLO)
    if language is Language.NB:
        return f"{local.day}. {_MONTHS_NB[local.month - 1]} {local.year} kl. {local:%H:%M}"
    return f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}, {local:%H:%M}"


# A session check without a field (stored before checks named one) says which token by its fix,
# in the language the check was made in.
_CONSUMER_FIXES = frozenset(
    text(key, language)
    for key in ("check.session.consumer_fix", "check.session.swapped_fix")
    for language in Language
)


def dead_token(failed: Iterable[Check]) -> TokenField | None:
    """The one token a failed check points at; None when the failures point at several."""
    fields: set[TokenField] = set()
    for check in failed:
        if check.advisory:
            continue
        if check.field in TOKEN_FIELDS:
            fields.add(check.field)  # type: ignore[arg-type]
        elif check.id == CheckId.RACKBEAT_TOKEN:
            fields.add("rackbeat_api_token")
        elif check.id == CheckId.TRIPLETEX_SESSION and check.fix in _CONSUMER_FIXES:
            fields.add("tripletex_consumer_token")
        elif check.id.value.startswith("tripletex_"):
            fields.add("tripletex_employee_token")
    return fields.pop() if len(fields) == 1 else None


_RUN_ORDER = [stream.name for stream in registry.STREAMS]


def history(runs: Sequence[SyncRun], language: Language) -> list[HistoryRow]:
    """One row per run (its streams together) and per hour of one stream's webhook deliveries;
    newest first, as `runs` come."""
    rows: list[HistoryRow] = []
    groups: list[list[SyncRun]] = []
    for run in runs:
        last = groups[-1] if groups else None
        if last is not None and _same_row(last, run):
            last.append(run)
        else:
            groups.append([run])
    for group in groups:
        first = group[-1]
        # In run order, as the registry runs them, whatever order the store answered in.
        streams = sorted({run.stream for run in group}, key=_RUN_ORDER.index)
        worst = max((run.outcome for run in group), key=list(RunOutcome).index)
        rows.append(
            HistoryRow(
                started_at=first.started_at,
                when=when_text(first.started_at, language),
                what=", ".join(_label(stream, language) for stream in streams),
                how=text(f"cockpit.trigger.{first.trigger}", language),
                deliveries=len({run.run_id for run in group}),
                read=sum(run.read for run in group),
                written=sum(run.written for run in group),
                failed=sum(run.failed for run in group),
                outcome=worst,
            )
        )
    return rows


def _same_row(group: list[SyncRun], run: SyncRun) -> bool:
    newest = group[0]
    if run.trigger != newest.trigger:
        return False
    if run.trigger != "webhook":
        return run.run_id == newest.run_id
    return run.stream == newest.stream and newest.started_at - run.started_at < DELIVERY_GROUP


def _label(stream: StreamName, language: Language) -> str:
    direction = "Tripletex" if stream.value.endswith("_to_tripletex") else "Rackbeat"
    return f"{text(f'stream.{stream.value}.label', language)} \u2192 {direction}"


def stream_health(
    runs: Sequence[SyncRun],
    settings: Settings | None,
    failures_by_stream: dict[str, int],
    now: dt.datetime,
    language: Language,
) -> list[StreamHealth]:
    today = now.astimezone(OSLO).date()
    rows = []
    for stream in registry.STREAMS:
        mine = [run for run in runs if run.stream == stream.name]
        success = next((run for run in mine if run.outcome in (RunOutcome.OK, RunOutcome.PARTIAL)), None)
        at = (success.finished_at or success.started_at) if success else None
        rows.append(
            StreamHealth(
                name=stream.name,
                label=_label(stream.name, language),
                direction="to_tripletex" if stream.source == "rackbeat" else "to_rackbeat",
                enabled=bool(settings and getattr(settings.streams, stream.name.value)),
                last_success_at=at,
                last_success_text=when_text(at, language) if at else None,
                lag_seconds=int((now - at).total_seconds()) if at else None,
                records_today=sum(
                    run.written for run in mine if run.started_at.astimezone(OSLO).date() == today
                ),
                open_failures=failures_by_stream.get(stream.name.value, 0),
            )
        )
    return rows


def status_text(tenant: Tenant, token: TokenField | None, language: Language) -> str:
    if tenant.status == TenantStatus.NEEDS_RELINK:
        if token is None:
            return text("cockpit.status.needs_relink_unknown", language)
        return text("cockpit.status.needs_relink", language, token=text(f"cockpit.token.{token}", language))
    return text(f"cockpit.status.{tenant.status.value}", language)


@dataclass
class Cockpit:
    """Reads what the view needs; every source is a callable so the view is tested without AWS."""

    runs: Callable[[str, int], list[SyncRun]]
    failures: Callable[[str], Any]
    settings: Callable[[str], Settings | None]
    webhooks: Callable[[str], Any]
    recheck: Callable[[Tenant], list[Check]]
    clock: Callable[[], dt.datetime]

    def view(self, tenant: Tenant, language: Language | None = None) -> CockpitView:
        chosen = language or tenant.language
        runs = self.runs(tenant.tenant_id, 200)
        failures = self.failures(tenant.tenant_id).failures
        by_stream: dict[str, int] = {}
        for failure in failures:
            by_stream[failure.source] = by_stream.get(failure.source, 0) + 1
        token = dead_token(self.recheck(tenant)) if tenant.status == TenantStatus.NEEDS_RELINK else None
        status = self.webhooks(tenant.tenant_id)
        return CockpitView(
            tenant_id=tenant.tenant_id,
            company_name=tenant.company_name,
            status=tenant.status,
            status_text=status_text(tenant, token, chosen),
            dead_token=token,
            streams=stream_health(runs, self.settings(tenant.tenant_id), by_stream, self.clock(), chosen),
            history=history(runs[:60], chosen),
            webhooks=[
                WebhookRow(
                    event=event.event,
                    state=event.state,
                    state_text=text(f"cockpit.webhook.{event.state}", chosen),
                    reason=event.reason,
                )
                for event in status.events
            ],
            open_failures=len(failures),
            reconciliation_url=f"tenants/{tenant.tenant_id}/reconciliation",
        )
