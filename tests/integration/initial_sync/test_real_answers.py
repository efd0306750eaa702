"""Issue 10's import, through the queue against a Tripletex simulator that answers as the real one:
customers in Norway, Sweden, the US and a country no table of ours ever listed, inactive
customers and suppliers, and products with a unit Rackbeat lacks. Every record arrives with the
right country, VAT zone and barred flag, or fails alone with a reason and a fix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import ProvisionedStack
from local.seed.demo import demo_seed
from local.simulators.tripletex.countries import country_id
from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.models.sync import DryRunReport, FailureReason, RunState
from tests.support.import_harness import TENANT, Harness, build_harness, demo_request


def _address(street: str, city: str, country: str) -> dict[str, Any]:
    return {
        "addressLine1": street,
        "postalCode": "1000",
        "city": city,
        "country": {"id": country_id(country)},
    }


def _customer(tripletex_id: int, number: int, name: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": tripletex_id,
        "customerNumber": number,
        "name": name,
        "isPrivateIndividual": True,
        "invoiceSendMethod": "EMAIL",
        "currency": {"id": 1},
        "language": "NO",
        **fields,
    }


CUSTOMERS = [
    # (Tripletex record, expected country, VAT zone, barred)
    (
        _customer(1, 30001, "Fjordkunde", postalAddress=_address("Storgata 1", "Oslo", "NO")),
        "NO",
        "domestic",
        False,
    ),
    (
        _customer(2, 30002, "Svensk Kund", physicalAddress=_address("Drottninggatan 1", "Stockholm", "SE")),
        "SE",
        "eu",
        False,
    ),
    (
        _customer(3, 30003, "Yankee Tools", postalAddress=_address("5th Ave 1", "New York", "US")),
        "US",
        "abroad",
        False,
    ),
    (_customer(4, 30004, "Gammel Kunde", isInactive=True), "NO", "domestic", True),
    (
        _customer(
            5, 30005, "Nedlagt AB", isInactive=True, postalAddress=_address("Kungsgatan 2", "Malmö", "SE")
        ),
        "SE",
        "eu",
        True,
    ),
    # A country the old id table of ours never had: known because Tripletex lists it.
    (
        _customer(6, 30006, "Alpen AG", postalAddress=_address("Bahnhofstr. 1", "Zürich", "CH")),
        "CH",
        "abroad",
        False,
    ),
]


def _product(tripletex_id: int, number: str, unit: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": tripletex_id,
        "number": number,
        "name": f"Vare {number}",
        "priceExcludingVatCurrency": 100.0,
        "isStockItem": True,
        "isInactive": False,
        "productUnit": {"id": unit},
        "currency": {"id": 1},
        "vatType": {"id": 3},
        **fields,
    }


PIECES, PACKS = 1, 6  # demo units: Rackbeat has "stk", not "pk"


@pytest.fixture
def company(aws_stack: ProvisionedStack) -> Iterator[Harness]:
    seed = demo_seed()
    tripletex = seed["tripletex"]
    tripletex["customers"] = [record for record, *_ in CUSTOMERS]
    tripletex["suppliers"] = [
        {
            "id": 50,
            "supplierNumber": 20050,
            "name": "Gammel Leverandør AB",
            "isInactive": True,
            "currency": {"id": 1},
            "physicalAddress": _address("Hamngatan 3", "Göteborg", "SE"),
        }
    ]
    tripletex["products"] = [
        _product(70, "P-STK", PIECES),
        _product(71, "P-PK", PACKS),
        _product(72, "P-GML", PIECES, isInactive=True),
    ]
    for kind in ("customers", "suppliers", "products"):
        seed["rackbeat"][kind] = []
    yield from build_harness(aws_stack, seed, run_import=False)


def test_the_preview_names_the_units_rackbeat_lacks(company: Harness) -> None:
    report = service.start_initial_sync(company.ctx, TENANT, demo_request(), dry_run=True)
    assert isinstance(report, DryRunReport)
    assert report.missing_units == ["pk"]
    assert [(f.key, f.reason) for f in report.failures] == [("71", FailureReason.UNKNOWN_UNIT)]
    assert report.entities["customer"].would_create == len(CUSTOMERS)


def test_every_record_arrives_with_country_zone_and_barred_flag_or_fails_alone(company: Harness) -> None:
    service.start_initial_sync(company.ctx, TENANT, demo_request())
    company.drain()

    customers = company.rackbeat_records("customers")
    assert len(customers) == len(CUSTOMERS)
    for record, country, zone, barred in CUSTOMERS:
        imported = customers[record["customerNumber"]]
        assert (imported["address_country"], imported["vat_zone"], imported["is_barred"]) == (
            country,
            zone,
            barred,
        ), record["name"]
        address = record.get("postalAddress") or record.get("physicalAddress")
        if address:
            assert imported["address_city"] == address["city"]
    (supplier,) = company.rackbeat_records("suppliers").values()
    assert (supplier["address_country"], supplier["vat_zone"], supplier["is_barred"]) == ("SE", "eu", True)

    products = company.rackbeat_records("products")
    assert set(products) == {"P-STK", "P-GML"}
    assert products["P-GML"]["is_barred"] is True

    (failure,) = service.list_failures(company.ctx, TENANT)
    assert (failure.entity, failure.key, failure.reason) == ("product", "71", FailureReason.UNKNOWN_UNIT)
    # The harness's tenant keeps the default language, Norwegian: the import writes in it.
    assert failure.message == text("failure.tx.product_unit_missing.message", Language.NB, unit="pk")
    assert failure.suggested_fix == text("failure.tx.product_unit_missing.fix", Language.NB, unit="pk")
    progress = service.initial_sync_progress(company.ctx, TENANT)
    assert progress is not None
    assert progress.state == RunState.COMPLETED_WITH_FAILURES
