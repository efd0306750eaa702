"""webhook_repair: the nightly re-creation of disabled or missing webhooks (EventBridge schedule).
The work is rackbeat_tripletex.webhooks.repair; this module only wires it to its settings, and
imports it on the first invocation (bench/cold_start.py measures the import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    from rackbeat_tripletex.config import function_settings
    from rackbeat_tripletex.webhooks.repair import RepairSettings, repair_all

    report = repair_all(
        function_settings(RepairSettings),
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    return report.summary()
