"""The tenant lifecycle behind the onboarding routes, independent of HTTP and Lambda.

Errors a user can cause are raised as OnboardingError subclasses carrying a plain-words message;
which HTTP answer each one becomes is decided in one place, ``onboarding.api.errors``. Token
values never enter a message.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from rackbeat_tripletex.auth import hash_management_token, new_management_token, verify_management_token
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
from rackbeat_tripletex.onboarding.schemas import (
    NamedRecord,
    NewTenant,
    Prerequisites,
    SettingsSaved,
    SettingsUpdate,
    SettingsView,
    TenantDeleted,
    TenantView,
    TokenRotated,
    UnitsCreated,
)
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import ConcurrentUpdateError, TenantStore
from rackbeat_tripletex.sync.pause import pause_for_relink
from rackbeat_tripletex.webhooks.registration import forget_tripletex_webhook_secret, register_webhooks

logger = logging.getLogger(__name__)

K = TypeVar("K")
R = TypeVar("R")

NOT_FOUND_MESSAGE = "Tenant not found"


class OnboardingError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class TenantNotFoundError(OnboardingError):
    """Unknown tenant and wrong token alike: a stranger must not learn which one it was."""

    def __init__(self) -> None:
        super().__init__(NOT_FOUND_MESSAGE)


class StepOrderError(OnboardingError):
    """The route needs an earlier wizard step done first; the message names that step."""


class ConfirmationError(OnboardingError):
    """The user did not confirm an irreversible step the way it asks."""


class ConcurrentChangeError(OnboardingError):
    """Another request changed the tenant in between, every attempt; trying again is safe."""


class Vendors(Protocol):
    """What onboarding needs from Rackbeat and Tripletex, given a tenant's tokens."""

    def validate(self, credentials: Credentials) -> ValidationReport: ...

    def prerequisites(self, credentials: Credentials) -> Prerequisites: ...

    def create_groups(self, credentials: Credentials, kinds: list[GroupKind]) -> None: ...

    def missing_units(self, credentials: Credentials) -> dict[str, str]: ...

    def create_units(self, credentials: Credentials, names: list[str]) -> list[NamedRecord]: ...

    def remove_webhooks(self, credentials: Credentials, tenant_id: str) -> int: ...


def _now() -> datetime:
    return datetime.now(UTC)


NEEDS_TOKENS = (
    "Enter your Rackbeat and Tripletex API tokens and let us check them first (step \u201cTokens\u201d)."
)


@dataclass
class Onboarding:
    tenants: TenantStore
    secrets: TenantSecrets
    mailer: Mailer
    vendors: Vendors
    clock: Callable[[], datetime] = _now
    # (tenant_id, credentials, public base URL) -> webhooks registered; run when a tenant is active.
    register_webhooks: Callable[[str, Credentials, str], int] = field(default=register_webhooks)

    # -- tenants and authorisation --------------------------------------------------------

    def create_tenant(self, request: NewTenant) -> tuple[Tenant, str]:
        token = new_management_token()
        now = self.clock()
        tenant = Tenant(
            tenant_id=uuid.uuid4().hex,
            company_name=request.company_name,
            contact_name=request.contact_name,
            contact_email=request.contact_email,
            status=TenantStatus.ONBOARDING,
            created_at=now,
            updated_at=now,
            management_token_hash=hash_management_token(token),
        )
        self.tenants.create(tenant)
        logger.info("tenant created", extra={"tenant_id": tenant.tenant_id})
        return tenant, token

    def authorize(self, tenant_id: str, presented_token: str | None) -> Tenant:
        """The tenant, if `presented_token` is its management token; else TenantNotFoundError."""
        # Ids are uuid4 hex; anything else cannot exist, but it still pays the hash compare.
        tenant = self.tenants.get(tenant_id) if _looks_like_id(tenant_id) else None
        if not verify_management_token(presented_token, tenant.management_token_hash if tenant else None):
            raise TenantNotFoundError()
        assert tenant is not None
        return tenant

    def view(self, tenant: Tenant) -> TenantView:
        return TenantView(
            tenant_id=tenant.tenant_id,
            company_name=tenant.company_name,
            contact_name=tenant.contact_name,
            contact_email=tenant.contact_email,
            status=tenant.status,
            created_at=tenant.created_at,
            credentials=tenant.credentials,
            settings_saved=tenant.settings_saved_at is not None,
        )

    # -- credentials ----------------------------------------------------------------------

    def put_credentials(self, tenant: Tenant, credentials: Credentials) -> ValidationReport:
        """Check the tokens; store them only when every check passes."""
        report = self.vendors.validate(credentials)
        if not report.ok:
            logger.info(
                "credentials rejected",
                extra={"tenant_id": tenant.tenant_id, "failed_checks": [c.id.value for c in report.failed]},
            )
            return report
        self.secrets.put(tenant.tenant_id, credentials)
        self._update(tenant.tenant_id, lambda t: self._accept_report(t, report))
        logger.info("credentials stored", extra={"tenant_id": tenant.tenant_id})
        return report

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
        self, tenant: Tenant, update: SettingsUpdate, presented_token: str, public_base_url: str
    ) -> SettingsSaved:
        if tenant.credentials.validated_at is None:
            raise StepOrderError(NEEDS_TOKENS)
        settings = Settings.model_validate(update.model_dump(exclude={"send_settings_link"}))
        self.tenants.put_settings(tenant.tenant_id, settings)
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
        if first_save or update.send_settings_link:
            # The caller proved it holds the management token, so the link can carry it without
            # us ever storing it.
            link = settings_link(public_base_url, tenant.tenant_id, presented_token)
            self.mailer.send_settings_link(saved, saved.contact_email, link, rotated=False)
            sent_to = saved.contact_email
        logger.info(
            "settings saved",
            extra={"tenant_id": tenant.tenant_id, "first_save": first_save, "link_sent": sent_to is not None},
        )
        return SettingsSaved(settings=settings, status=saved.status, settings_link_sent_to=sent_to)

    # -- management token -----------------------------------------------------------------

    def rotate_management_token(self, tenant: Tenant, public_base_url: str) -> TokenRotated:
        token = new_management_token()
        rotated = self._update(
            tenant.tenant_id,
            lambda t: t.model_copy(update={"management_token_hash": hash_management_token(token)}),
        )
        # The new token goes only to the contact's mailbox, never back to the caller: whoever
        # rotates a stolen token locks the thief out, and a thief who rotates locks only himself out.
        link = settings_link(public_base_url, tenant.tenant_id, token)
        self.mailer.send_settings_link(rotated, rotated.contact_email, link, rotated=True)
        logger.info("management token rotated", extra={"tenant_id": tenant.tenant_id})
        return TokenRotated(
            sent_to=rotated.contact_email,
            message=(
                f"A new settings link was sent to {rotated.contact_email}. "
                "The old link and this page's access no longer work."
            ),
        )

    # -- offboarding ----------------------------------------------------------------------

    def delete(self, tenant: Tenant, confirm_company_name: str) -> TenantDeleted:
        if confirm_company_name.strip().casefold() != tenant.company_name.strip().casefold():
            raise ConfirmationError(
                "To delete the integration, type the company name exactly as registered "
                f"(\u201c{tenant.company_name}\u201d) in confirm_company_name."
            )
        warnings: list[str] = []
        removed = 0
        credentials = self.secrets.get(tenant.tenant_id)
        if credentials is not None:
            try:
                removed = self.vendors.remove_webhooks(credentials, tenant.tenant_id)
            except Exception:
                logger.warning("webhooks not removed", extra={"tenant_id": tenant.tenant_id}, exc_info=False)
                warnings.append(
                    "We could not reach Rackbeat to remove the integration's webhooks. Remove them in "
                    "Rackbeat under Settings \u2192 API \u2192 Webhooks; they stop working anyway."
                )
        self.secrets.delete(tenant.tenant_id)
        forget_tripletex_webhook_secret(tenant.tenant_id)
        rows = self.tenants.delete_all(tenant.tenant_id)
        logger.info("tenant deleted", extra={"tenant_id": tenant.tenant_id, "rows": rows})
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

    # -- helpers --------------------------------------------------------------------------

    def _update(self, tenant_id: str, change: Callable[[Tenant], Tenant], attempts: int = 3) -> Tenant:
        """Read-modify-write with optimistic locking; retried when a concurrent writer won."""
        for _ in range(attempts):
            current = self.tenants.get_with_version(tenant_id)
            if current is None:
                raise TenantNotFoundError()
            tenant, version = current
            updated = change(tenant).model_copy(update={"updated_at": self.clock()})
            try:
                return self.tenants.save(updated, expected_version=version)
            except ConcurrentUpdateError:
                continue
        raise ConcurrentChangeError("The tenant was changed at the same time by another request; try again.")


def _looks_like_id(tenant_id: str) -> bool:
    return len(tenant_id) == 32 and all(ch in "0123456789abcdef" for ch in tenant_id)
