"""The demo dataset: deterministic, realistic, valid against Tripletex's own schemas, loadable."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from local.seed.demo import COUNTRY_ID, demo_seed, is_valid_organization_number, mod11_check_digit
from local.simulators.rackbeat import create_app
from local.simulators.tripletex import create_app as create_tripletex_app

ROOT = Path(__file__).resolve().parents[3]
SPEC_URI = "urn:tripletex-openapi"


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return demo_seed()


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema, closing every object so an unknown field name fails."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items()}
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    if "$ref" in out:
        out["$ref"] = SPEC_URI + out["$ref"]
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


@cache
def _validator(schema: str) -> Draft202012Validator:
    spec = json.loads((ROOT / "specs" / "tripletex-openapi.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(_strict(spec)))
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{schema}"}, registry=registry)


def test_same_output_every_time(seed: dict[str, Any]) -> None:
    assert json.dumps(demo_seed(), sort_keys=True) == json.dumps(seed, sort_keys=True)
    assert demo_seed(seed=1) != seed


def test_command_line_writes_the_same_document(seed: dict[str, Any]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "local.seed.demo"], cwd=ROOT, capture_output=True, check=True, text=True
    )
    assert json.loads(result.stdout) == seed


@pytest.mark.parametrize(
    ("section", "schema"),
    [
        ("customers", "Customer"),
        ("suppliers", "Supplier"),
        ("products", "Product"),
        ("productUnits", "ProductUnit"),
        ("vatTypes", "VatType"),
        ("currencies", "Currency"),
        ("paymentTypes", "PaymentType"),
    ],
)
def test_tripletex_records_match_tripletex_schemas(seed: dict[str, Any], section: str, schema: str) -> None:
    validator = _validator(schema)
    for record in seed["tripletex"][section]:
        errors = [e.message for e in validator.iter_errors(record)]
        assert errors == [], (section, record.get("id"), errors)
    assert not list(_validator("Company").iter_errors(seed["tripletex"]["company"]))


def test_schema_check_would_catch_a_wrong_field() -> None:
    assert list(_validator("Customer").iter_errors({"name": "X", "customerNo": 1}))
    assert list(_validator("Product").iter_errors({"name": "X", "isStockItem": "yes"}))


def test_customers_are_realistic(seed: dict[str, Any]) -> None:
    customers = seed["tripletex"]["customers"]
    assert len(customers) >= 300
    companies = [c for c in customers if not c["isPrivateIndividual"]]
    privates = [c for c in customers if c["isPrivateIndividual"]]
    assert len(privates) >= 50
    assert len(companies) >= 150
    org_numbers = [c["organizationNumber"] for c in companies if "organizationNumber" in c]
    assert len(org_numbers) >= 150
    assert all(is_valid_organization_number(n) for n in org_numbers)
    countries = Counter(c.get("postalAddress", {}).get("country", {}).get("id") for c in customers)
    assert {COUNTRY_ID[c] for c in ("SE", "DK", "DE", "GB", "US")} <= set(countries)
    assert any("email" not in c for c in customers)
    assert any("postalAddress" not in c for c in customers)
    assert {c["invoicesDueIn"] for c in customers} >= {10, 14, 30}
    assert any(ch in c["name"] for c in customers for ch in "æ")
    assert any("ø" in c["name"] for c in customers)
    assert any("å" in c["name"].lower() for c in customers)
    for customer in customers:
        if customer.get("invoiceSendMethod") == "EHF":
            assert "postalAddress" in customer
            assert is_valid_organization_number(customer["organizationNumber"])
            assert customer["singleCustomerInvoice"] is False


def test_suppliers_and_products(seed: dict[str, Any]) -> None:
    tripletex = seed["tripletex"]
    assert len(tripletex["suppliers"]) == 50
    products = tripletex["products"]
    assert len(products) >= 1000
    vat_ids = {p["vatType"]["id"] for p in products}
    assert {3, 31, 33} <= vat_ids
    assert vat_ids & {5, 6}
    units = {u["id"]: u["nameShort"] for u in tripletex["productUnits"]}
    assert {units[p["productUnit"]["id"]] for p in products} >= {"stk", "time", "kg", "m", "l"}
    assert any(p["isStockItem"] for p in products)
    assert any(not p["isStockItem"] for p in products)
    assert any(p["isInactive"] for p in products)
    assert any("/" in p.get("number", "") for p in products)
    vat_known = {v["id"] for v in tripletex["vatTypes"]}
    assert all(p["vatType"]["id"] in vat_known for p in products)
    assert {c["code"] for c in tripletex["currencies"]} >= {"NOK", "SEK", "DKK", "EUR", "USD"}


def test_vat_types_are_tripletex_outgoing_codes(seed: dict[str, Any]) -> None:
    rates = {v["id"]: v["percentage"] for v in seed["tripletex"]["vatTypes"]}
    assert (rates[3], rates[31], rates[33], rates[5], rates[6]) == (25.0, 15.0, 12.0, 0.0, 0.0)


def test_bad_records_are_present_and_listed(seed: dict[str, Any]) -> None:
    tripletex = seed["tripletex"]
    reasons = {b["reason"]: b for b in seed["meta"]["bad_records"]}
    assert set(reasons) == {"duplicate_number", "unknown_currency", "unknown_unit", "missing_number"}
    numbers = Counter(c["customerNumber"] for c in tripletex["customers"])
    assert numbers[reasons["duplicate_number"]["number"]] == 2
    assert any("number" not in p for p in tripletex["products"])
    rackbeat_units = {u["name"] for u in seed["rackbeat"]["units"]}
    bad_unit_product = next(p for p in tripletex["products"] if p["id"] == reasons["unknown_unit"]["id"])
    unit_short = {u["id"]: u["nameShort"] for u in tripletex["productUnits"]}[
        bad_unit_product["productUnit"]["id"]
    ]
    assert unit_short not in rackbeat_units
    codes = {c["id"]: c["code"] for c in tripletex["currencies"]}
    bad_customer = next(c for c in tripletex["customers"] if c["id"] == reasons["unknown_currency"]["id"])
    assert codes[bad_customer["currency"]["id"]] not in seed["rackbeat"]["currencies"]


def test_tokens_and_grants(seed: dict[str, Any]) -> None:
    tripletex = seed["tripletex"]
    assert tripletex["consumer_token"]
    assert tripletex["employee_token"]
    # Employee access too: the demo shows the optional employee import (issue 15).
    assert tripletex["grants"] == ["customer", "supplier", "product", "invoice", "employee"]
    assert seed["rackbeat"]["api_token"].count(".") == 2


def test_rackbeat_section_loads_into_the_simulator(seed: dict[str, Any]) -> None:
    rackbeat = seed["rackbeat"]
    sim = create_app(rackbeat)
    state = sim.dump_state()
    groups = {g["name"]: g["has_inventory"] for g in state["product_groups"]}
    assert sorted(groups.values()) == [False, True]
    assert len(state["customer_groups"]) == 1
    assert len(state["supplier_groups"]) == 1
    assert {t["maturity_days"] for t in state["payment_terms"]} == {14, 30}
    assert len(state["customers"]) == len(rackbeat["customers"]) > 0


def test_tripletex_section_loads_into_the_simulator_and_its_countries_exist(seed: dict[str, Any]) -> None:
    tripletex = seed["tripletex"]
    sim = create_tripletex_app(tripletex)
    state = sim.dump_state()
    assert len(state["customers"]) == len(tripletex["customers"])
    assert sim.invoice_settings["bankAccountReady"] is True
    known = {c["id"]: c["isoAlpha2Code"] for c in state["countries"]}
    used = {
        address["country"]["id"]
        for customer in tripletex["customers"]
        for key in ("postalAddress", "physicalAddress")
        if (address := customer.get(key)) and "country" in address
    }
    assert used <= set(known)
    assert {code: known[number] for code, number in COUNTRY_ID.items()} == {code: code for code in COUNTRY_ID}


def test_mod11_check_digit() -> None:
    assert is_valid_organization_number("923609016")  # Equinor ASA
    assert not is_valid_organization_number("923609017")
    assert mod11_check_digit("92360901") == 6
