"""A new user completes the wizard in Chromium, then opens the emailed settings link and changes
a setting. Every step leaves a screenshot in tests/artifacts/onboarding/."""

from __future__ import annotations

import re

import pytest

from local.outbox import sent_emails
from tests.support.browser import Screenshots, launch_chromium, needs_chromium
from tests.support.stack import CONSUMER_TOKEN, EMPLOYEE_TOKEN, RACKBEAT_TOKEN, Stack

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


def test_new_user_completes_the_wizard_and_uses_the_settings_link(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    stack.reset_simulators(with_groups=False)
    email = "ingrid@fjord-wizard.no"
    shot = Screenshots("onboarding")

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(locale="en-GB")
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(stack.api_url + "/")

            # Step 1: company and contact; a typo in the email is caught next to the field.
            page.fill("#company_name", "Fjord Lager AS")
            page.fill("#contact_name", "Ingrid Fjord")
            page.fill("#contact_email", "ingrid.fjord-wizard.no")
            page.click("#company-submit")
            expect(page.locator('.field-error[data-for="contact_email"]')).to_contain_text(
                "not an email address"
            )
            shot(page, "company-error")
            page.fill("#contact_email", email)
            shot(page, "company")
            page.click("#company-submit")

            # The management key is shown once.
            expect(page.locator("#token-shown")).to_be_visible()
            key = page.locator("#management-token").inner_text()
            assert key.startswith("rbtx_")
            stack.known_secrets.add(key)
            shot(page, "management-key")
            page.click("#token-continue")

            # Step 2: tokens. A wrong employee token: the fix appears next to that field.
            page.fill("#rackbeat_api_token", RACKBEAT_TOKEN)
            page.fill("#tripletex_consumer_token", CONSUMER_TOKEN)
            page.fill("#tripletex_employee_token", "employee-typo-0000000000")
            page.click("#tokens-submit")
            expect(page.locator('.field-error[data-for="tripletex_employee_token"]')).to_contain_text(
                "employee token was not accepted"
            )
            expect(page.locator('#checks li[data-check="tripletex_session"]')).to_have_class(
                re.compile("fail")
            )
            shot(page, "tokens-error")
            page.fill("#rackbeat_api_token", RACKBEAT_TOKEN)
            page.fill("#tripletex_consumer_token", CONSUMER_TOKEN)
            page.fill("#tripletex_employee_token", EMPLOYEE_TOKEN)
            page.click("#tokens-submit")
            expect(page.locator("#tokens-next")).to_be_visible()
            expect(page.locator("#checks li.fail")).to_have_count(0)
            shot(page, "tokens-ok")

            # The contact opens the verification link from the mailbox, in a tab of its own.
            (verification,) = [m for m in sent_emails() if email in m.to]
            verify_link = re.search(r"http\S+#verify\?\S+", verification.text or "")
            assert verify_link, verification.text
            assert "Fjord Lager" not in verification.subject + (verification.text or "")
            mailbox_tab = browser.new_page(locale="en-GB")
            mailbox_tab.goto(verify_link.group(0))
            expect(mailbox_tab.locator("#notice")).to_contain_text("email address is confirmed")
            assert "code=" not in mailbox_tab.url, "the code must leave the address bar"
            shot(mailbox_tab, "email-confirmed")
            mailbox_tab.close()
            page.click("#tokens-next")

            # Step 3: groups. None exist yet; "create them for me".
            expect(page.locator("#prereq-missing")).to_be_visible()
            expect(page.locator("#prereq-missing-text")).to_contain_text("a service group")
            expect(page.locator("#prereq-counts")).to_contain_text("2 customers")
            shot(page, "groups-missing")
            page.click("#create-groups")
            expect(page.locator("#prereq-complete")).to_be_visible()
            expect(page.locator('ul[data-list="product_groups"]')).to_contain_text("Tjenester (service)")
            shot(page, "groups-created")
            page.click("#prereq-next")

            # Step 4: the initial import, offered with the groups and terms just found; this
            # company skips it (tests/e2e/initial_sync drives the import itself in the browser).
            expect(page.locator("#step-initial_sync")).to_be_visible()
            expect(page.locator("#terms_default option")).to_have_count(1)
            expect(page.locator("#service_group")).to_contain_text("Tjenester")
            shot(page, "import-offered")
            page.click("#import-skip")

            # Step 5: settings.
            expect(page.locator("#step-settings")).to_be_visible()
            page.check('input[name="customers_to_tripletex"]')
            page.check('input[name="invoices_to_tripletex"]')
            page.check('input[name="invoice_mode"][value="order"]')
            shot(page, "settings")
            page.click("#settings-submit")

            # Done: the settings link went to the contact.
            expect(page.locator("#step-done")).to_be_visible()
            expect(page.locator("#done-text")).to_contain_text(email)
            shot(page, "done")
            page.close()

            (mail,) = [m for m in sent_emails() if email in m.to and m.message_id != verification.message_id]
            link = re.search(r"http\S+#settings\?\S+", mail.text or "")
            assert link, mail.text

            # Later, in a fresh browser: the emailed link opens this tenant's settings directly.
            later = browser.new_page(locale="nb-NO")
            later.on("dialog", lambda dialog: dialog.accept())
            later.goto(link.group(0))
            expect(later.locator("#step-settings")).to_be_visible()
            expect(later.locator("#settings-tenant")).to_contain_text("Fjord Lager AS")
            assert "token=" not in later.url, "the token must leave the address bar"
            expect(later.locator('input[name="invoice_mode"][value="order"]')).to_be_checked()
            expect(later.locator("#sync-runs-empty")).to_be_visible()
            expect(later.locator("#sync-failures-empty")).to_be_visible()
            # How changes reach us: the webhooks Rackbeat accepted (the simulator accepts all).
            expect(later.locator("#webhook-status")).to_contain_text("alle 7 webhooks er registrert")
            later.click("#lang-en")
            shot(later, "settings-link")
            later.check('input[name="products_to_rackbeat"]')
            later.click("#settings-submit")
            expect(later.locator("#settings-saved")).to_have_text("Settings saved.")
            shot(later, "settings-changed")
            later.click("#lang-nb")
            expect(later.locator("#settings-submit")).to_have_text("Lagre innstillinger")
            shot(later, "settings-norwegian")

            # Another day, another browser: sign in by an emailed link instead.
            signing_in = browser.new_page(locale="en-GB")
            signing_in.goto(stack.api_url + "/")
            signing_in.fill("#sign_in_email", email)
            signing_in.click("#sign-in-submit")
            expect(signing_in.locator("#notice")).to_contain_text("sign-in link is on its way")
            sign_in_mail = [m for m in sent_emails() if email in m.to][-1]
            sign_in_link = re.search(r"http\S+#sign-in\?\S+", sign_in_mail.text or "")
            assert sign_in_link, sign_in_mail.text
            signing_in.goto(sign_in_link.group(0))
            expect(signing_in.locator("#step-settings")).to_be_visible()
            expect(signing_in.locator("#last-used")).to_contain_text("last used")
            assert "code=" not in signing_in.url
            shot(signing_in, "signed-in")
        finally:
            browser.close()

    tenant_id = re.search(r"tenant=([0-9a-f]+)", link.group(0)).group(1)  # type: ignore[union-attr]
    saved = stack.request("GET", f"/tenants/{tenant_id}/settings", token=key).json()
    assert saved["status"] == "active"
    assert saved["settings"]["streams"]["products_to_rackbeat"] is True
    assert saved["settings"]["invoice_mode"] == "order"
    assert [m.subject for m in sent_emails() if email in m.to] == [
        verification.subject,
        mail.subject,
        sign_in_mail.subject,
    ], "a later save sends no email"
