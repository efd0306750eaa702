"""The ongoing sync records a tenant's failures in its language: a product Tripletex cannot take,
the invoice that needs it, and the company's missing bank account, for a Norwegian and an English
tenant (issue 16)."""

from __future__ import annotations

import pytest

from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.support.catalogue_words import assert_in_language
from tests.support.sync_world import Env


@pytest.mark.parametrize("language", [Language.NB, Language.EN])
def test_the_ongoing_syncs_failures_are_in_the_tenants_language(env: Env, language: Language) -> None:
    stored = env.ctx.tenants.get_with_version(env.tenant.tenant_id)
    assert stored is not None
    tenant, version = stored
    env.ctx.tenants.save(tenant.model_copy(update={"language": language}), version)
    env.user.create_customer(5004, "God Kunde AS")
    env.user.create_product("P-NEG", "Ugyldig", 10.0)
    env.user.update_product("P-NEG", sales_price=-5.0)
    env.user.book_invoice(5004, [("P-NEG", 1, 10.0)], "2025-01-10")
    env.run()
    env.tripletex.invoice_settings["bankAccountReady"] = False
    env.user.create_product("P-OK", "Hammer", 100.0)
    env.user.book_invoice(5004, [("P-OK", 1, 100.0)], "2025-01-11")
    env.run()

    failures = list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)
    reasons = {str(f.reason) for f in failures}
    assert {"invalid_price", "dependency_failed", "bank_account"} <= reasons, reasons
    for failure in failures:
        assert_in_language(failure.message, language, failure.reason)
        assert_in_language(failure.suggested_fix, language, failure.reason)
