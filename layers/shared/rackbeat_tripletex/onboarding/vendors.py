"""Onboarding's calls to Rackbeat and Tripletex: token validation (token_checks), prerequisites,
group and unit creation, and removing what we registered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from rackbeat_tripletex.clients import ledger
from rackbeat_tripletex.clients.http import (
    RetryPolicy,
)
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import DEFAULT_UNIT, tripletex_unit_name
from rackbeat_tripletex.models.domain import (
    Credentials,
    GroupKind,
    ValidationReport,
)
from rackbeat_tripletex.models.rackbeat import GroupWrite, ProductGroupWrite, UnitWrite
from rackbeat_tripletex.onboarding.ledger_settings import Chart, ChartAccount
from rackbeat_tripletex.onboarding.schemas import (
    NamedRecord,
    Prerequisites,
    ProductGroupView,
    RackbeatPrerequisites,
    TripletexCounts,
)
from rackbeat_tripletex.onboarding.token_checks import TokenChecks

logger = logging.getLogger(__name__)

# The user waits for these calls (API Gateway gives up after 29 s): fail fast, retry little.
ONBOARDING_RETRY = RetryPolicy(max_attempts=2, base_delay=0.2, max_delay=1.0, max_rate_limit_wait=2.0)
TIMEOUT_SECONDS = 8.0

# Names of the groups "create them for me" makes; Norwegian, as the tenants are Norwegian.
DEFAULT_GROUP_NAMES = {
    GroupKind.CUSTOMER_GROUP: "Kunder",
    GroupKind.SUPPLIER_GROUP: "Leverandører",
    GroupKind.PRODUCT_GROUP: "Varer",
    GroupKind.SERVICE_GROUP: "Tjenester",
}


@dataclass
class LiveVendors:
    tripletex_base_url: str
    rackbeat_base_url: str
    tripletex_transport: httpx.BaseTransport | None = None
    rackbeat_transport: httpx.BaseTransport | None = None

    # -- clients --------------------------------------------------------------------------

    def rackbeat(self, credentials: Credentials) -> RackbeatClient:
        return RackbeatClient(
            self.rackbeat_base_url,
            credentials.rackbeat_api_token,
            transport=self.rackbeat_transport,
            timeout=TIMEOUT_SECONDS,
            retry=ONBOARDING_RETRY,
        )

    def tripletex(self, credentials: Credentials) -> TripletexClient:
        return TripletexClient(
            self.tripletex_base_url,
            TripletexCredentials(
                consumer_token=credentials.tripletex_consumer_token,
                employee_token=credentials.tripletex_employee_token,
            ),
            transport=self.tripletex_transport,
            timeout=TIMEOUT_SECONDS,
            retry=ONBOARDING_RETRY,
        )

    def missing_accounts(self, credentials: Credentials, numbers: list[int]) -> list[int]:
        """Which of these account numbers the company's chart lacks or has made inactive."""
        found = ledger.accounts(self.tripletex(credentials), numbers)
        return [n for n in numbers if n not in found or found[n].is_inactive]

    def ledger_accounts(self, credentials: Credentials) -> Chart:
        found = ledger.active_accounts(self.tripletex(credentials))
        return Chart(accounts=[ChartAccount(number=a.number, name=a.name) for a in found])

    def validate(self, credentials: Credentials) -> ValidationReport:
        return TokenChecks(self.rackbeat, self.tripletex, self.tripletex_base_url).validate(credentials)

    # -- prerequisites --------------------------------------------------------------------

    def prerequisites(self, credentials: Credentials) -> Prerequisites:
        with self.rackbeat(credentials) as rackbeat:
            rb = RackbeatPrerequisites(
                customer_groups=[
                    NamedRecord(number=str(g.number), name=g.name)
                    for g in readable(rackbeat.customer_groups())
                ],
                supplier_groups=[
                    NamedRecord(number=str(g.number), name=g.name)
                    for g in readable(rackbeat.supplier_groups())
                ],
                product_groups=[
                    ProductGroupView(number=str(g.number), name=g.name, has_inventory=g.has_inventory)
                    for g in readable(rackbeat.product_groups())
                ],
                payment_terms=[
                    NamedRecord(number=str(t.number), name=t.name) for t in readable(rackbeat.payment_terms())
                ],
            )
        with self.tripletex(credentials) as tripletex:
            counts = TripletexCounts(
                customers=tripletex.count("customer"),
                suppliers=tripletex.count("supplier"),
                products=tripletex.count("product"),
            )
        return Prerequisites(rackbeat=rb, tripletex_counts=counts, missing=missing_groups(rb))

    def create_groups(self, credentials: Credentials, kinds: list[GroupKind]) -> None:
        with self.rackbeat(credentials) as rackbeat:
            creators: dict[GroupKind, Callable[[], object]] = {
                GroupKind.CUSTOMER_GROUP: lambda: rackbeat.create_customer_group(
                    GroupWrite(name=DEFAULT_GROUP_NAMES[GroupKind.CUSTOMER_GROUP])
                ),
                GroupKind.SUPPLIER_GROUP: lambda: rackbeat.create_supplier_group(
                    GroupWrite(name=DEFAULT_GROUP_NAMES[GroupKind.SUPPLIER_GROUP])
                ),
                GroupKind.PRODUCT_GROUP: lambda: rackbeat.create_product_group(
                    ProductGroupWrite(name=DEFAULT_GROUP_NAMES[GroupKind.PRODUCT_GROUP], has_inventory=True)
                ),
                GroupKind.SERVICE_GROUP: lambda: rackbeat.create_product_group(
                    ProductGroupWrite(name=DEFAULT_GROUP_NAMES[GroupKind.SERVICE_GROUP], has_inventory=False)
                ),
            }
            for kind in kinds:
                creators[kind]()

    def missing_units(self, credentials: Credentials) -> dict[str, str]:
        """The units products can have in Tripletex (its units, plus the pieces unit a product
        without one gets) that Rackbeat has no unit of that name for: casefolded name -> the
        name as Tripletex spells it, the name the import looks the unit up by."""
        with self.tripletex(credentials) as tripletex:
            spelled = [tripletex_unit_name(unit) for unit in tripletex.list_product_units()]
        names = {DEFAULT_UNIT: DEFAULT_UNIT} | {name.casefold(): name for name in spelled if name}
        with self.rackbeat(credentials) as rackbeat:
            present = {unit.name.casefold() for unit in readable(rackbeat.units())}
        return {key: name for key, name in names.items() if key not in present}

    def create_units(self, credentials: Credentials, names: list[str]) -> list[NamedRecord]:
        with self.rackbeat(credentials) as rackbeat:
            made = [rackbeat.create_unit(UnitWrite(name=name)) for name in names]
        return [NamedRecord(number=str(unit.number), name=unit.name) for unit in made]

    # -- offboarding ----------------------------------------------------------------------

    def remove_webhooks(self, credentials: Credentials, tenant_id: str) -> int:
        """Delete the subscriptions we registered for this tenant in both systems.

        Our delivery URLs carry the tenant id (deliveries must be routed to one tenant), so a
        subscription whose URL holds the id is ours; the tenant's other subscriptions stay.
        """
        removed = 0
        with self.rackbeat(credentials) as rackbeat:
            for webhook in list(readable(rackbeat.webhooks())):
                if tenant_id in webhook.url:
                    rackbeat.delete_webhook(webhook.id)
                    removed += 1
        with self.tripletex(credentials) as tripletex:
            for subscription in tripletex.list_subscriptions():
                if tenant_id in subscription.target_url and subscription.id is not None:
                    tripletex.delete_subscription(subscription.id)
                    removed += 1
        return removed


def missing_groups(rackbeat: RackbeatPrerequisites) -> list[GroupKind]:
    missing = []
    if not rackbeat.customer_groups:
        missing.append(GroupKind.CUSTOMER_GROUP)
    if not rackbeat.supplier_groups:
        missing.append(GroupKind.SUPPLIER_GROUP)
    if not any(group.has_inventory for group in rackbeat.product_groups):
        missing.append(GroupKind.PRODUCT_GROUP)
    if not any(not group.has_inventory for group in rackbeat.product_groups):
        missing.append(GroupKind.SERVICE_GROUP)
    return missing
