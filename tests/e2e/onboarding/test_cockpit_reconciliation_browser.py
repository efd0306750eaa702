"""The cockpit's reconciliation panel in Chromium, for a Norwegian tenant whose invoices synced:
an invoice deleted in Tripletex behind the API is a gap after "Sjekk nå", worded in Norwegian
(and in English when the page is switched); its own "Send på nytt" queues it, the stack's sync
brings it over, and the next check is clean. A period is resent the same way, and a reversed one
is refused next to its field. axe and the 375 px check run with the gap shown; screenshots in
both languages go to tests/artifacts/reconciliation/.

This stack polls its queues (unlike the onboarding tests' stack): a resend is really synced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from rackbeat_tripletex.sync.reconciliation import OSLO
from tests.e2e.onboarding.test_onboarding_wizard_browser import EXPECT_BOUND_MS, error_is_linked
from tests.support.browser import (
    DESKTOP,
    PHONE,
    Screenshots,
    axe_problems,
    horizontal_overflow,
    needs_axe,
    needs_chromium,
    settled,
    wizard_page,
)
from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_stack import World, running_world

pytestmark = [pytest.mark.browser, needs_chromium, needs_axe]

TODAY = dt.datetime.now(OSLO).date()
NB_MONTHS = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]


def nb_date(day: dt.date) -> str:
    return f"{day.day}. {NB_MONTHS[day.month - 1]} {day.year}"


@pytest.fixture(autouse=True)
def _patient_expectations() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_BOUND_MS)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with running_world(tripletex_seed(), rackbeat_seed()) as started:
        yield started


def look(page: Any, shot: Screenshots, name: str) -> None:
    """axe finds nothing serious, nothing scrolls sideways at 375 px, a screenshot per language,
    each taken after the page has redrawn what the server words in that language."""
    from playwright.sync_api import expect

    settled(page)
    problems = axe_problems(page)
    assert problems == [], f"{name}: {problems}"
    shot(page, f"{name}-nb")
    for language in ("en", "nb"):
        page.click(f"#lang-{language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        settled(page)
        if language == "en":
            shot(page, f"{name}-en")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0, f"{name} scrolls sideways at 375 px"
    assert axe_problems(page) == [], f"{name} at 375 px"
    shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def settle(world: World) -> None:
    world.rackbeat.deliver_pending()
    world.wait_for("the sync queue to drain", world.queue_empty)


def amounts(world: World) -> list[float]:
    return sorted(invoice["amount"] for invoice in world.tripletex.records("invoices").values())


def delete_in_tripletex(world: World, amount: float) -> None:
    """The invoice and its order gone from Tripletex, as a deletion in its UI leaves them."""
    invoice = next(i for i in world.tripletex.records("invoices").values() if i["amount"] == amount)
    world.tripletex.forget("invoices", int(invoice["id"]))
    for order in invoice["orders"]:
        world.tripletex.forget("orders", int(order["id"]))


def test_a_gap_is_checked_resent_from_its_row_and_gone_and_a_period_is_resent(world: World) -> None:
    from playwright.sync_api import expect

    tenant_id = world.onboard(language="nb")
    token = world.management_tokens[tenant_id]
    world.user.create_customer(7101, "Kunde Syv AS")
    world.user.create_product("R-7", "Skrutrekker", 80.0)
    world.user.book_invoice(7101, [("R-7", 1, 80.0)], TODAY.isoformat())
    world.user.book_invoice(7101, [("R-7", 3, 80.0)], TODAY.isoformat())
    settle(world)
    assert amounts(world) == [100.0, 300.0]
    delete_in_tripletex(world, 300.0)
    shot = Screenshots("reconciliation")

    with wizard_page(world.local.api_url, tenant_id, token) as page:
        expect(page.locator("#step-cockpit")).to_be_visible()
        expect(page.locator("#reconciliation")).to_be_visible()
        expect(page.locator("#recon-last")).to_have_text("Ingen avstemming er kjørt ennå.")
        # The nightly check's day is the default; this test's invoices are today's.
        expect(page.locator("#recon_day")).to_have_value((TODAY - dt.timedelta(days=1)).isoformat())

        page.fill("#recon_day", TODAY.isoformat())
        page.get_by_role("button", name="Sjekk nå").click()
        gaps = page.locator("#recon-gaps tr")
        expect(gaps).to_have_count(1)
        gap = gaps.first
        cells = gap.locator("td")
        expect(cells.nth(0)).to_have_text(nb_date(TODAY))
        expect(cells.nth(1)).to_have_text(re.compile(r"^Faktura \d+$"))
        expect(cells.nth(2)).to_contain_text("Mangler i Tripletex")
        expect(cells.nth(2)).to_contain_text("er bokført i Rackbeat, men finnes ikke i Tripletex.")
        expect(cells.nth(2)).to_contain_text("Velg «Send på nytt»")
        expect(page.locator("#recon-result")).to_have_text(f"Sjekket {nb_date(TODAY)}: 1 avvik funnet.")
        expect(page.locator("#recon-last")).to_contain_text(
            f"av {nb_date(TODAY)}. Sammenlignet: fakturaer 2, kunder 1, produkter 1. 1 avvik funnet."
        )
        expect(page.locator("#recon-last")).to_contain_text(" kl. ")
        number = cells.nth(1).inner_text().split()[-1]
        look(page, shot, "reconciliation-gap")

        # The same gap in English when the page is switched, from the server's catalogue too.
        page.click("#lang-en")
        expect(cells.nth(2)).to_contain_text("Missing in Tripletex")
        expect(cells.nth(2)).to_contain_text("is booked in Rackbeat but does not exist in Tripletex.")
        page.click("#lang-nb")
        expect(cells.nth(2)).to_contain_text("Mangler i Tripletex")

        resend = page.get_by_role("button", name=f"Send Faktura {number} på nytt")
        resend.click()
        expect(page.locator("#recon-result")).to_contain_text(f"Faktura {number} står i kø")
        expect(cells.nth(2)).to_contain_text("Sendt på nytt")
        expect(resend).to_be_focused()
        settle(world)
        assert amounts(world) == [100.0, 300.0]
        page.get_by_role("button", name="Sjekk nå").click()
        expect(page.locator("#recon-result")).to_have_text(f"Sjekket {nb_date(TODAY)}: Ingen avvik.")
        expect(gaps).to_have_count(0)
        expect(page.locator("#recon-gaps-table")).to_be_hidden()

        # A period: every day checked again, its missing invoice sent again.
        delete_in_tripletex(world, 100.0)
        yesterday = TODAY - dt.timedelta(days=1)
        page.fill("#recon_from", TODAY.isoformat())
        page.fill("#recon_to", yesterday.isoformat())
        page.get_by_role("button", name="Send fakturaene på nytt").click()
        error_is_linked(page, "recon_to")
        page.fill("#recon_from", yesterday.isoformat())
        page.fill("#recon_to", TODAY.isoformat())
        page.get_by_role("button", name="Send fakturaene på nytt").click()
        expect(page.locator("#recon-result")).to_have_text(
            f"{nb_date(yesterday)}\u2013{nb_date(TODAY)}: 1 faktura står i kø for å sendes på nytt."
        )
        settle(world)
        assert amounts(world) == [100.0, 300.0]
        page.get_by_role("button", name="Sjekk nå").click()
        expect(page.locator("#recon-result")).to_have_text(f"Sjekket {nb_date(TODAY)}: Ingen avvik.")
        expect(gaps).to_have_count(0)
        look(page, shot, "reconciliation-clean")
