"""The one sync vocabulary: entities, streams, links, failures, cursors, runs, queue messages.

The initial import and the ongoing sync read and write the same DynamoDB rows, so they share
these words: an EntityLink is one model whoever wrote it, a RecordFailure one model whichever
``source`` (the import, or a stream) it failed in. Queue messages (InitialSyncQueue's SyncTask,
SyncQueue's SyncQueueTask) carry ids, numbers and event names only, never tokens: a worker reads
the tenant's tokens from Secrets Manager itself.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

# purchase_order, payment and stock_value are the ledger streams' records (issue 15): a purchase
# order, an invoice's payment status, a period's stock value.
# A lot is a Rackbeat bill of materials; in Tripletex it is a product.
# An employee is carried once, by the initial import's optional step (initial_sync/employees.py).
Entity = Literal[
    "customer",
    "supplier",
    "product",
    "invoice",
    "purchase_order",
    "payment",
    "stock_value",
    "lot",
    "employee",
]
# The entities the initial import carries (Tripletex -> Rackbeat): every Entity but invoices.
ImportEntity = Literal["customer", "supplier", "product"]
IMPORT_ENTITIES: tuple[ImportEntity, ...] = ("customer", "supplier", "product")
# The system a stream reads from; the direction of a stream is "from its source to the other".
Source = Literal["rackbeat", "tripletex"]
Trigger = Literal["webhook", "schedule", "reconcile"]
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
    # The optional step of the vendor's import: Tripletex employees become Rackbeat employees
    # (no login, no invitation), none twice by e-mail.
    employees: bool = False

    def entity_types(self) -> list[ImportEntity]:
        return [t for t in IMPORT_ENTITIES if f"{t}s" in self.entities]


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
    entity: ImportEntity
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
    entity: ImportEntity
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
    """Which record of the other system a record became, and what each side last saw.

    One row per entity and Rackbeat key, whoever wrote it. The import claims a number and
    finishes the link (``state``, ``origin``, ``rackbeat_hash``, ``tripletex_hash``); the
    ongoing sync sets only the attributes it knows, so each keeps what the other wrote:

    * ``rackbeat_source_hash``: the Rackbeat record's content last synced to Tripletex; the same
      content again (a re-read inside the cursor overlap, a duplicate webhook) is skipped unmapped.
    * ``rackbeat_updated_at`` / ``tripletex_version``: the stamp of the version last synced.
    * ``to_tripletex_hash`` / ``to_rackbeat_hash``: the payload last written each way.
    * ``order_id`` (invoices): the order behind them, so a retry invoices that order, not a new one.
    """

    entity: Entity
    rackbeat_key: str
    tripletex_id: int | None = None
    state: LinkState | None = None
    # How the record got into the other system: created by us, or an existing record we linked.
    origin: Literal["created", "linked"] | None = None
    rackbeat_hash: str | None = None  # what the import last wrote to Rackbeat
    tripletex_hash: str | None = None  # the Tripletex record the import wrote it from
    rackbeat_updated_at: str | None = None
    tripletex_version: int | None = None
    to_tripletex_hash: str | None = None
    to_rackbeat_hash: str | None = None
    synced_at: str | None = None
    rackbeat_source_hash: str | None = None
    order_id: int | None = None
    # Deleted on one side (``deleted_in``) and made inactive or barred on the other, never
    # deleted there; neither stream writes the record again (``sync/deactivation.py``).
    deleted_in: Source | None = None
    deactivated_at: str | None = None


class FailureReason(StrEnum):
    """Why a record failed, whichever source it failed in (the import or a stream)."""

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
    # An employee without e-mail whose name an existing Rackbeat employee has: not created.
    POSSIBLE_DUPLICATE = "possible_duplicate"
    # Rackbeat -> Tripletex only.
    UNKNOWN_PRODUCT_GROUP = "unknown_product_group"
    UNKNOWN_VAT_TYPE = "unknown_vat_type"
    UNKNOWN_VAT_ZONE = "unknown_vat_zone"
    UNKNOWN_VAT_RATE = "unknown_vat_rate"
    CHANGED_AFTER_SYNC = "changed_after_sync"
    UNKNOWN_CREDITED_INVOICE = "unknown_credited_invoice"
    NOT_BOOKED = "not_booked"
    NO_LINES = "no_lines"
    MISSING_DATE = "missing_date"
    MISSING_DEPENDENCY = "missing_dependency"
    # A record the invoice needs (its customer, a product) could not be synced first.
    DEPENDENCY_FAILED = "dependency_failed"
    AMOUNTS_DO_NOT_ADD_UP = "amounts_do_not_add_up"
    # Tripletex -> Rackbeat streams take the groups and payment terms the import chose.
    NO_INITIAL_IMPORT = "no_initial_import"
    # Tenant-level findings of the invoicing preflight (``preflight.FINDING_KEYS``).
    BANK_ACCOUNT = "bank_account"
    VAT_TYPES = "vat_types"
    ZONE_VAT_TYPES = "zone_vat_types"
    # Issue 15: a ledger account the settings name is missing or inactive in Tripletex; a
    # Tripletex module or permission the stream needs is missing (one tenant-level failure).
    UNKNOWN_ACCOUNT = "unknown_account"
    NOT_AVAILABLE = "not_available"


INITIAL_SYNC: Literal["initial_sync"] = "initial_sync"


class RecordFailure(BaseModel):
    """One record that could not be imported or synced, in words the user can act on.

    ``source`` is ``initial_sync`` or the stream it failed in. The import keys a failure by the
    Tripletex id; a stream by the record's Rackbeat key (``tripletex-<id>`` without one).
    """

    source: str = INITIAL_SYNC
    entity: Entity
    key: str
    number: str | None = None
    name: str | None = None
    reason: FailureReason
    message: str
    suggested_fix: str
    attempts: int = 1
    last_attempt_at: dt.datetime | None = None

    @property
    def stream(self) -> StreamName:
        """The stream the failure belongs to (ValueError for an import failure)."""
        return StreamName(self.source)


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


class ImportRunHeader(BaseModel):
    """What the import's stored run and the progress it answers with both say about the run."""

    tenant_id: str
    run_id: str
    state: RunState
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    pages_total: int | None = None
    pages_done: int = 0


class InitialSyncProgress(ImportRunHeader):
    entities: dict[ImportEntity, EntityProgress] = Field(default_factory=dict)
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
    entities: dict[ImportEntity, DryRunEntity] = Field(default_factory=dict)
    failures: list[RecordFailure] = Field(default_factory=list)
    # Units Tripletex products use that Rackbeat lacks (each fails its products): the wizard
    # offers to create them in Rackbeat before the import, as it does for missing groups.
    missing_units: list[str] = Field(default_factory=list)
    # Customers and suppliers per currency other than the base (NOK) the import would write: a
    # currency the account lacks fails them all. Rackbeat lists the account's currencies only in
    # its 2018 spec (GET /currency): when it answers, ``currencies_checked`` is true, the lacking
    # ones are in ``missing_currencies`` and each record in one is a predicted failure; when it
    # does not, the wizard names every foreign currency for the user to check.
    foreign_currencies: dict[str, int] = Field(default_factory=dict)
    missing_currencies: list[str] = Field(default_factory=list)
    currencies_checked: bool = False


class RetryAccepted(BaseModel):
    tenant_id: str
    run_id: str
    enqueued: int


# ----- streams: one entity in one direction ---------------------------------------------------
class StreamName(StrEnum):
    """One entity in one direction; the values are the tenant's Settings.streams field names."""

    CUSTOMERS_TO_TRIPLETEX = "customers_to_tripletex"
    SUPPLIERS_TO_TRIPLETEX = "suppliers_to_tripletex"
    PRODUCTS_TO_TRIPLETEX = "products_to_tripletex"
    LOTS_TO_TRIPLETEX = "lots_to_tripletex"
    INVOICES_TO_TRIPLETEX = "invoices_to_tripletex"
    CUSTOMERS_TO_RACKBEAT = "customers_to_rackbeat"
    SUPPLIERS_TO_RACKBEAT = "suppliers_to_rackbeat"
    PRODUCTS_TO_RACKBEAT = "products_to_rackbeat"
    PURCHASE_ORDERS_TO_TRIPLETEX = "purchase_orders_to_tripletex"
    STOCK_VALUE_TO_TRIPLETEX = "stock_value_to_tripletex"
    PAYMENTS_TO_RACKBEAT = "payments_to_rackbeat"

    @property
    def entity(self) -> Entity:
        """What the name says: ``customers_to_tripletex`` carries customers."""
        return cast(Entity, self.value.split("_to_")[0].removesuffix("s"))

    @property
    def source(self) -> Source:
        return "rackbeat" if self.value.endswith("_to_tripletex") else "tripletex"


# ----- SyncQueue tasks -------------------------------------------------------------------------
class TenantSyncTask(BaseModel):
    """Run every enabled stream of one tenant from its cursors (``full``: the nightly reconcile)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["tenant"] = "tenant"
    tenant_id: str
    trigger: Literal["schedule", "reconcile", "webhook"] = "schedule"
    full: bool = False
    # The message is the tenant's holder (store/tenant_work.py): it runs what is due instead of
    # asking for the tenant first (webhook deliveries and a holder's next turn send these).
    held: bool = False
    # The holder's name (store/tenant_work.py): a message whose holder was superseded drops itself.
    holder: str | None = Field(default=None, max_length=64)
    attempt: int = Field(default=0, ge=0, exclude_if=lambda n: n == 0)  # turns ended by a temporary error


class EntitySyncTask(BaseModel):
    """One record changed on one side (a webhook). ``key`` is the Rackbeat number or Tripletex id."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["entity"] = "entity"
    tenant_id: str
    source: Source
    entity: Entity
    key: str = Field(min_length=1, max_length=255)
    event: str = Field(max_length=100)
    deleted: bool = False


SyncQueueTask = Annotated[TenantSyncTask | EntitySyncTask, Field(discriminator="kind")]
SYNC_QUEUE_TASK: TypeAdapter[TenantSyncTask | EntitySyncTask] = TypeAdapter(SyncQueueTask)


def parse_sync_task(body: str) -> TenantSyncTask | EntitySyncTask:
    return SYNC_QUEUE_TASK.validate_json(body)


# ----- history -----------------------------------------------------------------------------------
class RunOutcome(StrEnum):
    OK = "ok"
    # Some records failed; they are listed under failures and retried by the next run.
    PARTIAL = "partial"
    # The read itself failed (API down, rate limit): the cursor stayed, the next run re-reads.
    FAILED = "failed"
    # A token stopped working: the tenant is paused, the cursor stayed.
    PAUSED = "paused"


class SyncRun(BaseModel):
    """One stream's part of one run: what it read, wrote, skipped and failed."""

    tenant_id: str
    run_id: str
    stream: StreamName
    trigger: Trigger
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    read: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    outcome: RunOutcome = RunOutcome.OK
    detail: str | None = None
