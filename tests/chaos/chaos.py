"""The chaos machinery both suites share: a seeded fault mix, a worker that dies at random points,
and an SQS driver that treats a dead worker the way Lambda and SQS do.

Why in-process and single-threaded: the suites must be reproducible from one seed. The
simulators run behind their in-process transports (``local.simulators.base.transport``), the
clients sleep on a virtual clock (rate-limit waits, backoff and visibility timeouts cost no wall
time), and one driver thread works the queue, so the same seed gives the same API calls, the same
faults and the same kills on every run.

How a crash is modelled. :class:`WorkerKilled` derives from ``BaseException`` so no ``except
Exception`` in the product (Powertools' batch processor included) can swallow it, exactly as a
Lambda timeout or an out-of-memory kill is not something the handler can catch. Once a worker is
"dead", every further call it makes (HTTP to either API, or DynamoDB/SQS/SES through boto3) raises
:class:`WorkerKilled` again, so ``finally:`` blocks cannot quietly finish its work the way they
never could in a killed container. The kill lands either before a call leaves (the server never
saw it) or after the server carried it out (the answer is lost): the second is the case that
creates duplicates if anything is not idempotent. The message is then neither deleted nor
reported: the driver lets its visibility timeout pass on the virtual clock and SQS delivers it
again (moto counts the receives and redrives to the DLQ after ``maxReceiveCount``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from local.runner import _sqs_record
from local.simulators.base import SimulatorApp, transport
from tests.support.virtual_clock import VirtualClock

# Ten per cent of API calls fail, spread over every kind of failure the clients must survive.
FAULT_MIX: dict[str, Any] = {
    "error_rates": {"429": 0.03, "500": 0.02, "502": 0.01, "503": 0.01},
    "timeout_rate": 0.015,
    "reset_rate": 0.015,
}
FAULT_RATE = 0.10


class WorkerKilled(BaseException):
    """The worker process is gone (Lambda timeout, crash): nothing after this point runs."""


@dataclass
class ChaosStats:
    api_calls: int = 0
    kills: int = 0
    kills_after_call: int = 0
    latency_spikes: int = 0
    bursts: int = 0
    session_revocations: int = 0
    kill_sites: list[str] = field(default_factory=list)


class Chaos:
    """Seeded decisions: where the worker dies, which calls are slow, when 429s come in bursts.

    ``kill_rate`` is per call (API and AWS alike) while a delivery may still be killed: a message
    is killed on at most ``max_kills_per_message`` of its deliveries, so kills alone never push a
    message past the DLQ's ``maxReceiveCount`` (a message that crashes its worker five times in a
    row is a poison message, which these suites do not model).
    """

    def __init__(
        self,
        seed: int,
        clock: VirtualClock,
        *,
        kill_rate: float = 0.0,
        max_kills_per_message: int = 2,
        latency_spike_rate: float = 0.0,
        burst_rate: float = 0.0,
        burst_length: int = 3,
        kills_after_writes: dict[str, int] | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        # API name -> how many of its first writes (POST/PUT) a killable worker dies right after,
        # whatever the dice say: the crash that can lose or double a record is then always in the
        # run, however the number of other calls (and so the seeded draws) changes.
        self.kills_after_writes = dict(kills_after_writes or {})
        self.clock = clock
        self.kill_rate = kill_rate
        self.max_kills_per_message = max_kills_per_message
        self.latency_spike_rate = latency_spike_rate
        self.burst_rate = burst_rate
        self.burst_length = burst_length
        self.stats = ChaosStats()
        self._may_kill = False
        self._dead = False
        # Called with the site of every kill, while the worker is dead (invariant checks).
        self.on_kill: list[Callable[[str], None]] = []
        # (call number, action): one-off events at a given API call, e.g. a session revocation.
        self._scheduled: list[tuple[int, Callable[[], None]]] = []

    @property
    def enabled(self) -> bool:
        return self.kill_rate > 0 or self.latency_spike_rate > 0 or self.burst_rate > 0

    def at_api_call(self, number: int, action: Callable[[], None]) -> None:
        self._scheduled.append((number, action))

    # ----- a delivery's life -----------------------------------------------------------------
    def begin_delivery(self, receive_count: int) -> None:
        self._dead = False
        self._may_kill = self.kill_rate > 0 and receive_count <= self.max_kills_per_message

    def end_delivery(self) -> None:
        self._may_kill = False
        self._dead = False

    def _die(self, site: str, *, after: bool) -> None:
        self._dead = True
        self._may_kill = False
        self.stats.kills += 1
        self.stats.kills_after_call += int(after)
        self.stats.kill_sites.append(f"{'after' if after else 'before'} {site}")
        for check in self.on_kill:
            check(site)
        raise WorkerKilled(site)

    def checkpoint(self, site: str, *, after: bool, weight: float = 1.0) -> None:
        """A point where the worker may die (before or after one call). Writes weigh more: a
        crash around a write is the one that can lose or double a record."""
        if self._dead:
            raise WorkerKilled(site)
        if self._may_kill and self.rng.random() < self.kill_rate * weight / 2:
            self._die(site, after=after)

    # ----- API calls ---------------------------------------------------------------------------
    def api_transport(self, app: SimulatorApp) -> httpx.BaseTransport:
        return ChaosTransport(app, self)

    def before_api_call(self, app: SimulatorApp, request: httpx.Request) -> None:
        self.stats.api_calls += 1
        due = [action for number, action in self._scheduled if number == self.stats.api_calls]
        for action in due:
            action()
        self.checkpoint(self._api_site(app, request), after=False, weight=_weight(request.method))
        if self.burst_rate and self.rng.random() < self.burst_rate:
            # A burst: the next calls to this API are all refused, as when another client of the
            # same account spends the budget.
            self.stats.bursts += 1
            app.force_outcomes(*["429"] * self.burst_length)
        if self.latency_spike_rate and self.rng.random() < self.latency_spike_rate:
            self.stats.latency_spikes += 1
            self.clock.sleep(self.rng.uniform(1.0, 8.0))

    def after_api_call(self, app: SimulatorApp, request: httpx.Request) -> None:
        site = self._api_site(app, request)
        if (
            self._may_kill
            and request.method in ("POST", "PUT")
            and self.kills_after_writes.get(app.name, 0) > 0
        ):
            self.kills_after_writes[app.name] -= 1
            self._die(site, after=True)
        self.checkpoint(site, after=True, weight=_weight(request.method))

    @staticmethod
    def _api_site(app: SimulatorApp, request: httpx.Request) -> str:
        return f"{app.name} {request.method} {request.url.path}"

    # ----- AWS calls ---------------------------------------------------------------------------
    def watch_boto3(self, *clients: Any) -> None:
        """Make every call of these boto3 clients (or resources) a point where the worker may die."""
        for client in clients:
            low = getattr(getattr(client, "meta", None), "client", None) or client
            low.meta.events.register("before-call.*.*", self._before_aws)
            low.meta.events.register("after-call.*.*", self._after_aws)

    def _before_aws(self, event_name: str, **_: Any) -> None:
        self.checkpoint(_aws_site(event_name), after=False)

    def _after_aws(self, event_name: str, **_: Any) -> None:
        self.checkpoint(_aws_site(event_name), after=True)


def _weight(method: str) -> float:
    return 1.0 if method == "GET" else 3.0


def _aws_site(event_name: str) -> str:
    # "before-call.dynamodb.PutItem" -> "dynamodb PutItem"
    return " ".join(event_name.split(".")[1:])


class ChaosTransport(httpx.BaseTransport):
    """The simulator's own in-process transport (faults, timeouts, resets) with the chaos around it."""

    def __init__(self, app: SimulatorApp, chaos: Chaos) -> None:
        self.app = app
        self.chaos = chaos
        self.inner = transport(app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.chaos.before_api_call(self.app, request)
        response = self.inner.handle_request(request)
        self.chaos.after_api_call(self.app, request)
        return response


# ----- the queue, as the event source mapping works it --------------------------------------------
@dataclass
class DrainStats:
    deliveries: int = 0
    killed: int = 0
    returned: int = 0
    deleted: int = 0


Handler = Callable[[dict[str, Any], Any], Any]


class QueueDriver:
    """Receive, invoke the Lambda handler, delete what succeeded; a killed or failed message comes
    back after its visibility timeout (spent on the virtual clock)."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        handler: Handler,
        lambda_context: Any,
        clock: VirtualClock,
        chaos: Chaos,
        *,
        batch_size: int,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.handler = handler
        self.lambda_context = lambda_context
        self.clock = clock
        self.chaos = chaos
        self.batch_size = batch_size
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn", "VisibilityTimeout", "RedrivePolicy"]
        )["Attributes"]
        self.queue_arn = attributes["QueueArn"]
        self.visibility_timeout = int(attributes["VisibilityTimeout"])
        dlq_arn = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
        self.dlq_url = sqs.get_queue_url(QueueName=dlq_arn.rsplit(":", 1)[-1])["QueueUrl"]

    def delays_on_the_clock(self, client: Any) -> Callable[[], None]:
        """A message this client sends delayed (a tenant turn's retry waiting out its backoff) is
        sent at once and its delay spent on the virtual clock, as the visibility timeouts are:
        moto holds a delayed message for wall-clock seconds, and the drain would end before it.
        Returns what undoes it (the client may be cached beyond this run)."""
        event = "provide-client-params.sqs.SendMessage"

        def undelayed(params: dict[str, Any], **_: Any) -> None:
            self.clock.sleep(float(params.pop("DelaySeconds", 0) or 0))

        client.meta.events.register(event, undelayed)
        return lambda: client.meta.events.unregister(event, undelayed)

    def _receive(self) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"],
        )
        return list(answer.get("Messages", []))

    def _return(self, messages: Iterable[dict[str, Any]]) -> None:
        """The visibility timeout passes; the messages are visible again."""
        messages = list(messages)
        if not messages:
            return
        self.clock.sleep(self.visibility_timeout)
        for message in messages:
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )

    def drain(self, stats: DrainStats | None = None, *, max_deliveries: int = 5000) -> DrainStats:
        stats = stats or DrainStats()
        while True:
            messages = self._receive()
            if not messages:
                return stats
            stats.deliveries += 1
            if stats.deliveries > max_deliveries:
                raise AssertionError(f"the queue did not drain in {max_deliveries} deliveries")
            receive_count = max(int(m["Attributes"]["ApproximateReceiveCount"]) for m in messages)
            event = {"Records": [_sqs_record(m, self.queue_arn) for m in messages]}
            self.chaos.begin_delivery(receive_count)
            try:
                answer = self.handler(event, self.lambda_context)
            except WorkerKilled:
                stats.killed += 1
                self._return(messages)
                continue
            except Exception:
                # A handler error fails the whole batch (Powertools raises when every record failed).
                answer = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
            finally:
                self.chaos.end_delivery()
            failed = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
            for message in messages:
                if message["MessageId"] not in failed:
                    self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                    stats.deleted += 1
            returned = [m for m in messages if m["MessageId"] in failed]
            stats.returned += len(returned)
            self._return(returned)

    def dead_letters(self) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=0
        )
        return list(answer.get("Messages", []))


def api_statuses(app: SimulatorApp) -> dict[str, int]:
    """How often each status (or fault) was answered, from the simulator's request log."""
    seen: dict[str, int] = {}
    for entry in app.request_log:
        if str(entry.get("path", "")).startswith("/_sim"):
            continue
        key = str(entry.get("status"))
        seen[key] = seen.get(key, 0) + 1
    return seen
