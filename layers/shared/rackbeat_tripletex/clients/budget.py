"""How the whole fan-out of one tenant stays inside that tenant's API rate budgets.

Mechanism: a concurrency cap plus a static share of the budget per worker.

* The SQS event source of InitialSyncFunction has ``ScalingConfig.MaximumConcurrency`` =
  :data:`MAX_CONCURRENT_WORKERS` and ``BatchSize`` 1, so at most that many page messages are
  being worked on at any moment, whichever tenants they belong to.
* Every worker's clients budget themselves (token bucket in
  :class:`~rackbeat_tripletex.clients.http.HttpClient`) to ``API limit / MAX_CONCURRENT_WORKERS``.
  Even when every running worker serves the same tenant, their sum is at most the tenant's limit.
* On top of that the clients honour the APIs' own rate-limit headers and 429s.

Why not a shared token bucket in DynamoDB: it would put a conditional write (or a lease read)
in front of every API call, adding latency and a DynamoDB bill proportional to API calls, and
its correctness would rest on clock-synchronised refill across containers. The cap costs
throughput only when several tenants import at the same time, which a one-time import can
afford; ``template.yaml`` and this constant are checked against each other by a unit test.

Pages are cut so the workers finish together. A worker may only spend its own share, so a
worker left alone with the last page runs at half the tenant's rate while the other idles; with
pages of 200, 1,000 records make 5 pages, and the fifth runs alone for a whole page's time.
:func:`split_pages` instead cuts each entity into a multiple of :data:`MAX_CONCURRENT_WORKERS`
equal pages (1,000 records: 6 pages of 166-167), so both workers stay busy to the end. A lone
worker is not given the other's share: it cannot know the other is idle without asking a shared
store before every page or every few calls (a per-tenant lease or token bucket in DynamoDB), and
a worker that starts while the other still runs at the full rate would overshoot the tenant's
limit until the next check. Balanced pages remove the idle tail without that risk or cost.

A page's Rackbeat budget starts empty (:func:`start_empty`). Each page opens fresh clients, and
a fresh token bucket holds a burst (20 requests) on top of the worker's rate. Rackbeat counts
per minute in fixed windows: with pages turning over about once a minute per worker, two
workers' bursts overshot the 480 a window allows, the answers said "0 remaining", and both
waited for the next window (the import at the real limits wrote at 0.885 of the limit, with no
429). Emptied at the page's start, the bucket refills at the worker's rate from then on, as if
one bucket ran from page to page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rackbeat_tripletex.clients.ratelimit import TokenBucket

# ScalingConfig.MaximumConcurrency of the InitialSyncQueue event source (2 is SQS's minimum).
MAX_CONCURRENT_WORKERS = 2

# Tripletex: 100 requests per rolling 10 s per token pair (specs/TRIPLETEX.md, reported).
TRIPLETEX_REQUESTS_PER_SECOND = 10.0
# Rackbeat: 480 requests per minute per token (reference conventions 9).
RACKBEAT_REQUESTS_PER_MINUTE = 480

# A page is sized so one worker writes it well inside the 150 s function timeout at its share
# of Rackbeat's budget (one write per record): 200 / (480 / 60 / 2) = 50 s.
PAGE_SIZE = 200
# The smallest page worth a message of its own: below it, the page's fixed cost (a Tripletex
# read, the link lookup, the progress write, an SQS round trip) outweighs the parallelism.
MIN_PAGE_SIZE = 25
# Ids per Tripletex GET when a page is fetched by id: keeps the URL far below common 8 KB limits.
IDS_PER_READ = 200


def tripletex_rate_per_worker() -> float:
    return TRIPLETEX_REQUESTS_PER_SECOND / MAX_CONCURRENT_WORKERS


def rackbeat_per_minute_per_worker() -> int:
    return RACKBEAT_REQUESTS_PER_MINUTE // MAX_CONCURRENT_WORKERS


def start_empty(bucket: TokenBucket) -> None:
    """No burst for a new page: the bucket refills at its rate from now (see the module's note)."""
    bucket.block_for(0.0)


def split_pages(ids: Sequence[int]) -> list[list[int]]:
    """Cut ``ids`` (in order) into at most ``PAGE_SIZE``-long pages of equal size (±1), as many
    as a multiple of the worker count unless that would make pages shorter than ``MIN_PAGE_SIZE``."""
    if not ids:
        return []
    pages = math.ceil(len(ids) / PAGE_SIZE)
    balanced = math.ceil(pages / MAX_CONCURRENT_WORKERS) * MAX_CONCURRENT_WORKERS
    pages = max(pages, min(balanced, len(ids) // MIN_PAGE_SIZE))
    size, longer = divmod(len(ids), pages)
    result: list[list[int]] = []
    start = 0
    for number in range(pages):
        end = start + size + (1 if number < longer else 0)
        result.append(list(ids[start:end]))
        start = end
    return result
