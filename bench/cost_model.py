"""AWS cost per tenant per month at 1,000 and 100,000 tenants, and the per-account limits 100,000
tenants would meet, from the figures this run measured and stated prices and volumes.

Prices are eu-west-1 list prices as assumed here (no free tier): check them against the AWS
pricing pages before quoting the result. Measured (this run): an idle tenant's cycle (its
Lambda time, AWS calls, messages), the fan-out's calls per tenant, the import's Lambda wall
time per record at the real limits, and the worker's peak memory. Assumed (stated below): the
volumes of a busy tenant and of a storm, the AWS and vendor latencies that turn call counts into
time at scale, and the account's fixed resources counted from template.yaml. A profile whose
measured input did not run in this run is left out, never guessed.

Profiles: *idle* (a cycle every 5 minutes, nothing changed), *busy* (idle + 500 changed records a
day), *storm* (idle + one storm a day: 5,000 product changes in Rackbeat within a minute, so
5,000 webhooks, then 5,000 records synced to Tripletex).
"""

from __future__ import annotations

import math
from typing import Any

from bench.core import TEMPLATE, Figure, Run, Unavailable, benchmark

TENANT_COUNTS = (1_000, 100_000)
PRICES = {
    "lambda_arm64_gb_second": 0.0000133334,
    "lambda_request": 0.20 / 1e6,
    "api_gateway_rest_request": 3.50 / 1e6,
    "sqs_request": 0.40 / 1e6,
    "dynamodb_write_request_unit": 0.7068 / 1e6,
    "dynamodb_read_request_unit": 0.1413 / 1e6,
    "dynamodb_storage_gb_month": 0.283,
    "secret_month": 0.40,
    "secrets_api_call": 0.05 / 10_000,
    "ses_email": 0.10 / 1_000,
    "cloudwatch_logs_ingest_gb": 0.57,
    "cloudwatch_alarm_month": 0.10,
    "kms_key_month": 1.00,
    "waf_web_acl_month": 5.00,
    "waf_rule_month": 1.00,
    "waf_request": 0.60 / 1e6,
}
VOLUMES = {
    "cycles_per_month": 30 * 24 * 60 // 5,  # SyncScheduleExpression default: rate(5 minutes)
    "function_memory_gb": 256 / 1024,  # MemorySize in template.yaml Globals
    # SQS requests per message: a tenth of a SendMessageBatch, one receive and one delete (the
    # event source mapping's, counted as unbatched to stay on the safe side).
    "sqs_requests_per_message": 2.1,
    # The idle cycle's count of GetSecretValue misses the client a handler makes at import time;
    # a task reads its tenant's secret once.
    "secrets_calls_per_task": 1,
    "log_bytes_per_invocation": 1_000,
    "busy_records_per_day": 500,
    # Per record written by the sync: a link read and write plus a cursor/run update.
    "dynamodb_reads_per_synced_record": 2,
    "dynamodb_writes_per_synced_record": 2,
    "storm_changes_per_day": 5_000,
    # A delivery verifies, writes its marker and enqueues (issue 14 part 2 measures it; until
    # its benchmark runs here, these are assumed).
    "webhook_invocation_ms": 40.0,
    "dynamodb_writes_per_webhook": 2,
    "dynamodb_reads_per_webhook": 1,
    # Issue 14's target for the Rackbeat -> Tripletex sync; each call waits for Tripletex's
    # 10 requests/s per token pair, so a record costs 1.3 / 10 s of Lambda wall time.
    "tripletex_calls_per_synced_record": 1.3,
    "records_per_tenant": 10_000,  # stored links (two rows of ~300 bytes each)
    "emails_per_tenant_per_day": 1,  # the failure digest, at most one a day
}
# Latencies that turn counts into time on AWS (assumed; local figures are moto's and the
# simulators', far below these).
LATENCY_S = {"sqs_send_message_batch": 0.010, "dynamodb_query_page": 0.020, "vendor_api_call": 0.150}
# Per-account (per-region) quotas, as documented by AWS (defaults; most can be raised).
QUOTAS = {
    "lambda_concurrent_executions": 1_000,
    "sqs_maximum_concurrency_per_event_source": 1_000,
    "fan_out_timeout_s": 60,
    "secrets_get_secret_value_per_s": 10_000,
    "secrets_per_region": 500_000,
    "ses_emails_per_24h": 50_000,
    "ses_emails_per_s": 14,
    "dynamodb_table_request_units_per_s": 40_000,
    "api_gateway_requests_per_s": 10_000,
}
# Each tenant's daily storm falls within 8 working hours (assumed): the storms of a minute.
STORM_HOURS = 8
_READS = ("GetItem", "Query", "Scan", "BatchGetItem")
_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def _idle_cycle_cost(detail: dict[str, Any], fan_out: dict[str, Any]) -> dict[str, float]:
    """One idle tenant's share of one cycle, by service (USD)."""
    calls: dict[str, int] = detail.get("aws_calls", {})
    reads = sum(n for name, n in calls.items() if name.startswith("dynamodb:") and name.endswith(_READS))
    writes = sum(n for name, n in calls.items() if name.startswith("dynamodb:") and name.endswith(_WRITES))
    secrets_calls = max(
        sum(n for name, n in calls.items() if name.startswith("secretsmanager:")),
        VOLUMES["secrets_calls_per_task"],
    )
    durations = detail.get("invocation_ms", {})
    task_ms = sum(sum(v) for k, v in durations.items() if k.endswith(" sqs"))
    invocations = sum(len(v) for k, v in durations.items() if k.endswith(" sqs"))
    # The schedule's invocation is shared by every tenant: its share is priced by _fan_out_cost.
    fan_out_calls = fan_out.get("calls", {})
    tenants = max(int(fan_out.get("tenants", 1)), 1)
    gb_s = task_ms / 1000 * VOLUMES["function_memory_gb"]
    return {
        "lambda": gb_s * PRICES["lambda_arm64_gb_second"] + invocations * PRICES["lambda_request"],
        "sqs": VOLUMES["sqs_requests_per_message"] * PRICES["sqs_request"]
        + sum(fan_out_calls.values()) / tenants * PRICES["sqs_request"],
        "dynamodb": reads * PRICES["dynamodb_read_request_unit"]
        + writes * PRICES["dynamodb_write_request_unit"],
        "secrets_calls": secrets_calls * PRICES["secrets_api_call"],
        "logs": invocations * VOLUMES["log_bytes_per_invocation"] / 1e9 * PRICES["cloudwatch_logs_ingest_gb"],
    }


def fan_out_seconds(tenants: int, fan_out: dict[str, Any]) -> float:
    """The fan-out's wall time for `tenants` on AWS: its measured calls per tenant, sent one after
    another, at the assumed latencies."""
    measured = max(int(fan_out.get("tenants", 1)), 1)
    calls: dict[str, int] = fan_out.get("calls", {})
    sends = calls.get("sqs:SendMessageBatch", 0) / measured * tenants
    pages = max(1, math.ceil(calls.get("dynamodb:Query", 1) / measured * tenants))
    return sends * LATENCY_S["sqs_send_message_batch"] + pages * LATENCY_S["dynamodb_query_page"]


def _sync_queue_concurrency() -> int:
    """ScalingConfig.MaximumConcurrency of the SyncQueue event source in template.yaml."""
    from local.cfn import load_template

    for resource in load_template(TEMPLATE)["Resources"].values():
        for event in ((resource.get("Properties") or {}).get("Events") or {}).values():
            properties = event.get("Properties") or {}
            queue = properties.get("Queue")
            if event.get("Type") == "SQS" and "SyncQueue" in str(queue) and "DLQ" not in str(queue):
                limit = (properties.get("ScalingConfig") or {}).get("MaximumConcurrency", 1000)
                if isinstance(limit, dict) and "Ref" in limit:
                    # A template parameter: its default is what a deployment without overrides gets.
                    limit = load_template(TEMPLATE)["Parameters"][limit["Ref"]]["Default"]
                return int(limit)
    raise Unavailable("template.yaml has no SyncQueue event source")


def _fixed_month() -> dict[str, float]:
    """What the account pays whatever the tenant count: alarms, keys, the web ACL (template.yaml)."""
    from local.cfn import load_template

    resources = load_template(TEMPLATE)["Resources"].values()
    kinds = [str(r.get("Type")) for r in resources]
    rules = sum(
        len((r.get("Properties") or {}).get("Rules") or [])
        for r in resources
        if r.get("Type") == "AWS::WAFv2::WebACL"
    )
    acls = kinds.count("AWS::WAFv2::WebACL")
    return {
        "alarms": kinds.count("AWS::CloudWatch::Alarm") * PRICES["cloudwatch_alarm_month"],
        "kms_keys": kinds.count("AWS::KMS::Key") * PRICES["kms_key_month"],
        "waf": acls * PRICES["waf_web_acl_month"] + rules * PRICES["waf_rule_month"],
    }


def _storm_day(seconds_per_synced_record: float) -> dict[str, float]:
    """One storm: 5,000 webhooks through API Gateway, WAF and the webhooks function, enqueued,
    then 5,000 records synced to Tripletex at its rate limit."""
    events = VOLUMES["storm_changes_per_day"]
    gb = VOLUMES["function_memory_gb"]
    webhook_gb_s = events * VOLUMES["webhook_invocation_ms"] / 1000 * gb
    sync_gb_s = events * seconds_per_synced_record * gb
    return {
        "api_gateway": events * PRICES["api_gateway_rest_request"],
        "waf": events * PRICES["waf_request"],
        "lambda": (webhook_gb_s + sync_gb_s) * PRICES["lambda_arm64_gb_second"]
        + events * PRICES["lambda_request"],
        "sqs": events * VOLUMES["sqs_requests_per_message"] * PRICES["sqs_request"],
        "dynamodb": events
        * (
            (VOLUMES["dynamodb_writes_per_webhook"] + VOLUMES["dynamodb_writes_per_synced_record"])
            * PRICES["dynamodb_write_request_unit"]
            + (VOLUMES["dynamodb_reads_per_webhook"] + VOLUMES["dynamodb_reads_per_synced_record"])
            * PRICES["dynamodb_read_request_unit"]
        ),
        "logs": events * VOLUMES["log_bytes_per_invocation"] / 1e9 * PRICES["cloudwatch_logs_ingest_gb"],
    }


def limits_at(tenants: int, idle: dict[str, Any], fan_out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each per-account quota `tenants` would meet: the load, the quota, and the answer."""
    durations = idle.get("invocation_ms", {})
    task_s = sum(sum(v) for k, v in durations.items() if k.endswith(" sqs")) / 1000
    api_calls = sum(len(v) for v in idle.get("api_calls", {}).values())
    # On AWS a task waits for its vendor calls; locally they answer in about a millisecond.
    task_s_aws = task_s + api_calls * LATENCY_S["vendor_api_call"]
    cycle_s = 300
    tasks_per_s = tenants / cycle_s
    dynamodb_calls = sum(n for name, n in idle.get("aws_calls", {}).items() if name.startswith("dynamodb:"))
    storming = max(1, round(tenants / (STORM_HOURS * 60)))
    storm_rps = storming * VOLUMES["storm_changes_per_day"] / 60
    return {
        "sync_queue_concurrency": {
            "load": round(tasks_per_s * task_s_aws, 1),
            "quota": _sync_queue_concurrency(),
            "unit": "SyncQueue workers the idle cycles need (quota: MaximumConcurrency in template.yaml)",
            "answer": (
                f"At {task_s_aws:.1f} s a task, each worker serves {cycle_s / task_s_aws:,.0f} tenants a "
                "cycle: the event source's MaximumConcurrency (at most 1,000) must follow the active tenants "
                "(issue 14 part 2), or the cycle stretches and the quiet tenants' changes wait."
            ),
        },
        "lambda_concurrency": {
            "load": round(tasks_per_s * task_s_aws, 1),
            "quota": QUOTAS["lambda_concurrent_executions"],
            "unit": "concurrent executions for the idle cycles alone",
            "answer": (
                "Fits the account's default 1,000 for the cycles; storms and imports come on top, so raise "
                "it by a quota request before 100,000 tenants, with reserved concurrency keeping the "
                "webhooks and the API answerable."
            ),
        },
        "fan_out_time": {
            "load": round(fan_out_seconds(tenants, fan_out), 1),
            "quota": QUOTAS["fan_out_timeout_s"],
            "unit": "seconds of one fan-out (SendMessageBatch one after another)",
            "answer": (
                "One SendMessageBatch per 10 tenants, sent one at a time, outgrows the function's 60 s: "
                "send in parallel threads, or fan out in shards (the schedule enqueues one message per "
                "shard of the tenant list and each shard enqueues its tenants). SQS standard queues have "
                "no throughput quota; a queue holds at most 120,000 in-flight messages, which the consumers' "
                "concurrency keeps far below."
            ),
        },
        "secrets_manager": {
            "load": round(tasks_per_s * VOLUMES["secrets_calls_per_task"], 1),
            "quota": QUOTAS["secrets_get_secret_value_per_s"],
            "unit": "GetSecretValue per second (quota: 10,000/s; 500,000 secrets per region)",
            "answer": (
                f"The rate fits; the price does not: {tenants:,} secrets cost "
                f"${tenants * PRICES['secret_month']:,.0f} a month, most of an idle tenant's cost. At this "
                "size the tokens belong in the state table, encrypted under one KMS key (envelope "
                "encryption, data keys cached per container), at about a thousandth of the price."
            ),
        },
        "ses_sending": {
            "load": tenants * VOLUMES["emails_per_tenant_per_day"],
            "quota": QUOTAS["ses_emails_per_24h"],
            "unit": "emails a day if every tenant gets its digest (production quota: 50,000/day, 14/s)",
            "answer": (
                "Ask for a higher sending quota before the tenants arrive, and spread the digests over the "
                "day (each tenant's hour from its id) so the per-second rate holds."
            ),
        },
        "dynamodb": {
            "load": round(tasks_per_s * dynamodb_calls, 1),
            "quota": QUOTAS["dynamodb_table_request_units_per_s"],
            "unit": "requests per second for the idle cycles (on-demand table quota: 40,000 units/s)",
            "answer": (
                "Fits with room for storms; one tenant's partition takes 1,000 writes/s, far above a "
                "tenant's API-bound rate. The fan-out's tenant query reads about 0.5 KB per tenant: "
                "52 pages of 1 MB at 100,000."
            ),
        },
        "api_gateway": {
            "load": round(storm_rps, 1),
            "quota": QUOTAS["api_gateway_requests_per_s"],
            "unit": (
                f"webhook requests per second, {storming:,} storms a minute (each tenant's daily storm "
                f"within {STORM_HOURS} working hours)"
            ),
            "answer": (
                "Over the account's 10,000 requests/s, which every API of the region shares: ask for a "
                "higher quota, and keep WebhooksReservedConcurrency sized so a storm cannot take the API's "
                "concurrency. API Gateway is also a storm's biggest cost; an HTTP API (about $1 per "
                "million instead of $3.50) would cut it, but takes no WAF web ACL."
            ),
        },
    }


@benchmark("cost_model", "Cost per tenant per month (model)")
def cost_model(run: Run) -> list[Figure]:
    idle = run.results.get("idle_cost")
    if idle is None or idle.status != "ok":
        raise Unavailable("needs the idle-cost benchmark of this run")
    idle_detail, fan_out = idle.detail["idle_cycle"], idle.detail.get("fan_out", {})
    per_cycle = _idle_cycle_cost(idle_detail, fan_out)
    cycles = VOLUMES["cycles_per_month"]
    fixed = _fixed_month()
    storage = (
        VOLUMES["records_per_tenant"] * 2 * 300 / 1e9 * PRICES["dynamodb_storage_gb_month"]
    )  # two link rows of ~300 bytes per record
    sync = run.results.get("initial_sync")
    seconds_per_record = None
    if sync is not None and sync.status == "ok":
        service = sync.detail["service"]
        scale = float(sync.detail["rate_scale"])
        # Billed time per record at production limits: the workers' wall time (two at once),
        # rescaled from the benchmark's raised limits back to the real ones (waiting dominates).
        seconds_per_record = 2 * service["seconds"] * scale / max(service["imported"], 1)
    synced_seconds = VOLUMES["tripletex_calls_per_synced_record"] / 10.0

    figures: list[Figure] = []
    table: dict[str, dict[str, float]] = {}
    for tenants in TENANT_COUNTS:
        fan_out_gb_s = fan_out_seconds(tenants, fan_out) * VOLUMES["function_memory_gb"]
        idle_month = {k: v * cycles for k, v in per_cycle.items()}
        idle_month["lambda"] += (
            cycles * (fan_out_gb_s * PRICES["lambda_arm64_gb_second"] + PRICES["lambda_request"]) / tenants
        )
        idle_month["secret"] = PRICES["secret_month"]
        idle_month["storage"] = storage
        idle_month["fixed_share"] = sum(fixed.values()) / tenants
        idle_month["email"] = VOLUMES["emails_per_tenant_per_day"] * 30 * PRICES["ses_email"]
        idle_total = sum(idle_month.values())
        profiles = {"idle": idle_total}
        if seconds_per_record is not None:
            records = VOLUMES["busy_records_per_day"] * 30
            profiles["busy"] = idle_total + records * (
                seconds_per_record * VOLUMES["function_memory_gb"] * PRICES["lambda_arm64_gb_second"]
                + VOLUMES["dynamodb_reads_per_synced_record"] * PRICES["dynamodb_read_request_unit"]
                + VOLUMES["dynamodb_writes_per_synced_record"] * PRICES["dynamodb_write_request_unit"]
            )
        profiles["storm"] = idle_total + 30 * sum(_storm_day(synced_seconds).values())
        table[f"{tenants}"] = {name: round(value, 4) for name, value in profiles.items()}
        run.detail.setdefault("idle_month_usd", {})[f"{tenants}"] = {
            k: round(v, 5) for k, v in idle_month.items()
        }
        for name, value in profiles.items():
            figures.append(Figure(f"{name} tenant, {tenants:,} tenants", round(value, 3), "USD/month"))
    limits = limits_at(max(TENANT_COUNTS), idle_detail, fan_out)
    for name, limit in limits.items():
        figures.append(
            Figure(
                f"at {max(TENANT_COUNTS):,} tenants: {name.replace('_', ' ')}",
                float(limit["load"]),
                "",
                "<=",
                float(limit["quota"]),
                note=str(limit["unit"]),
            )
        )
    run.detail.update(
        prices_usd=PRICES,
        volumes=VOLUMES,
        latency_s=LATENCY_S,
        quotas=QUOTAS,
        fixed_month_usd=fixed,
        per_tenant_month_usd=table,
        storm_day_usd={k: round(v, 5) for k, v in _storm_day(synced_seconds).items()},
        busy_seconds_per_record_at_real_limits=None
        if seconds_per_record is None
        else round(seconds_per_record, 3),
        limits_at_100000=limits,
    )
    if seconds_per_record is None:
        run.detail["busy"] = "left out: the initial-sync benchmark did not run"
    return figures
