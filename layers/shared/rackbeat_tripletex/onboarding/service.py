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
from typing import Any, Protocol, TypeVar

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
from rackbeat_tripletex.notify.email import Mailer, fragment_link, settings_link
from rackbeat_tripletex.notify.limits import EmailLimitReached
from rackbeat_tripletex.notify.messages import EmailKind
from rackbeat_tripletex.onboarding.identity import (
    AFTER_CONFIRMING,
    CONFIRM_VALID,
    CONFIRMATION_EMAIL,
    CONFIRMATION_SENT,
    GRANT_VALID,
    ROTATE_AFTER,
    ROTATION_GRACE,
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    SIGN_IN_TENANTS,
    SIGN_IN_VALID,
    UNVERIFIED_LIFETIME,
    VERIFY_VALID,
    CodePurpose,
    Principal,
    SessionState,
    StepUpAction,
    is_session_token,
    minutes,
    new_code,
    new_session_token,
    session_alive,
    session_state,
)
from rackbeat_tripletex.onboarding.schemas import (
    NamedRecord,
    NewTenant,
    Prerequisites,
    SessionView,
    SettingsSaved,
    SettingsUpdate,
    SettingsView,
    TenantDeleted,
    TenantView,
    TokenRotated,
    UnitsCreated,
)
from rackbeat_tripletex.store.reconnect import forget_links_and_cursors
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.sessions import AuthStore, StoredSession, digest
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


class LinkInvalidError(OnboardingError):
    """An emailed code that is unknown, used, expired or for another tenant: one answer for all."""

    def __init__(self) -> None:
        super().__init__(
            "This link does not work any more: it was used already, it expired, or it was copied "
            "incompletely. Ask for a new one."
        )


class StepUpRequired(OnboardingError):
    """The change needs a confirmation from the contact's mailbox; the link was sent."""

    def __init__(self, action: StepUpAction, sent_to: str) -> None:
        self.action = action
        self.sent_to = sent_to
        super().__init__(CONFIRMATION_SENT[action].format(address=sent_to, minutes=minutes(CONFIRM_VALID)))


class OtherAccountError(OnboardingError):
    """The new tokens belong to another Rackbeat account or Tripletex company than the tenant's."""


CONFIRM_EMAIL_FIRST = (
    "Confirm your email address first: open the link we sent to {address}. No email? Ask for a new "
    "link on this page; check the spam folder too."
)
OTHER_ACCOUNT = (
    "These tokens belong to a different Rackbeat account or Tripletex company than the one this "
    "integration was set up with, so nothing was saved. To connect the other one, save them again "
    "with \u201creconnect\u201d chosen: the records already paired are then forgotten and matched "
    "again from the start."
)


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
    auth: AuthStore
    # The state table itself, for the rows a reconnect forgets (links and cursors).
    table: Any = None
    clock: Callable[[], datetime] = _now
    # (tenant_id, credentials, public base URL) -> webhooks registered; run when a tenant is active.
    register_webhooks: Callable[[str, Credentials, str], int] = field(default=register_webhooks)

    # -- tenants and their contact's address ----------------------------------------------

    def create_tenant(self, request: NewTenant, public_base_url: str) -> tuple[Tenant, str]:
        """The tenant, unconfirmed, and its management token; the contact gets the verification
        link and nothing else. EmailLimitReached (nothing kept) when the address had its share."""
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
            email_verification_pending=True,
        )
        self.tenants.create(tenant)
        try:
            self._send_verification(tenant, public_base_url)
        except EmailLimitReached:
            self.tenants.delete_all(tenant.tenant_id)
            logger.warning("tenant refused: email limit", extra={"tenant_id": tenant.tenant_id})
            raise
        self.auth.index_contact(tenant.contact_email, tenant.tenant_id)
        logger.info("tenant created", extra={"tenant_id": tenant.tenant_id})
        return tenant, token

    def _send_verification(self, tenant: Tenant, public_base_url: str) -> None:
        code = new_code()
        self.auth.put_code(tenant.tenant_id, code, CodePurpose.VERIFY_EMAIL, self.clock() + VERIFY_VALID)
        link = fragment_link(public_base_url, "verify", tenant=tenant.tenant_id, code=code)
        self.mailer.send_verification(tenant, link, minutes(VERIFY_VALID))

    def resend_verification(self, tenant: Tenant, public_base_url: str) -> bool:
        """A new verification link (the old one keeps working until it expires); False when the
        address is confirmed already."""
        if not tenant.email_verification_pending:
            return False
        self._send_verification(tenant, public_base_url)
        logger.info("verification link sent again", extra={"tenant_id": tenant.tenant_id})
        return True

    def verify_email(self, tenant_id: str, code: str) -> Tenant:
        now = self.clock()
        if (
            not _looks_like_id(tenant_id)
            or self.auth.take_code(tenant_id, code, CodePurpose.VERIFY_EMAIL, now) is None
        ):
            raise LinkInvalidError()

        def confirm(current: Tenant) -> Tenant:
            return current.model_copy(update={"email_verification_pending": False, "email_verified_at": now})

        try:
            tenant = self._update(tenant_id, confirm)
        except TenantNotFoundError:
            raise LinkInvalidError() from None
        logger.info("contact address confirmed", extra={"tenant_id": tenant_id})
        return tenant

    def remove_unverified(self) -> int:
        """Delete every tenant whose contact did not confirm the address within a day, with its
        stored tokens: an address someone else typed must not keep an integration alive."""
        cutoff = self.clock() - UNVERIFIED_LIFETIME
        removed = 0
        for tenant in list(self.tenants.list_by_status(TenantStatus.ONBOARDING)):
            if tenant.email_verification_pending and tenant.created_at < cutoff:
                self._erase(tenant)
                removed += 1
                logger.info("unconfirmed tenant removed", extra={"tenant_id": tenant.tenant_id})
        logger.info("unconfirmed tenants removed", extra={"removed": removed})
        return removed

    # -- sign-in and sessions -------------------------------------------------------------

    def request_sign_in(self, address: str, public_base_url: str) -> None:
        """Email a sign-in link for each confirmed tenant of `address`. The caller learns nothing
        (the answer is the same whether the address is known, unknown or out of emails)."""
        for tenant_id in self.auth.tenants_of(address, SIGN_IN_TENANTS):
            tenant = self.tenants.get(tenant_id)
            if tenant is None or tenant.email_verification_pending:
                continue
            if tenant.contact_email.strip().casefold() != address.strip().casefold():
                continue  # the contact moved on; the index row is stale
            code = new_code()
            self.auth.put_code(tenant_id, code, CodePurpose.SIGN_IN, self.clock() + SIGN_IN_VALID)
            link = fragment_link(public_base_url, "sign-in", tenant=tenant_id, code=code)
            try:
                self.mailer.send_sign_in(tenant, link, minutes(SIGN_IN_VALID))
            except EmailLimitReached:
                logger.warning("sign-in link not sent: email limit", extra={"tenant_id": tenant_id})
                continue
            logger.info("sign-in link sent", extra={"tenant_id": tenant_id})

    def start_session(self, tenant_id: str, code: str) -> tuple[str, SessionState]:
        """A session token for the sign-in link's tenant; the link is used up."""
        now = self.clock()
        if (
            not _looks_like_id(tenant_id)
            or self.auth.take_code(tenant_id, code, CodePurpose.SIGN_IN, now) is None
        ):
            raise LinkInvalidError()
        if self.tenants.get(tenant_id) is None:
            raise LinkInvalidError()
        token = new_session_token()
        session = StoredSession(
            tenant_id=tenant_id,
            token_hash=digest(token),
            family=uuid.uuid4().hex,
            started_at=now,
            issued_at=now,
            last_used_at=now,
            idle_expires_at=min(now + SESSION_IDLE, now + SESSION_ABSOLUTE),
            absolute_expires_at=now + SESSION_ABSOLUTE,
            superseded_at=None,
        )
        self.auth.put_session(session)
        logger.info("signed in", extra={"tenant_id": tenant_id})
        return token, session_state(session)

    def sign_out(self, principal: Principal, presented_token: str) -> None:
        if principal.session is not None:
            self.auth.delete_session(principal.tenant.tenant_id, digest(presented_token))
            if principal.rotated_token:
                self.auth.delete_session(principal.tenant.tenant_id, digest(principal.rotated_token))

    # -- authorisation --------------------------------------------------------------------

    def authorize(self, tenant_id: str, presented_token: str | None) -> Principal:
        """Who may act for the tenant: its management token or a live session of it; anything
        else is TenantNotFoundError, whatever the reason."""
        if is_session_token(presented_token):
            assert presented_token is not None
            return self._session_principal(tenant_id, presented_token)
        # Ids are uuid4 hex; anything else cannot exist, but it still pays the hash compare.
        tenant = self.tenants.get(tenant_id) if _looks_like_id(tenant_id) else None
        if not verify_management_token(presented_token, tenant.management_token_hash if tenant else None):
            raise TenantNotFoundError()
        assert tenant is not None
        return Principal(tenant=tenant, requester="token:" + tenant.management_token_hash)

    def _session_principal(self, tenant_id: str, token: str) -> Principal:
        now = self.clock()
        session = self.auth.get_session(tenant_id, digest(token)) if _looks_like_id(tenant_id) else None
        if session is None or not session_alive(session, now):
            raise TenantNotFoundError()
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            raise TenantNotFoundError()
        shown = session_state(session)
        idle = min(now + SESSION_IDLE, session.absolute_expires_at)
        self.auth.touch_session(session, now, idle)
        rotated = None
        due = session.superseded_at is None and now - session.issued_at >= ROTATE_AFTER
        if due and self.auth.supersede_session(session, now, now + ROTATION_GRACE):
            rotated = new_session_token()
            self.auth.put_session(
                StoredSession(
                    tenant_id=tenant_id,
                    token_hash=digest(rotated),
                    family=session.family,
                    started_at=session.started_at,
                    issued_at=now,
                    last_used_at=now,
                    idle_expires_at=idle,
                    absolute_expires_at=session.absolute_expires_at,
                    superseded_at=None,
                )
            )
        state = SessionState(
            started_at=shown.started_at,
            last_used_at=shown.last_used_at,
            idle_expires_at=idle,
            expires_at=shown.expires_at,
        )
        return Principal(
            tenant=tenant, requester="session:" + session.family, session=state, rotated_token=rotated
        )

    # -- step-up --------------------------------------------------------------------------

    def _step_up_granted(
        self, principal: Principal, action: StepUpAction, public_base_url: str, **fields: str
    ) -> None:
        """Returns when the requester opened a confirmation link for `action` (the grant is used
        up by the caller's `_use_grant`); else emails one and raises StepUpRequired. An address
        not confirmed yet has no mailbox to ask, and nothing worth a second factor yet (such a
        tenant cannot be active and is removed within a day)."""
        tenant = principal.tenant
        if tenant.email_verification_pending:
            return
        if self.auth.has_grant(tenant.tenant_id, action, principal.requester, self.clock()):
            return
        code = new_code()
        self.auth.put_code(
            tenant.tenant_id,
            code,
            CodePurpose.STEP_UP,
            self.clock() + CONFIRM_VALID,
            {"action": action.value, "requester": principal.requester},
        )
        link = fragment_link(public_base_url, "confirm", tenant=tenant.tenant_id, code=code)
        self.mailer.send_confirmation(
            tenant, CONFIRMATION_EMAIL[action], link, minutes(CONFIRM_VALID), **fields
        )
        logger.info(
            "step-up confirmation sent", extra={"tenant_id": tenant.tenant_id, "action": action.value}
        )
        raise StepUpRequired(action, tenant.contact_email)

    def _use_grant(self, principal: Principal, action: StepUpAction) -> None:
        tenant = principal.tenant
        if tenant.email_verification_pending:
            return
        if not self.auth.take_grant(tenant.tenant_id, action, principal.requester, self.clock()):
            # Used by a concurrent request of the same requester: ask again rather than act twice.
            raise ConcurrentChangeError("The confirmation was used by another request; ask for a new one.")

    def confirm(self, tenant_id: str, code: str) -> tuple[StepUpAction, str]:
        """Record the contact's confirmation; the answer says what to do next."""
        now = self.clock()
        stored = (
            self.auth.take_code(tenant_id, code, CodePurpose.STEP_UP, now)
            if _looks_like_id(tenant_id)
            else None
        )
        if stored is None:
            raise LinkInvalidError()
        action = StepUpAction(stored.data["action"])
        self.auth.put_grant(tenant_id, action, stored.data["requester"], now + GRANT_VALID)
        logger.info("step-up confirmed", extra={"tenant_id": tenant_id, "action": action.value})
        return action, AFTER_CONFIRMING[action]

    def view(self, principal: Principal) -> TenantView:
        tenant = principal.tenant
        return TenantView(
            tenant_id=tenant.tenant_id,
            company_name=tenant.company_name,
            contact_name=tenant.contact_name,
            contact_email=tenant.contact_email,
            email_verified=not tenant.email_verification_pending,
            status=tenant.status,
            created_at=tenant.created_at,
            credentials=tenant.credentials,
            settings_saved=tenant.settings_saved_at is not None,
            session=SessionView(**principal.session.__dict__) if principal.session else None,
        )

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
            message=(
                f"A new settings link was sent to {rotated.contact_email}. "
                "The old link and this page's access no longer work."
            ),
        )

    # -- offboarding ----------------------------------------------------------------------

    def delete(self, principal: Principal, confirm_company_name: str, public_base_url: str) -> TenantDeleted:
        tenant = principal.tenant
        if confirm_company_name.strip().casefold() != tenant.company_name.strip().casefold():
            raise ConfirmationError(
                "To delete the integration, type the company name exactly as registered "
                f"(\u201c{tenant.company_name}\u201d) in confirm_company_name."
            )
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
                warnings.append(
                    "We could not reach Rackbeat to remove the integration's webhooks. Remove them in "
                    "Rackbeat under Settings \u2192 API \u2192 Webhooks; they stop working anyway."
                )
        rows = self._erase(tenant)
        logger.info("tenant deleted", extra={"tenant_id": tenant.tenant_id, "rows": rows})
        self.mailer.send_notice(tenant, EmailKind.TENANT_DELETED)
        return TenantDeleted(webhooks_removed=removed, warnings=warnings)

    def _erase(self, tenant: Tenant) -> int:
        self.secrets.delete(tenant.tenant_id)
        forget_tripletex_webhook_secret(tenant.tenant_id)
        self.auth.forget_contact(tenant.contact_email, tenant.tenant_id)
        return self.tenants.delete_all(tenant.tenant_id)

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


def _looks_like_id(tenant_id: str) -> bool:
    return len(tenant_id) == 32 and all(ch in "0123456789abcdef" for ch in tenant_id)
