"""The one place a domain error becomes an HTTP answer.

The errors themselves (onboarding.service, initial_sync.service, the API clients) carry a
message in plain words and nothing about HTTP; the status and body of each answer are chosen
here, and the routers' documented answers (``routing``) list the same statuses.

Every answer is in the language of whoever asked: the tenant's stored language on a tenant's
route, the request's ``Accept-Language`` elsewhere (``answer_in_their_language`` sets it for
the request, before any route or error handler runs).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    AuthError,
    RateLimited,
    ServerError,
    TransportError,
)
from rackbeat_tripletex.denials import Reason, record_denial
from rackbeat_tripletex.i18n import Language, text, use_language
from rackbeat_tripletex.initial_sync.service import AlreadyRan, InvalidRequest, NotReady, TenantNotFound
from rackbeat_tripletex.notify.limits import EmailLimitReached
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.failures import (
    NOT_FOUND,
    ConcurrentChangeError,
    ConfirmationError,
    LinkInvalidError,
    OnboardingError,
    OtherAccountError,
    SettingsRefusedError,
    StepOrderError,
    StepUpRequired,
    TenantNotFoundError,
)
from rackbeat_tripletex.onboarding.identity import Principal
from rackbeat_tripletex.onboarding.problems import describe_validation_errors
from rackbeat_tripletex.onboarding.schemas import ErrorBody, StepUpSent, VendorUnavailable
from rackbeat_tripletex.onboarding.syncing import AlreadyRanBody, FieldProblem, ProblemsBody

logger = logging.getLogger(__name__)

# Most specific first: a subclass not listed answers as its nearest listed base.
_ONBOARDING_STATUS: dict[type[OnboardingError], int] = {
    TenantNotFoundError: 404,
    LinkInvalidError: 400,
    OtherAccountError: 409,
    StepOrderError: 409,
    ConcurrentChangeError: 409,
    ConfirmationError: 422,
    SettingsRefusedError: 422,
    OnboardingError: 400,
}
_UNAVAILABLE = (RateLimited, ServerError, TransportError)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(status, content_types.APPLICATION_JSON, body, headers=headers)


def onboarding_status(error: OnboardingError) -> int:
    return next(status for kind, status in _ONBOARDING_STATUS.items() if isinstance(error, kind))


def onboarding_error(error: OnboardingError) -> Response[Any]:
    return _json(onboarding_status(error), {"message": error.message})


def step_up_required(error: StepUpRequired) -> Response[Any]:
    """Not a failure: nothing changed yet, and the contact's mailbox holds the way to go on."""
    return _json(202, StepUpSent(action=error.action.value, sent_to=error.sent_to, message=error.message))


def too_many_emails(error: EmailLimitReached) -> Response[Any]:
    minutes = max(1, math.ceil(error.retry_after_seconds / 60))
    return _json(
        429,
        ErrorBody(message=text("error.too_many_emails", minutes=minutes)),
        {"Retry-After": str(error.retry_after_seconds)},
    )


def stranger_reply(error: TenantNotFoundError, event: Mapping[str, Any]) -> dict[str, Any]:
    """The answer admission gives before any router runs, as an API Gateway proxy response (in
    the request's language: a stranger has no tenant whose language we could know)."""
    message = text(NOT_FOUND.key, gate.request_language(event))
    return gate.reply(onboarding_status(error), {"message": message})


def vendor_error(error: ApiError) -> Response[Any]:
    """Every route that calls Rackbeat or Tripletex ends here when the call fails after the
    client's own retries: the user learns which system failed and what to do next."""
    system = error.api or text("error.vendor.other_system")
    logger.warning(
        "vendor call failed", extra={"api": error.api, "status": error.status, "error": type(error).__name__}
    )
    if isinstance(error, _UNAVAILABLE):
        wait = math.ceil(error.retry_after) if isinstance(error, RateLimited) and error.retry_after else None
        if isinstance(error, RateLimited):
            message = text("error.vendor.busy", system=system)
        elif isinstance(error, ServerError):
            message = text("error.vendor.down", system=system)
        else:
            message = text("error.vendor.unreachable", system=system)
        body = VendorUnavailable(message=message, system=system, retry_after_seconds=wait)
        return _json(503, body, {"Retry-After": str(wait)} if wait else None)
    if isinstance(error, AuthError) and error.api in ("Rackbeat", "Tripletex"):
        # Which token died and that only that one is asked for again.
        return _json(409, ErrorBody(message=text(f"error.vendor.auth.{error.api}")))
    if isinstance(error, AuthError | AccessDenied):
        return _json(409, ErrorBody(message=text("error.vendor.access_denied", system=system)))
    # The vendor's own words on what it refused (Tripletex writes Norwegian), else a plain sentence.
    said = "; ".join(vm.message for vm in error.validation_messages if vm.message) or error.message
    if said:
        return _json(502, ErrorBody(message=text("error.vendor.refused", system=system, reason=said)))
    return _json(502, ErrorBody(message=text("error.vendor.refused_plain", system=system)))


def import_tenant_missing(_: TenantNotFound) -> Response[Any]:
    return _json(404, {"message": str(NOT_FOUND)})


def import_not_ready(error: NotReady) -> Response[Any]:
    return _json(422, {"message": str(error)})


def import_choices(error: InvalidRequest) -> Response[Any]:
    return _json(
        422,
        ProblemsBody(
            message=text("import.fix_choices", problems="; ".join(error.problems.values())),
            detail=[FieldProblem(field=f, type="value_error", message=m) for f, m in error.problems.items()],
        ),
    )


def import_already_ran(error: AlreadyRan) -> Response[Any]:
    body = AlreadyRanBody(
        message=text(
            "import.already_ran_ended" if error.finished_at else "import.already_ran_running",
            started=error.started_at.isoformat(timespec="minutes"),
            state=error.state.value,
        ),
        started_at=error.started_at,
        finished_at=error.finished_at,
        state=error.state,
    )
    return _json(409, body)


def invalid_request(error: RequestValidationError) -> Response[Any]:
    return _json(422, describe_validation_errors(list(error.errors())))


def request_language(app: ApiGatewayResolver) -> Language:
    """The tenant's language on its routes, else what the request accepts."""
    principal = app.context.get("principal")
    if isinstance(principal, Principal):
        return principal.tenant.language
    return gate.request_language(app.current_event.raw_event)


def answer_in_their_language(app: ApiGatewayResolver, next_middleware: NextMiddleware) -> Response[Any]:
    with use_language(request_language(app)):
        return next_middleware(app)


def map_errors(app: ApiGatewayResolver) -> None:
    """Registers every answer above on the resolver, and the request's language."""
    app.use(middlewares=[answer_in_their_language])
    handlers: dict[type[Exception], Any] = {
        ApiError: vendor_error,
        OnboardingError: onboarding_error,
        StepUpRequired: step_up_required,
        EmailLimitReached: too_many_emails,
        TenantNotFound: import_tenant_missing,
        NotReady: import_not_ready,
        InvalidRequest: import_choices,
        AlreadyRan: import_already_ran,
        RequestValidationError: invalid_request,
    }
    for kind, handler in handlers.items():
        app.exception_handler(kind)(_in_their_language(app, handler))

    def link_refused(error: LinkInvalidError) -> Response[Any]:
        # A code that opens nothing is a denial like a wrong token: one auth_failed line, with the
        # tenant id the body named (kept only if well formed), never the code presented.
        event = app.current_event
        try:
            named = (event.json_body or {}).get("tenant_id")
        except ValueError:
            named = None
        record_denial(event.raw_event, Reason.BAD_CREDENTIAL, named if isinstance(named, str) else None)
        return onboarding_error(error)

    app.exception_handler(LinkInvalidError)(_in_their_language(app, link_refused))


def _in_their_language(app: ApiGatewayResolver, handler: Any) -> Any:
    # An error handler runs after the middleware's scope has ended: it chooses again.
    def answer(error: Exception) -> Response[Any]:
        with use_language(request_language(app)):
            answered: Response[Any] = handler(error)
        return answered

    return answer
