"""The routes of the contact's identity: confirming the address, signing in by an emailed link,
signing out, and confirming a change (step-up). Each route is its documentation and one call
into :class:`~rackbeat_tripletex.onboarding.service.Onboarding`; which links they follow and
how long each lives is in ``onboarding.identity``."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from rackbeat_tripletex.auth import bearer_token
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.onboarding.api.routing import (
    LINK_INVALID,
    TOO_MANY_EMAILS,
    TenantId,
    authorised_principal,
    authorised_tenant,
    documented,
)
from rackbeat_tripletex.onboarding.api.services import OnboardingServices
from rackbeat_tripletex.onboarding.identity import SIGN_IN_VALID, minutes
from rackbeat_tripletex.onboarding.schemas import (
    Confirmed,
    EmailedCode,
    EmailVerified,
    SessionCreated,
    SessionView,
    SignedOut,
    SignInRequest,
    SignInRequested,
    VerificationSent,
)


def identity_router(services: OnboardingServices) -> Router:
    router = Router()  # type: ignore[no-untyped-call]

    @router.post(
        "/email-verification",
        summary="Confirm the contact's email address with the emailed link",
        responses=documented(
            200, EmailVerified, "The address is confirmed.", tenant=False, s400=LINK_INVALID
        ),
    )
    def verify_email(request: EmailedCode) -> EmailVerified:
        services.onboarding.verify_email(request.tenant_id, request.code)
        return EmailVerified(message=text("identity.verified"))

    @router.post(
        "/tenants/<tenant_id>/email-verification",
        summary="Email the confirmation link again",
        responses=documented(
            200, VerificationSent, "Sent, or the address is confirmed already.", s429=TOO_MANY_EMAILS
        ),
    )
    def resend_verification(tenant_id: TenantId) -> VerificationSent:
        tenant = authorised_tenant(router, tenant_id)
        sent = services.onboarding.resend_verification(
            tenant, services.public_base_url(router.current_event.raw_event)
        )
        if not sent:
            return VerificationSent(sent_to=None, message=text("identity.already_verified"))
        return VerificationSent(
            sent_to=tenant.contact_email,
            message=text("identity.verification_sent", address=tenant.contact_email),
        )

    @router.post(
        "/sign-in",
        summary="Email a sign-in link to the contact of an integration",
        description="The answer is the same whether or not an integration uses the address.",
        responses=documented(
            202, SignInRequested, "If the address is known, a link is on its way.", tenant=False
        ),
    )
    def request_sign_in(request: SignInRequest) -> Response[SignInRequested]:
        services.onboarding.request_sign_in(
            request.email, services.public_base_url(router.current_event.raw_event)
        )
        requested = SignInRequested(
            message=text("identity.sign_in_requested", minutes=minutes(SIGN_IN_VALID))
        )
        return Response(202, content_types.APPLICATION_JSON, requested)

    @router.post(
        "/sessions",
        summary="Exchange a sign-in link for a session",
        responses=documented(201, SessionCreated, "Signed in.", tenant=False, s400=LINK_INVALID),
    )
    def start_session(request: EmailedCode) -> Response[SessionCreated]:
        token, state = services.onboarding.start_session(request.tenant_id, request.code)
        created = SessionCreated(
            tenant_id=request.tenant_id, session_token=token, session=SessionView(**state.__dict__)
        )
        return Response(201, content_types.APPLICATION_JSON, created, headers={"Cache-Control": "no-store"})

    @router.delete(
        "/tenants/<tenant_id>/session",
        summary="Sign out: the session token stops working",
        responses=documented(200, SignedOut, "Signed out (a management token is not affected)."),
    )
    def sign_out(tenant_id: TenantId) -> SignedOut:
        token = bearer_token(router.current_event.headers.get("Authorization")) or ""
        services.onboarding.sign_out(authorised_principal(router, tenant_id), token)
        return SignedOut(message=text("identity.signed_out"))

    @router.post(
        "/confirmations",
        summary="Confirm a change with the link emailed to the contact",
        description=(
            "Deleting the integration, replacing its tokens and changing the alert address each "
            "need this once; the answer says how to finish."
        ),
        responses=documented(
            200, Confirmed, "Confirmed; repeat the change to make it.", tenant=False, s400=LINK_INVALID
        ),
    )
    def confirm(request: EmailedCode) -> Confirmed:
        action, message = services.onboarding.confirm(request.tenant_id, request.code)
        return Confirmed(action=action.value, message=message)

    return router
