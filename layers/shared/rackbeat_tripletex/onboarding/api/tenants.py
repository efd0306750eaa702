"""The tenant lifecycle routes: create, view, credentials, prerequisites, settings, the
management token and offboarding. Each route is its documentation and one call into
:class:`~rackbeat_tripletex.onboarding.service.Onboarding`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from rackbeat_tripletex.auth import bearer_token
from rackbeat_tripletex.onboarding.api.routing import (
    EARLIER_STEP,
    STEP_UP,
    TOO_MANY_EMAILS,
    TenantId,
    authorised_principal,
    authorised_tenant,
    documented,
)
from rackbeat_tripletex.onboarding.api.services import OnboardingServices
from rackbeat_tripletex.onboarding.schemas import (
    CreateGroups,
    CreateUnits,
    CredentialsRequest,
    DeleteTenant,
    ErrorBody,
    NewTenant,
    Prerequisites,
    SettingsSaved,
    SettingsUpdate,
    SettingsView,
    TenantCreated,
    TenantDeleted,
    TenantView,
    TokenRotated,
    UnitsCreated,
    ValidationOutcome,
)
from rackbeat_tripletex.onboarding.setup import require_a_stream
from rackbeat_tripletex.onboarding.syncing import ProblemsBody


def tenants_router(services: OnboardingServices) -> Router:
    router = Router()  # type: ignore[no-untyped-call]

    @router.post(
        "/tenants",
        summary="Start onboarding a company",
        description=(
            "The contact gets a verification link and nothing else until it is opened; a tenant "
            "whose address is not confirmed within a day is deleted."
        ),
        responses=documented(
            201,
            TenantCreated,
            "The tenant exists; keep the management token.",
            tenant=False,
            s429=TOO_MANY_EMAILS,
        ),
    )
    def create_tenant(request: NewTenant) -> Response[TenantCreated]:
        public_base_url = services.public_base_url(router.current_event.raw_event)
        tenant, token = services.onboarding.create_tenant(request, public_base_url)
        created = TenantCreated(
            tenant_id=tenant.tenant_id,
            management_token=token,
            status=tenant.status,
            verification_sent_to=tenant.contact_email,
        )
        return Response(201, content_types.APPLICATION_JSON, created)

    @router.get(
        "/tenants/<tenant_id>",
        summary="The tenant's profile, status and credentials summary",
        responses=documented(200, TenantView, "The tenant; never a token."),
    )
    def get_tenant(tenant_id: TenantId) -> TenantView:
        return services.onboarding.view(authorised_principal(router, tenant_id))

    @router.put(
        "/tenants/<tenant_id>/credentials",
        summary="Check the API tokens and store them if they work",
        responses=documented(
            200,
            ValidationOutcome,
            "Every check passed; the tokens are stored.",
            vendors=True,
            s202=STEP_UP,
            s429=TOO_MANY_EMAILS,
            s409=(
                ErrorBody,
                "An earlier step is not done, the tenant changed at the same time, or the tokens belong "
                "to another account than the stored ones (send `reconnect`); `message` says what to do.",
            ),
            s422=(
                ValidationOutcome | ProblemsBody,
                "Nothing was stored: either a check failed (`checks` says which and what to do) or a "
                "field is missing or wrong (`detail` names it).",
            ),
        ),
    )
    def put_credentials(
        tenant_id: TenantId, credentials: Annotated[CredentialsRequest, Body()]
    ) -> Response[ValidationOutcome]:
        report = services.onboarding.put_credentials(
            authorised_principal(router, tenant_id),
            credentials,
            services.public_base_url(router.current_event.raw_event),
            reconnect=credentials.reconnect,
        )
        outcome = ValidationOutcome.of(report)
        return Response(200 if report.ok else 422, content_types.APPLICATION_JSON, outcome)

    @router.get(
        "/tenants/<tenant_id>/prerequisites",
        summary="Rackbeat groups, payment terms, Tripletex counts",
        responses=documented(
            200, Prerequisites, "What exists and which required groups are missing.", vendors=True
        ),
    )
    def get_prerequisites(tenant_id: TenantId) -> Prerequisites:
        return services.onboarding.prerequisites(authorised_tenant(router, tenant_id))

    @router.post(
        "/tenants/<tenant_id>/prerequisites/groups",
        summary="Create the missing Rackbeat groups",
        responses=documented(
            200, Prerequisites, "The groups exist; the prerequisites as they are now.", vendors=True
        ),
    )
    def create_groups(tenant_id: TenantId, request: CreateGroups) -> Prerequisites:
        return services.onboarding.create_groups(authorised_tenant(router, tenant_id), request.kinds)

    @router.post(
        "/tenants/<tenant_id>/prerequisites/units",
        summary="Create the Rackbeat units the import preview named as missing",
        description=(
            "Creates each named unit Rackbeat still lacks, spelled as in Tripletex; a name Rackbeat has "
            "already (a second click) or Tripletex does not know is left alone. Preview the import "
            "again afterwards; products that already failed for their unit import on a retry of the "
            "failures."
        ),
        responses=documented(
            200, UnitsCreated, "The units made now (none when none was missing).", vendors=True
        ),
    )
    def create_units(tenant_id: TenantId, request: CreateUnits) -> UnitsCreated:
        return services.onboarding.create_units(authorised_tenant(router, tenant_id), request.names)

    @router.get(
        "/tenants/<tenant_id>/settings",
        summary="What is synchronised",
        responses=documented(200, SettingsView, "The saved settings (`null` before the first save)."),
    )
    def get_settings(tenant_id: TenantId) -> SettingsView:
        return services.onboarding.get_settings(authorised_tenant(router, tenant_id))

    @router.put(
        "/tenants/<tenant_id>/settings",
        summary="Save what is synchronised; the first save activates",
        # Vendors: saving an active tenant makes sure its Rackbeat webhooks exist.
        responses=documented(
            200,
            SettingsSaved,
            "Saved; says where the settings link went.",
            vendors=True,
            s202=STEP_UP,
            s429=TOO_MANY_EMAILS,
        ),
    )
    def put_settings(tenant_id: TenantId, update: SettingsUpdate) -> SettingsSaved:
        event = router.current_event
        token = bearer_token(event.headers.get("Authorization")) or ""
        principal = authorised_principal(router, tenant_id)
        if not principal.tenant.email_verification_pending:
            # An unconfirmed contact hears "confirm your address first" (409), whatever they chose.
            require_a_stream(update.streams.model_dump(), principal.tenant.language)
        return services.onboarding.save_settings(
            principal, update, token, services.public_base_url(event.raw_event)
        )

    @router.post(
        "/tenants/<tenant_id>/management-token",
        summary="Email a new settings link; the old one stops",
        responses=documented(
            200,
            TokenRotated,
            "The new link went to the contact's email.",
            s409=EARLIER_STEP,
            s429=TOO_MANY_EMAILS,
        ),
    )
    def rotate_token(tenant_id: TenantId) -> TokenRotated:
        return services.onboarding.rotate_management_token(
            authorised_tenant(router, tenant_id), services.public_base_url(router.current_event.raw_event)
        )

    @router.delete(
        "/tenants/<tenant_id>",
        summary="Offboard: delete tokens, webhooks and all data",
        # No vendors: a Rackbeat that cannot be reached becomes a warning in the answer.
        description=(
            "Needs a confirmation: the first call emails a link to the contact and answers 202; "
            "after the link is opened, the same call deletes (once). The contact is told afterwards."
        ),
        responses=documented(
            200, TenantDeleted, "Everything of the tenant is gone.", s202=STEP_UP, s429=TOO_MANY_EMAILS
        ),
    )
    def delete_tenant(tenant_id: TenantId, request: DeleteTenant) -> TenantDeleted:
        return services.onboarding.delete(
            authorised_principal(router, tenant_id),
            request.confirm_company_name,
            services.public_base_url(router.current_event.raw_event),
        )

    return router
