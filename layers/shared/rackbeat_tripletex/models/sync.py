"""Our own sync domain: the initial-sync request, SyncTask messages, links, failures, progress.

SyncTask messages travel on InitialSyncQueue. They carry ids and numbers only, never tokens:
a worker reads the tenant's tokens from Secrets Manager itself.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

EntityType = Literal["customer", "supplier", "product"]
ENTITY_TYPES: tuple[EntityType, ...] = ("customer", "supplier", "product")
# The request names entities in the plural, as the wizard shows them.
EntityName = Literal["customers", "suppliers", "products"]
_ALL_ENTITIES: tuple[EntityName, ...] = ("customers", "suppliers", "products")


class PaymentTermsMapping(BaseModel):
    """Tripletex ``invoicesDueIn`` (days) -> Rackbeat payment term number; ``default`` otherwise."""

    model_config = ConfigDict(extra="forbid")

    default: int = Field(ge=1)
    by_days: dict[str, int] = Field(default_factory=dict)

    def term_for(self, days: int | None) -> int:
        if days is None:
            return self.default
        return self.by_days.get(str(days), self.default)


class InitialSyncRequest(BaseModel):
    """What the wizard posts to start the import. Group fields are Rackbeat group numbers."""

    model_config = ConfigDict(extra="forbid")

    entities: list[EntityName] = Field(default_factory=lambda: list(_ALL_ENTITIES))
    customer_group: int = Field(ge=1)
    supplier_group: int = Field(ge=1)
    product_group: int = Field(ge=1)
    service_group: int = Field(ge=1)
    payment_terms: PaymentTermsMapping
    # Where a product goes whose answer has no isStockItem (a Tripletex company without the
    # logistics module leaves the field out, TRIPLETEX-EVIDENCE B9): nothing else on a product
    # tells stock from service, so the tenant decides. Stock by default: a company moves its
    # products into Rackbeat to keep inventory of them.
    products_without_stock_flag: Literal["stock", "service"] = "stock"

    def entity_types(self) -> list[EntityType]:
        return [t for t in ENTITY_TYPES if f"{t}s" in self.entities]


class ReferenceData(BaseModel):
    """Lookups a page needs to map records, resolved once per run (and again on a retry)."""

    currency_codes: dict[int, str] = Field(default_factory=dict)  # Tripletex currency id -> ISO code
    country_codes: dict[int, str] = Field(default_factory=dict)  # Tripletex country id -> ISO alpha-2
    unit_names: dict[int, str] = Field(default_factory=dict)  # Tripletex productUnit id -> nameShort
    rackbeat_units: dict[str, int] = Field(default_factory=dict)  # Rackbeat unit name -> number
    rackbeat_payment_terms: list[int] = Field(default_factory=list)


# ----- SyncTask messages ---------------------------------------------------------------------
class PlanTask(BaseModel):
    kind: Literal["plan"] = "plan"
    tenant_id: str
    run_id: str


class PageTask(BaseModel):
    """One page: the Tripletex ids of at most ``PAGE_SIZE`` records of one entity.

    Ids, not offsets: a record created or deleted in Tripletex while the import runs cannot shift
    a later page, so no record is skipped or read twice between pages.
    """

    kind: Literal["page"] = "page"
    tenant_id: str
    run_id: str
    entity: EntityType
    page: int = Field(ge=0)
    ids: list[int] = Field(min_length=1, max_length=1000)
    # Ids of this page whose number a lower Tripletex id also has (-> that id): they fail as
    # duplicates whichever page runs first.
    duplicate_of: dict[int, int] = Field(default_factory=dict)


class RetryTask(BaseModel):
    """Failed records re-enqueued by the user; counted against the run, not a second run."""

    kind: Literal["retry"] = "retry"
    tenant_id: str
    run_id: str
    entity: EntityType
    ids: list[int] = Field(min_length=1, max_length=1000)


SyncTask = Annotated[PlanTask | PageTask | RetryTask, Field(discriminator="kind")]
SYNC_TASK: TypeAdapter[PlanTask | PageTask | RetryTask] = TypeAdapter(SyncTask)


def parse_task(body: str) -> PlanTask | PageTask | RetryTask:
    return SYNC_TASK.validate_json(body)


# ----- state --------------------------------------------------------------------------------
class Cursor(BaseModel):
    """Where a stream's incremental sync resumes. The initial sync leaves one per entity set to
    the moment it started reading, so the ongoing sync picks up every change made meanwhile."""

    stream: str
    value: str


class LinkState(StrEnum):
    # The number is claimed for this Tripletex record; the Rackbeat write may not have happened.
    PENDING = "pending"
    SYNCED = "synced"


class EntityLink(BaseModel):
    entity: EntityType
    rackbeat_key: str
    tripletex_id: int
    state: LinkState
    # How the record got into Rackbeat: created by us, or an existing record we linked.
    origin: Literal["created", "linked"] = "created"
    rackbeat_hash: str | None = None  # hash of what we last wrote to Rackbeat
    tripletex_hash: str | None = None  # hash of the Tripletex record it came from


class FailureReason(StrEnum):
    MISSING_NUMBER = "missing_number"
    INVALID_NUMBER = "invalid_number"
    DUPLICATE_NUMBER = "duplicate_number"
    MISSING_NAME = "missing_name"
    NAME_TOO_LONG = "name_too_long"
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_COUNTRY = "unknown_country"
    UNREADABLE = "unreadable"  # the vendor's answer for the record did not fit our read model
    INVALID_PRICE = "invalid_price"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"


class RecordFailure(BaseModel):
    """One record that could not be imported, in words the user can act on."""

    entity: EntityType
    key: str  # the Tripletex id
    number: str | None = None
    name: str | None = None
    reason: FailureReason
    message: str
    suggested_fix: str
    attempts: int = 1
    last_attempt_at: dt.datetime | None = None


class RunState(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"
    COMPLETED_WITH_FAILURES = "completed_with_failures"


class EntityProgress(BaseModel):
    total: int = 0
    done: int = 0
    created: int = 0
    linked: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # deleted in Tripletex between planning and import
    failed: int = 0


class InitialSyncProgress(BaseModel):
    tenant_id: str
    run_id: str
    state: RunState
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    pages_total: int | None = None
    pages_done: int = 0
    entities: dict[EntityType, EntityProgress] = Field(default_factory=dict)
    estimated_seconds_left: float | None = None


class Accepted(BaseModel):
    """202: the import was started; poll the progress."""

    tenant_id: str
    run_id: str
    state: RunState = RunState.PLANNED


class DryRunEntity(BaseModel):
    total: int = 0
    would_create: int = 0
    would_link: int = 0
    would_fail: int = 0
    sample: list[dict[str, object]] = Field(default_factory=list)


class DryRunReport(BaseModel):
    tenant_id: str
    entities: dict[EntityType, DryRunEntity] = Field(default_factory=dict)
    failures: list[RecordFailure] = Field(default_factory=list)
    # Units Tripletex products use that Rackbeat lacks (each fails its products): the wizard
    # offers to create them in Rackbeat before the import, as it does for missing groups.
    missing_units: list[str] = Field(default_factory=list)


class RetryAccepted(BaseModel):
    tenant_id: str
    run_id: str
    enqueued: int
