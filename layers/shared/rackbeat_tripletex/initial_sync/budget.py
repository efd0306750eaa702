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
"""

from __future__ import annotations

# ScalingConfig.MaximumConcurrency of the InitialSyncQueue event source (2 is SQS's minimum).
MAX_CONCURRENT_WORKERS = 2

# Tripletex: 100 requests per rolling 10 s per token pair (specs/TRIPLETEX.md, reported).
TRIPLETEX_REQUESTS_PER_SECOND = 10.0
# Rackbeat: 480 requests per minute per token (reference conventions 9).
RACKBEAT_REQUESTS_PER_MINUTE = 480

# A page is sized so one worker writes it well inside the 150 s function timeout at its share
# of Rackbeat's budget (one write per record): 200 / (480 / 60 / 2) = 50 s.
PAGE_SIZE = 200
# Ids per Tripletex GET when a page is fetched by id: keeps the URL far below common 8 KB limits.
IDS_PER_READ = 200


def tripletex_rate_per_worker() -> float:
    return TRIPLETEX_REQUESTS_PER_SECOND / MAX_CONCURRENT_WORKERS


def rackbeat_per_minute_per_worker() -> int:
    return RACKBEAT_REQUESTS_PER_MINUTE // MAX_CONCURRENT_WORKERS
