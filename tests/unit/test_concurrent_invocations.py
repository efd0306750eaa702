"""Two invocations of one handler at once: neither may see the other's event.

A batch handler called directly from two threads (one module instance) must keep each batch's
records apart: a shared Powertools batch processor ran one tenant's turn twice and never ran
another's (the storm benchmark hung waiting for it). The API handlers keep the request on their
resolver, as Lambda allows (one invocation per execution environment at a time): through the
local runner, two requests at once run in two containers, so a quiet tenant's delivery is never
read with the noisy tenant's body and a wizard request never loses its route to another's."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from functions.initial_sync import app as initial_sync_app
from functions.ongoing_sync import app as ongoing_sync_app
from local.runner import InvocationResult, LambdaRunner
from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.onboarding.access import ContactAccess
from rackbeat_tripletex.onboarding.failures import TenantNotFoundError
from rackbeat_tripletex.onboarding.identity import Principal
from rackbeat_tripletex.onboarding.schemas import TenantView
from rackbeat_tripletex.webhooks.deliveries import Outcome
from tests.support.events import sample_event
from tests.support.lambda_context import FakeLambdaContext
from tests.support.runner_containers import containers_runner

__all__ = ["containers_runner"]

# How long the first invocation waits for the second to reach the same point. A handler that
# lets only one invocation in at a time never gets there: the first goes on alone after this.
MEET_S = 1.0
# The same through the runner, where the second may first import a container and build its
# resolver (a cold start, slow on a loaded machine); only a failing test waits this long.
COLD_MEET_S = 30.0


class Meeting:
    """The first arrival waits (at most `wait_s`) until the second arrives too."""

    def __init__(self, wait_s: float = MEET_S) -> None:
        self._wait_s = wait_s
        self._lock = threading.Lock()
        self._arrived = 0
        self._both = threading.Event()

    def arrive(self) -> None:
        with self._lock:
            self._arrived += 1
            if self._arrived == 2:
                self._both.set()
        self._both.wait(self._wait_s)

    @property
    def met(self) -> bool:
        return self._both.is_set()


def _sqs_event(message_id: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"handle-{message_id}",
                "body": json.dumps({"name": message_id}),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "0" * 32,
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:SyncQueue",
                "awsRegion": "eu-west-1",
            }
        ]
    }


@pytest.mark.parametrize("module", [ongoing_sync_app, initial_sync_app], ids=["ongoing_sync", "initial_sync"])
def test_two_batches_at_once_each_answer_for_their_own_record(
    module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = Meeting()
    failed_batch_answered = threading.Event()
    handled: list[str] = []

    def record_handler(record: Any, *_: Any) -> None:
        handled.append(record.message_id)
        meeting.arrive()
        if record.message_id == "fails":
            raise RuntimeError("a transient failure of this record alone")
        failed_batch_answered.wait(MEET_S)  # the other batch answers first

    monkeypatch.setattr(module, "record_handler", record_handler)
    handler: Callable[..., Any] = module.lambda_handler

    def failing_batch() -> Any:
        try:
            return handler(_sqs_event("fails"), FakeLambdaContext())
        finally:
            failed_batch_answered.set()

    with ThreadPoolExecutor(2) as pool:
        failing = pool.submit(failing_batch)
        passing = pool.submit(handler, _sqs_event("passes"), FakeLambdaContext())
        # A batch whose every record failed fails whole: its message returns to the queue.
        with pytest.raises(BatchProcessingError):
            failing.result()
        answer = passing.result()

    assert sorted(handled) == ["fails", "passes"], "each record runs once"
    assert answer == {"batchItemFailures": []}, "the other batch's failure is not this one's"


def _delivery(tenant_id: str, event_name: str, key: str) -> dict[str, Any]:
    event = copy.deepcopy(sample_event("webhooks", "rackbeat_customer_created.json"))
    event["path"] = f"/webhooks/rackbeat/{tenant_id}"
    event["pathParameters"] = {"tenant_id": tenant_id}
    event["body"] = json.dumps({"key_name": "number", "key": key})
    event["headers"]["Rackbeat-Webhook-Event"] = event_name
    event["multiValueHeaders"]["Rackbeat-Webhook-Event"] = [event_name]
    return event


def test_two_deliveries_at_once_are_each_read_with_their_own_tenant_and_body(
    containers_runner: LambdaRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = Meeting(COLD_MEET_S)
    seen: list[tuple[str, str | None, str]] = []

    class Deliveries:
        def rackbeat(
            self, tenant_id: str, *, event: str | None, token: str | None, url_secret: str | None, body: str
        ) -> Outcome:
            seen.append((tenant_id, event, json.loads(body)["key"]))
            return Outcome.ACCEPTED

    def deliveries() -> Deliveries:
        # Called before the delivery's event name and body are read from the request.
        meeting.arrive()
        return Deliveries()

    containers_runner.on_container(
        "WebhooksFunction", lambda app: monkeypatch.setattr(app, "deliveries", deliveries)
    )
    noisy, quiet = "a" * 32, "b" * 32
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(
            containers_runner.invoke, "WebhooksFunction", _delivery(noisy, "product.updated", "P-1")
        )
        second = pool.submit(
            containers_runner.invoke, "WebhooksFunction", _delivery(quiet, "customer.updated", "10001")
        )
        answers = first.result(), second.result()

    assert meeting.met, "both deliveries were being answered at once"
    assert [answer.error for answer in answers] == [None, None]
    assert [answer.payload["statusCode"] for answer in answers] == [202, 202]
    assert sorted(seen) == [(noisy, "product.updated", "P-1"), (quiet, "customer.updated", "10001")]


def _tenant_request(tenant_id: str) -> dict[str, Any]:
    event = copy.deepcopy(sample_event("onboarding_api", "get_initial_sync.json"))
    event["resource"] = "/tenants/{tenant_id}"
    event["path"] = f"/tenants/{tenant_id}"
    event["pathParameters"] = {"tenant_id": tenant_id}
    event["headers"]["Authorization"] = f"Bearer token-{tenant_id}"
    event["multiValueHeaders"]["Authorization"] = [f"Bearer token-{tenant_id}"]
    return event


def test_two_onboarding_requests_at_once_each_get_their_own_tenant(containers_runner: LambdaRunner) -> None:
    """The resolver keeps a request's principal and route on ``app.context`` and clears it after
    answering: the first answer must not clear the second's while the second is still routed."""
    meeting = Meeting(COLD_MEET_S)
    first_answered = threading.Event()
    first, second = "a" * 32, "b" * 32
    now = datetime.now(UTC)

    class MeetingAccess(ContactAccess):
        """The real view of a tenant, reached by both requests before either answers."""

        def __init__(self) -> None:  # only the principal is read: no store, no clock
            pass

        def authorize(self, tenant_id: str, presented_token: str | None) -> Principal:
            if presented_token != f"token-{tenant_id}":
                raise TenantNotFoundError()
            tenant = Tenant(
                tenant_id=tenant_id,
                company_name=f"Company {tenant_id[0]}",
                contact_name="Ingrid Fjord",
                contact_email=f"{tenant_id[0]}@fjordlager.no",
                created_at=now,
                updated_at=now,
                management_token_hash="unused",
            )
            return Principal(tenant=tenant, requester=f"token:{tenant_id}")

        def view(self, principal: Principal) -> TenantView:
            meeting.arrive()
            if principal.tenant.tenant_id == second:
                first_answered.wait(COLD_MEET_S)  # the first answers (and clears its context) first
            return super().view(principal)

    containers_runner.on_container(
        "OnboardingApiFunction", lambda app: setattr(app.services, "onboarding", MeetingAccess())
    )

    def ask(tenant_id: str) -> InvocationResult:
        try:
            return containers_runner.invoke("OnboardingApiFunction", _tenant_request(tenant_id))
        finally:
            if tenant_id == first:
                first_answered.set()

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(ask, [first, second]))

    assert meeting.met, "both requests were inside the resolver at once"
    assert [answer.error for answer in answers] == [None, None]
    assert [answer.payload["statusCode"] for answer in answers] == [200, 200], answers
    bodies = [json.loads(answer.payload["body"]) for answer in answers]
    assert [(body["tenant_id"], body["company_name"]) for body in bodies] == [
        (first, "Company a"),
        (second, "Company b"),
    ]
    assert len(containers_runner.function("OnboardingApiFunction").containers) == 2
