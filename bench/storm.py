"""A storm in the ongoing sync, with fairness: one noisy tenant changes N products at once
(their webhooks within a minute), a second tenant imports N records meanwhile, and quiet
tenants change one customer each.

Everything runs through the local stack (template.yaml on moto, API Gateway, the SQS pollers
with the template's BatchSize and concurrency, capped at two locally): the deliveries are HTTP
requests to the webhooks route, the work is done by the functions the pollers invoke. Each
tenant has its own Tripletex company and Rackbeat account (a simulator pair; its own token pair
and rate limits), reached through one base URL per API as in production: a router sends each
request to the simulator its credentials belong to. Both simulators' limits, and the service's
own budget, are scaled by `RATE_SCALE`.

Figures: every change lands exactly once (one PUT per product and customer, one Rackbeat create
per imported record); the noisy tenant's Tripletex calls (429s, calls per synced record, and its
throughput against the bound its token pair allows: one PUT per record at the pair's rate);
echo events enqueued (the Tripletex events our own writes cause, delivered to the webhooks
route: how many became work); the quiet tenants' lag from their change to its landing in
Tripletex (p50, p95), against one sync interval. Then the noisy tenant alone: its products
changed again and announced by one delivery, nobody else busy (the sync's own pace on this
stack, to read the storm's throughput against).
"""

from __future__ import annotations

import base64
import json
import math
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import boto3
import httpx

from bench.core import TEMPLATE, Figure, Run, benchmark

# The real limits. At x2 the sync's pace was set by the local stack, not the token pair: one
# emulated DynamoDB (moto: some 10 ms a call, one call at a time) serves the deliveries, the
# sync, the import and the quiet tenants together, and could not keep up at twice the real pace.
RATE_SCALE = 1.0
TRIPLETEX_PER_S = 10.0  # 100 requests per rolling 10 s per token pair (TRIPLETEX.md)
SYNC_INTERVAL_S = 300.0  # rate(5 minutes)
POSTERS = 2  # threads delivering the noisy tenant's webhooks


# ----- one base URL per API, one simulator per tenant ---------------------------------------------
class Router:
    """A WSGI app in front of many simulators of one API: a request goes to the simulator whose
    token it carries (Rackbeat: the bearer token; Tripletex: the employee token when a session
    is made, then that session's token)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._by_token: dict[str, Any] = {}
        self._lock = threading.Lock()

    def add(self, token: str, app: Any) -> None:
        with self._lock:
            self._by_token[token] = app

    def _target(self, environ: dict[str, Any]) -> Any:
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "bearer":
            return self._by_token.get(credential.strip())
        if scheme.lower() == "basic":
            decoded = base64.b64decode(credential).decode(errors="replace")
            return self._by_token.get(decoded.partition(":")[2])
        employee = parse_qs(str(environ.get("QUERY_STRING", ""))).get("employeeToken", [""])[0]
        return self._by_token.get(employee)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        app = self._target(environ)
        if app is None:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"status": 401, "message": "unknown token"}']
        if not str(environ.get("PATH_INFO", "")).endswith("/token/session/:create"):
            return app(environ, start_response)  # type: ignore[no-any-return]
        captured: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda _: None

        body = b"".join(app(environ, keep))
        token = ((json.loads(body or b"{}").get("value") or {}).get("token")) if body else None
        if token:
            self.add(str(token), app)
        start_response(captured["status"], captured["headers"])
        return [body]


@dataclass
class Company:
    """One tenant's two systems."""

    tenant_id: str
    tripletex: Any
    rackbeat: Any
    rackbeat_token: str
    consumer_token: str
    employee_token: str
    url_secret: str = field(default_factory=lambda: uuid.uuid4().hex + uuid.uuid4().hex)


def _tokens(index: int) -> tuple[str, str, str]:
    return (
        f"eyJhbGciOiJIUzI1NiJ9.storm-{index}.c2lnbmF0dXJl",
        f"consumer-storm-{index:04d}",
        f"employee-storm-{index:04d}",
    )


# The storm's size in `make bench` (N there sizes the import). The storm is 5,000 (`make
# bench-storm`): at the real limits and some 5-8 deliveries a second through the local API, that
# is half an hour; 1,000 keep `make bench` near its half hour.
STORM_N = 1000


def _sizes(run: Run) -> tuple[int, int, int]:
    """(noisy products, imported records, quiet tenants)."""
    if run.quick:
        return 60, 60, 3
    n = run.storm_n or min(run.n, STORM_N)
    return n, n, 50 if n >= 1000 else 10


# ----- the run ------------------------------------------------------------------------------------
@benchmark("storm", "Storms and fairness in the ongoing sync")
def storm(run: Run) -> list[Figure]:
    noisy_n, import_n, quiet_n = _sizes(run)
    measured = _storm(run, noisy_n, import_n, quiet_n)
    run.detail.update(measured)
    lags = measured["quiet_lags_s"]
    calls = measured["noisy_tripletex_calls"]
    landed = measured["noisy_landed"]
    bound = TRIPLETEX_PER_S * RATE_SCALE  # records per second: one PUT each at the pair's rate
    throughput = landed / measured["noisy_seconds"] if measured["noisy_seconds"] else 0.0
    alone = measured["alone"]
    alone_rate = alone["landed"] / alone["seconds"] if alone["seconds"] else 0.0
    p95 = sorted(lags)[max(0, math.ceil(0.95 * len(lags)) - 1)] if lags else float("nan")
    too_many = measured["noisy_status"].get("429", 0)
    exactly_once = (
        measured["noisy_put_counts"] == {1: noisy_n}
        and measured["quiet_put_counts"] == {1: quiet_n}
        and measured["import_created"] == import_n
    )
    return [
        Figure(
            f"changes (noisy {noisy_n:,} products, import {import_n:,}, {quiet_n} quiet tenants)",
            float(noisy_n + import_n + quiet_n),
            "changes",
        ),
        Figure(
            "every change landed exactly once",
            1.0 if exactly_once else 0.0,
            "",
            ">=",
            1,
            note=(
                f"PUTs per product {dict(measured['noisy_put_counts'])}, per quiet customer "
                f"{dict(measured['quiet_put_counts'])}, imported {measured['import_created']:,}"
            ),
        ),
        Figure(
            f"noisy tenant: throughput / its token pair's bound (limits x{RATE_SCALE:g})",
            round(throughput / bound, 3),
            "",
            ">=",
            0.9,
            note=f"{throughput:.1f} records/s against {bound:g}",
        ),
        Figure(
            "noisy tenant alone (its products changed again, no other load): throughput / bound",
            round(alone_rate / bound, 3),
            "",
            ">=",
            0.9,
            note=(
                f"{alone_rate:.1f} records/s; {alone['landed']:,} of {noisy_n:,} landed with "
                f"{alone['tripletex_calls']:,} Tripletex calls"
            ),
        ),
        Figure(
            "noisy tenant: 429s / Tripletex calls",
            round(too_many / max(calls, 1), 4),
            "",
            "<=",
            0.01,
            note=f"{too_many} of {calls:,}; {measured['sync_dlq']} messages in the DLQ",
        ),
        Figure(
            "noisy tenant: Tripletex calls per synced record", round(calls / max(landed, 1), 3), "", "<=", 1.3
        ),
        Figure(
            "echo events enqueued",
            float(measured["echo_accepted"]),
            "events",
            "<=",
            0,
            note=f"of {measured['echo_delivered']:,} Tripletex events our writes caused",
        ),
        Figure(
            "quiet tenants: lag p50",
            round(statistics.median(lags), 1) if lags else 0.0,
            "s",
            "<=",
            SYNC_INTERVAL_S,
        ),
        Figure("quiet tenants: lag p95", round(p95, 1), "s", "<=", SYNC_INTERVAL_S),
        Figure("SyncQueue: most messages waiting", float(measured["sync_queue_peak"]), "messages"),
    ]


def _storm(run: Run, noisy_n: int, import_n: int, quiet_n: int) -> dict[str, Any]:
    from local.simulated_stack import simulated_stack
    from rackbeat_tripletex.clients import budget

    scaled = (budget.TRIPLETEX_REQUESTS_PER_SECOND, budget.RACKBEAT_REQUESTS_PER_MINUTE)
    budget.TRIPLETEX_REQUESTS_PER_SECOND = scaled[0] * RATE_SCALE
    budget.RACKBEAT_REQUESTS_PER_MINUTE = int(scaled[1] * RATE_SCALE)
    routers = {"tripletex": Router("tripletex-router"), "rackbeat": Router("rackbeat-router")}
    # Entered here and closed in the finally below, after the budget is put back. moto in a
    # process of its own, as in the import benchmark: in the stack's interpreter its CPU shares
    # one GIL with the deliveries, the workers and the simulators, and paces the sync.
    running = ExitStack()
    stack, urls = running.enter_context(
        simulated_stack(TEMPLATE, routers["tripletex"], routers["rackbeat"], moto="process")
    )
    try:
        # Every handler imported now, one after the other: the local runner runs invocations on
        # threads of one process, and two first imports racing each other is not what is measured.
        errors = stack.runner.load_all()
        if errors:
            raise RuntimeError(f"handlers failed to import: {errors}")
        world = _World(run, stack, routers, urls)
        run.log(f"storm: setting up {quiet_n + 2} tenants")
        noisy = world.noisy(noisy_n)
        importer = world.importer(import_n)
        quiet = [world.quiet(i) for i in range(quiet_n)]
        run.log("storm: go")
        measured = world.storm(noisy, importer, quiet)
        run.log("storm: the noisy tenant's products changed again, nobody else busy")
        measured["alone"] = world.alone(noisy)
        return measured
    finally:
        budget.TRIPLETEX_REQUESTS_PER_SECOND, budget.RACKBEAT_REQUESTS_PER_MINUTE = scaled
        running.close()


class _World:
    def __init__(self, run: Run, stack: Any, routers: dict[str, Router], urls: dict[str, str]) -> None:
        from rackbeat_tripletex.store.secrets import TenantSecrets
        from rackbeat_tripletex.store.tenants import TenantStore
        from rackbeat_tripletex.webhooks.store import WebhookStore

        self.run = run
        self.stack = stack
        self.routers = routers
        self.urls = urls
        outputs = stack.aws.outputs
        self.outputs = outputs
        session = boto3.session.Session()
        self.endpoint = stack.aws.endpoint
        self.table = session.resource("dynamodb", endpoint_url=self.endpoint).Table(
            str(outputs["StateTableName"])
        )
        self.sqs = session.client("sqs", endpoint_url=self.endpoint)
        self.secretsmanager = session.client("secretsmanager", endpoint_url=self.endpoint)
        self.secrets = TenantSecrets(self.secretsmanager, str(outputs["TenantSecretPrefix"]))
        self.tenants = TenantStore(self.table)
        self.webhooks = WebhookStore(self.table)
        self.http = httpx.Client(base_url=stack.api_url, timeout=60.0)
        self._index = 0

    # -- tenants
    def _company(self, tripletex_seed: dict[str, Any], rackbeat_seed: dict[str, Any]) -> Company:
        from local.simulators.rackbeat import create_app as rackbeat_app
        from local.simulators.tripletex import create_app as tripletex_app

        self._index += 1
        rackbeat_token, consumer, employee = _tokens(self._index)
        tripletex_seed.update(consumer_token=consumer, employee_token=employee)
        rackbeat_seed.update(api_token=rackbeat_token)
        tripletex, rackbeat = tripletex_app(tripletex_seed), rackbeat_app(rackbeat_seed)
        for app in (tripletex, rackbeat):
            app.set_faults({"rate_limit_scale": RATE_SCALE})
        self.routers["tripletex"].add(employee, tripletex)
        self.routers["rackbeat"].add(rackbeat_token, rackbeat)
        return Company(uuid.uuid4().hex, tripletex, rackbeat, rackbeat_token, consumer, employee)

    def _activate(self, company: Company, streams: dict[str, bool]) -> None:
        import datetime as dt

        from rackbeat_tripletex.auth import hash_management_token
        from rackbeat_tripletex.models.domain import (
            Credentials,
            CredentialsSummary,
            Settings,
            Streams,
            Tenant,
            TenantStatus,
        )

        now = dt.datetime.now(dt.UTC)
        self.tenants.create(
            Tenant(
                tenant_id=company.tenant_id,
                company_name=f"Storm {self._index} AS",
                contact_name="Drift",
                contact_email=f"drift-{self._index}@storm.example.no",
                status=TenantStatus.ACTIVE,
                created_at=now,
                updated_at=now,
                management_token_hash=hash_management_token("m" * 43),
                settings_saved_at=now - dt.timedelta(minutes=1),
                credentials=CredentialsSummary(validated_at=now),
            )
        )
        self.tenants.put_settings(
            company.tenant_id,
            Settings(
                streams=Streams(**streams),
                invoice_mode="invoice",
                notification_email=f"drift-{self._index}@storm.example.no",
            ),
        )
        self.secrets.put(
            company.tenant_id,
            Credentials(
                rackbeat_api_token=company.rackbeat_token,
                tripletex_consumer_token=company.consumer_token,
                tripletex_employee_token=company.employee_token,
            ),
        )
        self.webhooks.put_url_secret(company.tenant_id, company.url_secret, now)

    def _context(self) -> Any:
        from rackbeat_tripletex.clients.tenant import secret_backed_clients
        from rackbeat_tripletex.notify.email import Mailer
        from rackbeat_tripletex.sync.context import SyncContext

        return SyncContext.from_table(
            self.table,
            clients=secret_backed_clients(
                self.secrets, self.urls["tripletex"], self.urls["rackbeat"], workers_per_tenant=1
            ),
            mailer=Mailer(boto3.client("sesv2", endpoint_url=self.endpoint), "no-reply@example.com"),
        )

    def noisy(self, n: int) -> Company:
        """N products in both systems, already linked (an earlier sync), both directions on, and
        Tripletex product events subscribed: our writes' echoes come back to the webhooks route."""
        import datetime as dt

        from bench.initial_sync import products_seed
        from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
        from rackbeat_tripletex.models.sync import EntityLink, LinkState
        from rackbeat_tripletex.models.tripletex import EventSubscription
        from rackbeat_tripletex.store.cursors import CursorStore
        from rackbeat_tripletex.store.links import LinkStore
        from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets
        from tests.support.seeds import rackbeat_seed, tripletex_seed
        from tests.support.sync_world import RackbeatUser

        tripletex_doc = tripletex_seed()
        tripletex_doc["products"] = [
            {k: v for k, v in p.items() if k not in ("vatType", "productUnit", "currency", "supplier")}
            | {"vatType": {"id": 3}, "number": f"S{p['id']:06d}"}
            for p in products_seed(n)["tripletex"]["products"]
        ]
        company = self._company(tripletex_doc, rackbeat_seed())
        company.rackbeat.set_faults({"rate_limit_scale": 1000.0})  # the setup is not the subject
        user = RackbeatUser(company.rackbeat, token=company.rackbeat_token)
        for n_ in range(1, n + 1):
            user.create_product(f"S{n_:06d}", f"Vare {n_}", 100.0 + n_ % 50)
        company.rackbeat.set_faults({"rate_limit_scale": RATE_SCALE})
        self._activate(company, {"products_to_tripletex": True, "products_to_rackbeat": True})
        links = LinkStore(self.table)
        stored = company.tripletex.records("products")
        links.save_synced(
            company.tenant_id,
            [
                EntityLink(
                    entity="product",
                    rackbeat_key=str(product["number"]),
                    tripletex_id=product_id,
                    tripletex_version=int(product.get("version") or 0),
                    state=LinkState.SYNCED,
                    origin="linked",
                )
                for product_id, product in stored.items()
            ],
        )
        now = dt.datetime.now(dt.UTC)
        CursorStore(self.table).advance(company.tenant_id, "products_to_tripletex", now.isoformat(), now)
        secret = TripletexWebhookSecrets(
            self.secretsmanager, str(self.outputs["TenantSecretPrefix"])
        ).get_or_create(company.tenant_id)
        company.tripletex.set_faults({"rate_limit_scale": 1000.0})
        with TripletexClient(
            self.urls["tripletex"],
            TripletexCredentials(
                consumer_token=company.consumer_token, employee_token=company.employee_token
            ),
        ) as api:
            api.create_subscription(
                EventSubscription(
                    event="product.update",
                    # Tripletex wants https; the bench posts the deliveries itself (_echoes).
                    target_url=f"https://storm.example.no/webhooks/tripletex/{company.tenant_id}",
                    fields="id,version",
                    hmac_shared_secret=secret.value,
                )
            )
        company.tripletex.set_faults({"rate_limit_scale": RATE_SCALE})
        return company

    def importer(self, n: int) -> Company:
        from bench.initial_sync import products_seed

        seed = products_seed(n)
        company = self._company(seed["tripletex"], seed["rackbeat"])
        company.request = _import_request(seed)  # type: ignore[attr-defined]
        self._activate(company, {})
        return company

    def quiet(self, index: int) -> Company:
        """One customer in both systems, synced once already."""
        from tests.support.seeds import rackbeat_seed, tripletex_seed
        from tests.support.sync_world import RackbeatUser

        company = self._company(tripletex_seed(), rackbeat_seed())
        self._activate(company, {"customers_to_tripletex": True})
        RackbeatUser(company.rackbeat, token=company.rackbeat_token).create_customer(
            10001, f"Rolig Kunde {index} AS"
        )
        from rackbeat_tripletex.sync.engine import SyncEngine

        ran = SyncEngine(self._context()).run_due(company.tenant_id, {"customers_to_tripletex"}, "schedule")
        if not ran.runs or ran.runs[0].written != 1:
            raise RuntimeError(f"a quiet tenant's first sync did not write its customer: {ran.runs}")
        return company

    # -- the storm
    def _deliver_rackbeat(self, company: Company, event: str, key: str) -> str:
        """One delivery, tried again like Rackbeat does when it is not answered 2xx (here at
        once, up to three times); ``failed`` when it never was."""
        for _ in range(3):
            try:
                answer = self.http.post(
                    f"/webhooks/rackbeat/{company.tenant_id}",
                    params={"secret": company.url_secret},
                    headers={"Rackbeat-Webhook-Event": event, "Content-Type": "application/json"},
                    content=json.dumps({"key_name": "number", "key": key}),
                )
            except httpx.HTTPError:
                continue
            if answer.status_code == 202:
                return str(answer.json().get("message"))
        return "failed"

    def _queue_depth(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=str(self.outputs["SyncQueueUrl"]), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def storm(self, noisy: Company, importer: Company, quiet: list[Company]) -> dict[str, Any]:
        from rackbeat_tripletex.initial_sync.context import InitialSyncContext
        from rackbeat_tripletex.initial_sync.service import initial_sync_progress, start_initial_sync

        products = sorted(noisy.rackbeat.records("products"))
        for company in (noisy, importer, *quiet):
            company.tripletex.clear_requests()
            company.rackbeat.clear_requests()
        import_ctx = InitialSyncContext.from_table(
            self.table,
            sqs=self.sqs,
            queue_url=str(self.outputs["InitialSyncQueueUrl"]),
            clients=_import_clients(self),
            ses=boto3.client("sesv2", endpoint_url=self.endpoint),
            sender_email="no-reply@example.com",
        )
        started = time.monotonic()
        start_initial_sync(import_ctx, importer.tenant_id, importer.request)  # type: ignore[attr-defined]

        # The noisy tenant's user changes every product at once; the webhooks follow.
        stamp = noisy.rackbeat.now()
        before = noisy.rackbeat.records("products")
        for number in products:
            record = before[number]
            noisy.rackbeat.put_record(
                "products", number, {**record, "name": f"{record['name']} (ny)", "updated_at": stamp}
            )
        pool = ThreadPoolExecutor(POSTERS)
        posted = [pool.submit(self._deliver_rackbeat, noisy, "product.updated", str(n)) for n in products]

        # The quiet tenants each change a customer, spread over the minute of the storm.
        changed_at: dict[str, float] = {}
        landed_at: dict[str, float] = {}

        def quiet_changes() -> None:
            try:
                change_each()
            except Exception as error:  # the figures then show the missing ones
                self.run.log(f"storm: a quiet tenant's change failed: {error!r}")

        def change_each() -> None:
            for index, company in enumerate(quiet):
                time.sleep(max(0.0, started + index * 60.0 / max(1, len(quiet)) - time.monotonic()))
                customer = company.rackbeat.records("customers")[10001]
                company.rackbeat.put_record(
                    "customers",
                    10001,
                    {
                        **customer,
                        "company_name": f"Rolig Kunde {index} Endret AS",
                        "updated_at": company.rackbeat.now(),
                    },
                )
                changed_at[company.tenant_id] = time.monotonic()
                self._deliver_rackbeat(company, "customer.updated", "10001")

        quiet_thread = threading.Thread(target=quiet_changes, daemon=True)
        quiet_thread.start()
        deadline = started + max(900.0, 6 * len(products) / (TRIPLETEX_PER_S * RATE_SCALE))
        peak = 0
        noisy_done_at = None
        import_done = False
        while time.monotonic() < deadline:
            peak = max(peak, self._queue_depth())
            now = time.monotonic()
            for company in quiet:
                if company.tenant_id in changed_at and company.tenant_id not in landed_at:
                    (row,) = company.tripletex.records("customers").values()
                    if row["name"].endswith("Endret AS"):
                        landed_at[company.tenant_id] = now
            if noisy_done_at is None:
                rows = noisy.tripletex.records("products").values()
                if all(str(row["name"]).endswith("(ny)") for row in rows):
                    noisy_done_at = now
            if not import_done:
                progress = initial_sync_progress(import_ctx, importer.tenant_id)
                import_done = progress is not None and progress.state in (
                    "completed",
                    "completed_with_failures",
                )
            if noisy_done_at is not None and import_done and len(landed_at) == len(quiet):
                break
            if int(now - started) % 15 == 0:
                self.run.log(
                    f"storm: {now - started:.0f} s, queue {peak}, noisy done {noisy_done_at is not None}, "
                    f"import done {import_done}, quiet {len(landed_at)}/{len(quiet)}, "
                    f"deliveries {sum(f.done() for f in posted)}/{len(posted)}"
                )
            time.sleep(1.0)
        outcomes = Counter(future.result() for future in posted)
        pool.shutdown()
        quiet_thread.join(5)
        self.run.log(
            f"storm: noisy done={noisy_done_at is not None} import done={import_done} quiet {len(landed_at)}"
        )
        waiting = [c for c in quiet if c.tenant_id not in landed_at]
        if noisy_done_at is None:
            waiting.append(noisy)
        for company in waiting:
            # A change that never landed: was its work due with nobody holding the tenant?
            self.run.log(f"storm: not landed for {company.tenant_id}: {self._turn_row(company)}")

        # Our writes' echoes: the Tripletex events the PUTs caused, to the webhooks route.
        echo = self._echoes(noisy)
        log = noisy.tripletex.request_log
        puts = Counter(e["path"] for e in log if e["method"] == "PUT" and e["status"] == 200)
        quiet_puts = Counter(
            sum(1 for e in c.tripletex.request_log if e["method"] == "PUT" and e["status"] == 200)
            for c in quiet
        )
        seconds = _put_window(log)
        created = sum(
            1 for e in importer.rackbeat.request_log if e["method"] == "POST" and e["status"] == 201
        )
        dlq = self.sqs.get_queue_attributes(
            QueueUrl=str(self.outputs["SyncDLQUrl"]), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        return {
            "noisy_landed": sum(
                1 for r in noisy.tripletex.records("products").values() if str(r["name"]).endswith("(ny)")
            ),
            "noisy_seconds": seconds,
            "noisy_tripletex_calls": len(log),
            "noisy_status": dict(Counter(str(e["status"]) for e in log)),
            "noisy_put_counts": dict(Counter(puts.values()) + Counter({0: len(products) - len(puts)})),
            "noisy_deliveries": dict(outcomes),
            "noisy_rackbeat_calls": len(noisy.rackbeat.request_log),
            "quiet_put_counts": dict(quiet_puts),
            "quiet_lags_s": [round(landed_at[t] - changed_at[t], 2) for t in landed_at],
            "import_created": created,
            "import_done": import_done,
            "echo_delivered": echo["delivered"],
            "echo_accepted": echo["accepted"],
            "sync_queue_peak": peak,
            "sync_dlq": int(dlq),
            "storm_seconds": round(time.monotonic() - started, 1),
        }

    def _turn_row(self, company: Company) -> dict[str, Any]:
        """The tenant's row in store/tenant_work.py (what is due, who holds it, until when)."""
        from rackbeat_tripletex.store.tenant_work import work_id

        table = boto3.resource("dynamodb", endpoint_url=self.endpoint).Table(
            str(self.outputs["IdempotencyTableName"])
        )
        item = table.get_item(Key={"id": work_id(company.tenant_id)}, ConsistentRead=True).get("Item") or {}
        return {name: item.get(name) for name in ("due", "holder", "held_until")} | {"now": int(time.time())}

    def alone(self, noisy: Company) -> dict[str, Any]:
        """The noisy tenant's products changed once more, announced by one delivery, with no other
        tenant busy and no deliveries in flight: the sync's own pace on this stack, to read the
        storm's figure against (there it shares one emulated DynamoDB and two cores with the
        deliveries, the import and the quiet tenants)."""
        noisy.tripletex.clear_requests()
        stamp = noisy.rackbeat.now()
        products = noisy.rackbeat.records("products")
        for number, record in products.items():
            noisy.rackbeat.put_record(
                "products", number, {**record, "name": f"{record['name']} (igjen)", "updated_at": stamp}
            )
        first = str(min(products))
        if self._deliver_rackbeat(noisy, "product.updated", first) != "accepted":
            raise RuntimeError("the noisy tenant's delivery was not accepted")
        deadline = time.monotonic() + max(300.0, 6 * len(products) / (TRIPLETEX_PER_S * RATE_SCALE))
        while time.monotonic() < deadline:
            rows = noisy.tripletex.records("products").values()
            if all(str(row["name"]).endswith("(igjen)") for row in rows):
                break
            time.sleep(1.0)
        log = noisy.tripletex.request_log
        rows = noisy.tripletex.records("products").values()
        landed = sum(1 for row in rows if str(row["name"]).endswith("(igjen)"))
        return {"landed": landed, "seconds": _put_window(log), "tripletex_calls": len(log)}

    def _echoes(self, company: Company) -> dict[str, int]:
        """Deliver the Tripletex events waiting for the noisy tenant, as Tripletex would, and count
        the answers (the webhooks route says whether a delivery became work)."""
        from local.simulators.tripletex.app import event_signature
        from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets

        secret = TripletexWebhookSecrets(self.secretsmanager, str(self.outputs["TenantSecretPrefix"])).get(
            company.tenant_id
        )
        assert secret is not None
        answers: Counter[str] = Counter()
        for delivery in company.tripletex.pending_deliveries():
            content = json.dumps(delivery.body, ensure_ascii=False).encode()
            key = delivery.delivery_id
            answer = self.http.post(
                f"/webhooks/tripletex/{company.tenant_id}",
                content=content,
                headers={
                    "idempotency-key": key,
                    "x-request-signature": event_signature(secret.get_secret_value(), key, content),
                    "Content-Type": "application/json",
                },
            )
            answers[str(answer.json().get("message"))] += 1
        return {"delivered": sum(answers.values()), "accepted": answers.get("accepted", 0)}


def _put_window(log: list[dict[str, Any]]) -> float:
    """Seconds from a tenant's first Tripletex call to its last PUT (0 without one)."""
    import datetime as dt

    first = min((e["at"] for e in log), default=None)
    last = max((e["at"] for e in log if e["method"] == "PUT"), default=None)
    if not first or not last:
        return 0.0
    return (dt.datetime.fromisoformat(last) - dt.datetime.fromisoformat(first)).total_seconds()


def _import_request(seed: dict[str, Any]) -> Any:
    from bench.initial_sync import _request_body
    from rackbeat_tripletex.models.sync import InitialSyncRequest

    return InitialSyncRequest.model_validate(_request_body(seed))


def _import_clients(world: _World) -> Any:
    from rackbeat_tripletex.clients.tenant import secret_backed_clients

    return secret_backed_clients(
        world.secrets, world.urls["tripletex"], world.urls["rackbeat"], bulk_import=True
    )
