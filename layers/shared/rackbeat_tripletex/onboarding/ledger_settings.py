"""The settings check of the ledger streams: the stock value's accounts must be active accounts of
the company's Tripletex chart when the settings are saved."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import Credentials, Settings
from rackbeat_tripletex.onboarding.failures import SettingsRefusedError


class ChartAccount(BaseModel):
    number: int
    name: str


class Chart(BaseModel):
    """The company's active Tripletex accounts, to choose the stock value's two from."""

    accounts: list[ChartAccount]


class Accounts(Protocol):
    """What the ledger settings need from Tripletex (part of onboarding's ``Vendors``)."""

    def missing_accounts(self, credentials: Credentials, numbers: list[int]) -> list[int]: ...

    def ledger_accounts(self, credentials: Credentials) -> Chart: ...


def settings_name_accounts(settings: Settings) -> bool:
    """The stock value stream is on: its two accounts are used and must exist."""
    return bool(getattr(settings.streams, "stock_value_to_tripletex", False))


def check_accounts(
    vendors: Accounts, credentials: Credentials, language: Language, settings: Settings
) -> None:
    chosen = settings.stock_value
    numbers = [n for n in (chosen.inventory_account, chosen.offset_account) if n is not None]
    missing = vendors.missing_accounts(credentials, numbers)
    if missing:
        listed = ", ".join(map(str, missing))
        raise SettingsRefusedError(text("stock_value.settings_accounts", language, numbers=listed))
