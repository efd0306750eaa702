"""The tenant lifecycle behind the onboarding routes, independent of HTTP and Lambda.

Errors a user can cause are raised as OnboardingError subclasses carrying a plain-words message;
which HTTP answer each one becomes is decided in one place, ``onboarding.api.errors``. Token
values never enter a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from rackbeat_tripletex.auth import hash_management_token, new_management_token
from rackbeat_tripletex.i18n import text, use_language
from rackbeat_tripletex.models.domain import (
    Credentials,
    CredentialsSummary,
    GroupKind,
    Settings,
    Tenant,
    TenantStatus,
    ValidationReport,
)
from rackbeat_tripletex.notify.email import Mailer, settings_link
from rackbeat_tripletex.notify.messages import EmailKind
from rackbeat_tripletex.onboarding import ledger_settings
from rackbeat_tripletex.onboarding.access import ContactAccess
from rackbeat_tripletex.onboarding.failures import (
    CONFIRM_EMAIL_FIRST,
    NEEDS_TOKENS,
    OTHER_ACCOUNT,
    ConfirmationError,
    OtherAccountError,
    Say,
    StepOrderError,
)
from rackbeat_tripletex.onboarding.identity import (
    Principal,
    StepUpAction,
    is_session_token,
)
from rackbeat_tripletex.onboarding.schemas import (
    NamedRecord,
    Prerequisites,
    SettingsSaved,
    SettingsUpdate,
    SettingsView,
    TenantDeleted,
    TokenRotated,
    UnitsCreated,
)
from rackbeat_tripletex.store.reconnect import forget_links_and_cursors
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.sessions import AuthStore
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.pause import pause_for_relink
from rackbeat_tripletex.webhooks.registration import register_webhooks

logger = logging.getLogger(__name__)

K = TypeVar("K")
R = TypeVar("R")


class Vendors(ledger_settings.Accounts, Protocol):
    """What onboarding needs from Rackbeat and Tripletex, given a tenant's tokens."""

    def validate(self, credentials: Credentials) -> ValidationReport: ...

    def prerequisites(self, credentials: Credentials) -> Prerequisites: ...

    def create_groups(self, credentials: Credentials, kinds: list[GroupKind]) -> None: ...

    def missing_units(self, credentials: Credentials) -> dict[str, str]: ...

    def create_units(self, credentials: Credentials, names: list[str]) -> list[NamedRecord]: ...

    def remove_webhooks(self, credentials: Credentials, tenant_id: str) -> int: ...


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Onboarding(ContactAccess):
    tenants: TenantStore
    secrets: TenantSecrets
    mailer: Mailer
    vendors: Vendors
    auth: AuthStore
    # The state table itself, for the rows a reconnect forgets (links and cursors).
    table: Any = None
    clock: Callable[[], datetime] = _now
    # (tenant_id, credentials, public base URL) -> webhooks registered; run when a tenant is active.
    register_webhooks: Callable[[str, Credentials, str], int] = field(default=register_webhooks)

    # -- credentials ----------------------------------------------------------------------

    def put_credentials(
        self, principal: Principal, credentials: Credentials, public_base_url: str, *, reconnect: bool = False
    ) -> ValidationReport:
        """Check the tokens; store them only when every check passes. Replacing stored tokens
        needs a step-up confirmation first (asked before the vendors are, so a token thief
        learns nothing about other tokens), and tokens of another account or company also need
        `reconnect`, which forgets the links and cursors of the old ones."""
        tenant = principal.tenant
        replacing = tenant.credentials.validated_at is not None
        if replacing:
            self._step_up_granted(principal, StepUpAction.CREDENTIALS, public_base_url)
        report = self.vendors.validate(credentials)
        if not report.ok:
            logger.info(
                "credentials rejected",
                extra={"tenant_id": tenant.tenant_id, "failed_checks": [c.id.value for c in report.failed]},
            )
            return report
        switching = replacing and _other_account(tenant.credentials, report)
        if switching and not reconnect:
            logger.info("credentials refused: another account", extra={"tenant_id": tenant.tenant_id})
            raise OtherAccountError(OTHER_ACCOUNT)
        self.account_claims.take(tenant, report)
        if replacing:
            self._use_grant(principal, StepUpAction.CREDENTIALS)
        if switching:
            self._forget_old_account(tenant)
        self.secrets.put(tenant.tenant_id, credentials)
        self._update(tenant.tenant_id, lambda t: self._accept_report(t, report))
        logger.info("credentials stored", extra={"tenant_id": tenant.tenant_id, "reconnected": switching})
        if replacing:
            self.mailer.send_notice(tenant, EmailKind.CREDENTIALS_CHANGED)
        return report

    def _forget_old_account(self, tenant: Tenant) -> None:
        old = self.secrets.get(tenant.tenant_id)
        if old is not None:
            try:
                self.vendors.remove_webhooks(old, tenant.tenant_id)
            except Exception:
                logger.warning(
                    "old webhooks not removed", extra={"tenant_id": tenant.tenant_id}, exc_info=False
                )
        forgotten = forget_links_and_cursors(self.table, tenant.tenant_id) if self.table is not None else 0
        logger.info(
            "reconnect: links and cursors forgotten", extra={"tenant_id": tenant.tenant_id, "rows": forgotten}
        )

    def _accept_report(self, tenant: Tenant, report: ValidationReport) -> Tenant:
        status = tenant.status
        if status == TenantStatus.NEEDS_RELINK:
            # Working tokens again: resume where the tenant was before the tokens died.
            status = TenantStatus.ACTIVE if tenant.settings_saved_at else TenantStatus.ONBOARDING
        return tenant.model_copy(
            update={
                "status": status,
                "relink_notified_at": None,
                "credentials": CredentialsSummary(
                    validated_at=self.clock(),
                    rackbeat_company=report.rackbeat_company,
                    tripletex_company=report.tripletex_company,
                    tripletex_environment=report.tripletex_environment,
                    rackbeat_account_id=report.rackbeat_account_id,
                    tripletex_company_id=report.tripletex_company_id,
                ),
            }
        )

    def _stored_credentials(self, tenant: Tenant) -> Credentials:
        credentials = self.secrets.get(tenant.tenant_id) if tenant.credentials.validated_at else None
        if credentials is None:
            raise StepOrderError(NEEDS_TOKENS)
        return credentials

    # -- prerequisites --------------------------------------------------------------------

    def prerequisites(self, tenant: Tenant) -> Prerequisites:
        return self.vendors.prerequisites(self._stored_credentials(tenant))

    def ledger_accounts(self, tenant: Tenant) -> ledger_settings.Chart:
        return self.vendors.ledger_accounts(self._stored_credentials(tenant))

    def create_groups(self, tenant: Tenant, kinds: list[GroupKind]) -> Prerequisites:
        credentials = self._stored_credentials(tenant)
        self._create_missing(
            tenant,
            "rackbeat groups created",
            kinds,
            self.vendors.prerequisites(credentials).missing,
            lambda wanted: self.vendors.create_groups(credentials, wanted),
        )
        return self.vendors.prerequisites(credentials)

    def create_units(self, tenant: Tenant, names: list[str]) -> UnitsCreated:
        """The Rackbeat units the preview named as missing, named as Tripletex names them."""
        credentials = self._stored_credentials(tenant)
        missing = self.vendors.missing_units(credentials)
        created = self._create_missing(
            tenant,
            "rackbeat units created",
            (name.strip().casefold() for name in names),
            missing,
            lambda wanted: self.vendors.create_units(credentials, [missing[key] for key in wanted]),
        )
        return UnitsCreated(created=created or [])

    @staticmethod
    def _create_missing(
        tenant: Tenant,
        what: str,
        requested: Iterable[K],
        missing: Container[K],
        create: Callable[[list[K]], R],
    ) -> R | None:
        """Create what was asked for and is still missing (None when nothing is): a double click,
        or a second tab, must not make a second group or unit of the same kind or name."""
        wanted = [key for key in dict.fromkeys(requested) if key in missing]
        if not wanted:
            return None
        created = create(wanted)
        logger.info(what, extra={"tenant_id": tenant.tenant_id, "made": [str(key) for key in wanted]})
        return created

    # -- settings -------------------------------------------------------------------------

    def get_settings(self, tenant: Tenant) -> SettingsView:
        return SettingsView(settings=self.tenants.get_settings(tenant.tenant_id), status=tenant.status)

    def save_settings(
        self, principal: Principal, update: SettingsUpdate, presented_token: str, public_base_url: str
    ) -> SettingsSaved:
        tenant = principal.tenant
        if tenant.credentials.validated_at is None:
            raise StepOrderError(NEEDS_TOKENS)
        if tenant.email_verification_pending:
            raise StepOrderError(CONFIRM_EMAIL_FIRST.format(address=tenant.contact_email))
        settings = Settings.model_validate(update.model_dump(exclude={"send_settings_link"}))
        if ledger_settings.settings_name_accounts(settings):
            ledger_settings.check_accounts(
                self.vendors, self._stored_credentials(tenant), tenant.language, settings
            )
        previous = self.tenants.get_settings(tenant.tenant_id)
        # Alerts go to an address the contact confirmed: their own, or one they approved by the
        # emailed link; otherwise the daily digest would mail whoever a caller names.
        confirmed = previous.notification_email if previous is not None else tenant.contact_email
        moved = _address(confirmed) != _address(settings.notification_email)
        if moved:
            self._step_up_granted(
                principal,
                StepUpAction.NOTIFICATION_EMAIL,
                public_base_url,
                new_address=settings.notification_email,
            )
            self._use_grant(principal, StepUpAction.NOTIFICATION_EMAIL)
        self.tenants.put_settings(tenant.tenant_id, settings)
        if moved:
            self.mailer.send_notice(
                tenant,
                EmailKind.NOTIFICATION_EMAIL_CHANGED,
                old_address=confirmed,
                new_address=settings.notification_email,
            )
        first_save = tenant.settings_saved_at is None

        def activate(current: Tenant) -> Tenant:
            changes: dict[str, object] = {"settings_saved_at": current.settings_saved_at or self.clock()}
            if current.status == TenantStatus.ONBOARDING:
                changes["status"] = TenantStatus.ACTIVE
            return current.model_copy(update=changes)

        saved = self._update(tenant.tenant_id, activate)
        if saved.status == TenantStatus.ACTIVE:
            # Idempotent at Rackbeat (one subscription per event and URL), so every save of an
            # active tenant makes sure the webhooks exist.
            self.register_webhooks(tenant.tenant_id, self._stored_credentials(saved), public_base_url)
        sent_to = None
        if (first_save or update.send_settings_link) and not is_session_token(presented_token):
            # The caller proved it holds the management token, so the link can carry it without
            # us ever storing it. (A session token is not put in a link: it is short-lived and
            # signing in by email replaces the settings link.)
            link = settings_link(public_base_url, tenant.tenant_id, presented_token)
            if self.mailer.send_settings_link(saved, saved.contact_email, link, rotated=False):
                sent_to = saved.contact_email
        logger.info(
            "settings saved",
            extra={"tenant_id": tenant.tenant_id, "first_save": first_save, "link_sent": sent_to is not None},
        )
        return SettingsSaved(settings=settings, status=saved.status, settings_link_sent_to=sent_to)

    # -- management token -----------------------------------------------------------------

    def rotate_management_token(self, tenant: Tenant, public_base_url: str) -> TokenRotated:
        if tenant.email_verification_pending:
            # The new token could only go to an address nobody confirmed: no relay through here.
            raise StepOrderError(CONFIRM_EMAIL_FIRST.format(address=tenant.contact_email))
        # Counted first: a full window must leave the old link working, not lock everyone out.
        self.mailer.count(tenant, tenant.contact_email)
        token = new_management_token()
        rotated = self._update(
            tenant.tenant_id,
            lambda t: t.model_copy(update={"management_token_hash": hash_management_token(token)}),
        )
        # The new token goes only to the contact's mailbox, never back to the caller: whoever
        # rotates a stolen token locks the thief out, and a thief who rotates locks only himself out.
        link = settings_link(public_base_url, tenant.tenant_id, token)
        self.mailer.send_settings_link(rotated, rotated.contact_email, link, rotated=True, counted=True)
        logger.info("management token rotated", extra={"tenant_id": tenant.tenant_id})
        return TokenRotated(
            sent_to=rotated.contact_email,
            message=text("management.link_rotated", address=rotated.contact_email),
        )

    # -- offboarding ----------------------------------------------------------------------

    def delete(self, principal: Principal, confirm_company_name: str, public_base_url: str) -> TenantDeleted:
        tenant = principal.tenant
        if confirm_company_name.strip().casefold() != tenant.company_name.strip().casefold():
            raise ConfirmationError(Say("management.delete_confirm", {"company": tenant.company_name}))
        self._step_up_granted(principal, StepUpAction.DELETE, public_base_url)
        self._use_grant(principal, StepUpAction.DELETE)
        warnings: list[str] = []
        removed = 0
        credentials = self.secrets.get(tenant.tenant_id)
        if credentials is not None:
            try:
                removed = self.vendors.remove_webhooks(credentials, tenant.tenant_id)
            except Exception:
                logger.warning("webhooks not removed", extra={"tenant_id": tenant.tenant_id}, exc_info=False)
                warnings.append(text("management.webhooks_not_removed"))
        rows = self._erase(tenant)
        logger.info("tenant deleted", extra={"tenant_id": tenant.tenant_id, "rows": rows})
        self.mailer.send_notice(tenant, EmailKind.TENANT_DELETED)
        return TenantDeleted(webhooks_removed=removed, warnings=warnings)

    # -- daily token check ----------------------------------------------------------------

    def recheck_stored_tokens(self) -> dict[str, int]:
        """Re-validate the stored tokens of active tenants (and of paused-for-relink ones, so a
        tenant who fixed access in Tripletex resumes without re-entering anything)."""
        outcome = {"checked": 0, "ok": 0, "needs_relink": 0, "resumed": 0, "inconclusive": 0}
        for status in (TenantStatus.ACTIVE, TenantStatus.NEEDS_RELINK):
            for tenant in list(self.tenants.list_by_status(status)):
                credentials = self.secrets.get(tenant.tenant_id)
                if credentials is None:
                    continue
                outcome["checked"] += 1
                try:
                    # The checks' words go into the relink email: in the tenant's language.
                    with use_language(tenant.language):
                        report = self.vendors.validate(credentials)
                except Exception:
                    logger.exception("token check crashed", extra={"tenant_id": tenant.tenant_id})
                    outcome["inconclusive"] += 1
                    continue
                if report.ok:
                    outcome["ok"] += 1
                    if tenant.status == TenantStatus.NEEDS_RELINK:
                        self._resume(tenant.tenant_id, report)
                        outcome["resumed"] += 1
                        logger.info("tokens work again, resumed", extra={"tenant_id": tenant.tenant_id})
                    continue
                if report.inconclusive:
                    # A vendor outage says nothing about the tokens; ask again tomorrow.
                    outcome["inconclusive"] += 1
                    logger.warning("token check inconclusive", extra={"tenant_id": tenant.tenant_id})
                    continue
                self._mark_needs_relink(tenant, report)
                outcome["needs_relink"] += 1
        logger.info("daily token check done", extra=outcome)
        return outcome

    def _resume(self, tenant_id: str, report: ValidationReport) -> None:
        self._update(tenant_id, lambda current: self._accept_report(current, report))

    def _mark_needs_relink(self, tenant: Tenant, report: ValidationReport) -> None:
        pause_for_relink(self.tenants, self.mailer, tenant.tenant_id, report.failed, self.clock())


def _address(value: str) -> str:
    return value.strip().casefold()


def _other_account(stored: CredentialsSummary, report: ValidationReport) -> bool:
    """Whether validated tokens belong elsewhere than the stored ones (compared by id; a tenant
    stored before ids were kept is compared by name)."""
    pairs = (
        (
            stored.rackbeat_account_id,
            report.rackbeat_account_id,
            stored.rackbeat_company,
            report.rackbeat_company,
        ),
        (
            stored.tripletex_company_id,
            report.tripletex_company_id,
            stored.tripletex_company,
            report.tripletex_company,
        ),
    )
    for old_id, new_id, old_name, new_name in pairs:
        if old_id is not None and new_id is not None:
            if old_id != new_id:
                return True
        elif old_name is not None and new_name is not None and old_name != new_name:
            return True
    return False
