"""webhooks: the composition root of the Rackbeat and Tripletex delivery routes.

The answer is fast (202) and carries nothing: the work happens on SyncQueue. Verification and
enqueueing live in rackbeat_tripletex.webhooks.deliveries; this module only says what each
outcome answers.

The module loads only what routing needs: the delivery machinery (boto3, the settings and task
models) is imported on the first delivery, so the import stays a fraction of ``import boto3``
(bench/cold_start.py). No HTTP client is ever loaded here: verifying and enqueueing make none.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from rackbeat_tripletex.denials import Reason, record_denial, well_formed_tenant_id
from rackbeat_tripletex.http_headers import with_security_headers

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from rackbeat_tripletex.webhooks.deliveries import Deliveries, Outcome

logger = Logger()
app = APIGatewayRestResolver()


@cache
def answers() -> dict[Outcome, tuple[int, str]]:
    """What each outcome answers. The same 401 for a forged delivery and an unknown tenant: a
    stranger learns nothing."""
    from rackbeat_tripletex.webhooks.deliveries import Outcome

    return {
        Outcome.ACCEPTED: (202, "accepted"),
        Outcome.IGNORED: (202, "ignored"),
        Outcome.DISABLED: (202, "ignored"),
        Outcome.DUPLICATE: (202, "duplicate"),
        Outcome.UNVERIFIED: (401, "unverified delivery"),
        Outcome.TOO_LARGE: (413, "delivery too large"),
        Outcome.NOT_JSON: (400, "the delivery body is not JSON"),
    }


@cache
def deliveries() -> Deliveries:
    from rackbeat_tripletex.config import function_settings
    from rackbeat_tripletex.webhooks.deliveries import Deliveries, WebhooksSettings

    return Deliveries.build(function_settings(WebhooksSettings), logger)


def _answer(outcome: Outcome, tenant_id: str, *presented: str | None) -> Response[str]:
    from rackbeat_tripletex.webhooks.deliveries import Outcome

    if outcome is Outcome.UNVERIFIED:
        record_denial(app.current_event.raw_event, _reason(tenant_id, presented), tenant_id)
    status, message = answers()[outcome]
    return Response(
        status_code=status, content_type="application/json", body=json.dumps({"message": message})
    )


def _reason(tenant_id: str, presented: tuple[str | None, ...]) -> Reason:
    if not well_formed_tenant_id(tenant_id):
        return Reason.MALFORMED_TENANT
    return Reason.BAD_CREDENTIAL if any(presented) else Reason.NO_CREDENTIAL


def _header(name: str) -> str | None:
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    return headers.get(name.lower()) or None


@app.post("/webhooks/rackbeat/<tenant_id>")
def rackbeat_delivery(tenant_id: str) -> Response[str]:
    from rackbeat_tripletex.webhooks.rackbeat import SECRET_PARAMETER

    token = _header("Rackbeat-Webhook-Token")
    url_secret = app.current_event.get_query_string_value(SECRET_PARAMETER) or None
    outcome = deliveries().rackbeat(
        tenant_id,
        event=_header("Rackbeat-Webhook-Event"),
        token=token,
        url_secret=url_secret,
        body=app.current_event.body or "",
    )
    return _answer(outcome, tenant_id, token, url_secret)


@app.post("/webhooks/tripletex/<tenant_id>")
def tripletex_delivery(tenant_id: str) -> Response[str]:
    signature = _header("x-request-signature")
    outcome = deliveries().tripletex(
        tenant_id,
        idempotency_key=_header("idempotency-key"),
        signature=signature,
        body=(app.current_event.body or "").encode(),
    )
    return _answer(outcome, tenant_id, signature)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return with_security_headers(app.resolve(event, context))
