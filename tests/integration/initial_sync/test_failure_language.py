"""A tenant's import failures are in its language through and through: the words the worker
records for each failed record (message and fix) are the catalogue's sentences in the tenant's
language (bokmål by default), with only the records' own values and the other system's quoted
answer in them (issue 16)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.i18n import CATALOGUE, Language
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.models.sync import Accepted, FailureReason
from tests.support.import_harness import TENANT, Harness, build_harness, demo_request, small_seed

PACKS = 6  # a demo unit ("pk") the Rackbeat account lacks


def _template(message: str) -> re.Pattern[str] | None:
    """A catalogue sentence as a pattern its placeholders may fill; None for one that is all
    placeholders (it would match anything)."""
    pieces = re.split(r"\{[^{}]*\}", message)
    if sum(len(piece.split()) for piece in pieces) < 3:
        return None
    return re.compile("(?s)" + "(.+?)".join(re.escape(piece) for piece in pieces))


def _templates(language: Language) -> list[re.Pattern[str]]:
    found = (_template(message.get(language)) for message in CATALOGUE.values())
    return [pattern for pattern in found if pattern is not None]


def _fragments(language: Language) -> set[str]:
    """Every run of three words or more of the catalogue in `language` (as test_i18n_rendered
    reads it)."""
    found = set()
    for message in CATALOGUE.values():
        for piece in re.split(r"\{[^{}]*\}", message.get(language)):
            for sentence in re.split(r"[.:;!?\n()\u00ab\u00bb\"]", piece):
                words = sentence.strip(string.whitespace + string.punctuation)
                if len(words.split()) >= 3:
                    found.add(words)
    return found


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

    other = Language.EN if language is Language.NB else Language.NB
    own, foreign = _templates(language), _templates(other)
    fragments = _fragments(other) - _fragments(language)
    for failure in failures:
        for words in (failure.message, failure.suggested_fix):
            assert any(p.fullmatch(words) for p in own), (failure.reason, words)
            assert not any(p.fullmatch(words) for p in foreign), (failure.reason, words)
            leaked = {fragment for fragment in fragments if fragment in words}
            assert leaked == set(), (failure.reason, words)
