"""The wizard's initial-import step in Chromium: preview, import, the progress bar to the end, the
result with the failed record and its reason, then the settings page's failures list and Retry.
Screenshots go to tests/artifacts/initial_sync/.

A small company of its own (three customers, two with the same number; one supplier; one product
counted in pieces, a unit the Rackbeat account lacks until the wizard's button makes it) on a
stack whose SQS pollers run, so the import really goes through InitialSyncQueue."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from local.outbox import emailed_link
from tests.support.browser import Screenshots, needs_chromium, wizard_page
from tests.support.import_world import small_company
from tests.support.stack import CONSUMER_TOKEN, EMPLOYEE_TOKEN, RACKBEAT_TOKEN, rackbeat_seed, tripletex_seed

IMPORT_TIMEOUT_MS = 90_000  # a bound on a broken run, never a measurement

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    seed = tripletex_seed()
    seed["customers"].append({"id": 3, "name": "Dobbel Nummer AS", "customerNumber": 10002})
    # A customer in a currency the Rackbeat account (NOK only) lacks: the preview must say so.
    seed["currencies"].append({"id": 2, "code": "EUR", "description": "Euro"})
    seed["customers"].append(
        {"id": 4, "name": "Euro Kunde GmbH", "customerNumber": 10004, "currency": {"id": 2}}
    )
    for customer in seed["customers"]:
        customer.update(invoicesDueIn=14, invoicesDueInType="DAYS")
    # No unit in Tripletex means pieces ("stk"); the Rackbeat account has no units at all.
    seed["products"] = [{"id": 1, "name": "Skrue", "number": "S-1", "priceExcludingVatCurrency": 2.0}]
    with small_company(seed, rackbeat_seed(with_groups=True)) as company:
        yield company.api_url


def test_the_wizard_previews_imports_and_shows_progress_and_failures(api_url: str) -> None:
    from playwright.sync_api import expect

    shot = Screenshots("initial_sync")

    with wizard_page(api_url, locale="en-GB", viewport=None) as page:
        page.fill("#company_name", "Fjord Lager AS")
        page.fill("#contact_name", "Ingrid Fjord")
        page.fill("#contact_email", "ingrid@fjord-import.no")
        page.click("#company-submit")
        expect(page.locator("#token-shown")).to_be_visible()
        key = page.locator("#management-token").inner_text()
        tenant_id = page.evaluate("sessionStorage.getItem('tenantId')")
        # The import ends with an email: the contact confirms the address first (issue 13).
        confirmed = httpx.post(
            api_url + "/email-verification", json=emailed_link("ingrid@fjord-import.no", "verify")
        )
        assert confirmed.status_code == 200, confirmed.text
        page.click("#token-continue")
        page.fill("#rackbeat_api_token", RACKBEAT_TOKEN)
        page.fill("#tripletex_consumer_token", CONSUMER_TOKEN)
        page.fill("#tripletex_employee_token", EMPLOYEE_TOKEN)
        page.click("#tokens-submit")
        page.click("#tokens-next")
        expect(page.locator("#prereq-complete")).to_be_visible()
        page.click("#prereq-next")

        # The import step: groups and terms are offered from the prerequisites.
        expect(page.locator("#step-initial_sync")).to_be_visible()
        expect(page.locator("#product_group")).to_have_value("1")  # the one with inventory
        expect(page.locator("#service_group")).to_have_value("2")  # the one without
        # The customers' 14 days to pay are matched to Rackbeat's term of 14 days already.
        expect(page.locator('select[data-days="14"]')).to_have_value("1")
        expect(page.locator("#terms-by-days tr")).to_have_count(1)
        shot(page, "import-choices")

        # Preview: counts and the record that would fail, with its reason; nothing written.
        page.click("#import-preview")
        expect(page.locator("#import-preview-result")).to_be_visible()
        customers = page.locator('#preview-counts tr[data-entity="customer"] td')
        expect(customers.nth(1)).to_have_text("4")
        expect(customers.nth(4)).to_have_text("2")
        expect(page.locator("#preview-failures li.fail")).to_have_count(3)
        expect(page.locator("#preview-failures")).to_contain_text("Dobbel Nummer AS")
        expect(page.locator("#preview-failures")).to_contain_text("Euro Kunde GmbH")
        # The currency the account lacks: one sentence, with the count and what to do.
        expect(page.locator("#preview-currencies")).to_have_text(
            "1 customers/suppliers use EUR, which the Rackbeat account lacks: "
            "turn EUR on in Rackbeat before the import, or they fail."
        )
        # The unit Rackbeat lacks: named once, with the fix for every product that uses it.
        expect(page.locator("#preview-missing-units")).to_be_visible()
        expect(page.locator("#preview-missing-units")).to_contain_text("no unit named stk")
        shot(page, "import-preview")

        # One click (here from the keyboard) makes the unit, and the preview runs again.
        page.click("#lang-nb")
        expect(page.locator("#create-units")).to_have_text("Opprett enhetene som mangler")
        page.click("#lang-en")
        expect(page.locator("#create-units")).to_have_text("Create the missing units")
        page.focus("#create-units")
        page.keyboard.press("Enter")
        expect(page.locator("#preview-missing-units-box")).to_be_hidden()
        expect(page.locator("#preview-failures li.fail")).to_have_count(2)
        shot(page, "import-preview-units-created")

        # Import: the progress bar runs to the end, then the result and the failure.
        page.click("#import-start")
        expect(page.locator("#import-progress")).to_be_visible()
        shot(page, "import-progress")
        expect(page.locator("#import-result")).to_be_visible(timeout=IMPORT_TIMEOUT_MS)
        expect(page.locator("#import-bar")).to_have_js_property("value", 100)
        # The import fails on exactly the records the preview named.
        expect(page.locator("#import-result-text")).to_contain_text("2 could not be imported")
        expect(page.locator("#import-failures li.fail")).to_have_count(2)
        expect(page.locator("#import-failures .fix").first).not_to_be_empty()
        expect(page.locator("#import-failures")).to_contain_text("Dobbel Nummer AS")
        expect(page.locator("#import-failures")).to_contain_text("Euro Kunde GmbH")
        shot(page, "import-finished")

        # Settings: the failures list with a Retry button, and the (empty) run history.
        page.click("#import-next")
        expect(page.locator("#step-settings")).to_be_visible()
        # The failures wait in the overview, which the first save of the settings opens onto.
        page.click("#settings-submit")
        page.click("#done-cockpit")
        expect(page.locator("#step-cockpit")).to_be_visible()
        expect(page.locator("#sync-failures li.fail")).to_have_count(2)
        expect(page.locator("#sync-runs-empty")).to_be_visible()
        page.click("#retry-failures")
        expect(page.locator("#retry-result")).to_contain_text("2 records")
        shot(page, "settings-failures")

        # Back on the import step later: shown as done and locked, in Norwegian too.
        page.evaluate("show('initial_sync')")
        expect(page.locator("#import-locked")).to_be_visible()
        expect(page.locator("#import-form")).to_be_hidden()
        page.click("#lang-nb")
        shot(page, "import-locked-norwegian")

    # What the page showed is what the API says.
    auth = {"Authorization": f"Bearer {key}"}
    status = httpx.get(f"{api_url}/tenants/{tenant_id}/initial-sync", headers=auth).json()
    assert status["state"] == "completed_with_failures"
    customers = status["entities"]["customer"]
    assert (customers["done"], customers["created"], customers["failed"]) == (4, 2, 2)
    # The product arrived, counted in the unit the wizard made.
    products = status["entities"]["product"]
    assert (products["created"], products["failed"]) == (1, 0)
