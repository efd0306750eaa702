"""What happens to the raw API Gateway event before any router parses it.

The resolver validates a body before any middleware sees the request, so the size limit and
authorisation cannot be middleware: a stranger's malformed body must get the same 404 as a
well-formed one, and a huge body must not be parsed at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rackbeat_tripletex.auth import bearer_token
from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.api.errors import stranger_reply
from rackbeat_tripletex.onboarding.failures import TenantNotFoundError
from rackbeat_tripletex.onboarding.identity import Principal


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
        return gate.too_large()
    principal = None
    tenant_id = gate.tenant_id_of(event.get("path", ""))
    if tenant_id is not None:
        try:
            principal = authorize(tenant_id, bearer_token(gate.header(event, "Authorization")))
        except TenantNotFoundError as error:
            return stranger_reply(error)
    if not gate.body_is_text(event):
        # After authorisation, so a stranger still gets the 404; before the resolver, which
        # decodes the body strictly and would crash on it.
        return gate.not_text()
    return Admitted(principal)
