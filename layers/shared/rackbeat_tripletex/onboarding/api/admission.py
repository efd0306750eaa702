"""What happens to the raw API Gateway event before any router parses it.

The resolver validates a body before any middleware sees the request, so the size limit and
authorisation cannot be middleware: a stranger's malformed body must get the same 404 as a
well-formed one, and a huge body must not be parsed at all. Each denial is recorded once
(rackbeat_tripletex.denials); a body the resolver's parser would crash on (too deep, a number
too large) is answered 422 here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rackbeat_tripletex import bodies
from rackbeat_tripletex.auth import bearer_token
from rackbeat_tripletex.denials import Reason, record_denial, well_formed_tenant_id
from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.api.errors import stranger_reply
from rackbeat_tripletex.onboarding.failures import TenantNotFoundError
from rackbeat_tripletex.onboarding.identity import Principal
from rackbeat_tripletex.onboarding.problems import describe_validation_errors


@dataclass(frozen=True)
class Admitted:
    """The request may reach the routers; ``principal`` is who its token proved (tenant routes)."""

    principal: Principal | None

    @property
    def tenant(self) -> Tenant | None:
        return self.principal.tenant if self.principal else None


def admit(
    event: Mapping[str, Any], authorize: Callable[[str, str | None], Principal]
) -> Admitted | dict[str, Any]:
    """Admitted, or the API Gateway answer that ends the request here."""
    if gate.body_size(event) > gate.MAX_BODY_BYTES:
        return gate.too_large(event)
    principal = None
    tenant_id = gate.tenant_id_of(event.get("path", ""))
    if tenant_id is not None:
        token = bearer_token(gate.header(event, "Authorization"))
        try:
            principal = authorize(tenant_id, token)
        except TenantNotFoundError as error:
            record_denial(event, _reason(tenant_id, token), tenant_id)
            return stranger_reply(error, event)
    if not gate.body_is_text(event):
        # After authorisation, so a stranger still gets the 404; before the resolver, which
        # decodes the body strictly and would crash on it.
        return gate.not_text(event)
    return _unparseable(event) or Admitted(principal)


def _reason(tenant_id: str, token: str | None) -> Reason:
    if not well_formed_tenant_id(tenant_id):
        return Reason.MALFORMED_TENANT
    return Reason.NO_CREDENTIAL if not token else Reason.BAD_CREDENTIAL


def _unparseable(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The 422 for a body the resolver's JSON parser would crash on; a body that is merely not
    JSON is left to the resolver, which names the problem the same way for every route."""
    text = gate.decoded_body(event)
    if not text.strip():
        return None
    try:
        bodies.parse(text)
    except bodies.UnreadableBody as error:
        if error.problem is bodies.BodyProblem.NOT_JSON:
            return None
        problem = {"type": error.problem.value, "loc": ("body",), "ctx": {"depth": bodies.MAX_DEPTH}}
        return gate.reply(422, describe_validation_errors([problem], gate.request_language(event)))
    return None
