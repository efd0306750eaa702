"""Initial-sync throughput against the rate-limit bound, a naive baseline, and peak memory.

Throughput: N Tripletex products (clones of the demo dataset's good products, with their own
ids and numbers) imported through the local stack: the plan message goes on InitialSyncQueue
and the runner's SQS pollers run ``initial_sync`` with the template's BatchSize and
MaximumConcurrency, against both simulators over HTTP. Both simulators' rate limits are scaled
by `RATE_SCALE`, and so is the service's own budget (``initial_sync.budget``), so the client
knows the limits it runs under, as it does in production at scale 1.

The bound is the best any client could do under those limits in steady state: each API's
minimal calls for the import divided by its rate, the slower API deciding. Minimal calls:
Rackbeat one write per record, one list page per 1,000 records and its reference reads (units,
payment terms); Tripletex one read per 1,000 records plus its reference reads. A rate-limit
window also allows one burst of a whole window at the start; the bound with that burst is in
the detail (it matters only for imports shorter than a window).

Naive baseline: the same records, one at a time, a Rackbeat GET by number then a POST, waiting
out each 429 as its headers say, on fresh simulators with the same limits.

Memory: peak RSS (VmHWM; `_high_water_kb` says why not ``resource.getrusage``) of a subprocess
that imports one 1,000-record page through the worker, talking to the simulators and moto over
HTTP, so only the worker is measured.
"""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from typing import Any

import boto3
import httpx

from bench.core import REPO, TEMPLATE, Figure, Run, Unavailable, benchmark
from local.aws import MotoServer
from local.outbox import confirm_contact

RATE_SCALE = 5.0
TRIPLETEX_PER_S = 10.0  # 100 requests per rolling 10 s per token pair (TRIPLETEX.md)
TRIPLETEX_WINDOW = 100
RACKBEAT_PER_S = 8.0  # 480 requests per minute per token (Rackbeat reference)
RACKBEAT_WINDOW = 480
LIST_PAGE = 1000
REFERENCE_READS = 2
MEMORY_PAGE = 1000
MEMORY_TARGET_MB = 160
MEMORY_RATE_SCALE = 1000.0


def _require_initial_sync() -> None:
    from bench.core import TEMPLATE as template_path
    from local.cfn import load_template

    try:
        from rackbeat_tripletex.clients import budget  # noqa: F401
        from rackbeat_tripletex.initial_sync import service, worker  # noqa: F401
    except ModuleNotFoundError as missing:
        raise Unavailable(f"{missing.name} is not in the tree yet") from missing
    if "InitialSyncFunction" not in load_template(template_path)["Resources"]:
        raise Unavailable("template.yaml has no InitialSyncFunction yet")


def products_seed(n: int) -> dict[str, Any]:
    """The demo seed with `n` importable Tripletex products and nothing else to import."""
    from bench.mapper_cpu import tripletex_to_rackbeat_inputs
    from local.seed.demo import demo_seed
    from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import map_product

    seed = demo_seed()
    records, request, refs = tripletex_to_rackbeat_inputs(seed)
    good = {p.id for p in records["product"] if hasattr(map_product(p, request, refs), "payload")}
    templates = [p for p in seed["tripletex"]["products"] if p.get("id") in good]
    products = []
    for index in range(n):
        product = copy.deepcopy(templates[index % len(templates)])
        product["id"] = index + 1
        product["number"] = f"B{index + 1:06d}"
        # A barcode belongs to one product: clones go without.
        product.pop("ean", None)
        products.append(product)
    seed["tripletex"].update(customers=[], suppliers=[], products=products)
    return seed


def _request_body(seed: dict[str, Any]) -> dict[str, Any]:
    rackbeat = seed["rackbeat"]
    return {
        "entities": ["products"],
        "customer_group": rackbeat["customer_groups"][0]["number"],
        "supplier_group": rackbeat["supplier_groups"][0]["number"],
        "product_group": next(g["number"] for g in rackbeat["product_groups"] if g["has_inventory"]),
        "service_group": next(g["number"] for g in rackbeat["product_groups"] if not g["has_inventory"]),
        "payment_terms": {"default": rackbeat["payment_terms"][0]["number"]},
    }


def bound_seconds(n: int, *, with_burst: bool) -> dict[str, float]:
    pages = math.ceil(n / LIST_PAGE)
    minimal = {"rackbeat": n + pages + REFERENCE_READS, "tripletex": pages + REFERENCE_READS}
    rates = {"rackbeat": RACKBEAT_PER_S * RATE_SCALE, "tripletex": TRIPLETEX_PER_S * RATE_SCALE}
    windows = {"rackbeat": RACKBEAT_WINDOW * RATE_SCALE, "tripletex": TRIPLETEX_WINDOW * RATE_SCALE}
    return {
        api: max(0.0, calls - (windows[api] if with_burst else 0)) / rates[api]
        for api, calls in minimal.items()
    }


def _simulators(seed: dict[str, Any]) -> tuple[Any, Any, list[Any]]:
    from local.simulators import base
    from local.simulators.rackbeat import create_app as rackbeat_app
    from local.simulators.tripletex import create_app as tripletex_app

    tripletex, rackbeat = tripletex_app(seed["tripletex"]), rackbeat_app(seed["rackbeat"])
    for app in (tripletex, rackbeat):
        app.set_faults({"rate_limit_scale": RATE_SCALE})
    return tripletex, rackbeat, [base.serve(tripletex, "127.0.0.1", 0), base.serve(rackbeat, "127.0.0.1", 0)]


def _credentials(seed: dict[str, Any]) -> dict[str, str]:
    return {
        "rackbeat_api_token": seed["rackbeat"]["api_token"],
        "tripletex_consumer_token": seed["tripletex"]["consumer_token"],
        "tripletex_employee_token": seed["tripletex"]["employee_token"],
    }


def _service_import(run: Run, seed: dict[str, Any], n: int) -> dict[str, Any]:
    from local.stack import LocalStack, StackPorts
    from rackbeat_tripletex.clients import budget
    from rackbeat_tripletex.clients.tenant import secret_backed_clients
    from rackbeat_tripletex.initial_sync.context import InitialSyncContext
    from rackbeat_tripletex.initial_sync.service import initial_sync_progress, start_initial_sync
    from rackbeat_tripletex.models.sync import InitialSyncRequest
    from rackbeat_tripletex.store.secrets import TenantSecrets

    tripletex, rackbeat, servers = _simulators(seed)
    limits = (budget.TRIPLETEX_REQUESTS_PER_SECOND, budget.RACKBEAT_REQUESTS_PER_MINUTE)
    budget.TRIPLETEX_REQUESTS_PER_SECOND = limits[0] * RATE_SCALE
    budget.RACKBEAT_REQUESTS_PER_MINUTE = int(limits[1] * RATE_SCALE)
    urls = {"tripletex": f"{servers[0].url}/v2", "rackbeat": f"{servers[1].url}/api"}
    moto = MotoServer()
    moto.reset()
    stack = LocalStack(
        TEMPLATE,
        ports=StackPorts.free(),
        parameter_overrides={"TripletexBaseUrl": urls["tripletex"], "RackbeatBaseUrl": urls["rackbeat"]},
        poll_queues=True,
        run_schedules=False,
        shared_moto=moto,  # type: ignore[arg-type]
    )
    stack.start()
    try:
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
        tenant_id = created["tenant_id"]
        answer = http.put(
            f"/tenants/{tenant_id}/credentials",
            json=_credentials(seed),
            headers={"Authorization": f"Bearer {created['management_token']}"},
        )
        answer.raise_for_status()
        session = boto3.session.Session()
        endpoint, outputs = stack.aws.endpoint, stack.aws.outputs
        table = session.resource("dynamodb", endpoint_url=endpoint).Table(str(outputs["StateTableName"]))
        secrets = TenantSecrets(
            session.client("secretsmanager", endpoint_url=endpoint), str(outputs["TenantSecretPrefix"])
        )
        ctx = InitialSyncContext.from_table(
            table,
            sqs=session.client("sqs", endpoint_url=endpoint),
            queue_url=str(outputs["InitialSyncQueueUrl"]),
            clients=secret_backed_clients(secrets, urls["tripletex"], urls["rackbeat"]),
            ses=session.client("sesv2", endpoint_url=endpoint),
            sender_email="no-reply@example.com",
        )
        request = InitialSyncRequest.model_validate(_request_body(seed))
        tripletex.clear_requests()
        rackbeat.clear_requests()
        started = time.perf_counter()
        start_initial_sync(ctx, tenant_id, request)
        deadline = time.monotonic() + max(60.0, 10 * n / (RACKBEAT_PER_S * RATE_SCALE))
        progress = None
        while time.monotonic() < deadline:
            progress = initial_sync_progress(ctx, tenant_id)
            if progress is not None and progress.state in ("completed", "completed_with_failures"):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"the import did not finish: {progress}")
        seconds = time.perf_counter() - started
        assert progress is not None
        logs = {"tripletex": list(tripletex.request_log), "rackbeat": list(rackbeat.request_log)}
        dlq = session.client("sqs", endpoint_url=endpoint).get_queue_attributes(
            QueueUrl=str(outputs["InitialSyncDLQUrl"]), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
    finally:
        budget.TRIPLETEX_REQUESTS_PER_SECOND, budget.RACKBEAT_REQUESTS_PER_MINUTE = limits
        stack.stop()
        moto.stop()
        for server in servers:
            server.shutdown()
    counts = progress.entities["product"]
    imported = counts.created + counts.linked + counts.updated + counts.unchanged
    return {
        "seconds": seconds,
        "imported": imported,
        "failed": counts.failed,
        "calls": {api: len(entries) for api, entries in logs.items()},
        "status": {api: dict(Counter(str(e["status"]) for e in entries)) for api, entries in logs.items()},
        "dlq_messages": int(dlq),
    }


def _wait_out(response: httpx.Response) -> None:
    for header in ("Retry-After", "X-RateLimit-Reset", "X-Rate-Limit-Reset"):
        value = response.headers.get(header)
        if value and value.isdigit():
            time.sleep(min(float(value), 60.0))
            return
    time.sleep(1.0)


def _naive_import(seed: dict[str, Any], n: int) -> dict[str, Any]:
    """One record at a time: GET by number, then POST; every 429 waited out and the call repeated."""
    from bench.mapper_cpu import tripletex_to_rackbeat_inputs
    from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import map_product

    tripletex, rackbeat, servers = _simulators(seed)
    records, _, refs = tripletex_to_rackbeat_inputs(seed)
    from rackbeat_tripletex.models.sync import InitialSyncRequest

    request = InitialSyncRequest.model_validate(_request_body(seed))
    headers = {"Authorization": f"Bearer {seed['rackbeat']['api_token']}"}
    statuses: Counter[int] = Counter()
    created = 0
    started = time.perf_counter()
    try:
        with httpx.Client(base_url=f"{servers[1].url}/api", headers=headers, timeout=60.0) as http:

            def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
                while True:
                    response = http.request(method, path, **kwargs)
                    statuses[response.status_code] += 1
                    if response.status_code != 429:
                        return response
                    _wait_out(response)

            for product in records["product"]:
                write = map_product(product, request, refs)
                if not hasattr(write, "payload"):
                    continue
                number = urllib.parse.quote(urllib.parse.quote(str(write.number), safe=""), safe="")
                if call("GET", f"/products/{number}").status_code == 404:
                    created += call("POST", "/products", json=write.payload()).status_code == 201
    finally:
        for server in servers:
            server.shutdown()
    del tripletex, rackbeat, n
    return {"seconds": time.perf_counter() - started, "imported": created, "status": dict(statuses)}


_MEMORY_CHILD = """
import json, os, sys
sys.path[:0] = [os.environ["BENCH_LAYER"], os.environ["BENCH_REPO"]]
from bench.initial_sync import memory_child
print(json.dumps(memory_child()))
"""


def _high_water_kb() -> int:
    """Peak RSS of this process since it was exec'd.

    Not ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: Linux folds the high-water mark of the
    pre-exec image into it, and subprocess vforks, so it reports the *parent's* peak. The
    exec'd image's own peak is VmHWM in /proc/self/status.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def memory_child() -> dict[str, Any]:
    """In the subprocess: import one page of `MEMORY_PAGE` products; answer the peak RSS."""
    from rackbeat_tripletex.clients import budget
    from rackbeat_tripletex.clients.tenant import secret_backed_clients
    from rackbeat_tripletex.initial_sync.context import InitialSyncContext
    from rackbeat_tripletex.initial_sync.worker import handle_task
    from rackbeat_tripletex.models.sync import PageTask
    from rackbeat_tripletex.store.secrets import TenantSecrets

    env = os.environ
    # Memory is the subject here, not waiting: the budget is as loose as the simulators' limits.
    budget.TRIPLETEX_REQUESTS_PER_SECOND *= MEMORY_RATE_SCALE
    budget.RACKBEAT_REQUESTS_PER_MINUTE *= int(MEMORY_RATE_SCALE)
    before = _high_water_kb()
    table = boto3.resource("dynamodb").Table(env["STATE_TABLE_NAME"])
    secrets = TenantSecrets(boto3.client("secretsmanager"), env["TENANT_SECRET_PREFIX"])
    ctx = InitialSyncContext.from_table(
        table,
        sqs=boto3.client("sqs"),
        queue_url=env["INITIAL_SYNC_QUEUE_URL"],
        clients=secret_backed_clients(secrets, env["TRIPLETEX_BASE_URL"], env["RACKBEAT_BASE_URL"]),
        ses=boto3.client("sesv2"),
        sender_email="no-reply@example.com",
    )
    ids = list(range(1, MEMORY_PAGE + 1))
    handle_task(
        ctx,
        PageTask(tenant_id=env["BENCH_TENANT"], run_id=env["BENCH_RUN"], entity="product", page=0, ids=ids),
    )
    return {"peak_rss_kb": _high_water_kb(), "rss_before_kb": before}


def _memory(run: Run) -> dict[str, Any]:
    """Peak RSS of a worker process importing one page of `MEMORY_PAGE` products."""
    import datetime as dt

    from bench.mapper_cpu import tripletex_to_rackbeat_inputs
    from bench.stack_env import provisioned
    from rackbeat_tripletex.models.domain import Credentials, CredentialsSummary, Tenant
    from rackbeat_tripletex.models.sync import InitialSyncRequest, RunState
    from rackbeat_tripletex.store.runs import RunRecord, RunStore
    from rackbeat_tripletex.store.secrets import TenantSecrets
    from rackbeat_tripletex.store.tenants import TenantStore

    seed = products_seed(MEMORY_PAGE)
    tripletex, rackbeat, servers = _simulators(seed)
    for app in (tripletex, rackbeat):
        app.set_faults({"rate_limit_scale": MEMORY_RATE_SCALE})
    _, _, refs = tripletex_to_rackbeat_inputs(seed)
    now = dt.datetime.now(dt.UTC)
    try:
        with provisioned() as aws:
            session = boto3.session.Session()
            table = session.resource("dynamodb", endpoint_url=aws.endpoint).Table(
                str(aws.outputs["StateTableName"])
            )
            prefix = str(aws.outputs["TenantSecretPrefix"])
            tenant = Tenant(
                tenant_id="bench-memory",
                company_name="Nordlys Verktøy AS",
                contact_name="Åse",
                contact_email="ase@example.no",
                created_at=now,
                updated_at=now,
                management_token_hash="0" * 64,
                credentials=CredentialsSummary(validated_at=now),
            )
            TenantStore(table).create(tenant)
            TenantSecrets(session.client("secretsmanager", endpoint_url=aws.endpoint), prefix).put(
                tenant.tenant_id, Credentials(**_credentials(seed))
            )
            runs = RunStore(table)
            request = InitialSyncRequest.model_validate(_request_body(seed))
            runs.begin(
                RunRecord(
                    tenant_id=tenant.tenant_id,
                    run_id="bench",
                    state=RunState.PLANNED,
                    request=request,
                    started_at=now,
                )
            )
            runs.set_refs(tenant.tenant_id, refs)
            env = {
                "PATH": os.environ.get("PATH", ""),
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "eu-west-1",
                "AWS_ENDPOINT_URL": aws.endpoint,
                "STATE_TABLE_NAME": str(aws.outputs["StateTableName"]),
                "TENANT_SECRET_PREFIX": prefix,
                "INITIAL_SYNC_QUEUE_URL": str(aws.outputs["InitialSyncQueueUrl"]),
                "TRIPLETEX_BASE_URL": f"{servers[0].url}/v2",
                "RACKBEAT_BASE_URL": f"{servers[1].url}/api",
                "BENCH_TENANT": tenant.tenant_id,
                "BENCH_RUN": "bench",
                "BENCH_LAYER": str(REPO / "layers" / "shared"),
                "BENCH_REPO": str(REPO),
                "POWERTOOLS_SERVICE_NAME": "rackbeat-tripletex-bench",
                "POWERTOOLS_TRACE_DISABLED": "true",
            }
            answer = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-c", _MEMORY_CHILD],
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if answer.returncode != 0:
                raise RuntimeError(f"the memory worker failed: {answer.stderr.strip()[-500:]}")
            measured: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
            measured["rackbeat_products_after"] = len(rackbeat.state.records["products"])
    finally:
        for server in servers:
            server.shutdown()
    del run
    return measured


@benchmark("initial_sync", "Initial-sync throughput")
def initial_sync(run: Run) -> list[Figure]:
    _require_initial_sync()
    n = run.n
    seed = products_seed(n)
    service = _service_import(run, seed, n)
    naive = _naive_import(products_seed(n), n)
    steady = bound_seconds(n, with_burst=False)
    burst = bound_seconds(n, with_burst=True)
    service_rate = service["imported"] / service["seconds"]
    naive_rate = naive["imported"] / naive["seconds"] if naive["seconds"] else float("nan")
    bound_rate = n / max(steady.values())
    run.detail.update(
        rate_scale=RATE_SCALE,
        service=service,
        naive=naive,
        bound_seconds_steady=steady,
        bound_seconds_with_first_window_burst=burst,
    )
    memory = _memory(run)
    run.detail["memory"] = memory
    too_many = sum(int(s.get("429", 0)) for s in service["status"].values())
    imported = max(service["imported"], 1)
    return [
        Figure(f"records imported (N={n:,}, limits x{RATE_SCALE:g})", service["imported"], "records"),
        Figure("throughput", round(service_rate, 1), "records/s"),
        Figure("ratio to the rate-limit bound", round(service_rate / bound_rate, 3), "", ">=", 0.9),
        Figure(
            "Rackbeat calls per record", round(service["calls"]["rackbeat"] / imported, 3), "", "<=", 1.05
        ),
        Figure("Tripletex calls per record", round(service["calls"]["tripletex"] / imported, 4), ""),
        Figure("429s seen", float(too_many), "", note=f"{service['dlq_messages']} messages in the DLQ"),
        Figure("naive baseline throughput", round(naive_rate, 1), "records/s"),
        Figure("speed-up over the naive import", round(service_rate / naive_rate, 2), "x"),
        Figure(
            f"peak RSS importing one {MEMORY_PAGE:,}-record page",
            round(memory["peak_rss_kb"] / 1024, 1),
            "MB",
            "<=",
            MEMORY_TARGET_MB,
            note=f"{memory['rss_before_kb'] / 1024:.0f} MB after imports",
        ),
    ]
