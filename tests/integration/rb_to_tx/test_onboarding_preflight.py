"""The wizard's checks of the Tripletex company against both simulators (in-process): access that
can write, not only read (and an empty answer is not taken as access), the bank account invoices
need, the VAT types the product groups use, and whether the company sends EHF."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.simulators.base import transport
from local.simulators.rackbeat import create_app as create_rackbeat
from local.simulators.tripletex import create_app as create_tripletex
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.i18n import Language, use_language
from rackbeat_tripletex.models.domain import Check, Credentials, ValidationReport
from rackbeat_tripletex.onboarding.vendors import LiveVendors
from tests.support.rb_to_tx_company import CONSUMER, EMPLOYEE, RACKBEAT_TOKEN, rackbeat_seed, tripletex_seed

CREDENTIALS = Credentials.model_validate(
    {
        "rackbeat_api_token": RACKBEAT_TOKEN,
        "tripletex_consumer_token": CONSUMER,
        "tripletex_employee_token": EMPLOYEE,
    }
)


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    clear_session_cache()
    yield
    clear_session_cache()


def validate(
    tripletex: dict[str, Any] | None = None, options: dict[str, Any] | None = None
) -> ValidationReport:
    seed = {**tripletex_seed(), **(tripletex or {})}
    app = create_tripletex(seed)
    if options:
        app.set_options(options)
    vendors = LiveVendors(
        "http://tripletex.test/v2",
        "http://rackbeat.test/api",
        tripletex_transport=transport(app),
        rackbeat_transport=transport(create_rackbeat(rackbeat_seed())),
    )
    with use_language(Language.EN):  # these read the English words; the catalogue tests read both
        report = vendors.validate(CREDENTIALS)
    # Probes create nothing.
    assert all(not app.records(c) for c in ("customers", "suppliers", "products", "orders"))
    return report


def checks(report: ValidationReport) -> dict[str, Check]:
    return {check.id.value: check for check in report.checks}


def test_a_ready_company_passes_every_check() -> None:
    report = validate()
    assert report.ok
    found = checks(report)
    assert all(check.ok for check in found.values()), [c for c in found.values() if not c.ok]
    assert found["tripletex_access_customer"].detail == "Can read and write customers."
    assert "bank account" in found["tripletex_bank_account"].detail
    assert "can send EHF" in found["tripletex_ehf"].detail


def test_no_bank_account_is_shown_with_the_fix_but_the_tokens_are_accepted() -> None:
    report = validate({"invoiceSettings": {"bankAccountReady": False}})
    bank = checks(report)["tripletex_bank_account"]
    assert bank.ok is False
    assert bank.advisory is True
    assert bank.fix is not None
    assert bank.fix.startswith("Register a bank account in Tripletex")
    assert report.ok  # a company setting, not a token problem: never a reason to refuse or pause
    assert bank not in report.failed


def test_a_company_without_ehf_is_told_we_will_use_email() -> None:
    report = validate({"invoiceSettings": {"sendTypes": ["EMAIL", "PAPER", "MANUAL"]}})
    ehf = checks(report)["tripletex_ehf"]
    assert ehf.ok is True
    assert "cannot send EHF" in ehf.detail
    assert "e-mail" in ehf.detail


def test_a_vat_type_the_product_groups_need_missing_is_named() -> None:
    seed = tripletex_seed()
    vat_types = [v for v in seed["vatTypes"] if v["id"] != 31]  # no 15 % outgoing
    vat = checks(validate({"vatTypes": vat_types}))["tripletex_vat_types"]
    assert vat.ok is False
    assert "15 % (domestic)" in vat.detail
    assert vat.fix is not None


@pytest.mark.parametrize("denied_area_answer", ["403", "empty"])
def test_an_area_not_granted_is_never_reported_granted(denied_area_answer: str) -> None:
    """B6: whether Tripletex answers an area it does not grant with 403 or an empty list, the
    check does not say "granted" (the write probe is refused either way)."""
    report = validate(
        {"grants": ["customer", "product", "invoice"]}, options={"denied_area_answer": denied_area_answer}
    )
    supplier = checks(report)["tripletex_access_supplier"]
    assert supplier.ok is False
    assert supplier.fix is not None
    assert "grant" in supplier.fix
    assert not report.ok
    assert checks(report)["tripletex_access_customer"].ok
