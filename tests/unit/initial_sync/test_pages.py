"""How the plan cuts an entity's ids into page messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rackbeat_tripletex.clients import budget


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
