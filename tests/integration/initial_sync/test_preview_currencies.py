"""The import preview predicts the customers and suppliers Rackbeat will refuse on their currency,
from Rackbeat's currency list, and the import then fails on exactly those (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import ProvisionedStack
from local.seed.demo import CURRENCY_ID
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.models.sync import Accepted, DryRunReport, FailureReason
from tests.support.import_harness import TENANT, Harness, build_harness, demo_request, small_seed

EUR = CURRENCY_ID["EUR"]


def _in_eur(seed: dict[str, Any]) -> set[tuple[str, str]]:
    tripletex = seed["tripletex"]
    return {
        (entity, str(row["id"]))
        for entity, rows in (("customer", tripletex["customers"]), ("supplier", tripletex["suppliers"]))
        for row in rows
        if (row.get("currency") or {}).get("id") == EUR
    }


@pytest.fixture
def without_eur(aws_stack: ProvisionedStack) -> Iterator[Harness]:
    """The cut-down demo with a Rackbeat account that has neither EUR nor GBP."""
    seed = small_seed()
    seed["rackbeat"]["currencies"] = ["NOK", "SEK", "DKK", "USD"]
    yield from build_harness(aws_stack, seed, run_import=False)


@pytest.fixture
def unlisted(aws_stack: ProvisionedStack) -> Iterator[Harness]:
    """The cut-down demo with a Rackbeat account that lists no currencies (GET /currency is 404)."""
    seed = small_seed()
    seed["rackbeat"].pop("currencies", None)
    yield from build_harness(aws_stack, seed, run_import=False)


def test_the_preview_predicts_every_currency_failure_the_import_has(without_eur: Harness) -> None:
    eur = _in_eur(without_eur.seed)
    assert eur, "the seed must carry customers in EUR"
    report = service.start_initial_sync(without_eur.ctx, TENANT, demo_request(), dry_run=True)
    assert isinstance(report, DryRunReport)
    assert report.currencies_checked
    assert report.missing_currencies == ["EUR", "GBP"]
    predicted = {(f.entity, f.key) for f in report.failures if f.reason == FailureReason.UNKNOWN_CURRENCY}
    assert eur <= predicted
    assert report.foreign_currencies["EUR"] == len(eur)
    assert report.foreign_currencies["GBP"] == len(predicted - eur) == 1
    eur_failure = next(f for f in report.failures if (f.entity, f.key) in eur)
    assert "EUR" in eur_failure.message
    assert "EUR" in eur_failure.suggested_fix
    assert all(f.entity != "product" for f in report.failures if f.reason == FailureReason.UNKNOWN_CURRENCY)

    accepted = service.start_initial_sync(without_eur.ctx, TENANT, demo_request())
    assert isinstance(accepted, Accepted)
    without_eur.drain()
    failed = {(f.entity, f.key): f.reason for f in service.list_failures(without_eur.ctx, TENANT)}
    # The preview and the import agree on every failure, not only the currency ones.
    assert {(f.entity, f.key): f.reason for f in report.failures} == failed
    assert {k for k, reason in failed.items() if reason == FailureReason.UNKNOWN_CURRENCY} == predicted


def test_without_a_currency_list_the_preview_names_the_foreign_currencies(unlisted: Harness) -> None:
    eur = _in_eur(unlisted.seed)
    report = service.start_initial_sync(unlisted.ctx, TENANT, demo_request(), dry_run=True)
    assert isinstance(report, DryRunReport)
    assert not report.currencies_checked
    assert report.missing_currencies == []
    tripletex = unlisted.seed["tripletex"]
    used = {
        (row.get("currency") or {}).get("id", CURRENCY_ID["NOK"])
        for row in tripletex["customers"] + tripletex["suppliers"]
    }
    codes = {code for code, currency_id in CURRENCY_ID.items() if currency_id in used} - {"NOK"}
    assert set(report.foreign_currencies) == codes
    assert report.foreign_currencies["EUR"] == len(eur)
    assert report.foreign_currencies["GBP"] == 1
    assert FailureReason.UNKNOWN_CURRENCY not in {f.reason for f in report.failures}


def test_a_currency_list_that_fails_leaves_the_preview_naming_the_foreign_currencies(
    without_eur: Harness,
) -> None:
    """The list is WEAK evidence (the 2018 spec only): refused or down, it is no reason to fail
    the preview; the wizard then names the foreign currencies without knowing the account's."""
    without_eur.rackbeat.set_faults({"error_rates": {"500": 1.0}, "only_paths": "/currency"})
    report = service.start_initial_sync(without_eur.ctx, TENANT, demo_request(), dry_run=True)
    assert isinstance(report, DryRunReport)
    assert not report.currencies_checked
    assert report.foreign_currencies["EUR"] == len(_in_eur(without_eur.seed))
    assert not [f for f in report.failures if f.reason == FailureReason.UNKNOWN_CURRENCY]
