"""token_validation: the daily re-check of every stored tenant's tokens, and the hourly removal
of tenants whose contact never confirmed the address (EventBridge schedules).

Tokens a user enters in the wizard are checked by onboarding_api itself, in-process, through the
same layer function (rackbeat_tripletex.onboarding.vendors.LiveVendors.validate). Invoking this
function for that would put the raw tokens into an invoke payload (one more place they travel
and could be logged) and add a cold start to a request the user waits on, for no isolation
gained: onboarding_api must write the secret anyway. So this function runs only on the schedule.

The module loads only Powertools' Logger: the onboarding service (boto3, httpx, pydantic) is
imported on the first invocation (bench/cold_start.py measures the import).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from rackbeat_tripletex.onboarding.service import Onboarding

logger = Logger()


@cache
def onboarding() -> Onboarding:
    from rackbeat_tripletex.config import function_settings
    from rackbeat_tripletex.onboarding.wiring import OnboardingSettings, build_onboarding

    return build_onboarding(function_settings(OnboardingSettings))


REMOVE_UNVERIFIED = "remove_unverified"


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # The cleanup schedule sends a constant input; the daily check gets the scheduled event.
    if event.get("action") == REMOVE_UNVERIFIED:
        logger.info("removal of unconfirmed tenants started")
        return {"removed": onboarding().remove_unverified()}
    from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent

    scheduled = EventBridgeEvent(event)
    logger.info("daily token check started", extra={"schedule_time": scheduled.get("time")})
    return onboarding().recheck_stored_tokens()
