"""SyncRun history: one row per run and stream, kept about 90 days (DynamoDB TTL).

sk = SYNCRUN#<started_at ISO>#<run id>#<stream>   so a tenant's history reads newest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rackbeat_tripletex.models.sync import SyncRun
from rackbeat_tripletex.store.dynamo import plain, query_prefix, tenant_pk

PREFIX = "SYNCRUN#"
RETENTION = dt.timedelta(days=90)


def run_sk(run: SyncRun) -> str:
    return f"{PREFIX}{run.started_at.astimezone(dt.UTC).isoformat()}#{run.run_id}#{run.stream.value}"


def _item(run: SyncRun) -> dict[str, Any]:
    finished = run.finished_at or run.started_at
    return {
        "pk": tenant_pk(run.tenant_id),
        "sk": run_sk(run),
        **run.model_dump(mode="json", exclude_none=True),
        "expires_at": int((finished + RETENTION).timestamp()),
    }


class SyncRunStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def put(self, run: SyncRun) -> None:
        self._table.put_item(Item=_item(run))

    def put_many(self, runs: list[SyncRun]) -> None:
        """All stream runs of one tenant run in one BatchWriteItem (25 rows a call): the history
        row format stays one row per run and stream, without a write per stream."""
        if len(runs) == 1:
            self.put(runs[0])
            return
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for run in runs:
                batch.put_item(Item=_item(run))

    def latest(self, tenant_id: str, limit: int = 50) -> list[SyncRun]:
        """The newest ``limit`` stream runs, newest first."""
        runs: list[SyncRun] = []
        for item in query_prefix(
            self._table, tenant_pk(tenant_id), PREFIX, ScanIndexForward=False, Limit=limit
        ):
            body = {k: v for k, v in item.items() if k not in ("pk", "sk", "expires_at")}
            runs.append(SyncRun.model_validate(plain(body)))
            if len(runs) == limit:
                break
        return runs
