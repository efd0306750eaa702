"""Request and response bodies of the onboarding API (they also make its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from rackbeat_tripletex.models.domain import (
    Check,
    CredentialsSummary,
    DisplayName,
    EmailAddress,
    GroupKind,
    Settings,
    TenantStatus,
)


class NewTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_name: DisplayName = Field(description="The company's name, as the user knows it.")
    contact_name: DisplayName = Field(description="The person we write to about this integration.")
    contact_email: EmailAddress = Field(description="Where the settings link and alerts go.")


class TenantCreated(BaseModel):
    tenant_id: str
    management_token: str = Field(
        description="Shown once. Authorises every /tenants/{tenant_id} route as `Authorization: Bearer`."
    )
    status: TenantStatus


class TenantView(BaseModel):
    tenant_id: str
    company_name: str
    contact_name: str
    contact_email: str
    status: TenantStatus
    created_at: datetime
    credentials: CredentialsSummary
    settings_saved: bool


class ValidationOutcome(BaseModel):
    ok: bool
    message: str | None = None
    checks: list[Check]


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
