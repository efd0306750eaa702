"""Schemathesis against the local stack's own ``/openapi.json``, over real HTTP.

Every documented operation gets generated requests, valid (positive) and invalid (negative),
sent with a real tenant's management token so the authorised code paths run, not only the 404
of the gate. Each response must not be a 5xx, and its status, content type and body must be
the ones the document declares. Findings are collected over the whole run and reported
together, one reproducible request per (operation, problem).

Size: ``FUZZ_EXAMPLES_PER_OPERATION`` (default 30: the API documents some 33 operations, so
about 1,000 cases in CI; ``make chaos`` sets more). Generation is derandomised: the same tree
gives the same cases.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.live_stack import LiveStack, Tenant

EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES_PER_OPERATION", "30"))
MIN_CASES_IN_CI = 500
VENDORS = {"Rackbeat", "Tripletex"}


API_GATEWAY_TIMEOUT_SECONDS = 30


def vendor_busy(response: Any, case: schemathesis.Case[Any]) -> bool:
    """The one 5xx the API may give: its documented 503 saying Rackbeat or Tripletex is rate
    limiting, failing or unreachable (the simulators keep the real rate limits). The schema checks
    still judge its body; this only tells it apart from a crash of our own."""
    if response.status_code != 503 or "503" not in case.operation.definition.raw.get("responses", {}):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        isinstance(body, dict) and body.get("system") in VENDORS and body["system"] in body.get("message", "")
    )


def not_our_server_error(ctx: Any, response: Any, case: schemathesis.Case[Any]) -> bool | None:
    if vendor_busy(response, case):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    not_our_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Rotating the management token ends the token that authorised the request: each such case gets
# a tenant of its own, so the rest of the run keeps a working token.
NEEDS_OWN_TENANT = {("POST", "/tenants/{tenant_id}/management-token")}


@dataclass
class Findings:
    by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    vendor_busy: int = 0

    def add(self, operation: str, problem: str, reproduce: str) -> None:
        key = (operation, problem)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.by_key.setdefault(key, reproduce)

    def report(self) -> str:
        return "\n\n".join(
            f"{operation}: {problem} (x{self.counts[(operation, problem)]})\n  {reproduce}"
            for (operation, problem), reproduce in sorted(self.by_key.items())
        )


def _problems(error: BaseException) -> list[str]:
    nested = getattr(error, "exceptions", None)
    if nested:
        return [p for inner in nested for p in _problems(inner)]
    title = getattr(error, "title", None) or type(error).__name__
    message = getattr(error, "message", None) or str(error)
    return [f"{title}: {message.strip().splitlines()[0] if message.strip() else ''}"]


def _fuzz_operation(
    stack: LiveStack,
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    tenant_for_case: Callable[[], Tenant | None],
    findings: Findings,
) -> int:
    calls = 0

    def exercise(case: schemathesis.Case[Any]) -> None:
        nonlocal calls
        tenant = tenant_for_case()
        headers: dict[str, str] = {}
        if tenant is not None:
            case.path_parameters = {**(case.path_parameters or {}), "tenant_id": tenant.tenant_id}
            headers["Authorization"] = f"Bearer {tenant.management_token}"
        # API Gateway lets an integration answer within 29 s; a route that waits out a vendor's rate
        # limit may take longer than schemathesis' default 10 s on a loaded machine.
        response = case.call(base_url=stack.api_url, headers=headers, timeout=API_GATEWAY_TIMEOUT_SECONDS)
        calls += 1
        if vendor_busy(response, case):
            findings.vendor_busy += 1
        stack.responses.append(
            f"{case.method} {case.formatted_path} -> {response.status_code} {response.text}"
        )
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as failure:  # schemathesis raises a FailureGroup
            reproduce = case.as_curl_command(headers=headers)
            if tenant is not None:
                reproduce = reproduce.replace(tenant.management_token, "<management-token>")
            for problem in _problems(failure):
                findings.add(operation.label, f"{response.status_code} {problem}", reproduce)

    per_mode = max(1, EXAMPLES_PER_OPERATION // 2)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        run = settings(
            max_examples=per_mode,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=operation.as_strategy(mode))(exercise))
        run()
    return calls


def _always(tenant: Tenant | None) -> Callable[[], Tenant | None]:
    return lambda: tenant


def test_every_documented_operation_answers_within_its_documented_schema(live_stack: LiveStack) -> None:
    document = live_stack.openapi()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert operations, "the OpenAPI document lists no operation"
    # The simulators keep the vendors' real rate limits: hundreds of credential checks in a minute
    # may trip them, and the API must then answer its documented 503 (or an inconclusive check),
    # never a 5xx of its own.
    main_tenant = live_stack.onboarded_tenant()
    findings = Findings()
    cases = 0
    for operation in operations:
        tenant_for_case: Callable[[], Tenant | None]
        if (operation.method.upper(), operation.path) in NEEDS_OWN_TENANT:
            tenant_for_case = live_stack.new_tenant
        elif "{tenant_id}" in operation.path:
            tenant_for_case = _always(main_tenant)
        else:
            tenant_for_case = _always(None)
        cases += _fuzz_operation(live_stack, operation, tenant_for_case, findings)
    if EXAMPLES_PER_OPERATION * len(operations) >= MIN_CASES_IN_CI:
        assert cases >= MIN_CASES_IN_CI, f"only {cases} cases ran"
    # The run's size, for the CI log.
    print(
        f"{cases} cases over {len(operations)} operations; {findings.vendor_busy} answered 503 (vendor busy)"
    )
    assert not findings.by_key, (
        f"{len(findings.by_key)} kinds of nonconforming answers:\n\n{findings.report()}"
    )
