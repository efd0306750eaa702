"""Every denial leaves exactly one ``auth_failed`` line, against the local stack over HTTP: each
tenant route refused for a missing, wrong or other tenant's token and for a tenant id that
cannot exist, and each webhook refused; nothing is logged as a denial for a request that passed.
The line names route, reason class, the tenant id only when well formed, source IP and request
id, never what was presented; the template's metric filter counts it as the function writes it."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.cfn import load_template
from local.outbox import emailed_link
from rackbeat_tripletex.denials import MESSAGE
from tests.security.identity_support import unconfirmed_tenant
from tests.security.test_template_edge import _filter_matches
from tests.security.test_tenant_isolation import KNOWN_TENANT_ROUTES, _body_for
from tests.security.test_webhook_isolation import (
    RACKBEAT_EVENT,
    TRIPLETEX_BODY,
    _activate,
    _rackbeat_token,
    _sign,
    _tripletex_secret,
)
from tests.support.live_stack import LiveStack

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
SERVICE = "rackbeat-tripletex"  # POWERTOOLS_SERVICE_NAME in the template's Globals


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def denials() -> Iterator[Lines]:
    lines = Lines()
    logger = logging.getLogger(f"{SERVICE}.denials")
    logger.addHandler(lines)
    try:
        yield lines
    finally:
        logger.removeHandler(lines)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        k: getattr(record, k, "missing") for k in ("route", "reason", "tenant_id", "source_ip", "request_id")
    }


def test_every_denial_produces_exactly_one_auth_failed_line(live_stack: LiveStack, denials: Lines) -> None:
    a, b = live_stack.onboarded_tenant(), live_stack.onboarded_tenant()
    _activate(live_stack, a)
    rackbeat_token, tripletex_secret = _rackbeat_token(live_stack, a), _tripletex_secret(live_stack, a)
    assert template_default_service() == SERVICE
    # Requests that pass leave no denial.
    assert live_stack.request("GET", f"/tenants/{a.tenant_id}", token=a.management_token).status_code == 200
    assert live_stack.request("GET", "/").status_code == 200
    assert denials.records == []

    unknown = uuid.uuid4().hex
    garbage = f"garbage-{uuid.uuid4().hex}"
    expected: list[tuple[str, str, str | None]] = []  # (route, reason, tenant id logged)
    presented: list[str] = [garbage, a.management_token, rackbeat_token, tripletex_secret]
    for method, route in sorted(KNOWN_TENANT_ROUTES):
        cases = [
            (b.tenant_id, None, "no_credential", b.tenant_id),
            (b.tenant_id, garbage, "bad_credential", b.tenant_id),
            (b.tenant_id, a.management_token, "bad_credential", b.tenant_id),
            (unknown, a.management_token, "bad_credential", unknown),
            ("not-a-tenant", a.management_token, "malformed_tenant", None),
        ]
        for tenant_id, token, reason, logged in cases:
            path = route.replace("{tenant_id}", tenant_id)
            answer = live_stack.request(method, path, token=token, json=_body_for(method, route))
            assert answer.status_code == 404, (method, path, answer.text)
            expected.append((f"{method} {route}", reason, logged))

    rackbeat_route, tripletex_route = (
        "POST /webhooks/rackbeat/{tenant_id}",
        "POST /webhooks/tripletex/{tenant_id}",
    )
    webhook_cases = [
        (
            f"/webhooks/rackbeat/{b.tenant_id}",
            {"Rackbeat-Webhook-Event": RACKBEAT_EVENT},
            rackbeat_route,
            "no_credential",
            b.tenant_id,
        ),
        (
            f"/webhooks/rackbeat/{b.tenant_id}",
            {"Rackbeat-Webhook-Event": RACKBEAT_EVENT, "Rackbeat-Webhook-Token": rackbeat_token},
            rackbeat_route,
            "bad_credential",
            b.tenant_id,
        ),
        (
            f"/webhooks/rackbeat/{b.tenant_id}?secret={garbage}",
            {"Rackbeat-Webhook-Event": RACKBEAT_EVENT},
            rackbeat_route,
            "bad_credential",
            b.tenant_id,
        ),
        (
            "/webhooks/rackbeat/NOT-A-TENANT",
            {"Rackbeat-Webhook-Token": garbage},
            rackbeat_route,
            "malformed_tenant",
            None,
        ),
        (
            f"/webhooks/tripletex/{b.tenant_id}",
            {"idempotency-key": "k-1"},
            tripletex_route,
            "no_credential",
            b.tenant_id,
        ),
        (
            f"/webhooks/tripletex/{b.tenant_id}",
            {"idempotency-key": "k-2", "x-request-signature": _sign(tripletex_secret, "k-2", TRIPLETEX_BODY)},
            tripletex_route,
            "bad_credential",
            b.tenant_id,
        ),
    ]
    for path, headers, route, reason, logged in webhook_cases:
        answer = live_stack.request("POST", path, headers=headers, content=TRIPLETEX_BODY)
        assert answer.status_code == 401, (path, answer.text)
        expected.append((route, reason, logged))

    # A genuine delivery after all that: still no denial for it.
    key = str(uuid.uuid4())
    genuine = live_stack.request(
        "POST",
        f"/webhooks/tripletex/{a.tenant_id}",
        headers={"idempotency-key": key, "x-request-signature": _sign(tripletex_secret, key, TRIPLETEX_BODY)},
        content=TRIPLETEX_BODY,
    )
    assert genuine.status_code == 202

    records = denials.records
    assert [r.getMessage() for r in records] == [MESSAGE] * len(expected)
    assert [(f["route"], f["reason"], f["tenant_id"]) for f in map(_fields, records)] == expected
    assert {f["source_ip"] for f in map(_fields, records)} == {"127.0.0.1"}
    request_ids = [f["request_id"] for f in map(_fields, records)]
    assert all(request_ids), "every line names its request"
    assert len(set(request_ids)) == len(request_ids), "one line per request, never two"
    dumped = json.dumps([_fields(r) for r in records])
    assert [value for value in presented if value in dumped] == []
    for record in records:
        assert record.levelno == logging.WARNING


def test_the_metric_filter_counts_the_line_as_the_function_writes_it(
    live_stack: LiveStack, denials: Lines
) -> None:
    answer = live_stack.request("GET", f"/tenants/{uuid.uuid4().hex}", token="x" * 20)
    assert answer.status_code == 404
    (record,) = denials.records
    # The function's Powertools logger (its parent) formats the line as CloudWatch receives it.
    parent = logging.getLogger(SERVICE)
    (formatter,) = {h.formatter for h in parent.handlers if h.formatter is not None}
    line = json.loads(formatter.format(record))
    template = load_template(TEMPLATE)
    pattern = template["Resources"]["OnboardingAuthFailedMetric"]["Properties"]["FilterPattern"]
    assert _filter_matches(pattern, line)
    assert line["route"] == "GET /tenants/{tenant_id}"
    assert line["reason"] == "bad_credential"
    assert "x" * 20 not in json.dumps(line)


def test_an_emailed_code_that_opens_nothing_is_one_denial(live_stack: LiveStack, denials: Lines) -> None:
    """Sign-in, verification and confirmation codes are credentials too: a used one (or one for
    another tenant) is refused with one auth_failed line naming the tenant, never the code."""
    created = unconfirmed_tenant(live_stack)
    tenant_id, address = created.json()["tenant_id"], created.json()["verification_sent_to"]
    link = emailed_link(address, "verify")
    assert link is not None
    assert live_stack.request("POST", "/email-verification", json=link).status_code == 200
    assert denials.records == [], "a code that works is no denial"

    reused = live_stack.request("POST", "/email-verification", json=link)
    assert reused.status_code == 400
    (record,) = denials.records
    fields = _fields(record)
    assert record.getMessage() == MESSAGE
    assert (fields["route"], fields["reason"], fields["tenant_id"]) == (
        "POST /email-verification",
        "bad_credential",
        tenant_id,
    )
    assert link["code"] not in json.dumps(fields)


def template_default_service() -> str:
    variables = load_template(TEMPLATE)["Globals"]["Function"]["Environment"]["Variables"]
    return str(variables["POWERTOOLS_SERVICE_NAME"])
