"""webhook_repair: the nightly re-creation of disabled or missing webhooks (EventBridge schedule).
The work is rackbeat_tripletex.webhooks.repair; this module only wires it to its settings."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.config import function_settings
from rackbeat_tripletex.webhooks.repair import RepairSettings, repair_all

logger = Logger()


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    report = repair_all(
        function_settings(RepairSettings),
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    return report.summary()
