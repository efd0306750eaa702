"""token_validation: the daily re-check of every stored tenant's tokens (EventBridge schedule).

Tokens a user enters in the wizard are checked by onboarding_api itself, in-process, through the
same layer function (rackbeat_tripletex.onboarding.vendors.LiveVendors.validate). Invoking this
function for that would put the raw tokens into an invoke payload (one more place they travel
and could be logged) and add a cold start to a request the user waits on, for no isolation
gained: onboarding_api must write the secret anyway. So this function runs only on the schedule.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.config import function_settings
from rackbeat_tripletex.onboarding.service import Onboarding
from rackbeat_tripletex.onboarding.wiring import OnboardingSettings, build_onboarding

logger = Logger()


@cache
def onboarding() -> Onboarding:
    return build_onboarding(function_settings(OnboardingSettings))


@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, int]:
    logger.info("daily token check started", extra={"schedule_time": event.time})
    return onboarding().recheck_stored_tokens()
