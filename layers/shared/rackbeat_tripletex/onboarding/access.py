"""The contact's access to a tenant: creating it with an unconfirmed address, confirming it,
signing in by emailed link, sessions, step-up confirmations, and removing what was never
confirmed. The rules and lifetimes are in ``onboarding.identity``; the lifecycle that uses them
is ``onboarding.service.Onboarding``, which is a ContactAccess."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from rackbeat_tripletex.auth import hash_management_token, new_management_token, verify_management_token
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.domain import (
    Tenant,
    TenantStatus,
)
from rackbeat_tripletex.notify.email import Mailer, fragment_link
from rackbeat_tripletex.notify.limits import EmailLimitReached
from rackbeat_tripletex.onboarding.failures import (
    ConcurrentChangeError,
    LinkInvalidError,
    Say,
    StepUpRequired,
    TenantNotFoundError,
)
from rackbeat_tripletex.onboarding.identity import (
    CONFIRM_VALID,
    CONFIRMATION_EMAIL,
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
    NewTenant,
    SessionView,
    TenantView,
)
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.sessions import AuthStore, StoredSession, digest
from rackbeat_tripletex.store.tenants import ConcurrentUpdateError, TenantStore
from rackbeat_tripletex.webhooks.registration import forget_tripletex_webhook_secret

logger = logging.getLogger(__name__)


class ContactAccess:
    """Who may act for a tenant, and the read-modify-write every change of the profile goes
    through. Onboarding supplies the stores, the mailer and the clock."""

    tenants: TenantStore
    secrets: TenantSecrets
    mailer: Mailer
    auth: AuthStore
    clock: Callable[[], datetime]

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
            language=request.language,
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
            raise ConcurrentChangeError(Say("error.confirmation_used"))

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
        return action, text(f"identity.confirmed.{action.value}")

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

    def _erase(self, tenant: Tenant) -> int:
        self.secrets.delete(tenant.tenant_id)
        forget_tripletex_webhook_secret(tenant.tenant_id)
        self.auth.forget_contact(tenant.contact_email, tenant.tenant_id)
        return self.tenants.delete_all(tenant.tenant_id)

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
        raise ConcurrentChangeError(Say("error.changed_meanwhile"))


def _looks_like_id(tenant_id: str) -> bool:
    return len(tenant_id) == 32 and all(ch in "0123456789abcdef" for ch in tenant_id)
