"""The routes the wizard resumes and the cockpit reads from: where setup stands, passing a step
that leaves no other trace, the payment terms by days, the cockpit, replacing only a dead token,
and continuing the setup from the verification link. Each is one call into
``onboarding.setup`` or ``onboarding.cockpit``."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import BaseModel, Field, SecretStr, model_validator

from rackbeat_tripletex.clients.errors import ApiError
from rackbeat_tripletex.i18n import Language, language_of, text
from rackbeat_tripletex.models.domain import Check, Credentials, Tenant
from rackbeat_tripletex.onboarding.api.routing import (
    LINK_INVALID,
    STEP_UP,
    TOO_MANY_EMAILS,
    TenantId,
    authorised_principal,
    authorised_tenant,
    documented,
)
from rackbeat_tripletex.onboarding.api.services import OnboardingServices
from rackbeat_tripletex.onboarding.cockpit import Cockpit, CockpitView
from rackbeat_tripletex.onboarding.failures import NEEDS_TOKENS, StepOrderError
from rackbeat_tripletex.onboarding.schemas import (
    EmailedCode,
    PastedToken,
    SessionCreated,
    SessionView,
    ValidationOutcome,
)
from rackbeat_tripletex.onboarding.setup import (
    PassStep,
    SetupGuide,
    SetupView,
    TermSuggestions,
    live_term_suggestions,
)
from rackbeat_tripletex.onboarding.syncing import ProblemsBody
from rackbeat_tripletex.store.runs import RunStore

Lang = Annotated[
    str | None, Query(max_length=8, description="`nb` or `en`; the tenant's language when left out.")
]


class TokenFix(BaseModel):
    """Only the tokens to replace; the stored others are kept."""

    rackbeat_api_token: PastedToken | None = None
    tripletex_consumer_token: PastedToken | None = None
    tripletex_employee_token: PastedToken | None = None

    @model_validator(mode="after")
    def _one_at_least(self) -> TokenFix:
        if not self.given():
            raise ValueError(text("wizard.token_unknown"))
        return self

    def given(self) -> dict[str, str]:
        given = {}
        for name, value in self.model_dump(exclude_none=True).items():
            raw = value.get_secret_value() if isinstance(value, SecretStr) else value
            if isinstance(raw, str) and raw:
                given[name] = raw
        return given


class SetupContinued(SessionCreated):
    message: str = Field(description="What happened, in the tenant's language.")


def _chosen(lang: str | None) -> Language | None:
    return language_of(lang) if lang else None


def setup_router(services: OnboardingServices) -> Router:
    router = Router()  # type: ignore[no-untyped-call]

    def guide() -> SetupGuide:
        onboarding = services.onboarding
        return SetupGuide(
            onboarding.tenants,
            onboarding.setup_store,
            lambda tenant_id: services.sync.progress(tenant_id).state,
        )

    def cockpit() -> Cockpit:
        onboarding = services.onboarding

        def recheck(tenant: Tenant) -> list[Check]:
            credentials = onboarding.secrets.get(tenant.tenant_id)
            try:
                return onboarding.vendors.validate(credentials).failed if credentials else []
            except ApiError:
                return []  # the status line then names no token, and the page offers all three

        return Cockpit(
            runs=RunStore(services.sync.table).latest,
            failures=services.sync.failures,
            settings=onboarding.tenants.get_settings,
            webhooks=services.webhook_status,
            recheck=recheck,
            clock=onboarding.clock,
        )

    @router.get(
        "/tenants/<tenant_id>/setup",
        summary="Where the setup continues, and the streams to offer",
        description=(
            "Derived from the tenant's state (tokens checked, address confirmed, import, settings), "
            "so a reload, Back or another tab continues at the same step."
        ),
        responses=documented(200, SetupView, "The step to show and what it offers."),
    )
    def get_setup(tenant_id: TenantId, lang: Lang = None) -> SetupView:
        return guide().view(authorised_tenant(router, tenant_id), _chosen(lang))

    @router.post(
        "/tenants/<tenant_id>/setup/steps",
        summary="Record moving past (or back before) the groups or the import step",
        responses=documented(200, SetupView, "Where the setup continues now."),
    )
    def pass_step(tenant_id: TenantId, request: PassStep) -> SetupView:
        return guide().pass_step(authorised_tenant(router, tenant_id), request)

    @router.get(
        "/tenants/<tenant_id>/setup/payment-terms",
        summary="The days to pay the Tripletex customers have, each matched to a Rackbeat term",
        responses=documented(200, TermSuggestions, "Only the day values that occur.", vendors=True),
    )
    def payment_terms(tenant_id: TenantId, lang: Lang = None) -> TermSuggestions:
        tenant = authorised_tenant(router, tenant_id)
        credentials = (
            services.onboarding.secrets.get(tenant.tenant_id) if tenant.credentials.validated_at else None
        )
        if credentials is None:
            raise StepOrderError(NEEDS_TOKENS)
        return live_term_suggestions(
            services.onboarding.vendors, credentials, _chosen(lang) or tenant.language
        )

    @router.get(
        "/tenants/<tenant_id>/cockpit",
        summary="Status, streams, history and webhooks of a running integration",
        responses=documented(200, CockpitView, "What the cockpit shows."),
    )
    def get_cockpit(tenant_id: TenantId, lang: Lang = None) -> CockpitView:
        return cockpit().view(authorised_tenant(router, tenant_id), _chosen(lang))

    @router.patch(
        "/tenants/<tenant_id>/credentials",
        summary="Replace only the token that stopped working; the stored others are kept",
        responses=documented(
            200,
            ValidationOutcome,
            "Every check passed with the new token; it is stored.",
            vendors=True,
            s202=STEP_UP,
            s429=TOO_MANY_EMAILS,
            s422=(ValidationOutcome | ProblemsBody, "Nothing was stored; `checks` says what to do."),
        ),
    )
    def fix_token(tenant_id: TenantId, fix: Annotated[TokenFix, Body()]) -> Response[ValidationOutcome]:
        principal = authorised_principal(router, tenant_id)
        onboarding = services.onboarding
        stored = onboarding.secrets.get(tenant_id) if principal.tenant.credentials.validated_at else None
        if stored is None:
            raise StepOrderError(NEEDS_TOKENS)
        # Only the tokens given are replaced; the stored others are checked with them.
        merged = Credentials.model_validate({**stored.secret_values(), **fix.given()})
        base_url = services.public_base_url(router.current_event.raw_event)
        report = onboarding.put_credentials(principal, merged, base_url)
        outcome = ValidationOutcome.of(report)
        return Response(200 if report.ok else 422, content_types.APPLICATION_JSON, outcome)

    @router.post(
        "/sessions/setup",
        summary="Confirm the address with the verification link and continue the setup",
        description="Like a sign-in link: the answer holds a session for the tenant.",
        responses=documented(
            201, SetupContinued, "Confirmed and signed in.", tenant=False, s400=LINK_INVALID
        ),
    )
    def continue_setup(request: EmailedCode) -> Response[SetupContinued]:
        token, state = services.onboarding.continue_setup(request.tenant_id, request.code)
        tenant = services.onboarding.tenants.get(request.tenant_id)
        continued = SetupContinued(
            tenant_id=request.tenant_id,
            session_token=token,
            session=SessionView(**state.__dict__),
            message=text("wizard.email_verified_continue", tenant.language if tenant else None),
        )
        return Response(201, content_types.APPLICATION_JSON, continued, headers={"Cache-Control": "no-store"})

    return router
