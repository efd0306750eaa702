"""The initial import of the whole demo dataset through the local stack: the onboarding API
over HTTP starts it, InitialSyncQueue's poller runs the initial_sync function, and the result is
checked in the Rackbeat simulator, the failures route, the progress route and the SES outbox.

The tests share one import (module fixture) and run in file order: the retry test is last
because it changes the Rackbeat account."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from local.seed.demo import COUNTRY_ID, CURRENCY_ID, PRODUCT_UNITS, RACKBEAT_UNITS
from tests.support.import_world import CONTACT, IMPORT_REQUEST, World

CURRENCY_CODE = {v: k for k, v in CURRENCY_ID.items()}
COUNTRY_CODE = {v: k for k, v in COUNTRY_ID.items()}
UNIT_NUMBER = {name: n for n, name in enumerate(RACKBEAT_UNITS, start=1)}
UNIT_NAME = {u["id"]: u["nameShort"] for u in PRODUCT_UNITS}
FIELDS_OF_A_FAILURE = {"source", "entity", "key", "reason", "message", "suggested_fix", "attempts"}


def expected_zone(record: dict[str, Any]) -> str:
    address = record.get("postalAddress") or record.get("physicalAddress") or {}
    country = COUNTRY_CODE[(address.get("country") or {}).get("id", COUNTRY_ID["NO"])]
    return "domestic" if country == "NO" else ("eu" if country in ("SE", "DK", "DE") else "abroad")


def bad_keys(world: World) -> dict[tuple[str, str], str]:
    return {(b["entity"], str(b["id"])): b["reason"] for b in world.seed["meta"]["bad_records"]}


def expected_failures(world: World) -> dict[tuple[str, str], str]:
    # Of two Tripletex records sharing a number the lower id wins, whichever page runs first:
    # the seed's bad duplicate is the newer record, so it is the one that fails.
    return bad_keys(world)


@pytest.fixture(scope="module")
def imported(world: World) -> World:
    """Onboard, preview (dry run), import; the request logs of each phase go into ``notes``."""
    world.onboard()
    stack = world.stack
    before = (len(stack.tripletex.request_log), len(stack.rackbeat.request_log))
    preview = world.call("POST", "/initial-sync", params={"dry_run": "true"}, json=IMPORT_REQUEST)
    world.notes["preview"] = preview
    world.notes["preview_log"] = (
        list(stack.tripletex.request_log[before[0] :]),
        list(stack.rackbeat.request_log[before[1] :]),
    )
    world.notes["status_before"] = world.call("GET", "/initial-sync").json()
    started = world.call("POST", "/initial-sync", json=IMPORT_REQUEST)
    world.notes["started"] = started
    assert started.status_code == 202, started.text
    world.notes["progress"] = world.wait_until_finished()
    # The summary email goes out after the last page's counters land; wait for it, then for
    # every queue to be empty, so no test looks at a half-finished tail.
    world.wait_for("the summary email", lambda: bool(stack.emails_to(CONTACT)))
    world.wait_for("empty queues", lambda: not any(world.queue_depths().values()))
    return world


def test_dry_run_answers_counts_sample_and_failures_and_writes_nothing(imported: World) -> None:
    preview = imported.notes["preview"]
    assert preview.status_code == 200, preview.text
    report = preview.json()
    tripletex_seed = imported.seed["tripletex"]
    for entity, records in (
        ("customer", tripletex_seed["customers"]),
        ("supplier", tripletex_seed["suppliers"]),
        ("product", tripletex_seed["products"]),
    ):
        counts = report["entities"][entity]
        assert counts["total"] == len(records)
        assert counts["would_create"] + counts["would_link"] + counts["would_fail"] == len(records)
        assert 0 < len(counts["sample"]) <= 5
    assert report["entities"]["customer"]["would_link"] == 3  # the demo account already has three
    # Every bad record, the GBP customer too: Rackbeat's currency list (GET /currency) lacks GBP.
    assert {(f["entity"], f["key"]): f["reason"] for f in report["failures"]} == bad_keys(imported)
    assert report["missing_currencies"] == ["GBP"]
    tripletex_log, rackbeat_log = imported.notes["preview_log"]
    assert rackbeat_log
    rackbeat_calls = Counter((e["method"], e["path"]) for e in rackbeat_log)
    assert all(method == "GET" for method, _ in rackbeat_calls), rackbeat_calls
    writes = [e for e in tripletex_log if e["method"] != "GET"]
    assert all(e["method"] == "PUT" and e["path"].endswith("/token/session/:create") for e in writes), writes
    # Nothing was started either.
    assert imported.notes["status_before"]["state"] == "not_started"


def test_start_answers_202_and_progress_reaches_completed_with_failures(imported: World) -> None:
    started = imported.notes["started"].json()
    assert started["tenant_id"] == imported.tenant_id
    assert started["state"] == "planned"
    progress = imported.notes["progress"]
    final = progress[-1]
    assert final["state"] == "completed_with_failures"
    assert final["percent_done"] == 100.0
    assert final["estimated_seconds_left"] == 0.0
    assert final["failed"] == len(bad_keys(imported))
    for counts in final["entities"].values():
        assert counts["done"] == counts["total"]
    percents = [p["percent_done"] for p in progress]
    assert percents == sorted(percents), "progress never goes backwards"


def test_every_record_arrives_once_with_group_terms_zone_prices_and_unit(imported: World) -> None:
    seed = imported.seed["tripletex"]
    bad = {(entity, int(key)) for entity, key in expected_failures(imported)}
    rackbeat = imported.stack.rackbeat
    records = {name: rackbeat.records(name) for name in ("customers", "suppliers", "products")}

    good_customers = [c for c in seed["customers"] if ("customer", c["id"]) not in bad]
    # Keyed by number in the simulator: one entry per number means nothing was doubled.
    assert len(records["customers"]) == len(good_customers)
    for record in good_customers:
        got = records["customers"][record["customerNumber"]]
        assert got["company_name"] == record["name"]
        assert got["customer_group_id"] == 1
        assert got["payment_terms_id"] == {14: 1, 30: 2}.get(record["invoicesDueIn"], 1)
        assert got["vat_zone"] == expected_zone(record)
        assert got["currency"] == CURRENCY_CODE[record["currency"]["id"]]
        assert got["is_barred"] == record["isInactive"]

    assert len(records["suppliers"]) == len(seed["suppliers"])
    for record in seed["suppliers"]:
        got = records["suppliers"][record["supplierNumber"]]
        assert got["supplier_group_id"] == 1
        assert got["payment_terms_id"] == 1
        assert got["vat_zone"] == expected_zone(record)

    good_products = [p for p in seed["products"] if ("product", p["id"]) not in bad]
    assert len(records["products"]) == len(good_products)
    for record in good_products:
        got = records["products"][record["number"]]
        assert got["group"] == (1 if record["isStockItem"] else 2)
        assert got["unit_id"] == UNIT_NUMBER[UNIT_NAME[record["productUnit"]["id"]]]
        assert got["sales_price"] == pytest.approx(record["priceExcludingVatCurrency"])
        assert got["recommended_cost_price"] == pytest.approx(record.get("costExcludingVatCurrency") or 0.0)
        assert got["is_barred"] == record["isInactive"]
    creates = Counter(
        e["path"] for e in rackbeat.request_log if e["method"] == "POST" and e["status"] in (200, 201)
    )
    assert creates["/api/customers"] == len(good_customers) - 3
    assert creates["/api/products"] == len(good_products)


def test_bad_records_are_listed_with_reasons_and_fixes(imported: World) -> None:
    answer = imported.call("GET", "/failures")
    assert answer.status_code == 200, answer.text
    failures = answer.json()["failures"]
    assert {(f["entity"], f["key"]): f["reason"] for f in failures} == expected_failures(imported)
    for failure in failures:
        assert failure.keys() >= FIELDS_OF_A_FAILURE
        assert failure["source"] == "initial_sync"
        assert failure["message"]
        assert failure["suggested_fix"]
        # A redelivered page counts another attempt; at-least-once delivery makes that normal.
        assert failure["attempts"] >= 1


def test_the_import_runs_once_and_409_says_when_and_how(imported: World) -> None:
    again = imported.call("POST", "/initial-sync", json=IMPORT_REQUEST)
    assert again.status_code == 409, again.text
    body = again.json()
    assert body["state"] == "completed_with_failures"
    assert body["started_at"]
    assert body["finished_at"]
    assert "already ran" in body["message"]
    assert "completed_with_failures" in body["message"]
    # A dry run is still allowed: it writes nothing.
    assert imported.call("POST", "/initial-sync?dry_run=true", json=IMPORT_REQUEST).status_code == 200


def test_summary_email_reaches_the_contact_once(imported: World) -> None:
    emails = imported.stack.emails_to(CONTACT)
    summaries = [m for m in emails if "import" in m.subject.lower()]
    assert len(summaries) == 1, [m.subject for m in emails]
    text = summaries[0].text or summaries[0].html or ""
    assert "Customers: 302 in Tripletex" in text


def test_wrong_choices_are_422_naming_the_field(imported: World) -> None:
    wrong = IMPORT_REQUEST | {"product_group": 2, "payment_terms": {"default": 9}}
    answer = imported.call("POST", "/initial-sync?dry_run=true", json=wrong)
    assert answer.status_code == 422, answer.text
    fields = {d["field"] for d in answer.json()["detail"]}
    assert fields == {"product_group", "payment_terms.default"}
    missing = imported.call("POST", "/initial-sync?dry_run=true", json={"customer_group": 1})
    assert missing.status_code == 422
    assert {d["field"] for d in missing.json()["detail"]} >= {"supplier_group", "payment_terms"}


def test_sync_runs_is_empty_before_any_ongoing_sync(imported: World) -> None:
    answer = imported.call("GET", "/sync-runs")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"tenant_id": imported.tenant_id, "runs": []}


def test_retry_after_the_cause_is_fixed_imports_the_record(imported: World) -> None:
    failures = imported.call("GET", "/failures").json()["failures"]
    unit_failure = next(f for f in failures if f["reason"] == "unknown_unit")
    rackbeat = imported.stack.rackbeat
    assert not rackbeat.has_record("products", unit_failure["number"])
    key = {"source": "initial_sync", "entity": "product", "key": unit_failure["key"]}
    for ambiguous in ({"all": True, "keys": [key]}, {}, {"all": False}):
        answer = imported.call("POST", "/failures/retry", json=ambiguous)
        assert answer.status_code == 422, (ambiguous, answer.text)
    # The user creates the missing unit in Rackbeat, then retries that record.
    rackbeat.put_record("units", len(RACKBEAT_UNITS) + 1, {"number": len(RACKBEAT_UNITS) + 1, "name": "pk"})
    retried = imported.call("POST", "/failures/retry", json={"keys": [key]})
    assert retried.status_code == 202, retried.text
    assert retried.json()["initial_sync"] == 1
    assert retried.json()["not_found"] == []
    imported.wait_for("the retried product", lambda: rackbeat.has_record("products", unit_failure["number"]))
    imported.wait_for(
        "the failure to clear",
        lambda: (
            unit_failure["key"]
            not in {f["key"] for f in imported.call("GET", "/failures").json()["failures"]}
        ),
    )
    remaining = {(f["entity"], f["key"]) for f in imported.call("GET", "/failures").json()["failures"]}
    assert remaining == set(expected_failures(imported)) - {("product", unit_failure["key"])}
    assert list(rackbeat.records("products")).count(unit_failure["number"]) == 1
    # Still once: a retry is not a second run.
    assert imported.call("POST", "/initial-sync", json=IMPORT_REQUEST).status_code == 409
