"""webhooks: the composition root of the Rackbeat and Tripletex delivery routes.

The answer is fast (202) and carries nothing: the work happens on SyncQueue. Verification and
enqueueing live in rackbeat_tripletex.webhooks.deliveries; this module only says what each
outcome answers.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.config import function_settings
from rackbeat_tripletex.webhooks.deliveries import Deliveries, Outcome, WebhooksSettings
from rackbeat_tripletex.webhooks.rackbeat import SECRET_PARAMETER

logger = Logger()
app = APIGatewayRestResolver()

# The same 401 for a forged delivery and an unknown tenant: a stranger learns nothing.
ANSWERS: dict[Outcome, tuple[int, str]] = {
    Outcome.ACCEPTED: (202, "accepted"),
    Outcome.IGNORED: (202, "ignored"),
    Outcome.UNVERIFIED: (401, "unverified delivery"),
    Outcome.TOO_LARGE: (413, "delivery too large"),
    Outcome.NOT_JSON: (400, "the delivery body is not JSON"),
}


@cache
def deliveries() -> Deliveries:
    return Deliveries.build(function_settings(WebhooksSettings), logger)


def _answer(outcome: Outcome) -> Response[str]:
    status, message = ANSWERS[outcome]
    return Response(
        status_code=status, content_type="application/json", body=json.dumps({"message": message})
    )


def _header(name: str) -> str | None:
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    return headers.get(name.lower()) or None


@app.post("/webhooks/rackbeat/<tenant_id>")
def rackbeat_delivery(tenant_id: str) -> Response[str]:
    return _answer(
        deliveries().rackbeat(
            tenant_id,
            event=_header("Rackbeat-Webhook-Event"),
            token=_header("Rackbeat-Webhook-Token"),
            url_secret=app.current_event.get_query_string_value(SECRET_PARAMETER) or None,
            body=app.current_event.body or "",
        )
    )


@app.post("/webhooks/tripletex/<tenant_id>")
def tripletex_delivery(tenant_id: str) -> Response[str]:
    return _answer(
        deliveries().tripletex(
            tenant_id,
            idempotency_key=_header("idempotency-key"),
            signature=_header("x-request-signature"),
            body=(app.current_event.body or "").encode(),
        )
    )


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
