"""Our own domain: tenants, their credentials and settings, and the token validation report."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rackbeat_tripletex.i18n import DEFAULT_LANGUAGE, Language
from rackbeat_tripletex.models.sync import StreamName

# Plain-text names shown back to the user and put into emails: no control characters, bounded.
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _check_email(value: str) -> str:
    # A deliberately small check (one "@", a dotted domain, no spaces): SES is the real judge,
    # this only catches typos while the user can still fix them in the form.
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or domain.startswith(".") or domain.endswith("."):
        raise PydanticCustomError("email_address", "is not an email address (expected name@company.no)")
    if any(ch.isspace() for ch in value) or "@" in domain:
        raise PydanticCustomError("email_address", "is not an email address (expected name@company.no)")
    return value


EmailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_check_email),
]

# Tokens are opaque to us; the bounds only stop garbage (pasted documents) early.
TokenValue = Annotated[SecretStr, Field(min_length=8, max_length=4096)]


class TenantStatus(StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    PAUSED = "paused"
    NEEDS_RELINK = "needs_relink"


class TripletexEnvironment(StrEnum):
    PRODUCTION = "production"
    TEST = "test"


class Credentials(BaseModel):
    """The three tokens a tenant pastes. SecretStr keeps them out of reprs, logs and dumps."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rackbeat_api_token: TokenValue
    tripletex_consumer_token: TokenValue
    tripletex_employee_token: TokenValue

    def secret_values(self) -> dict[str, str]:
        """The raw values, for the one place allowed to hold them: the tenant's secret."""
        return {
            "rackbeat_api_token": self.rackbeat_api_token.get_secret_value(),
            "tripletex_consumer_token": self.tripletex_consumer_token.get_secret_value(),
            "tripletex_employee_token": self.tripletex_employee_token.get_secret_value(),
        }


class CredentialsSummary(BaseModel):
    """What we may show about a tenant's credentials: who they belong to, never the tokens."""

    validated_at: datetime | None = None
    rackbeat_company: str | None = None
    tripletex_company: str | None = None
    tripletex_environment: TripletexEnvironment | None = None
    # Which account and company the tokens belong to: names change, ids do not, and new tokens
    # for another one must not silently inherit this tenant's links and cursors.
    rackbeat_account_id: int | None = None
    tripletex_company_id: int | None = None


class Tenant(BaseModel):
    """A tenant's profile row. `management_token_hash` never leaves the store layer in a reply."""

    tenant_id: str
    company_name: str
    contact_name: str
    contact_email: str
    status: TenantStatus = TenantStatus.ONBOARDING
    created_at: datetime
    updated_at: datetime
    management_token_hash: str = Field(repr=False)
    credentials: CredentialsSummary = Field(default_factory=CredentialsSummary)
    # Set when the "tokens stopped working" email went out; cleared by new valid credentials,
    # so the contact hears about one outage exactly once.
    relink_notified_at: datetime | None = None
    settings_saved_at: datetime | None = None
    # True from POST /tenants until the contact opens the verification link: until then nothing
    # but that link is emailed, and the tenant is removed after a day. (False by default: a
    # profile only gets here through onboarding, which always says.)
    email_verification_pending: bool = False
    email_verified_at: datetime | None = None
    # What every page, message and email for this tenant is written in (chosen at step 1).
    language: Language = DEFAULT_LANGUAGE


class _StreamSwitches(BaseModel):
    """Which entity/direction pairs run: one switch per ``StreamName``, all off until the tenant
    chooses. The fields are made from ``StreamName`` so a new stream needs no edit here."""

    model_config = ConfigDict(extra="forbid")


if TYPE_CHECKING:
    Streams = _StreamSwitches
else:
    Streams = create_model(
        "Streams",
        __base__=_StreamSwitches,
        __doc__=_StreamSwitches.__doc__,
        **{name.value: (bool, False) for name in StreamName},
    )


InvoiceMode = Literal["invoice", "order"]
AccountNumber = Annotated[int, Field(ge=1000, le=9999)]


class StockValueSettings(BaseModel):
    """How the stock value reaches the ledger (``stock_value_to_tripletex``): one voucher per
    period, dated its last day, moving ``inventory_account`` to Rackbeat's value against
    ``offset_account``. The accounts are Tripletex account numbers (checked against the
    company's chart of accounts when the settings are saved)."""

    model_config = ConfigDict(extra="forbid")

    schedule: Literal["daily", "weekly", "monthly"] = "monthly"
    inventory_account: AccountNumber | None = None
    offset_account: AccountNumber | None = None
    # The first period to post (backdating): by default the one the streams were switched on in.
    first_period_from: date | None = None

    @model_validator(mode="after")
    def _two_accounts(self) -> StockValueSettings:
        if self.inventory_account is not None and self.inventory_account == self.offset_account:
            raise ValueError("the inventory account and the offset account must differ")
        return self


class PurchaseOrderSettings(BaseModel):
    """What the purchase-order stream does with what Rackbeat received: nothing (``off``: the
    order only, for matching the supplier invoice), register it on the Tripletex order, or also
    confirm it once complete (``confirm`` moves Tripletex stock, while Rackbeat stays the stock
    master: only for companies that keep no stock in Tripletex)."""

    model_config = ConfigDict(extra="forbid")

    goods_receipts: Literal["off", "register", "confirm"] = "off"


class Settings(BaseModel):
    """What the tenant chose in the settings step."""

    model_config = ConfigDict(extra="forbid")

    streams: Streams = Field(default_factory=Streams)
    invoice_mode: InvoiceMode = Field(
        default="invoice",
        description="Booked Rackbeat invoices go to Tripletex as a booked invoice or as a sales order.",
    )
    sync_interval_minutes: int = Field(default=15, ge=5, le=1440)
    notification_email: EmailAddress
    vat_zone_types: dict[
        Annotated[str, Field(min_length=1, max_length=40)], Annotated[str, Field(min_length=1, max_length=10)]
    ] = Field(
        default_factory=dict,
        max_length=20,
        description=(
            "Rackbeat VAT zone -> Tripletex VAT type number, for zones the standard codes do not "
            "cover (e.g. a country-specific zone); checked against the company's active VAT types."
        ),
    )
    stock_value: StockValueSettings = Field(default_factory=StockValueSettings)
    purchase_orders: PurchaseOrderSettings = Field(default_factory=PurchaseOrderSettings)

    @model_validator(mode="after")
    def _stock_value_accounts(self) -> Settings:
        chosen = self.stock_value
        if getattr(self.streams, "stock_value_to_tripletex", False) and (
            chosen.inventory_account is None or chosen.offset_account is None
        ):
            raise ValueError("the stock value stream needs an inventory account and an offset account")
        return self


class GroupKind(StrEnum):
    """The four Rackbeat groups the import needs (setup guide, step "groups")."""

    CUSTOMER_GROUP = "customer_group"
    SUPPLIER_GROUP = "supplier_group"
    PRODUCT_GROUP = "product_group"
    SERVICE_GROUP = "service_group"


class GroupMapping(BaseModel):
    """The Rackbeat group numbers imported records are put into, one per kind."""

    customer_group: str | None = None
    supplier_group: str | None = None
    product_group: str | None = None
    service_group: str | None = None


class CheckId(StrEnum):
    RACKBEAT_TOKEN = "rackbeat_token"  # noqa: S105 - a check id
    TRIPLETEX_SESSION = "tripletex_session"
    TRIPLETEX_COMPANY = "tripletex_company"
    TRIPLETEX_ACCESS_CUSTOMER = "tripletex_access_customer"
    TRIPLETEX_ACCESS_SUPPLIER = "tripletex_access_supplier"
    TRIPLETEX_ACCESS_PRODUCT = "tripletex_access_product"
    TRIPLETEX_ACCESS_INVOICE = "tripletex_access_invoice"
    TRIPLETEX_ENVIRONMENT = "tripletex_environment"
    # The company's setup for invoicing (advisory: they do not stop the tokens being accepted).
    TRIPLETEX_BANK_ACCOUNT = "tripletex_bank_account"
    TRIPLETEX_VAT_TYPES = "tripletex_vat_types"
    TRIPLETEX_EHF = "tripletex_ehf"


class Check(BaseModel):
    """One line of the validation report. `fix` says, in plain words, what the user does next."""

    id: CheckId
    label: str
    ok: bool
    detail: str = ""
    fix: str | None = None
    # The form input the fix is about (``rackbeat_api_token``, ``tripletex_consumer_token``,
    # ``tripletex_employee_token``), so the page shows it there; None when no one input is.
    field: str | None = None
    # True when the answer was "could not ask" (timeout, 5xx), not "no": the daily check must
    # not pause a tenant because a vendor had a bad minute.
    inconclusive: bool = Field(default=False, exclude=True)
    # A finding about the company's setup (e.g. no bank account for invoices): shown with its fix,
    # but the tokens are still accepted and a tenant is never paused for it.
    advisory: bool = False


class ValidationReport(BaseModel):
    checks: list[Check]
    rackbeat_company: str | None = None
    tripletex_company: str | None = None
    tripletex_environment: TripletexEnvironment | None = None
    rackbeat_account_id: int | None = None
    tripletex_company_id: int | None = None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks if not check.advisory)

    @property
    def inconclusive(self) -> bool:
        return any(check.inconclusive for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok and not check.advisory]
