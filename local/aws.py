"""AWS for the local stack: a moto server, provisioned by reading template.yaml.

There is no second list of resources: every table, queue and SES identity in the template is
created here from its own properties, in dependency order (a queue's RedrivePolicy needs its
DLQ's Arn first), and the template's ``Outputs`` are resolved against what was created.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from local.cfn import (
    ACCOUNT_ID,
    REGION,
    SERVERLESS_FUNCTION,
    STACK_NAME,
    PhysicalResource,
    Resolver,
    TemplateError,
    load_template,
    merge_globals,
    references,
)
from local.servers import ServerThread

log = logging.getLogger("local.aws")

# Credentials moto accepts; explicit so provisioning never picks up a real profile by accident.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

# Resource types that need nothing created locally. They still get a synthetic physical id so
# that Ref/GetAtt on them resolve (e.g. an output or an environment variable naming them).
SKIPPED_TYPES: dict[str, str] = {
    "AWS::Serverless::LayerVersion": "its ContentUri directory goes on sys.path (runner)",
    "AWS::Lambda::LayerVersion": "its content directory goes on sys.path (runner)",
    "AWS::Serverless::Api": "the runner serves every Api event itself (apigw)",
    "AWS::ApiGateway::Account": "API Gateway logging role; nothing to emulate",
    "AWS::CloudWatch::Alarm": "moto does not evaluate alarms; nothing would ever fire",
    "AWS::Logs::LogGroup": "handlers log to the console locally",
    "AWS::SNS::Topic": "only alarm actions publish to it, and alarms are not evaluated",
    "AWS::SNS::Subscription": "see AWS::SNS::Topic",
    "AWS::IAM::Role": "moto does not enforce IAM",
    "AWS::IAM::Policy": "moto does not enforce IAM",
    "AWS::IAM::ManagedPolicy": "moto does not enforce IAM",
    "AWS::Lambda::Permission": "moto does not enforce resource policies",
    "AWS::SQS::QueuePolicy": "moto does not enforce resource policies",
    "AWS::SNS::TopicPolicy": "moto does not enforce resource policies",
    "AWS::SES::ConfigurationSetEventDestination": "moto delivers no bounces or complaints to route",
    "AWS::Serverless::Function": "the runner loads and invokes it in-process",
    "AWS::WAFv2::WebACL": "per-IP rate rules are not emulated; method throttles are (apigw)",
    "AWS::WAFv2::WebACLAssociation": "see AWS::WAFv2::WebACL",
    "AWS::KMS::Key": "topics are not encrypted locally (the alarm and email-events topics use the keys)",
    "AWS::Logs::MetricFilter": "handlers log to the console locally; tests count the log lines",
}

_SERVICE_OF_TYPE = {
    "AWS::Serverless::LayerVersion": "lambda",
    "AWS::Lambda::LayerVersion": "lambda",
    "AWS::Serverless::Api": "apigateway",
    "AWS::CloudWatch::Alarm": "cloudwatch",
    "AWS::Logs::LogGroup": "logs",
    "AWS::SNS::Topic": "sns",
    "AWS::IAM::Role": "iam",
}

_SQS_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
)


def reset_moto(endpoint: str) -> None:
    """Forget every resource and message in the moto server at `endpoint` (moto's own reset API)."""
    # The endpoint is always an http:// URL this module built; S310 guards against file:// etc.
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        response.read()


class _Dispatcher:
    """moto's host dispatcher, remembering which backend serves a host: moto itself finds out by
    listing its package directory (a stat call per service, some 200) on every request."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.app = DomainDispatcherApplication(create_backend_app)
        find = self.app.get_backend_for_host
        known: dict[str | None, Any] = {}

        def get_backend_for_host(host: str | None) -> Any:
            if host not in known:
                known[host] = find(host)
            return known[host]

        self.app.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


class MotoServer:
    """moto's server app on 127.0.0.1 (port 0 picks a free one), with DynamoDB requests taken one
    at a time.

    moto's DynamoDB backend is not safe under concurrent transactions: two workers writing at
    once get "dictionary changed size during iteration" as an HTTP 500, and a page message then
    waits out its visibility timeout. DynamoDB applies each request atomically, so serialising
    them models it better. Other services (SQS long polls) stay concurrent.

    ``process=True`` serves it from a child interpreter instead of a thread: the benchmarks use
    it so that moto's CPU does not share one GIL with the stack it serves (moto spends some
    3-17 ms of CPU on each request, more than the service's own code). The child exits when this
    process closes its stdin, also when this process dies.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, process: bool = False) -> None:
        self._server: ServerThread | None = None
        self._child: subprocess.Popen[str] | None = None
        if process:
            self._child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-c", _MOTO_CHILD, str(port), host],
                cwd=Path(__file__).resolve().parent.parent,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert self._child.stdout is not None
            endpoint = self._child.stdout.readline().strip()
            if not endpoint.startswith("http"):
                self.stop()
                raise RuntimeError(f"moto did not start in its own process (port {port})")
            self.endpoint = endpoint
            return
        app = _Dispatcher().app
        dynamodb = threading.Lock()

        def serialised(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB"):
                with dynamodb:
                    return list(app(environ, start_response))
            return app(environ, start_response)  # type: ignore[no-any-return]

        self._server = ServerThread(serialised, port, "moto (AWS)", host)
        self.endpoint = self._server.url

    def reset(self) -> None:
        """Forget every resource and message (moto's own reset API)."""
        reset_moto(self.endpoint)

    def child_usage(self) -> dict[str, float]:
        """Peak RSS (KB) and CPU seconds of the child serving moto; empty when it is a thread."""
        if self._child is None:
            return {}
        pid = self._child.pid
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
        ticks = os.sysconf("SC_CLK_TCK")
        # utime and stime: fields 14 and 15 of proc(5), counted from the state after the name.
        return {"peak_rss_kb": peak, "cpu_seconds": (int(fields[11]) + int(fields[12])) / ticks}

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._child is not None:
            if self._child.stdin is not None:
                self._child.stdin.close()
            try:
                self._child.wait(10)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait(5)


# The child of ``MotoServer(process=True)``: serve, say where, and stop when stdin closes.
_MOTO_CHILD = """
import sys
from local.aws import MotoServer
server = MotoServer(int(sys.argv[1]), sys.argv[2])
print(server.endpoint, flush=True)
sys.stdin.read()
server.stop()
"""


def aws_client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        config=Config(retries={"mode": "standard", "max_attempts": 3}),
        **FAKE_CREDENTIALS,
    )


def _default_name(logical_id: str) -> str:
    return f"{STACK_NAME}-{logical_id}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


@dataclass
class ProvisionedStack:
    """The template as provisioned in moto: physical ids by logical id, and the resolved outputs."""

    template_path: Path
    template: dict[str, Any]
    endpoint: str
    parameter_overrides: dict[str, Any]
    physical: dict[str, PhysicalResource] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)

    @property
    def template_dir(self) -> Path:
        return self.template_path.parent

    def resolver(self) -> Resolver:
        return Resolver(self.template, self.parameter_overrides, self.physical)

    def of_type(self, resource_type: str) -> dict[str, PhysicalResource]:
        return {lid: res for lid, res in self.physical.items() if res.type == resource_type}

    def queue_url_for_arn(self, arn: str) -> str:
        for resource in self.of_type("AWS::SQS::Queue").values():
            if resource.attributes["Arn"] == arn:
                return resource.attributes["QueueUrl"]
        raise TemplateError(f"no queue in the template has the Arn {arn}")

    def reset(self) -> None:
        """Wipe moto (every service, every message) and provision the template again."""
        reset_moto(self.endpoint)
        fresh = provision(self.template_path, self.endpoint, self.parameter_overrides)
        self.physical, self.outputs, self.unsupported = fresh.physical, fresh.outputs, fresh.unsupported


def _creation_order(template: Mapping[str, Any], logical_ids: list[str]) -> list[str]:
    wanted = set(logical_ids)
    resources = template["Resources"]
    needs: dict[str, set[str]] = {}
    for logical_id in logical_ids:
        resource = resources[logical_id]
        depends_on = resource.get("DependsOn") or []
        depends = {depends_on} if isinstance(depends_on, str) else set(depends_on)
        needs[logical_id] = (references(resource.get("Properties") or {}) | depends) & wanted
        needs[logical_id].discard(logical_id)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(logical_ids):
        ready = sorted(lid for lid in logical_ids if lid not in done and needs[lid] <= done)
        if not ready:
            cycle = sorted(set(logical_ids) - done)
            raise TemplateError(f"circular references between resources: {cycle}")
        order.extend(ready)
        done.update(ready)
    return order


def _synthetic(logical_id: str, resource_type: str, properties: Mapping[str, Any]) -> PhysicalResource:
    service = _SERVICE_OF_TYPE.get(resource_type, resource_type.split("::")[1].lower())
    name = _default_name(logical_id)
    if resource_type == SERVERLESS_FUNCTION:
        name = str(properties.get("FunctionName") or name)
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"
        return PhysicalResource(logical_id, resource_type, name, {"Arn": arn})
    if resource_type in {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}:
        layer_name = str(properties.get("LayerName") or name)
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:layer:{layer_name}:1"
        return PhysicalResource(logical_id, resource_type, arn, {"Arn": arn})
    if resource_type == "AWS::Serverless::Api":
        # The Ref of a REST API is its id; "local" keeps ${Api} in URLs readable.
        # SAM's Api.Stage is the stage name; it makes a reference wait for the stage.
        stage = str(properties.get("StageName", "Prod"))
        return PhysicalResource(
            logical_id, resource_type, "local", {"RootResourceId": "root", "Stage": stage}
        )
    if resource_type == "AWS::SNS::Topic":
        arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{properties.get('TopicName') or name}"
        return PhysicalResource(logical_id, resource_type, arn, {"TopicArn": arn, "TopicName": name})
    arn = f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{name}"
    return PhysicalResource(logical_id, resource_type, name, {"Arn": arn})


def _create_table(endpoint: str, logical_id: str, props: Mapping[str, Any]) -> PhysicalResource:
    dynamodb = aws_client("dynamodb", endpoint)
    name = str(props.get("TableName") or _default_name(logical_id))
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if request["BillingMode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = props.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        )
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if props.get(key):
            indexes = [
                {k: v for k, v in index.items() if k in {"IndexName", "KeySchema", "Projection"}}
                | (
                    {"ProvisionedThroughput": index["ProvisionedThroughput"]}
                    if "ProvisionedThroughput" in index
                    else {}
                )
                for index in props[key]
            ]
            request[key] = indexes
    stream = props.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    if props.get("SSESpecification"):
        request["SSESpecification"] = {"Enabled": bool(props["SSESpecification"].get("SSEEnabled", False))}
    if props.get("Tags"):
        request["Tags"] = props["Tags"]
    description = dynamodb.create_table(**request)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )
    pitr = props.get("PointInTimeRecoverySpecification")
    if pitr and pitr.get("PointInTimeRecoveryEnabled"):
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    attributes = {"Arn": description["TableArn"]}
    if "LatestStreamArn" in description:
        attributes["StreamArn"] = description["LatestStreamArn"]
    return PhysicalResource(logical_id, "AWS::DynamoDB::Table", name, attributes)


def _create_queue(endpoint: str, logical_id: str, props: Mapping[str, Any]) -> PhysicalResource:
    sqs = aws_client("sqs", endpoint)
    fifo = _text(props.get("FifoQueue", False)) == "true"
    name = str(props.get("QueueName") or _default_name(logical_id) + (".fifo" if fifo else ""))
    unknown = set(props) - set(_SQS_ATTRIBUTES) - {"QueueName", "Tags"}
    if unknown:
        log.warning("queue %s: properties ignored locally: %s", logical_id, sorted(unknown))
    attributes = {key: _text(props[key]) for key in _SQS_ATTRIBUTES if key in props}
    request: dict[str, Any] = {"QueueName": name, "Attributes": attributes}
    if props.get("Tags"):
        request["tags"] = {tag["Key"]: str(tag["Value"]) for tag in props["Tags"]}
    url = sqs.create_queue(**request)["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
    return PhysicalResource(
        logical_id, "AWS::SQS::Queue", url, {"Arn": arn, "QueueName": name, "QueueUrl": url}
    )


def _create_email_identity(endpoint: str, logical_id: str, props: Mapping[str, Any]) -> PhysicalResource:
    ses = aws_client("ses", endpoint)
    identity = str(props["EmailIdentity"])
    # moto has no inbox to click a link in: verifying is what makes SES accept sends from it.
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
    else:
        ses.verify_domain_identity(Domain=identity)
    return PhysicalResource(logical_id, "AWS::SES::EmailIdentity", identity, {})


def _create_configuration_set(endpoint: str, logical_id: str, props: Mapping[str, Any]) -> PhysicalResource:
    ses = aws_client("sesv2", endpoint)
    name = str(props.get("Name") or _default_name(logical_id))
    request: dict[str, Any] = {"ConfigurationSetName": name}
    suppression = props.get("SuppressionOptions") or {}
    if suppression.get("SuppressedReasons"):
        request["SuppressionOptions"] = {"SuppressedReasons": list(suppression["SuppressedReasons"])}
    ses.create_configuration_set(**request)
    return PhysicalResource(logical_id, "AWS::SES::ConfigurationSet", name, {})


_CREATORS: dict[str, Callable[[str, str, Mapping[str, Any]], PhysicalResource]] = {
    "AWS::DynamoDB::Table": _create_table,
    "AWS::SQS::Queue": _create_queue,
    "AWS::SES::EmailIdentity": _create_email_identity,
    "AWS::SES::ConfigurationSet": _create_configuration_set,
}


def provision(
    template_path: Path | str,
    endpoint: str,
    parameter_overrides: Mapping[str, Any] | None = None,
) -> ProvisionedStack:
    """Create every resource of the template in the moto server at `endpoint`."""
    path = Path(template_path).resolve()
    template = merge_globals(load_template(path))
    stack = ProvisionedStack(path, template, endpoint, dict(parameter_overrides or {}))
    resolver = stack.resolver()
    enabled = [lid for lid in template["Resources"] if resolver.resource_enabled(lid)]
    for logical_id in _creation_order(template, enabled):
        resource = template["Resources"][logical_id]
        resource_type = str(resource["Type"])
        properties = resolver.resolve(resource.get("Properties") or {})
        creator = _CREATORS.get(resource_type)
        if creator is not None:
            physical = creator(endpoint, logical_id, properties)
        else:
            if resource_type not in SKIPPED_TYPES:
                stack.unsupported.append(f"{logical_id} ({resource_type})")
                log.warning("%s (%s): not emulated by the local stack", logical_id, resource_type)
            physical = _synthetic(logical_id, resource_type, properties)
        resolver.physical[logical_id] = physical
    stack.physical = dict(resolver.physical)
    stack.outputs = resolver.outputs()
    return stack


@contextlib.contextmanager
def moto_stack(
    template_path: Path | str, parameter_overrides: Mapping[str, Any] | None = None, port: int = 0
) -> Any:
    """A moto server with `template_path` provisioned in it, stopped on exit."""
    server = MotoServer(port)
    try:
        yield provision(template_path, server.endpoint, parameter_overrides)
    finally:
        server.stop()
