"""How the plan cuts an entity's ids into page messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rackbeat_tripletex.clients import budget
from rackbeat_tripletex.clients.ratelimit import TokenBucket


def test_a_thousand_records_make_equal_pages_for_every_worker() -> None:
    pages = budget.split_pages(list(range(1, 1001)))
    # Five pages of 200 would leave one worker alone with the fifth at half the tenant's rate.
    assert [len(p) for p in pages] == [167, 167, 167, 167, 166, 166]
    assert len(pages) % budget.MAX_CONCURRENT_WORKERS == 0


def test_a_page_too_small_to_pay_its_way_is_not_split() -> None:
    ids = list(range(1, budget.MIN_PAGE_SIZE * 2))
    assert budget.split_pages(ids) == [ids]


def test_no_ids_make_no_pages() -> None:
    assert budget.split_pages([]) == []


@pytest.mark.parametrize("page_size", [1, 3, 10, 200])
@given(ids=st.lists(st.integers(min_value=1), unique=True, max_size=2500).map(sorted))
def test_pages_keep_every_id_once_in_order_and_respect_the_page_size(page_size: int, ids: list[int]) -> None:
    previous = budget.PAGE_SIZE
    budget.PAGE_SIZE = page_size
    try:
        pages = budget.split_pages(ids)
    finally:
        budget.PAGE_SIZE = previous
    assert [i for page in pages for i in page] == ids
    assert all(1 <= len(page) <= page_size for page in pages)
    if pages:
        assert max(map(len, pages)) - min(map(len, pages)) <= 1
        # Never more pages than needed, except to give every worker an equal share.
        needed = -(-len(ids) // page_size)
        assert len(pages) == needed or len(pages) % budget.MAX_CONCURRENT_WORKERS == 0


def test_a_page_starts_with_an_empty_budget_and_refills_at_the_workers_rate() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    rate = budget.rackbeat_per_minute_per_worker() / 60
    fresh = TokenBucket(rate, 20.0, clock=lambda: now[0], sleep=sleep)
    # A fresh bucket lets 20 requests go at once: with a page a minute per worker, the two
    # workers' bursts overshoot Rackbeat's 480 a minute.
    for _ in range(20):
        fresh.acquire()
    assert now[0] == 0.0

    paced = TokenBucket(rate, 20.0, clock=lambda: now[0], sleep=sleep)
    budget.start_empty(paced)
    for _ in range(20):
        paced.acquire()
    assert now[0] == pytest.approx(20 / rate)
    # Time spent on the page's reads before its first write is budget it may use.
    now[0] += 2.0
    start = now[0]
    for _ in range(int(2 * rate)):
        paced.acquire()
    assert now[0] == pytest.approx(start)
