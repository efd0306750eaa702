"""Initial-sync throughput against the rate-limit bound, a naive baseline, and peak memory.

Throughput: N Tripletex products (clones of the demo dataset's good products, with their own
ids and numbers) imported through the local stack: the plan message goes on InitialSyncQueue
and the runner's SQS pollers run ``initial_sync`` with the template's BatchSize and
MaximumConcurrency, against both simulators over HTTP. Both simulators' rate limits are scaled
by the run's rate scale (`RATE_SCALE` unless ``--rate-scale`` says otherwise), and so is the
service's own budget (``clients.budget``), so the client knows the limits it runs under, as it
does in production at scale 1. The import runs in a fresh interpreter holding the whole local
stack (moto, both simulators, the Lambda runner and its pollers are threads of it), so its peak
RSS is the stack's; the same import of `REFERENCE_N` records gives the RSS it grows from.

The bound is the best any client could do under those limits in steady state: each API's
minimal calls for the import divided by its rate, the slower API deciding. Minimal calls:
Rackbeat one write per record, one list page per 1,000 records and its reference reads (units,
payment terms); Tripletex one read per 1,000 records plus its reference reads. A rate-limit
window also allows one burst of a whole window at the start; the bound with that burst is in
the detail (it matters only for imports shorter than a window).

Naive baseline: the same records (at most `NAIVE_MAX` of them: its rate is steady long before),
one at a time, a Rackbeat GET by number then a POST, waiting out each 429 as its headers say, on
fresh simulators with the same limits.

Memory: peak RSS (VmHWM; `_high_water_kb` says why not ``resource.getrusage``) of a subprocess
that imports one 1,000-record page through the worker, talking to the simulators and moto over
HTTP, so only the worker is measured.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx

from bench.core import REPO, TEMPLATE, Figure, Run, Unavailable, benchmark

# `make bench`: 10,000 records at five times the real limits import in about four minutes. Not
# more: the local stack spends some 14 ms of one interpreter's CPU per record (and moto 9 ms in
# its own), so at x10 (80 records/s) the GIL, not the limits, would set the pace.
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
REFERENCE_N = 1000
STACK_GROWTH_TARGET = 2.0
NAIVE_MAX = 5000
THROUGHPUT_TARGET = 0.95
RACKBEAT_CALLS_TARGET = 1.02


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


def bound_seconds(n: int, *, with_burst: bool, scale: float = RATE_SCALE) -> dict[str, float]:
    pages = math.ceil(n / LIST_PAGE)
    minimal = {"rackbeat": n + pages + REFERENCE_READS, "tripletex": pages + REFERENCE_READS}
    rates = {"rackbeat": RACKBEAT_PER_S * scale, "tripletex": TRIPLETEX_PER_S * scale}
    windows = {"rackbeat": RACKBEAT_WINDOW * scale, "tripletex": TRIPLETEX_WINDOW * scale}
    return {
        api: max(0.0, calls - (windows[api] if with_burst else 0)) / rates[api]
        for api, calls in minimal.items()
    }


def _simulator_apps(seed: dict[str, Any], scale: float) -> tuple[Any, Any]:
    from local.simulators.rackbeat import create_app as rackbeat_app
    from local.simulators.tripletex import create_app as tripletex_app

    tripletex, rackbeat = tripletex_app(seed["tripletex"]), rackbeat_app(seed["rackbeat"])
    for app in (tripletex, rackbeat):
        app.set_faults({"rate_limit_scale": scale})
    return tripletex, rackbeat


def _simulators(seed: dict[str, Any], scale: float) -> tuple[Any, Any, list[Any]]:
    from local.simulators import base

    tripletex, rackbeat = _simulator_apps(seed, scale)
    return tripletex, rackbeat, [base.serve(tripletex, "127.0.0.1", 0), base.serve(rackbeat, "127.0.0.1", 0)]


def add_tenant(table: Any, secrets: Any, credentials: dict[str, str], tenant_id: str) -> Any:
    """A tenant whose credentials (the seed's tokens) were checked, as onboarding leaves it."""
    from rackbeat_tripletex.models.domain import Credentials, CredentialsSummary, Tenant
    from rackbeat_tripletex.store.tenants import TenantStore

    now = dt.datetime.now(dt.UTC)
    tenant = Tenant(
        tenant_id=tenant_id,
        company_name="Nordlys Verktøy AS",
        contact_name="Åse",
        contact_email="ase@example.no",
        created_at=now,
        updated_at=now,
        management_token_hash="0" * 64,
        credentials=CredentialsSummary(validated_at=now),
    )
    TenantStore(table).create(tenant)
    secrets.put(tenant_id, Credentials(**credentials))
    return tenant


def _credentials(seed: dict[str, Any]) -> dict[str, str]:
    return {
        "rackbeat_api_token": seed["rackbeat"]["api_token"],
        "tripletex_consumer_token": seed["tripletex"]["consumer_token"],
        "tripletex_employee_token": seed["tripletex"]["employee_token"],
    }


@contextlib.contextmanager
def scaled_budget(scale: float) -> Iterator[None]:
    """The service's own budget at the limits the simulators were given, and its pages with it.

    A page is sized in time (``budget.PAGE_SIZE``: what a worker writes at its share of the
    budget in some 50 s, well inside the function's timeout), so at `scale` times the limits it
    holds `scale` times the records: the import keeps the shape it has in production (each
    page's fixed cost - a Tripletex read, the link lookup, the SQS round trip - weighs as much
    against its writes), only faster.
    """
    from rackbeat_tripletex.clients import budget

    limits = (budget.TRIPLETEX_REQUESTS_PER_SECOND, budget.RACKBEAT_REQUESTS_PER_MINUTE, budget.PAGE_SIZE)
    budget.TRIPLETEX_REQUESTS_PER_SECOND = limits[0] * scale
    budget.RACKBEAT_REQUESTS_PER_MINUTE = int(limits[1] * scale)
    budget.PAGE_SIZE = max(1, round(limits[2] * scale))
    try:
        yield
    finally:
        budget.TRIPLETEX_REQUESTS_PER_SECOND, budget.RACKBEAT_REQUESTS_PER_MINUTE, budget.PAGE_SIZE = limits


def service_import(n: int, scale: float) -> dict[str, Any]:
    """In the stack's own interpreter: import `n` products through the local stack, answer what
    was measured, with the interpreter's peak RSS (the whole stack's)."""
    from local.simulated_stack import simulated_stack
    from rackbeat_tripletex.clients.tenant import secret_backed_clients
    from rackbeat_tripletex.initial_sync.context import InitialSyncContext
    from rackbeat_tripletex.initial_sync.service import initial_sync_progress, start_initial_sync
    from rackbeat_tripletex.models.sync import InitialSyncRequest
    from rackbeat_tripletex.store.secrets import TenantSecrets

    seed = products_seed(n)
    tripletex, rackbeat = _simulator_apps(seed, scale)
    body, credentials = _request_body(seed), _credentials(seed)
    # The simulators hold their own copies of the records: the seed's would double them.
    del seed
    # moto in a process of its own: in the stack's interpreter its CPU (more than the service's)
    # would share one GIL with the workers and simulators, and pace the import instead of the limits.
    with scaled_budget(scale), simulated_stack(TEMPLATE, tripletex, rackbeat, moto="process") as running:
        stack, urls, moto = running.local, running.urls, running.local.moto
        assert moto is not None
        assert stack.aws is not None
        session = boto3.session.Session()
        endpoint, outputs = stack.aws.endpoint, stack.aws.outputs
        table = session.resource("dynamodb", endpoint_url=endpoint).Table(str(outputs["StateTableName"]))
        secrets = TenantSecrets(
            session.client("secretsmanager", endpoint_url=endpoint), str(outputs["TenantSecretPrefix"])
        )
        # Onboarded as the API leaves a tenant (its own tests cover the API): the API's email
        # confirmation reads moto's outbox in-process, and moto runs in a process of its own here.
        tenant_id = add_tenant(table, secrets, credentials, "bench-import").tenant_id
        ctx = InitialSyncContext.from_table(
            table,
            sqs=session.client("sqs", endpoint_url=endpoint),
            queue_url=str(outputs["InitialSyncQueueUrl"]),
            clients=secret_backed_clients(secrets, urls["tripletex"], urls["rackbeat"]),
            ses=session.client("sesv2", endpoint_url=endpoint),
            sender_email="no-reply@example.com",
        )
        request = InitialSyncRequest.model_validate(body)
        tally = _LogTally({"tripletex": tripletex, "rackbeat": rackbeat})
        started, cpu_started = time.perf_counter(), time.process_time()
        start_initial_sync(ctx, tenant_id, request)
        deadline = time.monotonic() + max(60.0, 10 * n / (RACKBEAT_PER_S * scale))
        # Each look is a read of the run row (some 17 ms of moto's CPU): often enough to time
        # the end within 0.5 % of the bound, no more.
        poll = min(0.5, max(0.05, max(bound_seconds(n, with_burst=False, scale=scale).values()) / 200))
        progress = None
        while time.monotonic() < deadline:
            progress = initial_sync_progress(ctx, tenant_id)
            if progress is not None and progress.state in ("completed", "completed_with_failures"):
                break
            tally.collect()
            time.sleep(poll)
        else:
            raise RuntimeError(f"the import did not finish: {progress}")
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        assert progress is not None
        tally.collect()
        tally.collect()
        dlq = session.client("sqs", endpoint_url=endpoint).get_queue_attributes(
            QueueUrl=str(outputs["InitialSyncDLQUrl"]), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        moto_usage = moto.child_usage()
    counts = progress.entities["product"]
    imported = counts.created + counts.linked + counts.updated + counts.unchanged
    return {
        "n": n,
        "rate_scale": scale,
        "seconds": seconds,
        # CPU of the stack's interpreter near its wall time means its GIL, not the limits, paced it.
        "cpu_seconds": round(cpu_seconds, 2),
        "moto_cpu_seconds_since_start": round(moto_usage["cpu_seconds"], 2),
        "imported": imported,
        "failed": counts.failed,
        "calls": {api: sum(statuses.values()) for api, statuses in tally.statuses.items()},
        "status": {api: dict(statuses) for api, statuses in tally.statuses.items()},
        "writes": tally.write_phase(),
        "dlq_messages": int(dlq),
        "pages": progress.pages_total,
        # Two processes: each one's peak, added (an upper bound of their peak together).
        "stack_peak_rss_kb": _high_water_kb() + int(moto_usage["peak_rss_kb"]),
        "moto_peak_rss_kb": int(moto_usage["peak_rss_kb"]),
    }


class _LogTally:
    """The simulators' request logs, counted as the import runs and then let go.

    Each log entry keeps the request's body: 25,000 of them would be some 100 MB of the stack's
    peak RSS, which is the harness's and not the service's. Each `collect` swaps in an empty
    log and counts the one swapped out the time before, so that a request appending to a log
    just as it was swapped has landed by the time it is counted.
    """

    def __init__(self, apps: dict[str, Any]) -> None:
        self._apps = apps
        for app in apps.values():
            app.clear_requests()
        self._swapped: dict[str, list[dict[str, Any]]] = {api: [] for api in apps}
        self.statuses: dict[str, Counter[str]] = {api: Counter() for api in apps}
        self._first: dt.datetime | None = None
        self._writes: list[dt.datetime] = []  # first and last Rackbeat write
        self._write_count = 0

    def collect(self) -> None:
        for api, app in self._apps.items():
            entries, self._swapped[api] = self._swapped[api], app.request_log
            app.request_log = []
            for entry in entries:
                self.statuses[api][str(entry["status"])] += 1
                at = dt.datetime.fromisoformat(str(entry["at"]))
                if self._first is None or at < self._first:
                    self._first = at
                if api == "rackbeat" and entry["method"] in ("POST", "PUT"):
                    self._write_count += 1
                    self._writes = [min([at, *self._writes[:1]]), max([at, *self._writes[-1:]])]

    def write_phase(self) -> dict[str, float]:
        """When Rackbeat's writes began and ended (seconds into the import) and their rate between:
        what is left of the wall time is the plan before them and the tail after."""
        if self._first is None or self._write_count < 2:
            return {}
        first, last = self._writes
        return {
            "first_write_s": round((first - self._first).total_seconds(), 2),
            "last_write_s": round((last - self._first).total_seconds(), 2),
            "writes_per_s": round((self._write_count - 1) / max((last - first).total_seconds(), 1e-9), 2),
        }


_SERVICE_CHILD = """
import json, os, sys
sys.path[:0] = [os.environ["BENCH_LAYER"], os.environ["BENCH_REPO"]]
from bench.initial_sync import service_import
answer = service_import(int(os.environ["BENCH_N"]), float(os.environ["BENCH_RATE_SCALE"]))
with open(os.environ["BENCH_ANSWER"], "w", encoding="utf-8") as out:
    json.dump(answer, out)
"""


def _service_in_child(n: int, scale: float) -> dict[str, Any]:
    """`service_import` in a fresh interpreter, so its peak RSS is the stack's alone."""
    with tempfile.TemporaryDirectory() as directory:
        answer_path = Path(directory) / "answer.json"
        env = {
            **os.environ,
            "BENCH_N": str(n),
            "BENCH_RATE_SCALE": repr(scale),
            "BENCH_ANSWER": str(answer_path),
            "BENCH_LAYER": str(REPO / "layers" / "shared"),
            "BENCH_REPO": str(REPO),
        }
        env.pop("AWS_ENDPOINT_URL", None)
        answer = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", _SERVICE_CHILD],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=max(600.0, 30 * n / (RACKBEAT_PER_S * scale)),
            check=False,
        )
        if answer.returncode != 0 or not answer_path.exists():
            raise RuntimeError(f"the import (N={n}) failed: {answer.stderr.strip()[-1500:]}")
        measured: dict[str, Any] = json.loads(answer_path.read_text(encoding="utf-8"))
        return measured


def _wait_out(response: httpx.Response) -> None:
    for header in ("Retry-After", "X-RateLimit-Reset", "X-Rate-Limit-Reset"):
        value = response.headers.get(header)
        if value and value.isdigit():
            time.sleep(min(float(value), 60.0))
            return
    time.sleep(1.0)


def _naive_import(seed: dict[str, Any], scale: float) -> dict[str, Any]:
    """One record at a time: GET by number, then POST; every 429 waited out and the call repeated."""
    from bench.mapper_cpu import tripletex_to_rackbeat_inputs
    from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import map_product
    from rackbeat_tripletex.models.sync import InitialSyncRequest

    tripletex, rackbeat, servers = _simulators(seed, scale)
    records, _, refs = tripletex_to_rackbeat_inputs(seed)
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
    del tripletex, rackbeat
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
    from bench.mapper_cpu import tripletex_to_rackbeat_inputs
    from bench.stack_env import provisioned
    from rackbeat_tripletex.models.sync import InitialSyncRequest, RunState
    from rackbeat_tripletex.store.runs import RunRecord, RunStore
    from rackbeat_tripletex.store.secrets import TenantSecrets

    seed = products_seed(MEMORY_PAGE)
    _, rackbeat, servers = _simulators(seed, MEMORY_RATE_SCALE)
    _, _, refs = tripletex_to_rackbeat_inputs(seed)
    now = dt.datetime.now(dt.UTC)
    try:
        with provisioned() as aws:
            session = boto3.session.Session()
            table = session.resource("dynamodb", endpoint_url=aws.endpoint).Table(
                str(aws.outputs["StateTableName"])
            )
            prefix = str(aws.outputs["TenantSecretPrefix"])
            secrets = TenantSecrets(session.client("secretsmanager", endpoint_url=aws.endpoint), prefix)
            tenant = add_tenant(table, secrets, _credentials(seed), "bench-memory")
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
    n, scale = run.n, run.rate_scale or RATE_SCALE
    run.log(f"importing {n:,} records at the limits x{scale:g}")
    service = _service_in_child(n, scale)
    steady = bound_seconds(n, with_burst=False, scale=scale)
    run.detail.update(
        rate_scale=scale,
        service=service,
        bound_seconds_steady=steady,
        bound_seconds_with_first_window_burst=bound_seconds(n, with_burst=True, scale=scale),
    )
    reference = None
    if n > REFERENCE_N and not run.quick:
        run.log(f"importing {REFERENCE_N:,} records: the stack's RSS at that size")
        reference = run.detail["reference"] = _service_in_child(REFERENCE_N, scale)
    naive = None
    if run.baseline:
        naive_n = min(n, NAIVE_MAX)
        run.log(f"naive import of {naive_n:,} records")
        naive = run.detail["naive"] = {"n": naive_n, **_naive_import(products_seed(naive_n), scale)}
    memory = run.detail["memory"] = _memory(run)

    service_rate = service["imported"] / service["seconds"]
    bound_rate = n / max(steady.values())
    calls = sum(service["calls"].values())
    too_many = sum(int(s.get("429", 0)) for s in service["status"].values())
    imported = max(service["imported"], 1)
    stack_mb = service["stack_peak_rss_kb"] / 1024
    figures = [
        Figure(f"records imported (N={n:,}, limits x{scale:g})", service["imported"], "records"),
        Figure("throughput", round(service_rate, 1), "records/s", note=f"{service['pages']} pages"),
        Figure(
            "ratio to the rate-limit bound", round(service_rate / bound_rate, 3), "", ">=", THROUGHPUT_TARGET
        ),
        Figure(
            "Rackbeat writes/s while writing ÷ its limit",
            round(service["writes"].get("writes_per_s", 0.0) / (RACKBEAT_PER_S * scale), 3),
            "",
            note=f"writes from {service['writes'].get('first_write_s', 0):g} s (the plan before them)",
        ),
        Figure(
            "Rackbeat calls per record",
            round(service["calls"]["rackbeat"] / imported, 4),
            "",
            "<=",
            RACKBEAT_CALLS_TARGET,
        ),
        Figure("Tripletex calls per record", round(service["calls"]["tripletex"] / imported, 4), ""),
        Figure("429s seen", float(too_many), "", note=f"{too_many / max(calls, 1):.2%} of {calls:,} calls"),
        Figure(
            "records failed or dead-lettered",
            float(service["failed"] + service["dlq_messages"]),
            "",
            "<=",
            0,
            note="a 429 past the client's retries would end here",
        ),
    ]
    if naive is not None:
        naive_rate = naive["imported"] / naive["seconds"] if naive["seconds"] else float("nan")
        figures += [
            Figure(f"naive baseline throughput (N={naive['n']:,})", round(naive_rate, 1), "records/s"),
            Figure("speed-up over the naive import", round(service_rate / naive_rate, 2), "x"),
        ]
    figures.append(Figure(f"peak RSS of the local stack (N={n:,})", round(stack_mb, 1), "MB"))
    if reference is not None:
        reference_mb = reference["stack_peak_rss_kb"] / 1024
        figures.append(
            Figure(
                f"peak RSS of the local stack, N={n:,} ÷ N={REFERENCE_N:,}",
                round(stack_mb / reference_mb, 2),
                "x",
                "<=",
                STACK_GROWTH_TARGET,
                note=f"{reference_mb:.0f} MB at N={REFERENCE_N:,}",
            )
        )
    figures.append(
        Figure(
            f"worker peak RSS importing one {MEMORY_PAGE:,}-record page",
            round(memory["peak_rss_kb"] / 1024, 1),
            "MB",
            "<=",
            MEMORY_TARGET_MB,
            note=f"{memory['rss_before_kb'] / 1024:.0f} MB after imports",
        )
    )
    return figures
