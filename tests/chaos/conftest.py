"""The chaos suites run on the shared moto server (tests.support.fixtures; moto's state is
process-wide: one server per process), provisioned from template.yaml for each run."""

import os

import pytest


@pytest.fixture
def full_size(request: pytest.FixtureRequest) -> None:
    """Full-size suites run under ``make chaos`` (``-m slow``) or with ``CHAOS_FULL=1``, not in
    the everyday ``make test`` (which selects no marker and would otherwise run them too)."""
    selected = str(request.config.getoption("markexpr") or "")
    wanted = os.environ.get("CHAOS_FULL") == "1" or ("slow" in selected and "not slow" not in selected)
    if not wanted:
        pytest.skip("full-size chaos: run `make chaos` or set CHAOS_FULL=1")
