"""The in-process Lambda runner: every ``AWS::Serverless::Function`` of the template, invoked here.

Design (why in-process threads, and how each invocation still gets an execution environment of
its own):

* Every invocation runs on a thread of this process: an API request on the HTTP server's
  request thread, an SQS batch on its poller thread, a schedule on the scheduler's pool, a
  synchronous Lambda Invoke on the invoke endpoint's request thread.
* Each function has a pool of *containers* (`ContainerPool`), as Lambda has execution
  environments: a container is its own import of the handler module, so module-level state
  (a Powertools resolver and its routing context, a cached client) belongs to one container. An
  invocation takes an idle container (a warm start) or, when every one is busy, imports a new
  one (a cold start), and gives it back when it ends; a container never runs two invocations at
  once, and a function never has more containers than invocations it ran at the same time.
  A handler that invokes another function synchronously, or itself, therefore never waits: the
  nested invocation takes another container (a cold start, as in Lambda), so there is no
  deadlock to design around. Tests reach every container of a function, those loaded later
  included, through `LambdaRunner.on_container`.
* Unlike Lambda, what is not the handler module is still per process: the layer's modules and
  libraries (``rackbeat_tripletex.*``, Powertools, boto3: imported once, as the layer's files are
  the same in every environment, but here with one module state for all containers and all
  functions), the modules of the function's own directory other than the handler, the logging
  registry and Powertools' shared state (a ``Logger``'s keys, the ``Metrics``' metric set: log
  lines and metrics of concurrent invocations can mix), and anything cached process-wide.
  Module state in the layer must stay thread-safe (boto3 clients are).
* Powertools' REST resolvers keep the request being answered (``current_event``,
  ``lambda_context``) on their base class, process-wide, so containers alone would not keep two
  requests apart: `isolate_router_state` makes those two attributes per invocation (a context
  variable; each invocation runs in a copy of its thread's context).
* ``os.environ`` is replaced by `LayeredEnviron`, a mapping that reads the *current function's*
  variables (a `contextvars.ContextVar` set around each invocation and around the handler's
  import) on top of the process environment. Concurrent invocations of different functions
  each see their own ``Environment``. Caveats: threads a handler starts itself see only the
  process environment (Python 3.13 threads do not inherit context), and anything cached
  process-wide from the environment (an ``lru_cache`` over ``os.environ``) is shared by every
  function that imports the same layer module — cache per environment, not per process.
* Several functions have a module called ``app``: each container's handler module is imported
  as a submodule of a synthetic package named after its function and container
  (``_lambda_<n>_<LogicalId>`` for the first, ``_lambda_<n>_<LogicalId>_<k>`` for the k-th
  after it), so they never collide. The layer directories go first on ``sys.path``; code
  directories are appended so sibling modules import as they do in Lambda, and two functions
  shipping different sibling modules of the same name is refused at load time.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import contextvars
import datetime as dt
import importlib
import itertools
import json
import logging
import math
import os
import re
import sys
import threading
import time
import traceback
import types
import uuid
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.aws import FAKE_CREDENTIALS, ProvisionedStack, aws_client
from local.cfn import ACCOUNT_ID, REGION, SERVERLESS_FUNCTION, STACK_NAME, TemplateError

log = logging.getLogger("local.runner")
invocation_log = logging.getLogger("local.invocations")
traceback_log = logging.getLogger("local.tracebacks")

# How long an idle SQS poller waits before asking its queue again.
IDLE_POLL_S = 0.2

LAYER_TYPES = {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}

# --------------------------------------------------------------------------- environment


@dataclass
class FunctionEnvironment:
    """One function's variables, as its container would have them (writes persist, like Lambda)."""

    values: dict[str, str]
    deleted: set[str] = field(default_factory=set)


_current_environment: contextvars.ContextVar[FunctionEnvironment | None] = contextvars.ContextVar(
    "lambda_function_environment", default=None
)


class LayeredEnviron(MutableMapping[str, str]):
    """``os.environ`` replacement: the current function's variables over the process's."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self._base = base

    @property
    def base(self) -> MutableMapping[str, str]:
        return self._base

    def __getitem__(self, key: str) -> str:
        layer = _current_environment.get()
        if layer is not None:
            if key in layer.deleted:
                raise KeyError(key)
            if key in layer.values:
                return layer.values[key]
        return self._base[key]

    def __setitem__(self, key: str, value: str) -> None:
        layer = _current_environment.get()
        if layer is None:
            self._base[key] = value
        else:
            layer.values[key] = value
            layer.deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        layer = _current_environment.get()
        if layer is None:
            del self._base[key]
            return
        if key not in self:
            raise KeyError(key)
        layer.values.pop(key, None)
        layer.deleted.add(key)

    def _keys(self) -> list[str]:
        layer = _current_environment.get()
        if layer is None:
            return list(self._base)
        keys = dict.fromkeys(k for k in self._base if k not in layer.deleted)
        keys.update(dict.fromkeys(layer.values))
        return list(keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def copy(self) -> dict[str, str]:
        return dict(self)

    def __repr__(self) -> str:
        # Never print values: the process environment can hold credentials.
        return f"LayeredEnviron({len(self)} variables)"


def install_layered_environ() -> LayeredEnviron:
    """Make ``os.environ`` function-aware (idempotent)."""
    if not isinstance(os.environ, LayeredEnviron):
        # Replacing (not clearing) is the point: os.getenv and every library read os.environ anew.
        os.environ = LayeredEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003
    return os.environ  # type: ignore[return-value]


# --------------------------------------------------------------------------- process-wide state


class _PerInvocation:
    """A class attribute whose value belongs to the current invocation: a context variable, and
    each invocation runs in a context of its own (`LambdaRunner.invoke`). Read and written like
    the attribute it replaces, on the class and on its instances; unset reads as absent."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._value: contextvars.ContextVar[Any] = contextvars.ContextVar(f"lambda_invocation_{name}")

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        try:
            return self._value.get()
        except LookupError:
            raise AttributeError(self._name) from None

    def __set__(self, instance: Any, value: Any) -> None:
        self._value.set(value)


# Powertools' REST resolvers put the request being answered on their base class (process-wide:
# in Lambda a process runs one invocation at a time), not on the resolver, so every resolver of
# every container and function here would read the last request any of them received.
_ROUTER_STATE = ("current_event", "lambda_context")


def isolate_router_state() -> None:
    """Make Powertools' class-level request state per invocation (idempotent; a no-op without Powertools)."""
    try:
        from aws_lambda_powertools.event_handler import api_gateway
    except ImportError:
        return
    base: Any = api_gateway.BaseRouter
    if all(isinstance(base.__dict__.get(name), _PerInvocation) for name in _ROUTER_STATE):
        return
    state = {name: _PerInvocation(name) for name in _ROUTER_STATE}
    # On the class, for instances and subclasses (``self.current_event``) ...
    for name, descriptor in state.items():
        setattr(base, name, descriptor)
    # ... and on a metaclass, for ``BaseRouter.current_event = ...``, which would otherwise
    # replace the descriptor instead of calling it.
    base.__class__ = type(f"PerInvocation{type(base).__name__}", (type(base),), dict(state))


# --------------------------------------------------------------------------- context


class LambdaContext:
    """The context object the Python runtime passes to a handler."""

    def __init__(self, function: LambdaFunction, invoked_arn: str | None = None) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = invoked_arn or function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"{dt.datetime.now(dt.UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline = time.monotonic() + function.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def __repr__(self) -> str:
        return f"LambdaContext({self.function_name}, request {self.aws_request_id})"


# --------------------------------------------------------------------------- functions


@dataclass
class LambdaFunction:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler_path: str
    timeout_s: float
    memory_mb: int
    environment: FunctionEnvironment
    events: dict[str, dict[str, Any]]
    layer_dirs: list[Path]
    # The first container's package; unique per runner too, so a second runner in the same
    # process gets its own cold start.
    package_name: str = ""
    containers: ContainerPool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.containers = ContainerPool(self)

    def events_of_type(self, *types_: str) -> dict[str, dict[str, Any]]:
        return {name: event for name, event in self.events.items() if event.get("Type") in types_}


@dataclass(frozen=True)
class Container:
    """One execution environment of a function: its own import of the handler module."""

    index: int
    module: types.ModuleType
    handler: Callable[[Any, Any], Any]


ContainerSetup = Callable[[types.ModuleType], None]


class ContainerPool:
    """A function's containers: an invocation takes an idle one (a warm start) or imports a new
    one (a cold start), and gives it back when it ends."""

    def __init__(self, function: LambdaFunction) -> None:
        self._function = function
        # Guards the idle list; never held while a handler runs or a module is imported.
        self._lock = threading.Lock()
        # Serialises imports, and the setups with them: a setup registered while a container is
        # being imported reaches it either here or in `on_container`, never neither.
        self._import_lock = threading.Lock()
        self._all: list[Container] = []
        # Most recently returned last: Lambda too routes to a warm environment first.
        self._idle: list[Container] = []
        self._setups: list[ContainerSetup] = []

    def __len__(self) -> int:
        return len(self._all)

    @property
    def modules(self) -> list[types.ModuleType]:
        return [container.module for container in self._all]

    def package_name(self, index: int) -> str:
        base = self._function.package_name
        return base if index == 0 else f"{base}_{index}"

    @contextlib.contextmanager
    def acquired(self) -> Iterator[Container]:
        """An idle container, or a new one, held for one invocation."""
        with self._lock:
            container = self._idle.pop() if self._idle else None
        if container is None:
            with self._import_lock:
                container = self._import()
        try:
            yield container
        finally:
            with self._lock:
                self._idle.append(container)

    def ensure_one(self) -> None:
        """Import the first container now if none exists (``load_all``: one cold start each)."""
        with self._import_lock:
            if self._all:
                return
            container = self._import()
        with self._lock:
            self._idle.append(container)

    def on_container(self, setup: ContainerSetup) -> None:
        """Run `setup` on every container's module: the loaded ones now, each later one right
        after its import, before its first invocation. `setup` runs with the function's
        environment current, on this thread, possibly while a loaded container is answering;
        it must not invoke the function (its next container would wait for this one)."""
        with self._import_lock:
            self._setups.append(setup)
            loaded = list(self._all)
            token = _current_environment.set(self._function.environment)
            try:
                for container in loaded:
                    setup(container.module)
            finally:
                _current_environment.reset(token)

    def _import(self) -> Container:
        """A new container (the import lock held): its module imported, every setup applied."""
        function = self._function
        index = len(self._all)
        package_name = self.package_name(index)
        module_path, _, attribute = function.handler_path.rpartition(".")
        package = sys.modules.get(package_name)
        if package is None:
            package = types.ModuleType(package_name)
            package.__path__ = [str(function.code_dir)]
            sys.modules[package_name] = package
        token = _current_environment.set(function.environment)
        try:
            module = importlib.import_module(f"{package_name}.{module_path}")
            for setup in self._setups:
                setup(module)
        finally:
            _current_environment.reset(token)
        container = Container(index, module, getattr(module, attribute))
        self._all.append(container)
        if index:
            log.info("%s: container %d started (cold start)", function.logical_id, index)
        return container


@dataclass
class InvocationResult:
    function: str
    request_id: str
    payload: Any
    error: dict[str, Any] | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.error is None


_runner_serials = itertools.count(1)


class FunctionNotFound(LookupError):
    pass


# --------------------------------------------------------------------------- schedules

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def _cron_field(text: str, low: int, high: int, names: Mapping[str, int] | None = None) -> set[int] | None:
    """Values a cron field allows; None for ``*``/``?`` (anything)."""
    if text in {"*", "?"}:
        return None
    allowed: set[int] = set()

    def value(token: str) -> int:
        token = token.upper()
        if names and token in names:
            return names[token]
        if not token.isdigit():
            raise ValueError(f"cron field {text!r}: {token!r} is not supported locally (L, W and # are not)")
        return int(token)

    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            start, end = low, high
        elif "-" in span:
            first, last = span.split("-", 1)
            start, end = value(first), value(last)
        else:
            start = value(span)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high):
            raise ValueError(f"cron field {text!r} is out of range {low}-{high}")
        allowed.update(range(start, end + 1, step))
    return allowed


@dataclass(frozen=True)
class CronExpression:
    """AWS's six-field cron (minutes hours day-of-month month day-of-week year), in UTC."""

    minutes: set[int] | None
    hours: set[int] | None
    days_of_month: set[int] | None
    months: set[int] | None
    days_of_week: set[int] | None
    years: set[int] | None

    @classmethod
    def parse(cls, body: str) -> CronExpression:
        fields = body.split()
        if len(fields) != 6:
            raise ValueError(f"cron({body}) needs six fields")
        return cls(
            _cron_field(fields[0], 0, 59),
            _cron_field(fields[1], 0, 23),
            _cron_field(fields[2], 1, 31),
            _cron_field(fields[3], 1, 12, _MONTHS | {k.upper(): v for k, v in _MONTHS.items()}),
            _cron_field(fields[4], 1, 7, _WEEKDAYS),
            _cron_field(fields[5], 1970, 2199),
        )

    def _day_matches(self, day: dt.date) -> bool:
        aws_weekday = (day.isoweekday() % 7) + 1  # AWS: 1 = Sunday ... 7 = Saturday
        return (
            (self.years is None or day.year in self.years)
            and (self.months is None or day.month in self.months)
            and (self.days_of_month is None or day.day in self.days_of_month)
            and (self.days_of_week is None or aws_weekday in self.days_of_week)
        )

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        start = (moment + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
        hours = sorted(self.hours) if self.hours is not None else list(range(24))
        minutes = sorted(self.minutes) if self.minutes is not None else list(range(60))
        day = start.date()
        for _ in range(366 * 5):
            if self._day_matches(day):
                for hour in hours:
                    for minute in minutes:
                        candidate = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)
                        if candidate >= start:
                            return candidate
            day += dt.timedelta(days=1)
        raise ValueError("cron expression never fires in the next five years")


@dataclass
class ScheduleTrigger:
    function: LambdaFunction
    event_name: str
    kind: str
    expression: str
    rule_name: str
    enabled: bool
    input: str | None

    def __post_init__(self) -> None:
        text = self.expression.strip()
        rate = _RATE.match(text)
        self.interval_s: float | None = None
        self.cron: CronExpression | None = None
        if rate:
            self.interval_s = float(int(rate.group(1)) * _UNIT_SECONDS[rate.group(2).rstrip("s")])
        elif text.startswith("cron(") and text.endswith(")"):
            self.cron = CronExpression.parse(text[5:-1])
        else:
            raise ValueError(f"schedule expression {text!r}: only rate(...) and cron(...) are supported")

    @property
    def names(self) -> set[str]:
        return {self.event_name, self.rule_name, f"{self.function.logical_id}.{self.event_name}"}

    def next_fire(self, after: dt.datetime) -> dt.datetime:
        if self.interval_s is not None:
            return after + dt.timedelta(seconds=self.interval_s)
        assert self.cron is not None
        return self.cron.next_after(after)

    def event(self) -> Any:
        if self.input is not None:
            return json.loads(self.input)
        service, resource = (
            ("scheduler", f"schedule/default/{self.rule_name}")
            if self.kind == "ScheduleV2"
            else ("events", f"rule/{self.rule_name}")
        )
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler" if self.kind == "ScheduleV2" else "aws.events",
            "account": ACCOUNT_ID,
            "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": [f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}"],
            "detail": {},
        }


# --------------------------------------------------------------------------- SQS


def _sqs_record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    attributes = dict(message.get("Attributes") or {})
    message_attributes: dict[str, Any] = {}
    for name, attribute in (message.get("MessageAttributes") or {}).items():
        binary = attribute.get("BinaryValue")
        message_attributes[name] = {
            "stringValue": attribute.get("StringValue"),
            "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
            "stringListValues": list(attribute.get("StringListValues") or []),
            "binaryListValues": [
                base64.b64encode(v).decode() for v in attribute.get("BinaryListValues") or []
            ],
            "dataType": attribute["DataType"],
        }
        message_attributes[name] = {k: v for k, v in message_attributes[name].items() if v is not None}
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _failed_item_ids(result: InvocationResult, message_ids: set[str], report_failures: bool) -> set[str]:
    """Message ids to give back to the queue, by Lambda's rules for SQS event source mappings."""
    if not result.ok:
        return set(message_ids)
    if not report_failures:
        return set()
    payload = result.payload
    if payload is None:
        return set()
    if not isinstance(payload, dict):
        return set(message_ids)
    failures = payload.get("batchItemFailures")
    if not failures:
        return set()
    failed: set[str] = set()
    for failure in failures:
        item = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not item or item not in message_ids:
            # An unknown or empty identifier makes Lambda treat the whole batch as failed.
            return set(message_ids)
        failed.add(item)
    return failed


class SqsPoller:
    """The event source mapping of one SQS event: `concurrency` pollers feeding one function."""

    def __init__(
        self,
        runner: LambdaRunner,
        function: LambdaFunction,
        event_name: str,
        properties: Mapping[str, Any],
    ) -> None:
        self.runner = runner
        self.function = function
        self.event_name = event_name
        self.queue_arn = str(properties["Queue"])
        self.queue_url = runner.stack.queue_url_for_arn(self.queue_arn)
        self.queue_name = self.queue_arn.rsplit(":", 1)[-1]
        self.batch_size = int(properties.get("BatchSize", 10))
        self.batching_window_s = float(properties.get("MaximumBatchingWindowInSeconds", 0))
        self.report_failures = "ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or [])
        scaling = properties.get("ScalingConfig") or {}
        # Lambda starts with five pollers and scales; two cores locally, so two unless capped lower.
        self.concurrency = max(1, min(int(scaling.get("MaximumConcurrency", 2)), 2))
        self.enabled = properties.get("Enabled", True) not in (False, "false", "False")
        self._sqs = aws_client("sqs", runner.stack.endpoint)
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"]
        )
        self.visibility_timeout_s = int(attributes["Attributes"]["VisibilityTimeout"])
        # moto's ReceiveMessage is not atomic across its server threads: two pollers receiving
        # at once could both get a message. Receives are serialised; handling is not.
        self._receive_lock = threading.Lock()
        # Set when a failed message is made visible again, so idle pollers take it at once.
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, stop: threading.Event) -> None:
        if not self.enabled:
            return
        for index in range(self.concurrency):
            thread = threading.Thread(
                target=self._poll,
                args=(stop,),
                name=f"sqs-{self.function.logical_id}-{self.event_name}-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _receive(self, stop: threading.Event) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        window_ends = time.monotonic() + self.batching_window_s
        with self._receive_lock:
            while not stop.is_set() and len(batch) < self.batch_size:
                # Short polls, not SQS long polls: moto's long poll wakes only for new messages
                # (not for a retried one becoming visible) and cannot be interrupted on stop.
                response = self._sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=min(10, self.batch_size - len(batch)),
                    WaitTimeSeconds=0,
                    MessageSystemAttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
                received = response.get("Messages", [])
                batch.extend(received)
                if not batch:
                    return batch
                if not received and time.monotonic() >= window_ends:
                    break
                if not received:
                    stop.wait(min(IDLE_POLL_S, max(0.0, window_ends - time.monotonic())))
        return batch

    def _poll(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                batch = self._receive(stop)
                if batch:
                    self._handle(batch)
                else:
                    self._wake.wait(IDLE_POLL_S)
                    self._wake.clear()
            except Exception:  # a poller must outlive any single failure, as Lambda's does
                if stop.is_set():
                    return
                log.exception("SQS poller for %s failed; retrying", self.queue_name)
                stop.wait(1)

    def _handle(self, batch: list[dict[str, Any]]) -> None:
        received_at = time.monotonic()
        records = [_sqs_record(message, self.queue_arn) for message in batch]
        ids = {record["messageId"] for record in records}
        failed: set[str] = set()

        def outcome(result: InvocationResult) -> str:
            failed.update(_failed_item_ids(result, ids, self.report_failures))
            if result.error is not None:
                return f"error:{result.error['errorType']} batch={len(ids)} returned={len(failed)}"
            return f"ok batch={len(ids)}" + (f" returned={len(failed)}" if failed else "")

        self.runner.invoke(
            self.function, {"Records": records}, trigger=f"sqs:{self.queue_name}", describe=outcome
        )
        done = [m for m in batch if m["MessageId"] not in failed]
        retry = [m for m in batch if m["MessageId"] in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(done[start : start + 10])
            ]
            self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        if retry and self.runner.speedup != 1:
            # Without a speed-up the queue's own visibility timeout brings the message back.
            elapsed = time.monotonic() - received_at
            remaining = max(0, math.ceil(self.visibility_timeout_s / self.runner.speedup - elapsed))
            for start in range(0, len(retry), 10):
                entries = [
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": remaining}
                    for i, m in enumerate(retry[start : start + 10])
                ]
                self._sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)
            if remaining == 0:
                self.wake()


# --------------------------------------------------------------------------- runner


class LambdaRunner:
    """Loads the template's functions and invokes them on API, SQS, schedule and Invoke triggers."""

    def __init__(
        self,
        stack: ProvisionedStack,
        *,
        speedup: float = 1.0,
        local_environment: Mapping[str, str] | None = None,
        max_async_invocations: int = 4,
    ) -> None:
        if speedup <= 0:
            raise ValueError("speedup must be positive")
        self.stack = stack
        self.speedup = speedup
        self._local_environment: dict[str, str] = {
            "AWS_ENDPOINT_URL": stack.endpoint,
            # No X-Ray daemon locally; Powertools' tracer would only warn on every segment.
            "POWERTOOLS_TRACE_DISABLED": "true",
            **(local_environment or {}),
        }
        install_layered_environ()
        isolate_router_state()
        self._serial = next(_runner_serials)
        self.functions: dict[str, LambdaFunction] = {}
        self.skipped: list[str] = []
        self._load_functions()
        self._check_sibling_modules()
        for function in self.functions.values():
            for layer_dir in function.layer_dirs:
                if str(layer_dir) not in sys.path:
                    sys.path.insert(0, str(layer_dir))
            if str(function.code_dir) not in sys.path:
                sys.path.append(str(function.code_dir))
        self.schedules = self._load_schedules()
        self._stop = threading.Event()
        self._pollers: list[SqsPoller] = []
        self._scheduler_thread: threading.Thread | None = None
        self._async_pool = ThreadPoolExecutor(max_async_invocations, thread_name_prefix="lambda-async")

    # -- loading

    def _load_functions(self) -> None:
        resolver = self.stack.resolver()
        template = self.stack.template
        for logical_id, resource in template["Resources"].items():
            if resource.get("Type") != SERVERLESS_FUNCTION or logical_id not in self.stack.physical:
                continue
            props = resolver.resolve(resource.get("Properties") or {})
            runtime = str(props.get("Runtime", ""))
            if (
                not runtime.startswith("python")
                or "CodeUri" not in props
                or not isinstance(props["CodeUri"], str)
            ):
                self.skipped.append(f"{logical_id}: needs a python runtime and a local CodeUri directory")
                log.warning("function %s skipped: needs a python runtime and a local CodeUri", logical_id)
                continue
            physical = self.stack.physical[logical_id]
            code_dir = (self.stack.template_dir / props["CodeUri"]).resolve()
            layer_dirs = [self._layer_dir(arn) for arn in props.get("Layers") or []]
            variables = {
                k: str(v) for k, v in ((props.get("Environment") or {}).get("Variables") or {}).items()
            }
            memory = int(props.get("MemorySize", 128))
            timeout = float(props.get("Timeout", 3))
            function = LambdaFunction(
                logical_id=logical_id,
                name=physical.ref,
                arn=physical.attributes["Arn"],
                code_dir=code_dir,
                handler_path=str(props["Handler"]),
                timeout_s=timeout,
                memory_mb=memory,
                environment=FunctionEnvironment({}),
                events=dict(props.get("Events") or {}),
                layer_dirs=[d for d in layer_dirs if d is not None],
                package_name=f"_lambda_{self._serial}_{logical_id}",
            )
            function.environment.values.update(self._environment_for(function, variables))
            self.functions[logical_id] = function

    def _layer_dir(self, arn: Any) -> Path | None:
        for logical_id, physical in self.stack.physical.items():
            if physical.type in LAYER_TYPES and physical.ref == arn:
                props = self.stack.template["Resources"][logical_id].get("Properties") or {}
                content = props.get("ContentUri") or props.get("Content")
                if isinstance(content, str):
                    return (self.stack.template_dir / content).resolve()
        log.warning("layer %s is not in the template; its code must already be importable", arn)
        return None

    def _environment_for(self, function: LambdaFunction, variables: Mapping[str, str]) -> dict[str, str]:
        provided = {
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "LAMBDA_TASK_ROOT": str(function.code_dir),
            "_HANDLER": function.handler_path,
        }
        if "AWS_ACCESS_KEY_ID" not in os.environ:
            provided["AWS_ACCESS_KEY_ID"] = FAKE_CREDENTIALS["aws_access_key_id"]
            provided["AWS_SECRET_ACCESS_KEY"] = FAKE_CREDENTIALS["aws_secret_access_key"]
        return {**provided, **variables, **self._local_environment}

    def set_local_environment(self, **variables: str) -> None:
        """Add variables every function sees (e.g. the invoke endpoint, once its port is known)."""
        self._local_environment.update(variables)
        for function in self.functions.values():
            function.environment.values.update(variables)

    def _check_sibling_modules(self) -> None:
        owners: dict[str, Path] = {}
        for function in self.functions.values():
            handler_module = function.handler_path.rpartition(".")[0].split(".")[0]
            if not function.code_dir.is_dir():
                raise TemplateError(f"{function.logical_id}: CodeUri {function.code_dir} is not a directory")
            for entry in function.code_dir.iterdir():
                name = (
                    entry.stem
                    if entry.suffix == ".py"
                    else entry.name
                    if (entry / "__init__.py").exists()
                    else None
                )
                if not name or name == handler_module:
                    continue
                other = owners.setdefault(name, entry)
                if other != entry:
                    raise TemplateError(
                        f"module {name!r} exists in two function directories ({other} and {entry}); "
                        "they would shadow each other in the local runner: rename one or move it to the layer"
                    )

    def _load_schedules(self) -> list[ScheduleTrigger]:
        schedules = []
        for function in self.functions.values():
            for event_name, event in function.events_of_type("Schedule", "ScheduleV2").items():
                props = event.get("Properties") or {}
                kind = str(event["Type"])
                expression = props.get("Schedule") if kind == "Schedule" else props.get("ScheduleExpression")
                state = str(props.get("State", "ENABLED")).upper()
                enabled = props.get("Enabled", True) not in (False, "false", "False") and state != "DISABLED"
                try:
                    schedules.append(
                        ScheduleTrigger(
                            function=function,
                            event_name=event_name,
                            kind=kind,
                            expression=str(expression),
                            rule_name=str(
                                props.get("Name") or f"{STACK_NAME}-{function.logical_id}{event_name}"
                            ),
                            enabled=enabled,
                            input=props.get("Input"),
                        )
                    )
                except ValueError as exc:
                    self.skipped.append(f"{function.logical_id}.{event_name}: {exc}")
                    log.warning("schedule %s.%s skipped: %s", function.logical_id, event_name, exc)
        return schedules

    def on_container(self, function: LambdaFunction | str, setup: ContainerSetup) -> None:
        """Apply `setup` to the handler module of every container of `function`, now and to
        each container started later (tests handing a function its context or clock)."""
        fn = self.function(function) if isinstance(function, str) else function
        fn.containers.on_container(setup)

    def load_all(self) -> dict[str, str]:
        """Import one container of every function now; returns the import error of each that failed."""
        errors: dict[str, str] = {}
        for function in self.functions.values():
            try:
                function.containers.ensure_one()
            except Exception as exc:
                errors[function.logical_id] = f"{type(exc).__name__}: {exc}"
                traceback_log.warning("%s failed to import:\n%s", function.logical_id, traceback.format_exc())
        return errors

    def function(self, name: str) -> LambdaFunction:
        """A function by logical id, physical name, ARN or partial ARN (a qualifier is ignored)."""
        candidate = name
        if candidate.startswith("arn:"):
            parts = candidate.split(":")
            candidate = parts[6] if len(parts) > 6 else candidate
        elif ":" in candidate:
            parts = candidate.split(":")
            candidate = parts[2] if len(parts) >= 3 and parts[1] == "function" else parts[0]
        for function in self.functions.values():
            if candidate in {function.logical_id, function.name}:
                return function
        raise FunctionNotFound(name)

    # -- invoking

    def invoke(
        self,
        function: LambdaFunction | str,
        event: Any,
        *,
        trigger: str = "direct",
        invoked_arn: str | None = None,
        describe: Callable[[InvocationResult], str] | None = None,
    ) -> InvocationResult:
        """Run the handler on this thread, in a container of its own, with the function's
        environment; never raises for handler errors."""
        fn = self.function(function) if isinstance(function, str) else function
        context = LambdaContext(fn, invoked_arn)
        started = time.perf_counter()
        payload: Any = None
        error: dict[str, Any] | None = None
        token = _current_environment.set(fn.environment)
        try:
            with fn.containers.acquired() as container:
                # A context of its own: what the handler sets in context variables (the router
                # state above) is this invocation's, even for one nested on this thread.
                payload = contextvars.copy_context().run(container.handler, event, context)
            json.dumps(payload)  # Lambda serialises the reply; an unserialisable one is an error
        except Exception as exc:
            error = {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "requestId": context.aws_request_id,
                "stackTrace": traceback.format_tb(exc.__traceback__),
            }
            payload = None
            traceback_log.warning(
                "%s (%s) raised:\n%s", fn.logical_id, context.aws_request_id, traceback.format_exc()
            )
        finally:
            _current_environment.reset(token)
        duration_ms = (time.perf_counter() - started) * 1000
        if error is None and duration_ms > fn.timeout_s * 1000:
            error = {
                "errorMessage": f"Task timed out after {fn.timeout_s:.2f} seconds",
                "errorType": "Sandbox.Timedout",
                "requestId": context.aws_request_id,
            }
            payload = None
        result = InvocationResult(fn.logical_id, context.aws_request_id, payload, error, duration_ms)
        outcome = describe(result) if describe else ("ok" if error is None else f"error:{error['errorType']}")
        invocation_log.info(
            "function=%s trigger=%s outcome=%s duration_ms=%.0f", fn.logical_id, trigger, outcome, duration_ms
        )
        return result

    def invoke_async(
        self, function: LambdaFunction | str, event: Any, *, trigger: str = "invoke-event"
    ) -> None:
        """Lambda's ``Event`` invocation type: queued, run on a pool thread, result dropped."""
        fn = self.function(function) if isinstance(function, str) else function
        self._async_pool.submit(self.invoke, fn, event, trigger=trigger)

    # -- triggers

    def schedule(self, name: str) -> ScheduleTrigger:
        for schedule in self.schedules:
            if name in schedule.names:
                return schedule
        raise KeyError(
            f"no schedule named {name!r}; known: {sorted(n for s in self.schedules for n in s.names)}"
        )

    def fire_schedule(self, name: str) -> InvocationResult:
        """Fire one schedule now, on this thread (tests and demos)."""
        schedule = self.schedule(name)
        return self.invoke(schedule.function, schedule.event(), trigger=f"schedule:{schedule.event_name}")

    def start_sqs(self) -> list[SqsPoller]:
        for function in self.functions.values():
            for event_name, event in function.events_of_type("SQS").items():
                poller = SqsPoller(self, function, event_name, event.get("Properties") or {})
                poller.start(self._stop)
                self._pollers.append(poller)
        return self._pollers

    def start_schedules(self) -> None:
        active = [s for s in self.schedules if s.enabled]
        if not active:
            return
        self._scheduler_thread = threading.Thread(
            target=self._run_schedules, args=(active,), name="scheduler", daemon=True
        )
        self._scheduler_thread.start()

    def _run_schedules(self, schedules: list[ScheduleTrigger]) -> None:
        # A simulated clock that runs `speedup` times faster than the wall clock.
        origin_wall = dt.datetime.now(dt.UTC)
        origin = time.monotonic()

        def simulated_now() -> dt.datetime:
            return origin_wall + dt.timedelta(seconds=(time.monotonic() - origin) * self.speedup)

        due = {id(s): s.next_fire(origin_wall) for s in schedules}
        while not self._stop.is_set():
            schedule = min(schedules, key=lambda s: due[id(s)])
            wait_s = (due[id(schedule)] - simulated_now()).total_seconds() / self.speedup
            if wait_s > 0:
                self._stop.wait(min(wait_s, 1.0))
                continue
            # From "now" when late, so a slow handler at a high speed-up skips ticks instead of
            # queueing a burst of catch-up invocations (EventBridge does not catch up either).
            due[id(schedule)] = schedule.next_fire(max(due[id(schedule)], simulated_now()))
            self._async_pool.submit(
                self.invoke, schedule.function, schedule.event(), trigger=f"schedule:{schedule.event_name}"
            )

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for poller in self._pollers:
            poller.wake()
        for poller in self._pollers:
            poller.join(timeout)
        if self._scheduler_thread is not None:
            self._scheduler_thread.join(timeout)
        self._async_pool.shutdown(wait=True, cancel_futures=True)
