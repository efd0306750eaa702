"""The whole demo dataset imported through the queue, checked in the Rackbeat simulator."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local.seed.demo import COUNTRY_ID, CURRENCY_ID, PRODUCT_UNITS, RACKBEAT_UNITS
from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.initial_sync.summary import summary_text
from rackbeat_tripletex.models.sync import Accepted, RunState
from tests.support.import_harness import CONTACT, TENANT, Harness, bad_records, demo_request

CURRENCY_CODE = {v: k for k, v in CURRENCY_ID.items()}
COUNTRY_CODE = {v: k for k, v in COUNTRY_ID.items()}
UNIT_NUMBER = {name: n for n, name in enumerate(RACKBEAT_UNITS, start=1)}
UNIT_NAME = {u["id"]: u["nameShort"] for u in PRODUCT_UNITS}


def expected_zone(record: dict[str, Any]) -> str:
    address = record.get("postalAddress") or record.get("physicalAddress") or {}
    country = COUNTRY_CODE[(address.get("country") or {}).get("id", COUNTRY_ID["NO"])]
    return "domestic" if country == "NO" else ("eu" if country in ("SE", "DK", "DE") else "abroad")


def start(harness: Harness) -> Accepted:
    accepted = service.start_initial_sync(harness.ctx, TENANT, demo_request())
    assert isinstance(accepted, Accepted)
    return accepted


def test_demo_import_creates_every_record_once_with_the_mapped_values(demo_harness: Harness) -> None:
    harness = demo_harness
    seed = harness.seed
    bad = {(b["entity"], b["id"]) for b in bad_records(seed)}

    customers = harness.rackbeat_records("customers")
    good_customers = [c for c in seed["tripletex"]["customers"] if ("customer", c["id"]) not in bad]
    assert len(customers) == len(good_customers)
    for record in good_customers:
        imported = customers[record["customerNumber"]]
        assert imported["company_name"] == record["name"]
        assert imported["customer_group_id"] == 1
        days = record["invoicesDueIn"]
        assert imported["payment_terms_id"] == {14: 1, 30: 2}.get(days, 1)
        assert imported["vat_zone"] == expected_zone(record)
        assert imported["currency"] == CURRENCY_CODE[record["currency"]["id"]]
        assert imported["is_barred"] == record["isInactive"]
        assert imported["locale"] == {"NO": "nb", "EN": "en"}[record["language"]]
        if record["isPrivateIndividual"]:
            assert imported.get("company_vat") is None
        else:
            assert imported.get("company_vat") == record.get("organizationNumber")

    suppliers = harness.rackbeat_records("suppliers")
    assert len(suppliers) == len(seed["tripletex"]["suppliers"])
    for record in seed["tripletex"]["suppliers"]:
        imported = suppliers[record["supplierNumber"]]
        assert imported["supplier_group_id"] == 1
        assert imported["payment_terms_id"] == 1
        assert imported["vat_zone"] == expected_zone(record)

    products = harness.rackbeat_records("products")
    good_products = [p for p in seed["tripletex"]["products"] if ("product", p["id"]) not in bad]
    assert len(products) == len(good_products)
    for record in good_products:
        imported = products[record["number"]]
        assert imported["group"] == (1 if record["isStockItem"] else 2)
        assert imported["unit_id"] == UNIT_NUMBER[UNIT_NAME[record["productUnit"]["id"]]]
        assert imported["sales_price"] == pytest.approx(record["priceExcludingVatCurrency"])
        # Tripletex answers an unset cost price as 0.
        assert imported["recommended_cost_price"] == pytest.approx(
            record.get("costExcludingVatCurrency") or 0.0
        )
        assert imported.get("barcode") == record.get("ean")
        assert imported["is_barred"] == record["isInactive"]

    progress = service.initial_sync_progress(harness.ctx, TENANT)
    assert progress is not None
    assert progress.state == RunState.COMPLETED_WITH_FAILURES
    assert progress.entities["customer"].linked == 3  # the three the Rackbeat account already had
    assert progress.entities["customer"].created == len(good_customers) - 3
    assert progress.entities["customer"].failed == 2
    assert progress.entities["product"].failed == 2
    for counts in progress.entities.values():
        assert counts.done == counts.total
    assert progress.estimated_seconds_left == 0.0


def test_bad_records_are_listed_with_their_reasons(demo_harness: Harness) -> None:
    harness = demo_harness
    failures = service.list_failures(harness.ctx, TENANT)
    listed = {(f.entity, f.key): f for f in failures}
    expected = {(b["entity"], str(b["id"])): b["reason"] for b in bad_records(harness.seed)}
    assert {key: f.reason.value for key, f in listed.items()} == expected
    for failure in failures:
        assert failure.suggested_fix
        assert failure.message
        assert failure.attempts == 1


def test_summary_email_goes_out_once_when_the_last_page_is_done(demo_harness: Harness) -> None:
    harness = demo_harness
    ses = boto3.client("ses", endpoint_url=harness.stack.endpoint)
    assert ses.get_send_quota()["SentLast24Hours"] == 1
    run = harness.ctx.runs.get_import(TENANT)
    assert run is not None
    assert run.summary_sent_at is not None


def test_summary_text_names_counts_and_what_to_do(demo_harness: Harness) -> None:
    harness = demo_harness
    run = harness.ctx.runs.get_import(TENANT)
    assert run is not None
    failures = service.list_failures(harness.ctx, TENANT)
    subject, text = summary_text(run, failures, "Åse", Language.EN)
    assert "attention" in subject
    assert "Customers: 302 in Tripletex" in text
    assert "Retry failed records" in text
    assert CONTACT not in text
    # Norwegian by default, with the failures' causes in Norwegian too.
    subject, text = summary_text(run, failures, "Åse")
    assert subject == "Importen fra Tripletex til Rackbeat er ferdig \u2013 noen poster trenger deg"
    assert "Kunder: 302 i Tripletex" in text
    assert "Prøv feilede poster på nytt" in text
    assert "not imported" not in text
