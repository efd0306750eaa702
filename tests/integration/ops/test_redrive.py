"""ops.redrive against moto: messages go from a queue's DLQ back to the queue, intact; and a
poisoned SyncQueue task that dead-lettered is processed once its cause is fixed and it is redriven."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from local.simulators import base
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack
from ops.redrive import RedriveError, main, redrive, resolve_queue_url
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.models.domain import Credentials
from rackbeat_tripletex.models.sync import EntitySyncTask
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from tests.support.paths import TEMPLATE
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, RACKBEAT_TOKEN, rackbeat_seed, tripletex_seed
from tests.support.sync_world import RackbeatUser, add_tenant, tripletex_rows

LOCAL_STACK_NAME = "rbtx-local"
# A failed message is back at once: visibility timeouts shrink by this factor in the runner.
SPEEDUP = 10_000.0
DEADLINE_S = 60.0  # a bound on a broken run, never a measurement


def wait_for(what: str, ready: Callable[[], Any]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return sum(int(value) for value in attributes.values())


def test_redrive_moves_bodies_and_attributes_back_in_batches_up_to_max(aws_stack: ProvisionedStack) -> None:
    sqs = boto3.client("sqs", endpoint_url=aws_stack.endpoint)
    queue, dlq = aws_stack.outputs["InitialSyncQueueUrl"], aws_stack.outputs["InitialSyncDLQUrl"]
    for n in range(23):
        sqs.send_message(
            QueueUrl=dlq,
            MessageBody=json.dumps({"n": n}),
            MessageAttributes={"origin": {"DataType": "String", "StringValue": f"page-{n}"}},
        )
    first = redrive(sqs, queue, max_messages=15)
    assert (first.moved, first.failed, first.dlq_url) == (15, 0, dlq)
    assert (depth(sqs, queue), depth(sqs, dlq)) == (15, 8)
    rest = redrive(sqs, queue)
    assert rest.moved == 8
    assert (depth(sqs, queue), depth(sqs, dlq)) == (23, 0)
    seen: dict[int, str] = {}
    while messages := sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=60
    ).get("Messages", []):
        for message in messages:
            seen[json.loads(message["Body"])["n"]] = message["MessageAttributes"]["origin"]["StringValue"]
    assert seen == {n: f"page-{n}" for n in range(23)}


def test_a_logical_id_resolves_to_its_queue_and_a_dlq_is_refused(aws_stack: ProvisionedStack) -> None:
    sqs = boto3.client("sqs", endpoint_url=aws_stack.endpoint)
    cloudformation = boto3.client("cloudformation", endpoint_url=aws_stack.endpoint)
    for logical_id, output in (("SyncQueue", "SyncQueueUrl"), ("InitialSyncQueue", "InitialSyncQueueUrl")):
        url = resolve_queue_url(
            logical_id, stack_name=LOCAL_STACK_NAME, cloudformation=cloudformation, sqs=sqs
        )
        assert url == aws_stack.outputs[output]
    with pytest.raises(RedriveError, match="no RedrivePolicy"):
        redrive(sqs, aws_stack.outputs["SyncDLQUrl"])
    with pytest.raises(RedriveError, match="NoSuchQueue"):
        resolve_queue_url("NoSuchQueue", stack_name=LOCAL_STACK_NAME, cloudformation=cloudformation, sqs=sqs)


@pytest.fixture
def simulators() -> Iterator[tuple[TripletexSimulator, RackbeatSimulator, dict[str, str]]]:
    clear_session_cache()
    tripletex, rackbeat = tripletex_app(tripletex_seed()), rackbeat_app(rackbeat_seed())
    servers = [base.serve(tripletex, "127.0.0.1", 0), base.serve(rackbeat, "127.0.0.1", 0)]
    urls = {"TripletexBaseUrl": f"{servers[0].url}/v2", "RackbeatBaseUrl": f"{servers[1].url}/api"}
    yield tripletex, rackbeat, urls
    for server in servers:
        server.shutdown()
    clear_session_cache()


def test_a_dead_lettered_task_is_processed_after_the_fix_and_a_redrive(
    start_local_stack: Callable[..., LocalStack],
    simulators: tuple[TripletexSimulator, RackbeatSimulator, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    tripletex, rackbeat, urls = simulators
    stack = start_local_stack(TEMPLATE, speedup=SPEEDUP, run_schedules=False, parameter_overrides=urls)
    assert stack.aws is not None
    endpoint, outputs = stack.aws.endpoint, stack.aws.outputs
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    secrets_client = boto3.client("secretsmanager", endpoint_url=endpoint)
    secrets = TenantSecrets(secrets_client, str(outputs["TenantSecretPrefix"]))
    tenants = TenantStore(boto3.resource("dynamodb", endpoint_url=endpoint).Table(outputs["StateTableName"]))
    tenant = add_tenant(tenants, secrets)
    # The poison: an active tenant whose tokens are gone, so every delivery fails.
    secrets_client.delete_secret(
        SecretId=f"{outputs['TenantSecretPrefix']}{tenant.tenant_id}", ForceDeleteWithoutRecovery=True
    )
    RackbeatUser(rackbeat).create_customer(7301, "Omsendt Kunde AS")
    task = EntitySyncTask(
        tenant_id=tenant.tenant_id, source="rackbeat", entity="customer", key="7301", event="customer.created"
    )
    sqs.send_message(QueueUrl=outputs["SyncQueueUrl"], MessageBody=task.model_dump_json())
    wait_for(
        "the task to reach the DLQ",
        lambda: depth(sqs, outputs["SyncDLQUrl"]) == 1 and depth(sqs, outputs["SyncQueueUrl"]) == 0,
    )
    assert not [r for r in tripletex_rows(tripletex, "customers") if r.get("customerNumber") == 7301]

    # The fix: the tokens are back. Then the operator's command.
    secrets.put(
        tenant.tenant_id,
        Credentials.model_validate(
            {
                "rackbeat_api_token": RACKBEAT_TOKEN,
                "tripletex_consumer_token": CONSUMER_TOKEN,
                "tripletex_employee_token": EMPLOYEE_TOKEN,
            }
        ),
    )
    assert main(["SyncQueue", "--stack", LOCAL_STACK_NAME]) == 0
    assert f"moved 1 message(s) from {outputs['SyncDLQUrl']}" in capsys.readouterr().out

    wait_for(
        "the customer in Tripletex",
        lambda: [r for r in tripletex_rows(tripletex, "customers") if r.get("customerNumber") == 7301],
    )
    queues = (outputs["SyncQueueUrl"], outputs["SyncDLQUrl"])
    wait_for("empty queues", lambda: sum(depth(sqs, url) for url in queues) == 0)
    (created,) = [r for r in tripletex_rows(tripletex, "customers") if r.get("customerNumber") == 7301]
    assert created["name"] == "Omsendt Kunde AS"
