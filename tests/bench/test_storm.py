"""The storm at CI size (bench/storm.py, through the local stack): what it proves that is not a
timing. Every change lands exactly once, the noisy tenant's 429s stay under 1 % of its calls at
about one Tripletex call per record, our own writes' echoes become no work, and every quiet
tenant's change lands (how fast is the benchmark's figure, never asserted here)."""

from __future__ import annotations

from bench.core import Run
from bench.storm import _storm


def test_a_storm_an_import_and_quiet_tenants_each_land_once_without_echoes() -> None:
    noisy, imported, quiet = 40, 40, 3
    measured = _storm(Run(quick=True, n=noisy, repeats=1), noisy, imported, quiet)

    assert measured["noisy_put_counts"] == {1: noisy}, "each product changed once is written once"
    assert measured["noisy_landed"] == noisy
    assert measured["quiet_put_counts"] == {1: quiet}
    assert len(measured["quiet_lags_s"]) == quiet, "every quiet tenant's change landed"
    assert measured["import_done"] is True
    assert measured["import_created"] == imported
    calls = measured["noisy_tripletex_calls"]
    assert measured["noisy_status"].get("429", 0) <= 0.01 * calls
    assert calls / noisy <= 1.3
    assert measured["echo_delivered"] == noisy, "each of our PUTs caused one Tripletex event"
    assert measured["echo_accepted"] == 0
    assert measured["sync_dlq"] == 0
    # A storm of deliveries for one tenant never queues more than a turn per tenant.
    assert measured["sync_queue_peak"] <= quiet + 2
    # Changed once more and announced by one delivery: every product lands, one PUT each.
    assert measured["alone"]["landed"] == noisy
    assert measured["alone"]["tripletex_calls"] / noisy <= 1.3
