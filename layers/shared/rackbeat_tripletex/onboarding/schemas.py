"""Request and response bodies of the onboarding API (they also make its OpenAPI document)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SecretStr
from pydantic_core import PydanticCustomError

from rackbeat_tripletex.i18n import DEFAULT_LANGUAGE, Language
from rackbeat_tripletex.models.domain import (
    Check,
    Credentials,
    CredentialsSummary,
    DisplayName,
    EmailAddress,
    GroupKind,
    Settings,
    TenantStatus,
    ValidationReport,
)
from rackbeat_tripletex.onboarding.token_checks import failure_summary


def _nfc(value: object) -> object:
    # One spelling per name: "Å" typed as A + ring and as one letter must be the same name.
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _printable(value: str) -> str:
    # Names go into emails and pages: line breaks, tabs, NULs, bidirectional overrides and other
    # invisible format characters could forge headers or disguise text (categories Cc and Cf).
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise PydanticCustomError(
            "control_characters", "may not contain line breaks, tabs or invisible control characters"
        )
    return value


PersonOrCompanyName = Annotated[DisplayName, BeforeValidator(_nfc), AfterValidator(_printable)]
ContactEmail = Annotated[EmailAddress, BeforeValidator(_nfc), AfterValidator(_printable)]


class NewTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_name: PersonOrCompanyName = Field(description="The company's name, as the user knows it.")
    contact_name: PersonOrCompanyName = Field(description="The person we write to about this integration.")
    contact_email: ContactEmail = Field(description="Where the settings link and alerts go.")
    language: Language = Field(
        default=DEFAULT_LANGUAGE, description="What the service writes to this tenant in: nb (default) or en."
    )


class TenantCreated(BaseModel):
    tenant_id: str
    management_token: str = Field(
        description="Shown once. Authorises every /tenants/{tenant_id} route as `Authorization: Bearer`."
    )
    status: TenantStatus
    verification_sent_to: str = Field(
        description=(
            "The contact address the verification link went to; nothing else is emailed until it is opened."
        )
    )


TenantIdField = Annotated[str, Field(min_length=1, max_length=64, description="The tenant the link is for.")]
CodeField = Annotated[str, Field(min_length=8, max_length=128, description="The code from the emailed link.")]


class EmailedCode(BaseModel):
    """What an emailed link carries: the wizard sends it here from the link's fragment."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: TenantIdField
    code: CodeField


class EmailVerified(BaseModel):
    email_verified: Literal[True] = True
    message: str


class VerificationSent(BaseModel):
    sent_to: str | None = Field(
        description="Where the new link went; null when the address is confirmed already."
    )
    message: str


class SignInRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailAddress = Field(description="The contact address of the integration.")


class SignInRequested(BaseModel):
    message: str


class SessionView(BaseModel):
    started_at: datetime
    last_used_at: datetime = Field(description="When this session was used before this request.")
    idle_expires_at: datetime = Field(description="The session ends if it is not used again by then.")
    expires_at: datetime = Field(description="The session ends then at the latest; sign in again after.")


class SessionCreated(BaseModel):
    tenant_id: str
    session_token: str = Field(
        description=(
            "Authorises the tenant's routes as `Authorization: Bearer`. Replaced on use after a few "
            "minutes: an answer carrying `X-Session-Token` names its successor."
        )
    )
    session: SessionView


class SignedOut(BaseModel):
    signed_out: Literal[True] = True
    message: str


class Confirmed(BaseModel):
    action: str
    message: str


class StepUpSent(BaseModel):
    """202: the change waits for the contact to open the confirmation link we emailed."""

    confirmation_required: Literal[True] = True
    action: str = Field(description="`delete`, `credentials` or `notification_email`.")
    sent_to: str
    message: str


def _strip_pasted(value: object) -> object:
    # A token copied from a web page often carries a trailing newline or space.
    return value.strip() if isinstance(value, str) else value


def _visible_ascii(value: SecretStr) -> SecretStr:
    # Both APIs issue tokens of visible ASCII only, and the token travels in an HTTP header,
    # which cannot carry anything else: say so now rather than fail on the way to the vendor.
    if not all("!" <= ch <= "~" for ch in value.get_secret_value()):
        raise PydanticCustomError(
            "token_characters",
            "may contain only letters, digits and symbols (no spaces, line breaks or letters like "
            "\u00e6, \u00f8, \u00e5): copy the token again from the system that issued it",
        )
    return value


PastedToken = Annotated[
    SecretStr,
    BeforeValidator(_strip_pasted),
    Field(min_length=8, max_length=4096),
    AfterValidator(_visible_ascii),
]


class CredentialsRequest(Credentials):
    """The three tokens as the user pastes them into the wizard, checked for what a token can be."""

    rackbeat_api_token: PastedToken
    tripletex_consumer_token: PastedToken
    tripletex_employee_token: PastedToken
    reconnect: bool = Field(
        default=False,
        description=(
            "Connect another Rackbeat account or Tripletex company than the one the integration was "
            "set up with: the records already paired and the sync positions are forgotten."
        ),
    )


class TenantView(BaseModel):
    tenant_id: str
    company_name: str
    contact_name: str
    contact_email: str
    email_verified: bool = Field(description="Whether the contact opened the verification link.")
    status: TenantStatus
    created_at: datetime
    credentials: CredentialsSummary
    settings_saved: bool
    session: SessionView | None = Field(
        default=None, description="The session this request came with (none for the management token)."
    )


class ValidationOutcome(BaseModel):
    ok: bool
    message: str | None = None
    checks: list[Check]

    @classmethod
    def of(cls, report: ValidationReport) -> ValidationOutcome:
        if report.ok:
            return cls(ok=True, checks=report.checks)
        return cls(ok=False, message=failure_summary(report.checks), checks=report.checks)


class NamedRecord(BaseModel):
    number: str
    name: str


class ProductGroupView(NamedRecord):
    has_inventory: bool


class RackbeatPrerequisites(BaseModel):
    customer_groups: list[NamedRecord]
    supplier_groups: list[NamedRecord]
    product_groups: list[ProductGroupView]
    payment_terms: list[NamedRecord]


class TripletexCounts(BaseModel):
    customers: int
    suppliers: int
    products: int


class Prerequisites(BaseModel):
    rackbeat: RackbeatPrerequisites
    tripletex_counts: TripletexCounts
    missing: list[GroupKind] = Field(description="Required Rackbeat groups that do not exist yet.")


class CreateGroups(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: Annotated[list[GroupKind], Field(min_length=1, max_length=4)]


UnitName = Annotated[str, Field(min_length=1, max_length=100)]


class CreateUnits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: Annotated[list[UnitName], Field(min_length=1, max_length=200)] = Field(
        description="The units the import preview named as missing (`missing_units`); case is ignored."
    )


class UnitsCreated(BaseModel):
    created: list[NamedRecord] = Field(
        description="The Rackbeat units made now, named as in Tripletex; empty when none was missing."
    )


class SettingsUpdate(Settings):
    send_settings_link: bool = Field(
        default=False, description="Email the settings link again (the first save always does)."
    )


class SettingsView(BaseModel):
    settings: Settings | None
    status: TenantStatus


class SettingsSaved(BaseModel):
    settings: Settings
    status: TenantStatus
    settings_link_sent_to: str | None = None


class TokenRotated(BaseModel):
    sent_to: str
    message: str


class DeleteTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm_company_name: DisplayName = Field(
        description="Type the company name exactly as registered to confirm the deletion."
    )


class TenantDeleted(BaseModel):
    deleted: Literal[True] = True
    webhooks_removed: int
    warnings: list[str] = Field(default_factory=list)


class ErrorBody(BaseModel):
    message: str


class VendorUnavailable(BaseModel):
    """503: Rackbeat or Tripletex is rate limiting us, failing or unreachable; nothing is lost."""

    message: str
    system: str = Field(description="`Rackbeat` or `Tripletex`.")
    retry_after_seconds: int | None = Field(
        default=None, description="When the system said how long to wait; also sent as `Retry-After`."
    )
