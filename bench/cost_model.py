"""AWS cost per tenant per month, from the figures this run measured and stated prices and volumes.

Prices are eu-west-1 list prices as assumed here (no free tier): check them against the AWS
pricing pages before quoting the result. Volumes are stated below. Everything measured comes
from the idle-cost and initial-sync benchmarks of the same run; if one of them did not run,
the tenant it prices is left out rather than guessed.
"""

from __future__ import annotations

from typing import Any

from bench.core import Figure, Run, Unavailable, benchmark

PRICES = {
    "lambda_arm64_gb_second": 0.0000133334,
    "lambda_request": 0.20 / 1e6,
    "sqs_request": 0.40 / 1e6,
    "dynamodb_write_request_unit": 0.7068 / 1e6,
    "dynamodb_read_request_unit": 0.1413 / 1e6,
    "secret_month": 0.40,
    "secrets_api_call": 0.05 / 10_000,
}
VOLUMES = {
    "cycles_per_month": 30 * 24 * 60 // 5,  # SyncScheduleExpression default: rate(5 minutes)
    "function_memory_gb": 256 / 1024,  # MemorySize in template.yaml Globals
    # SQS requests per message: a tenth of a SendMessageBatch, one receive and one delete (the
    # event source mapping's, counted as unbatched to stay on the safe side).
    "sqs_requests_per_message": 2.1,
    "busy_records_per_day": 500,
    # Per record written by the sync: a link read and write plus a cursor/run update (assumed:
    # the import's DynamoDB calls are not counted per record yet).
    "busy_dynamodb_reads_per_record": 2,
    "busy_dynamodb_writes_per_record": 2,
}
_READS = ("GetItem", "Query", "Scan", "BatchGetItem")
_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def _idle_cycle_cost(detail: dict[str, Any], fan_out: dict[str, Any]) -> dict[str, float]:
    calls: dict[str, int] = detail.get("aws_calls", {})
    reads = sum(n for name, n in calls.items() if name.startswith("dynamodb:") and name.endswith(_READS))
    writes = sum(n for name, n in calls.items() if name.startswith("dynamodb:") and name.endswith(_WRITES))
    secrets_calls = sum(n for name, n in calls.items() if name.startswith("secretsmanager:"))
    durations = detail.get("invocation_ms", {})
    task_ms = sum(sum(v) for k, v in durations.items() if k.endswith(" sqs"))
    fan_out_ms = sum(sum(v) for k, v in durations.items() if k.endswith(" schedule"))
    invocations = sum(len(v) for k, v in durations.items() if k.endswith(" sqs"))
    # The schedule's invocation is shared by every tenant; its per-tenant share comes from the
    # fan-out benchmark (its calls per tenant) and is negligible next to the tenant's own task.
    fan_out_share = fan_out.get("calls", {})
    tenants = max(int(fan_out.get("tenants", 1)), 1)
    gb_s = (task_ms + fan_out_ms / tenants) / 1000 * VOLUMES["function_memory_gb"]
    return {
        "lambda": gb_s * PRICES["lambda_arm64_gb_second"] + invocations * PRICES["lambda_request"],
        "sqs": VOLUMES["sqs_requests_per_message"] * PRICES["sqs_request"]
        + sum(fan_out_share.values()) / tenants * PRICES["sqs_request"],
        "dynamodb": reads * PRICES["dynamodb_read_request_unit"]
        + writes * PRICES["dynamodb_write_request_unit"],
        "secrets_calls": secrets_calls * PRICES["secrets_api_call"],
    }


@benchmark("cost_model", "Cost per tenant per month (model)")
def cost_model(run: Run) -> list[Figure]:
    idle = run.results.get("idle_cost")
    if idle is None or idle.status != "ok":
        raise Unavailable("needs the idle-cost benchmark of this run")
    per_cycle = _idle_cycle_cost(idle.detail["idle_cycle"], idle.detail.get("fan_out", {}))
    cycles = VOLUMES["cycles_per_month"]
    idle_month = {k: v * cycles for k, v in per_cycle.items()}
    idle_month["secret"] = PRICES["secret_month"]
    idle_total = sum(idle_month.values())
    run.detail.update(
        prices_usd=PRICES, volumes=VOLUMES, idle_month_usd={k: round(v, 4) for k, v in idle_month.items()}
    )
    figures = [Figure("idle tenant", round(idle_total, 3), "USD/month", note=f"{cycles:,} cycles")]

    sync = run.results.get("initial_sync")
    if sync is not None and sync.status == "ok":
        service = sync.detail["service"]
        scale = float(sync.detail["rate_scale"])
        # Billed time per record at production limits: the workers' wall time (two at once),
        # rescaled from the benchmark's raised limits back to the real ones (waiting dominates).
        seconds_per_record = 2 * service["seconds"] * scale / max(service["imported"], 1)
        records = VOLUMES["busy_records_per_day"] * 30
        busy_extra = records * (
            seconds_per_record * VOLUMES["function_memory_gb"] * PRICES["lambda_arm64_gb_second"]
            + VOLUMES["busy_dynamodb_reads_per_record"] * PRICES["dynamodb_read_request_unit"]
            + VOLUMES["busy_dynamodb_writes_per_record"] * PRICES["dynamodb_write_request_unit"]
        )
        run.detail["busy_seconds_per_record_at_real_limits"] = round(seconds_per_record, 3)
        figures.append(
            Figure(
                "busy tenant",
                round(idle_total + busy_extra, 3),
                "USD/month",
                note=f"idle + {VOLUMES['busy_records_per_day']} records/day",
            )
        )
    else:
        run.detail["busy"] = "left out: the initial-sync benchmark did not run"
    return figures
