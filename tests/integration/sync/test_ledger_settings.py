"""The settings of the ledger streams: the stock value's two accounts are required with the
stream on, must differ, and must be active accounts of the company's Tripletex chart (checked
against the simulator when the settings are saved)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from local.simulators.base import transport
from local.simulators.rackbeat import create_app as create_rackbeat
from local.simulators.tripletex import create_app as create_tripletex
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.models.domain import Credentials, Settings
from rackbeat_tripletex.onboarding.failures import SettingsRefusedError
from rackbeat_tripletex.onboarding.ledger_settings import check_accounts, settings_name_accounts
from rackbeat_tripletex.onboarding.vendors import LiveVendors
from tests.support.rb_to_tx_company import CONSUMER, EMPLOYEE, RACKBEAT_TOKEN, rackbeat_seed, tripletex_seed

CREDENTIALS = Credentials.model_validate(
    {
        "rackbeat_api_token": RACKBEAT_TOKEN,
        "tripletex_consumer_token": CONSUMER,
        "tripletex_employee_token": EMPLOYEE,
    }
)


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    clear_session_cache()
    yield
    clear_session_cache()


def vendors() -> LiveVendors:
    tripletex = create_tripletex(tripletex_seed())
    tripletex.store["accounts"][2]["isInactive"] = True  # 1920
    return LiveVendors(
        "http://tripletex.test/v2",
        "http://rackbeat.test/api",
        tripletex_transport=transport(tripletex),
        rackbeat_transport=transport(create_rackbeat(rackbeat_seed())),
    )


def settings(inventory: int | None, offset: int | None, *, on: bool = True) -> Settings:
    return Settings.model_validate(
        {
            "notification_email": "ingrid@fjordlager.no",
            "streams": {"stock_value_to_tripletex": on},
            "stock_value": {"inventory_account": inventory, "offset_account": offset, "schedule": "weekly"},
        }
    )


def test_the_stream_on_needs_two_different_accounts() -> None:
    with pytest.raises(ValidationError, match="needs an inventory account and an offset account"):
        settings(1460, None)
    with pytest.raises(ValidationError, match="must differ"):
        settings(1460, 1460)
    with pytest.raises(ValidationError):
        settings(99, 4090)  # not a four-digit account number
    assert settings(None, None, on=False).stock_value.schedule == "weekly"


def test_saved_accounts_must_be_active_accounts_of_the_chart() -> None:
    chart = vendors()
    check_accounts(chart, CREDENTIALS, Language.EN, settings(1460, 4090))  # both in the chart
    with pytest.raises(SettingsRefusedError) as refused:
        check_accounts(chart, CREDENTIALS, Language.EN, settings(1460, 7777))
    assert refused.value.message.startswith("Account 7777 does not exist or is inactive")
    with pytest.raises(SettingsRefusedError) as refused:
        check_accounts(chart, CREDENTIALS, Language.NB, settings(1920, 4090))
    assert refused.value.message.startswith("Kontoen 1920 finnes ikke eller er inaktiv")
    # Only asked with the stream on.
    assert settings_name_accounts(settings(1460, 4090))
    assert not settings_name_accounts(settings(1234, 5678, on=False))


def test_the_chart_offered_lists_active_accounts_by_number() -> None:
    chart = vendors().ledger_accounts(CREDENTIALS)
    assert [(a.number, a.name) for a in chart.accounts] == [
        (1460, "Innkjøpte varer for videresalg"),
        (3000, "Salgsinntekt, avgiftspliktig"),
        (4090, "Beholdningsendring"),
    ]  # 1920 is inactive here
