"""What every onboarding route shares: the tenant path parameter, the authorised tenant, and the
answers each operation documents (the OpenAPI document and the replies agree)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path as PathParam
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.failures import TenantNotFoundError
from rackbeat_tripletex.onboarding.identity import Principal
from rackbeat_tripletex.onboarding.schemas import ErrorBody, StepUpSent, VendorUnavailable
from rackbeat_tripletex.onboarding.syncing import ProblemsBody

TenantId = Annotated[str, PathParam(description="The id POST /tenants answered.", max_length=64)]


def authorised_principal(router: Router, tenant_id: str) -> Principal:
    """Who admission authorised for this request's tenant, before the body was parsed."""
    principal = router.context.get("principal")
    if not isinstance(principal, Principal) or principal.tenant.tenant_id != tenant_id:
        raise TenantNotFoundError()
    return principal


def authorised_tenant(router: Router, tenant_id: str) -> Tenant:
    """The tenant admission authorised for this request, before the body was parsed."""
    return authorised_principal(router, tenant_id).tenant


NOT_FOUND = (ErrorBody, "No such tenant, or the token is not this tenant's (the same answer for both).")
TOO_LARGE = (ErrorBody, f"The request body is larger than {gate.MAX_BODY_BYTES // 1024} KB.")
INVALID = (
    ProblemsBody,
    "A field is missing or wrong, or the body is not UTF-8 JSON; `detail` names each field and what to fix.",
)
STEP_UP = (
    StepUpSent,
    "Nothing changed yet: the change needs the confirmation link we emailed to the contact; repeat "
    "the request after opening it.",
)
TOO_MANY_EMAILS = (
    ErrorBody,
    "Too many emails went to this address or for this tenant lately; try again after `Retry-After` seconds.",
)
LINK_INVALID = (ErrorBody, "The emailed link is used, expired or incomplete; ask for a new one.")
EARLIER_STEP = (
    ErrorBody,
    "An earlier step is not done, the saved tokens no longer work, or the tenant changed at the same "
    "time; `message` says what to do.",
)
BUSY = (
    VendorUnavailable,
    "Rackbeat or Tripletex is busy (rate limit), failing or unreachable; nothing was lost. "
    "Try again after `Retry-After` seconds when given.",
)
REFUSED = (ErrorBody, "Rackbeat or Tripletex refused the request; `message` says what to do.")


def documented(
    ok: int,
    model: Any,
    description: str,
    *,
    tenant: bool = True,
    vendors: bool = False,
    **errors: tuple[Any, str],
) -> dict[int, OpenAPIResponse]:
    """`tenant`: a /tenants/{tenant_id} route (404 from admission). `vendors`: the route calls
    Rackbeat or Tripletex (409/502/503 from ``errors.vendor_error``). `s<status>=(model, words)`
    adds or replaces one answer."""
    answers: dict[int, tuple[Any, str]] = {413: TOO_LARGE, 422: INVALID}
    if tenant:
        answers[404] = NOT_FOUND
    if vendors:
        answers |= {409: EARLIER_STEP, 502: REFUSED, 503: BUSY}
    answers |= {int(status.removeprefix("s")): answer for status, answer in errors.items()}
    described: dict[int, OpenAPIResponse] = {
        ok: {"description": description, "content": {"application/json": {"model": model}}}
    }
    for status, (error_model, words) in sorted(answers.items()):
        described[status] = {"description": words, "content": {"application/json": {"model": error_model}}}
    return described
