"""Idle cost: what one scheduled cycle costs a tenant with nothing to sync, and the fan-out.

* Per idle tenant: a real tenant onboarded through the local stack's API (every stream on),
  one warm-up cycle (it records the cursors), then one measured cycle: the schedule fires,
  ``ongoing_sync`` fans out, the SyncQueue poller runs the tenant's task. Counted from the
  simulators' request logs, the runner's invocation log and the fan-out's answer.
* Fan-out: N active tenants (10,000; 1,000 with ``--quick``) in moto, ``fan_out`` timed, its SQS
  and DynamoDB calls counted on the clients it is given; the minimum possible is one
  SendMessageBatch per 10 tenants and one Query page per MB of tenant rows (DynamoDB's page
  limit; moto does not enforce it, so fewer pages than that minimum can show here).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import time
import uuid
from collections import Counter
from typing import Any

import boto3
import httpx

from bench import stack_env
from bench.core import TEMPLATE, Figure, Run, Unavailable, benchmark
from local.outbox import confirm_contact

SQS_BATCH = 10
DYNAMODB_PAGE_BYTES = 1024 * 1024
FAN_OUT_TENANTS, FAN_OUT_TENANTS_QUICK = 10_000, 500
IDLE_RECORDS = 25


def _require_fan_out() -> None:
    try:
        from rackbeat_tripletex.sync import fanout  # noqa: F401
    except ModuleNotFoundError as missing:
        raise Unavailable(f"{missing.name} is not in the tree yet") from missing


class _Invocations(logging.Handler):
    """The runner's one line per invocation: function, trigger, outcome, duration."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.by_function: Counter[str] = Counter()
        self.durations_ms: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) >= 4:
            function, trigger = str(args[0]), str(args[1])
            self.by_function[function] += 1
            self.durations_ms.setdefault(f"{function} {trigger.split(':')[0]}", []).append(
                float(str(args[3]))
            )

    def clear(self) -> None:
        self.by_function.clear()
        self.durations_ms.clear()


# What the functions ask AWS for, counted on boto3's default session (every client a handler
# makes inherits the hook). SQS receives and deletes are left out: the local poller's rhythm is
# not Lambda's; the cost model prices one receive and one delete per message instead.
COUNTED_SERVICES = ("dynamodb", "secretsmanager", "ses", "sesv2", "sqs")


class _AwsCalls:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.counting = False

    def __call__(self, event_name: str, **_: Any) -> None:
        if not self.counting:
            return
        service_name, operation = event_name.split(".")[1:3]
        if service_name in COUNTED_SERVICES and operation not in (
            "ReceiveMessage",
            "DeleteMessage",
            "DeleteMessageBatch",
            "ChangeMessageVisibilityBatch",
            "GetQueueAttributes",
        ):
            self.calls[f"{service_name}:{operation}"] += 1


def _drain(sqs: Any, queue_url: str, limit_s: float = 120.0) -> None:
    """Until the queue holds nothing visible or in flight (a message goes when its handler is done)."""
    deadline = time.monotonic() + limit_s
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
        if all(int(attributes[n]) == 0 for n in names):
            return
        time.sleep(0.05)
    raise RuntimeError("SyncQueue did not drain")


def _idle_tenant_cycle(run: Run) -> list[Figure]:
    from local.seed.demo import demo_seed
    from local.simulated_stack import simulated_stack
    from local.simulators.rackbeat import create_app as rackbeat_app
    from local.simulators.tripletex import create_app as tripletex_app

    seed = demo_seed()
    # An idle cycle's cost does not depend on how many records the first cycle had to read, so
    # a slice of the demo dataset keeps the warm-up short.
    for section, keys in (
        ("tripletex", ("customers", "suppliers", "products")),
        ("rackbeat", ("customers",)),
    ):
        for key in keys:
            seed[section][key] = seed[section][key][:IDLE_RECORDS]
    tripletex, rackbeat = tripletex_app(seed["tripletex"]), rackbeat_app(seed["rackbeat"])
    aws_calls = _AwsCalls()
    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register("before-call.*.*", aws_calls)
    invocations = _Invocations()
    invocation_log = logging.getLogger("local.invocations")
    level = invocation_log.level
    invocation_log.setLevel(logging.INFO)
    invocation_log.addHandler(invocations)
    try:
        with simulated_stack(TEMPLATE, tripletex, rackbeat) as running:
            stack = running.local
            assert stack.runner is not None
            assert stack.aws is not None
            http = httpx.Client(base_url=stack.api_url, timeout=60.0)
            created = http.post(
                "/tenants",
                json={
                    "company_name": "Nordlys Verktøy AS",
                    "contact_name": "Åse",
                    "contact_email": "ase@example.no",
                },
            ).json()
            confirm_contact(http, "ase@example.no")
            auth = {"Authorization": f"Bearer {created['management_token']}"}
            tenant = created["tenant_id"]
            credentials = {
                "rackbeat_api_token": seed["rackbeat"]["api_token"],
                "tripletex_consumer_token": seed["tripletex"]["consumer_token"],
                "tripletex_employee_token": seed["tripletex"]["employee_token"],
            }
            answer = http.put(f"/tenants/{tenant}/credentials", json=credentials, headers=auth)
            answer.raise_for_status()
            # Every stream the API documents, switched on: the costliest idle tenant there is.
            schemas = http.get("/openapi.json").json()["components"]["schemas"]
            streams = {name: True for name in schemas["Streams"]["properties"]}
            # The stock value stream posts to two accounts of the company's chart (issue 15).
            stock_value = {"inventory_account": 1460, "offset_account": 4090}
            body = {"notification_email": "ase@example.no", "streams": streams, "stock_value": stock_value}
            http.put(f"/tenants/{tenant}/settings", json=body, headers=auth).raise_for_status()
            # A session of its own, so the benchmark's polling is not counted as the service's.
            sqs = boto3.session.Session().client("sqs", endpoint_url=stack.aws.endpoint)
            queue_url = str(stack.aws.outputs["SyncQueueUrl"])

            def cycle() -> dict[str, Any]:
                result = stack.runner.fire_schedule("SyncSchedule")  # type: ignore[union-attr]
                if not result.ok:
                    raise RuntimeError(f"fan-out failed: {result.error}")
                _drain(sqs, queue_url)
                return dict(result.payload or {})

            cycle()  # warm-up: the first cycle reads everything once and records the cursors
            tripletex.clear_requests()
            rackbeat.clear_requests()
            invocations.clear()
            aws_calls.counting = True
            fanned = cycle()
            aws_calls.counting = False
            calls = {"tripletex": list(tripletex.request_log), "rackbeat": list(rackbeat.request_log)}
    finally:
        invocation_log.removeHandler(invocations)
        invocation_log.setLevel(level)
    enabled = sum(1 for on in streams.values() if on)
    api_calls = len(calls["tripletex"]) + len(calls["rackbeat"])
    run.detail["idle_cycle"] = {
        "enabled_streams": enabled,
        "api_calls": {k: [f"{c['method']} {c['path']} {c['status']}" for c in v] for k, v in calls.items()},
        "invocations": dict(invocations.by_function),
        "invocation_ms": {k: [round(v, 1) for v in vs] for k, vs in invocations.durations_ms.items()},
        "aws_calls": dict(aws_calls.calls),
        "fan_out": fanned,
    }
    return [
        Figure("idle tenant: API calls per cycle", api_calls, "calls", note=f"{enabled} streams on"),
        Figure(
            "idle tenant: API calls per enabled stream",
            round(api_calls / max(enabled, 1), 2),
            "calls",
            "<=",
            1,
        ),
        Figure("idle tenant: SQS messages per cycle", float(fanned.get("enqueued", 0)), "messages"),
        Figure(
            "idle tenant: Lambda invocations per cycle",
            float(sum(invocations.by_function.values())),
            "invocations",
        ),
    ]


def _fan_out(run: Run) -> list[Figure]:
    from rackbeat_tripletex.models.domain import Tenant, TenantStatus
    from rackbeat_tripletex.store.tenants import TenantStore
    from rackbeat_tripletex.sync.fanout import fan_out

    tenants = FAN_OUT_TENANTS_QUICK if run.quick else FAN_OUT_TENANTS
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.split(".")[1] + ":" + event_name.split(".")[2]] += 1

    with stack_env.provisioned() as aws:
        dynamodb = boto3.resource("dynamodb", endpoint_url=aws.endpoint)
        table = dynamodb.Table(str(aws.outputs["StateTableName"]))
        now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
        row_bytes = 0
        with table.batch_writer() as batch:
            for index in range(tenants):
                tenant = Tenant(
                    tenant_id=uuid.UUID(int=index).hex,
                    company_name=f"Kunde {index} AS",
                    contact_name="Kari Nordmann",
                    contact_email=f"post{index}@example.no",
                    status=TenantStatus.ACTIVE,
                    created_at=now,
                    updated_at=now,
                    management_token_hash="0" * 64,
                )
                item = TenantStore._profile_item(tenant, version=1)
                row_bytes += len(json.dumps(item, default=str))
                batch.put_item(Item=item)
        sqs = boto3.client("sqs", endpoint_url=aws.endpoint)
        sqs.meta.events.register("before-call.*.*", count)
        table.meta.client.meta.events.register("before-call.*.*", count)
        started = time.perf_counter()
        enqueued = fan_out(TenantStore(table), sqs, str(aws.outputs["SyncQueueUrl"]), full=False)
        seconds = time.perf_counter() - started
    sqs_calls = sum(n for name, n in calls.items() if name.startswith("sqs:"))
    dynamodb_calls = sum(n for name, n in calls.items() if name.startswith("dynamodb:"))
    minimum_sqs = math.ceil(tenants / SQS_BATCH)
    minimum_dynamodb = max(1, math.ceil(row_bytes / DYNAMODB_PAGE_BYTES))
    run.detail["fan_out"] = {
        "tenants": tenants,
        "enqueued": enqueued,
        "calls": dict(calls),
        "row_bytes": row_bytes,
    }
    return [
        Figure(f"fan-out of {tenants:,} tenants: time (moto)", round(seconds, 2), "s"),
        Figure(
            "fan-out: SQS calls ÷ minimum",
            round(sqs_calls / minimum_sqs, 3),
            "",
            "<=",
            1.0,
            f"{sqs_calls} calls",
        ),
        Figure(
            "fan-out: DynamoDB calls ÷ minimum",
            round(dynamodb_calls / minimum_dynamodb, 3),
            "",
            note=f"{dynamodb_calls} calls, AWS minimum {minimum_dynamodb} (1 MB pages)",
        ),
    ]


@benchmark("idle_cost", "Idle cost per tenant and cycle")
def idle_cost(run: Run) -> list[Figure]:
    _require_fan_out()
    return _idle_tenant_cycle(run) + _fan_out(run)
