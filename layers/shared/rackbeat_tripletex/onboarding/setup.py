"""Where a tenant's setup stands, asked by the wizard on every load: the step to continue at
(derived from the tenant's own state, so a reload, Back or a new tab resumes), the streams to
offer (the registry with the catalogue's labels, the vendor's defaults ticked), the payment-term
mapping by days, a company name that differs from the accounts', and one integration per
Rackbeat account and per Tripletex company."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import Credentials, Tenant, TenantStatus, ValidationReport
from rackbeat_tripletex.models.sync import StreamName
from rackbeat_tripletex.onboarding.failures import ConfirmationError, OtherAccountError
from rackbeat_tripletex.store.setup import SetupStore, System
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.streams import registry

Step = Literal["tokens", "prerequisites", "initial_sync", "settings", "cockpit"]
# Steps that leave no trace of their own in the tenant's state: passing them is recorded.
PassableStep = Literal["prerequisites", "initial_sync"]
# What the vendor's own integration runs: Rackbeat is the master of these four.
DEFAULT_STREAMS = (
    StreamName.CUSTOMERS_TO_TRIPLETEX,
    StreamName.SUPPLIERS_TO_TRIPLETEX,
    StreamName.PRODUCTS_TO_TRIPLETEX,
    StreamName.INVOICES_TO_TRIPLETEX,
)
_IMPORT_RUNNING = ("planned", "running")
# A stream with choices of its own beyond on/off: the Settings field that holds them, which the
# wizard shows under the stream's box (the wizard names sections, never streams).
OptionsSection = Literal["stock_value", "purchase_orders"]
_SECTIONS: dict[StreamName, OptionsSection] = {
    StreamName.STOCK_VALUE_TO_TRIPLETEX: "stock_value",
    StreamName.PURCHASE_ORDERS_TO_TRIPLETEX: "purchase_orders",
}


class AccountTakenError(OtherAccountError):
    """The tokens' Rackbeat account or Tripletex company is connected by another integration."""


class NothingToSyncError(ConfirmationError):
    """Settings with every stream switched off: the integration would run and do nothing."""


class StreamOption(BaseModel):
    name: StreamName
    direction: Literal["to_tripletex", "to_rackbeat"]
    label: str
    explain: str
    default: bool = Field(description="Ticked on a tenant's first settings.")
    section: OptionsSection | None = Field(
        None, description="The Settings field holding this stream's own choices, if it has any."
    )


class SetupView(BaseModel):
    tenant_id: str
    step: Step = Field(description="Where the wizard continues.")
    passed: list[str] = Field(description="Steps the user moved past that leave no other trace.")
    status: TenantStatus
    email_verified: bool
    language: Language
    import_state: str
    company_mismatch: str | None = Field(
        None, description="Set when the accounts' names differ from the company name entered."
    )
    streams: list[StreamOption]


class PassStep(BaseModel):
    step: PassableStep
    passed: bool = True


class TermDays(BaseModel):
    days: int
    customers: int = Field(description="Tripletex customers with this many days to pay.")
    term: str | None = Field(description="The Rackbeat payment term of the same days, if one exists.")
    text: str


class TermSuggestions(BaseModel):
    default: str | None = Field(description="The term for customers whose days match no term.")
    by_days: list[TermDays] = Field(description="Only the day values Tripletex customers have.")


def stream_options(language: Language) -> list[StreamOption]:
    return [
        StreamOption(
            name=stream.name,
            direction="to_tripletex" if stream.source == "rackbeat" else "to_rackbeat",
            label=text(f"stream.{stream.name.value}.label", language),
            explain=text(f"stream.{stream.name.value}.explain", language),
            default=stream.name in DEFAULT_STREAMS,
            section=_SECTIONS.get(stream.name),
        )
        for stream in registry.STREAMS
    ]


def next_step(tenant: Tenant, passed: set[str], import_state: str) -> Step:
    if tenant.settings_saved_at is not None:
        return "cockpit"
    if tenant.credentials.validated_at is None or tenant.status == TenantStatus.NEEDS_RELINK:
        return "tokens"
    if "prerequisites" not in passed:
        return "prerequisites"
    if "initial_sync" not in passed or import_state in _IMPORT_RUNNING:
        return "initial_sync"
    return "settings"


def company_mismatch(tenant: Tenant, language: Language) -> str | None:
    """A sentence when neither account's name resembles the company name the user typed."""
    names = [n for n in (tenant.credentials.rackbeat_company, tenant.credentials.tripletex_company) if n]
    if not names or any(_resembles(tenant.company_name, name) for name in names):
        return None
    return text(
        "wizard.company_mismatch",
        language,
        company=tenant.company_name,
        accounts=" / ".join(dict.fromkeys(names)),
    )


def _words(name: str) -> set[str]:
    ignored = {"as", "asa", "ab", "aps", "a/s", "ltd", "inc", "gmbh", "ans", "da", "enk"}
    cleaned = "".join(ch if ch.isalnum() or ch == "/" else " " for ch in name.casefold())
    return {word for word in cleaned.split() if word not in ignored}


def _resembles(typed: str, account: str) -> bool:
    ours, theirs = _words(typed), _words(account)
    return bool(ours & theirs) or not ours or not theirs


def suggest_terms(
    days_of_customers: Iterable[int], terms: Iterable[tuple[str, str, int]], language: Language
) -> TermSuggestions:
    """Each day value the customers have, with the Rackbeat term of the same days; the default
    (for the rest) is the term of the most common value, else the first term."""
    counts = Counter(days_of_customers)
    by_days_term: dict[int, tuple[str, str]] = {}
    ordered = list(terms)
    for number, name, days in ordered:
        by_days_term.setdefault(days, (number, name))
    default = next((by_days_term[d] for d, _ in counts.most_common() if d in by_days_term), None)
    if default is None and ordered:
        default = (ordered[0][0], ordered[0][1])
    rows = []
    for days, customers in sorted(counts.items()):
        match = by_days_term.get(days)
        one = "_one" if customers == 1 else ""
        if match is not None:
            line = text(f"wizard.terms.matched{one}", language, customers=customers, days=days, term=match[1])
        else:
            line = text(
                f"wizard.terms.unmatched{one}",
                language,
                customers=customers,
                days=days,
                term=default[1] if default else "-",
            )
        rows.append(TermDays(days=days, customers=customers, term=match[0] if match else None, text=line))
    return TermSuggestions(default=default[0] if default else None, by_days=rows)


def live_term_suggestions(vendors: Any, credentials: Credentials, language: Language) -> TermSuggestions:
    """Reads every Tripletex customer's days to pay and Rackbeat's terms (LiveVendors' clients)."""
    with vendors.tripletex(credentials) as tripletex:
        days = [
            customer.invoices_due_in
            for customer in readable(tripletex.iter_customers())
            if customer.invoices_due_in is not None and customer.invoices_due_in_type in (None, "DAYS")
        ]
    with vendors.rackbeat(credentials) as rackbeat:
        terms = [(str(t.number), t.name, t.maturity_days) for t in readable(rackbeat.payment_terms())]
    return suggest_terms(days, terms, language)


@dataclass
class AccountClaims:
    """One integration per Rackbeat account and per Tripletex company."""

    setup: SetupStore
    tenants: TenantStore
    # Off only where many tenants must share one account (the local stack's simulators).
    enforced: bool = True

    def take(self, tenant: Tenant, report: ValidationReport) -> None:
        """Claim the report's accounts for `tenant`, or raise AccountTakenError naming which is
        taken (in the tenant's language, and nothing about the other integration)."""
        if not self.enforced:
            return
        claimed: list[tuple[System, int]] = []
        for system, account_id in _accounts(report):
            if not self._claim(system, account_id, tenant.tenant_id):
                for done in claimed:
                    self.setup.release(*done, tenant.tenant_id)
                raise AccountTakenError(text(f"wizard.account_taken.{system}", tenant.language))
            claimed.append((system, account_id))
        # Tokens of another account (a reconnect): the old accounts are free for others now.
        self.release_others(tenant, report)

    def release_all(self, tenant: Tenant) -> None:
        for system, account_id in (
            ("rackbeat", tenant.credentials.rackbeat_account_id),
            ("tripletex", tenant.credentials.tripletex_company_id),
        ):
            if account_id is not None:
                self.setup.release(system, account_id, tenant.tenant_id)  # type: ignore[arg-type]

    def release_others(self, tenant: Tenant, report: ValidationReport) -> None:
        """After a reconnect: give up the old accounts the new tokens do not belong to."""
        kept = set(_accounts(report))
        for system, account_id in (
            ("rackbeat", tenant.credentials.rackbeat_account_id),
            ("tripletex", tenant.credentials.tripletex_company_id),
        ):
            if account_id is not None and (system, account_id) not in kept:
                self.setup.release(system, account_id, tenant.tenant_id)  # type: ignore[arg-type]

    def _claim(self, system: System, account_id: int, tenant_id: str) -> bool:
        if self.setup.claim(system, account_id, tenant_id):
            return True
        holder = self.setup.holder(system, account_id)
        if holder is None or self.tenants.get(holder) is None:
            # The holder is gone (or let go in between): its claim is stale.
            return self.setup.claim(system, account_id, tenant_id, replacing=holder)
        return False


def _accounts(report: ValidationReport) -> list[tuple[System, int]]:
    pairs: list[tuple[System, int | None]] = [
        ("rackbeat", report.rackbeat_account_id),
        ("tripletex", report.tripletex_company_id),
    ]
    return [(system, account_id) for system, account_id in pairs if account_id is not None]


@dataclass
class SetupGuide:
    tenants: TenantStore
    setup: SetupStore
    import_state: Callable[[str], str]

    def view(self, tenant: Tenant, language: Language | None = None) -> SetupView:
        chosen = language or tenant.language
        passed = self.setup.passed(tenant.tenant_id)
        state = self.import_state(tenant.tenant_id) if tenant.credentials.validated_at else "not_started"
        return SetupView(
            tenant_id=tenant.tenant_id,
            step=next_step(tenant, passed, state),
            passed=sorted(passed),
            status=tenant.status,
            email_verified=not tenant.email_verification_pending,
            language=tenant.language,
            import_state=state,
            company_mismatch=company_mismatch(tenant, chosen),
            streams=stream_options(chosen),
        )

    def pass_step(self, tenant: Tenant, request: PassStep) -> SetupView:
        if request.passed:
            self.setup.mark_passed(tenant.tenant_id, request.step)
        else:
            self.setup.forget_passed(tenant.tenant_id, request.step)
        return self.view(tenant)


def require_a_stream(streams: dict[str, bool], language: Language) -> None:
    if not any(streams.values()):
        raise NothingToSyncError(text("wizard.no_streams", language))
