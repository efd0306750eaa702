"""The webhooks function's short memory of a tenant's stream choices (deliveries.RecentlyRead)."""

from __future__ import annotations

from rackbeat_tripletex.webhooks.deliveries import STREAMS_FRESH_SECONDS, RecentlyRead


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_storm_of_deliveries_reads_a_tenants_streams_once_per_freshness_window() -> None:
    reads: list[str] = []
    answers = {"tenant-a": "on"}

    def read(tenant_id: str) -> str | None:
        reads.append(tenant_id)
        return answers.get(tenant_id)

    clock = Clock()
    streams = RecentlyRead(read, STREAMS_FRESH_SECONDS, clock)
    assert [streams("tenant-a") for _ in range(500)] == ["on"] * 500
    assert reads == ["tenant-a"]
    # Another tenant is its own read; an unknown tenant's None is remembered too.
    assert streams("tenant-b") is None
    assert streams("tenant-b") is None
    assert reads == ["tenant-a", "tenant-b"]


def test_a_changed_choice_is_seen_once_the_window_has_passed() -> None:
    answers = {"tenant-a": "on"}
    clock = Clock()
    streams = RecentlyRead(answers.get, STREAMS_FRESH_SECONDS, clock)
    assert streams("tenant-a") == "on"
    answers["tenant-a"] = "off"
    clock.now += STREAMS_FRESH_SECONDS - 1
    assert streams("tenant-a") == "on"  # still within the window: stale by design
    clock.now += 1
    assert streams("tenant-a") == "off"
    answers["tenant-a"] = "on again"
    assert streams.read_now("tenant-a") == "on again"  # what a delivery about to be dropped asks
    assert streams("tenant-a") == "on again"
