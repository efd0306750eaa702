"""The wizard's resume point, the payment-term mapping, the company-name check and the cockpit's
history, status and dead token, as pure functions of the tenant's state."""

from __future__ import annotations

import datetime as dt

import pytest

from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import Check, CheckId, CredentialsSummary, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import RunOutcome, StreamName, SyncRun
from rackbeat_tripletex.onboarding.cockpit import dead_token, history, status_text, stream_health, when_text
from rackbeat_tripletex.onboarding.setup import (
    NothingToSyncError,
    company_mismatch,
    next_step,
    require_a_stream,
    suggest_terms,
)

NOW = dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)


def tenant(**changes: object) -> Tenant:
    base = Tenant(
        tenant_id="a" * 32,
        company_name="Fjord Lager AS",
        contact_name="Ingrid",
        contact_email="ingrid@fjord.no",
        created_at=NOW,
        updated_at=NOW,
        management_token_hash="x",
    )
    return base.model_copy(update=changes)


CHECKED = CredentialsSummary(
    validated_at=NOW, rackbeat_company="Fjord Lager AS", tripletex_company="Fjord Lager"
)


@pytest.mark.parametrize(
    ("changes", "passed", "import_state", "step"),
    [
        ({}, set(), "not_started", "tokens"),
        ({"credentials": CHECKED}, set(), "not_started", "prerequisites"),
        ({"credentials": CHECKED}, {"prerequisites"}, "not_started", "initial_sync"),
        ({"credentials": CHECKED}, {"prerequisites", "initial_sync"}, "running", "initial_sync"),
        ({"credentials": CHECKED}, {"prerequisites", "initial_sync"}, "completed", "settings"),
        ({"credentials": CHECKED}, {"prerequisites", "initial_sync"}, "not_started", "settings"),
        ({"credentials": CHECKED, "status": TenantStatus.NEEDS_RELINK}, {"prerequisites"}, "x", "tokens"),
        ({"credentials": CHECKED, "settings_saved_at": NOW}, set(), "not_started", "cockpit"),
    ],
)
def test_the_wizard_resumes_where_the_tenants_state_says(
    changes: dict[str, object], passed: set[str], import_state: str, step: str
) -> None:
    assert next_step(tenant(**changes), passed, import_state) == step


def test_a_company_name_unlike_the_accounts_is_pointed_out_in_the_tenants_language() -> None:
    assert company_mismatch(tenant(credentials=CHECKED), Language.NB) is None
    other = CredentialsSummary(
        validated_at=NOW, rackbeat_company="Bergen Bil AS", tripletex_company="Bergen Bil"
    )
    nb = company_mismatch(tenant(credentials=other), Language.NB)
    assert nb is not None
    assert "«Fjord Lager AS»" in nb
    assert "«Bergen Bil AS / Bergen Bil»" in nb
    en = company_mismatch(tenant(credentials=other), Language.EN)
    assert en is not None
    assert "the tokens belong to" in en
    assert company_mismatch(tenant(), Language.NB) is None  # nothing checked yet, nothing to compare


def test_payment_terms_are_matched_by_days_and_only_the_days_that_occur_are_shown() -> None:
    days = [30] * 116 + [14] * 3 + [45]
    terms = [("1", "Netto 14", 14), ("2", "Netto 30", 30), ("3", "Kontant", 0)]
    suggested = suggest_terms(days, terms, Language.NB)
    assert suggested.default == "2"  # the most common day value's term, not the first one
    assert [(row.days, row.customers, row.term) for row in suggested.by_days] == [
        (14, 3, "1"),
        (30, 116, "2"),
        (45, 1, None),
    ]
    assert suggested.by_days[1].text == "116 kunder med 30 dagers betalingsfrist får «Netto 30» i Rackbeat."
    assert "Rackbeat har ingen betingelse med 45 dager" in suggested.by_days[2].text
    assert suggested.by_days[2].text.startswith("Den ene kunden med 45 dagers betalingsfrist")
    assert "«Netto 30»" in suggested.by_days[2].text


def test_saving_with_no_stream_is_refused_in_plain_words() -> None:
    with pytest.raises(NothingToSyncError) as refused:
        require_a_stream({"customers_to_tripletex": False}, Language.NB)
    assert refused.value.message.startswith("Velg minst én ting")
    require_a_stream({"customers_to_tripletex": True}, Language.NB)


def run(
    stream: StreamName, minutes_ago: int, run_id: str, trigger: str = "schedule", **counts: int
) -> SyncRun:
    started = NOW - dt.timedelta(minutes=minutes_ago)
    return SyncRun(
        tenant_id="a" * 32,
        run_id=run_id,
        stream=stream,
        trigger=trigger,  # type: ignore[arg-type]
        started_at=started,
        finished_at=started + dt.timedelta(seconds=5),
        **counts,  # type: ignore[arg-type]
    )


def test_history_has_one_row_per_run_and_groups_webhook_deliveries_with_norwegian_dates() -> None:
    runs = [  # newest first, as the run store answers
        run(StreamName.CUSTOMERS_TO_TRIPLETEX, 1, "w3", "webhook", written=1),
        run(StreamName.CUSTOMERS_TO_TRIPLETEX, 5, "w2", "webhook", written=1),
        run(StreamName.CUSTOMERS_TO_TRIPLETEX, 9, "w1", "webhook", written=1, failed=1),
        run(StreamName.CUSTOMERS_TO_TRIPLETEX, 20, "s1", written=2),
        run(StreamName.PRODUCTS_TO_TRIPLETEX, 20, "s1", written=3),
    ]
    rows = history(runs, Language.NB)
    assert len(rows) == 2
    webhooks, scheduled = rows
    assert (webhooks.deliveries, webhooks.written, webhooks.failed) == (3, 3, 1)
    assert webhooks.what == "Kunder \u2192 Tripletex"
    assert webhooks.how == "straks (webhook)"
    assert webhooks.when == "1. desember 2026 kl. 13:51"  # the first delivery, Oslo time
    assert (scheduled.deliveries, scheduled.written) == (1, 5)
    assert scheduled.what == "Kunder \u2192 Tripletex, Produkter \u2192 Tripletex"
    assert history(runs, Language.EN)[1].when == "1 December 2026, 13:40"


def test_stream_health_counts_today_and_the_last_success() -> None:
    runs = [
        run(StreamName.CUSTOMERS_TO_TRIPLETEX, 10, "b", written=4).model_copy(
            update={"outcome": RunOutcome.FAILED}
        ),
        run(StreamName.CUSTOMERS_TO_TRIPLETEX, 30, "a", written=2),
    ]
    health = {
        row.name: row for row in stream_health(runs, None, {"customers_to_tripletex": 2}, NOW, Language.NB)
    }
    customers = health[StreamName.CUSTOMERS_TO_TRIPLETEX]
    assert customers.records_today == 6
    assert customers.open_failures == 2
    assert customers.lag_seconds == 30 * 60 - 5
    assert health[StreamName.PRODUCTS_TO_TRIPLETEX].last_success_at is None


def test_the_dead_token_is_the_one_the_failed_checks_point_at() -> None:
    def failed(check_id: CheckId, fix: str = "") -> Check:
        return Check(id=check_id, label="x", ok=False, fix=fix)

    assert dead_token([failed(CheckId.RACKBEAT_TOKEN)]) == "rackbeat_api_token"
    assert dead_token(
        [failed(CheckId.TRIPLETEX_SESSION, "The Tripletex employee token was not accepted.")]
    ) == ("tripletex_employee_token")
    # A check without a field names its token only by its fix, in either language.
    for language in Language:
        consumer_fix = text("check.session.consumer_fix", language)
        assert dead_token([failed(CheckId.TRIPLETEX_SESSION, consumer_fix)]) == "tripletex_consumer_token"
        employee_fix = text("check.session.employee_fix", language)
        assert dead_token([failed(CheckId.TRIPLETEX_SESSION, employee_fix)]) == "tripletex_employee_token"
    assert dead_token([failed(CheckId.RACKBEAT_TOKEN), failed(CheckId.TRIPLETEX_ACCESS_CUSTOMER)]) is None
    paused = tenant(status=TenantStatus.NEEDS_RELINK)
    assert "Rackbeat API-nøkkelen" in status_text(paused, "rackbeat_api_token", Language.NB)
    assert when_text(NOW, Language.NB) == "1. desember 2026 kl. 14:00"
