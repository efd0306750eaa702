"""A tenant's import failures are in its language through and through: the words the worker
records for each failed record (message and fix) are the catalogue's sentences in the tenant's
language (bokmål by default), with only the records' own values and the other system's quoted
answer in them (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.models.sync import Accepted, FailureReason
from tests.support.catalogue_words import assert_in_language
from tests.support.import_harness import TENANT, Harness, build_harness, demo_request, small_seed

PACKS = 6  # a demo unit ("pk") the Rackbeat account lacks


@pytest.fixture
def company(aws_stack: ProvisionedStack) -> Iterator[Harness]:
    """The cut-down demo (duplicate numbers among its bad records) with a Rackbeat account that
    lacks EUR and GBP, and a product counted in a unit Rackbeat lacks."""
    seed: dict[str, Any] = small_seed()
    seed["rackbeat"]["currencies"] = ["NOK", "SEK", "DKK", "USD"]
    product = seed["tripletex"]["products"][0]
    product["productUnit"] = {"id": PACKS}
    yield from build_harness(aws_stack, seed, run_import=False)


@pytest.mark.parametrize("language", [Language.NB, Language.EN])
def test_a_tenants_import_failures_are_in_its_language(company: Harness, language: Language) -> None:
    """Norwegian is also the default outside a tenant's work; the English tenant shows that the
    worker takes the tenant's language, not the default."""
    stored = company.ctx.tenants.get_with_version(TENANT)
    assert stored is not None
    tenant, version = stored
    company.ctx.tenants.save(tenant.model_copy(update={"language": language}), version)

    assert isinstance(service.start_initial_sync(company.ctx, TENANT, demo_request()), Accepted)
    company.drain()
    failures = list(service.list_failures(company.ctx, TENANT))
    reasons = {f.reason for f in failures}
    assert {
        FailureReason.UNKNOWN_CURRENCY,
        FailureReason.UNKNOWN_UNIT,
        FailureReason.DUPLICATE_NUMBER,
    } <= reasons, reasons

    for failure in failures:
        assert_in_language(failure.message, language, failure.reason)
        assert_in_language(failure.suggested_fix, language, failure.reason)
