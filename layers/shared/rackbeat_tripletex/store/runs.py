"""Runs: the tenant's one initial import, and the ongoing sync's history of stream runs.

Layout (in the tenant's partition of StateTable):
  sk = ISYNC#RUN                       the import: request, reference data, state, counters and
                                       the set of pages already counted
  sk = ISYNC#RBX#<entity>#<chunk>      Rackbeat numbers that existed when the import was planned
  sk = SYNCRUN#<started_at ISO>#<run id>#<stream>
                                       one stream run; kept about 90 days (DynamoDB TTL), and the
                                       sort key makes a tenant's history read newest first

The import's one-time guard is the conditional put of ISYNC#RUN: a second start finds it and
gets the existing run back. Its counters are numeric attributes ``n_<entity>_<outcome>`` bumped
with ADD by the same conditional UpdateItem that adds the page to the run's ``pages_counted``
set, so a redelivered page is counted once: one item, one atomic write, no transaction (see
``complete_page``). A stream run is written whole when it ends, so its rows need no counters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError
from pydantic import Field

from rackbeat_tripletex.models.sync import (
    IMPORT_ENTITIES,
    INITIAL_SYNC,
    Cursor,
    EntityProgress,
    ImportEntity,
    ImportRunHeader,
    InitialSyncRequest,
    ReferenceData,
    RunState,
    SyncRun,
)
from rackbeat_tripletex.store.dynamo import (
    conditionally,
    dynamo,
    plain,
    query_prefix,
    tenant_pk,
    transaction_cancelled,
)
from rackbeat_tripletex.store.failures import failure_sk

RUN_SK = "ISYNC#RUN"
INDEX_PREFIX = "ISYNC#RBX#"
STREAM_PREFIX = "SYNCRUN#"
# Numbers per index row: far below DynamoDB's 400 KB item limit even for 255-character numbers.
INDEX_CHUNK = 1000
COUNTERS = ("created", "linked", "updated", "unchanged", "skipped", "failed")
RETENTION = dt.timedelta(days=90)


class AlreadyStarted(Exception):
    def __init__(self, run: RunRecord) -> None:
        self.run = run
        super().__init__(f"the initial sync already ran (started {run.started_at.isoformat()})")


class ConcurrentlyDeleted(Exception):
    """The run was there when a start collided with it, and gone when read; start again."""


class RunRecord(ImportRunHeader):
    """The initial import's run."""

    request: InitialSyncRequest
    refs: ReferenceData | None = None
    totals: dict[ImportEntity, int] = Field(default_factory=dict)
    counters: dict[ImportEntity, EntityProgress] = Field(default_factory=dict)
    cursors: list[Cursor] = Field(default_factory=list)
    summary_sent_at: dt.datetime | None = None


def stream_run_sk(run: SyncRun) -> str:
    return f"{STREAM_PREFIX}{run.started_at.astimezone(dt.UTC).isoformat()}#{run.run_id}#{run.stream.value}"


def _stream_item(run: SyncRun) -> dict[str, Any]:
    finished = run.finished_at or run.started_at
    return {
        "pk": tenant_pk(run.tenant_id),
        "sk": stream_run_sk(run),
        **run.model_dump(mode="json", exclude_none=True),
        "expires_at": int((finished + RETENTION).timestamp()),
    }


def _counter(entity: ImportEntity, name: str) -> str:
    return f"n_{entity}_{name}"


def _page_name(entity: ImportEntity, page: int) -> str:
    return f"{entity}#{page:06d}"


def _adds(entity: ImportEntity, delta: dict[str, int]) -> dict[str, Any]:
    """The parts of an ``ADD`` that moves the import's counters of ``entity`` by ``delta``."""
    return {
        "UpdateExpression": "ADD " + ", ".join(f"#{name} :{name}" for name in delta),
        "ExpressionAttributeNames": {f"#{name}": _counter(entity, name) for name in delta},
        "ExpressionAttributeValues": {f":{name}": value for name, value in delta.items()},
    }


class RunStore:
    """The import's run (``begin`` .. ``mark_summary_sent``) and the stream runs (``put``,
    ``put_many``, ``latest``)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def _key(self, tenant_id: str, sk: str = RUN_SK) -> dict[str, str]:
        return {"pk": tenant_pk(tenant_id), "sk": sk}

    # ----- the import's guard -----------------------------------------------------------------
    def begin(self, run: RunRecord) -> None:
        """Create the run once per tenant; raises AlreadyStarted with the run that exists."""
        item = {
            **self._key(run.tenant_id),
            "run_id": run.run_id,
            "state": run.state.value,
            "request": run.request.model_dump(mode="json"),
            "started_at": run.started_at.isoformat(),
            "pages_done": 0,
        }
        if conditionally(
            lambda: self._table.put_item(Item=item, ConditionExpression=Attr("pk").not_exists())
        ):
            return
        existing = self.get_import(run.tenant_id)
        if existing is None:  # deleted between the two calls: the caller may try again
            raise ConcurrentlyDeleted(run.tenant_id)
        raise AlreadyStarted(existing)

    def abandon(self, tenant_id: str, run_id: str) -> None:
        """Undo ``begin`` when the plan message could not be sent, so the user can start again."""
        conditionally(
            lambda: self._table.delete_item(
                Key=self._key(tenant_id),
                ConditionExpression=Attr("run_id").eq(run_id) & Attr("state").eq(RunState.PLANNED.value),
            )
        )

    def get_import(self, tenant_id: str) -> RunRecord | None:
        item = self._table.get_item(Key=self._key(tenant_id), ConsistentRead=True).get("Item")
        if not item:
            return None
        counters: dict[ImportEntity, EntityProgress] = {}
        for entity in IMPORT_ENTITIES:
            values = {name: int(item.get(_counter(entity, name), 0)) for name in COUNTERS}
            if any(values.values()) or entity in (item.get("totals") or {}):
                counters[entity] = EntityProgress(**values)
        return RunRecord.model_validate(
            {
                "tenant_id": tenant_id,
                "run_id": item["run_id"],
                "state": item["state"],
                "request": plain(item["request"]),
                "started_at": item["started_at"],
                "finished_at": item.get("finished_at"),
                "refs": plain(item["refs"]) if "refs" in item else None,
                "pages_total": int(item["pages_total"]) if "pages_total" in item else None,
                "pages_done": int(item.get("pages_done", 0)),
                "totals": plain(item.get("totals") or {}),
                "counters": counters,
                "cursors": plain(item.get("cursors") or []),
                "summary_sent_at": item.get("summary_sent_at"),
            }
        )

    # ----- the import's plan ------------------------------------------------------------------
    def set_refs(self, tenant_id: str, refs: ReferenceData) -> None:
        self._table.update_item(
            Key=self._key(tenant_id),
            UpdateExpression="SET refs = :r",
            ExpressionAttributeValues={":r": dynamo(refs.model_dump(mode="json"))},
        )

    def set_plan(
        self, tenant_id: str, pages_total: int, totals: dict[ImportEntity, int], cursors: list[Cursor]
    ) -> bool:
        """Record the plan once; False when a previous delivery of the plan message already did."""
        return conditionally(
            lambda: self._table.update_item(
                Key=self._key(tenant_id),
                UpdateExpression="SET pages_total = :p, totals = :t, cursors = :c, #s = :running",
                ConditionExpression=Attr("pages_total").not_exists(),
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":p": pages_total,
                    ":t": dict(totals),
                    ":c": [c.model_dump() for c in cursors],
                    ":running": RunState.RUNNING.value,
                },
            )
        )

    def put_index(self, tenant_id: str, entity: ImportEntity, numbers: list[str]) -> None:
        ordered = sorted(set(numbers))
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for chunk, start in enumerate(range(0, max(len(ordered), 1), INDEX_CHUNK)):
                batch.put_item(
                    Item={
                        **self._key(tenant_id, f"{INDEX_PREFIX}{entity}#{chunk:05d}"),
                        "numbers": ordered[start : start + INDEX_CHUNK],
                    }
                )

    def get_index(self, tenant_id: str, entity: ImportEntity) -> set[str]:
        numbers: set[str] = set()
        for item in query_prefix(self._table, tenant_pk(tenant_id), f"{INDEX_PREFIX}{entity}#"):
            numbers.update(str(n) for n in item.get("numbers", []))
        return numbers

    # ----- the import's progress --------------------------------------------------------------
    def _count_with(self, tenant_id: str, row: dict[str, Any], adds: dict[str, Any]) -> None:
        """One transaction: ``row`` (a conditional write of another row) and the counter ``adds``
        on the run, so neither happens without the other."""
        update = {"TableName": self._table.name, "Key": self._key(tenant_id), **adds}
        self._table.meta.client.transact_write_items(TransactItems=[row, {"Update": update}])

    def complete_page(self, tenant_id: str, entity: ImportEntity, page: int, counts: EntityProgress) -> bool:
        """Count a page's outcome exactly once; False when it was counted before (redelivery).

        One conditional UpdateItem of the run row: the page's name joins ``pages_counted`` in the
        write that ADDs its counters, on condition that the name is not there yet. DynamoDB
        applies an item's update atomically, so a worker dying before it leaves nothing counted
        (the redelivery counts the page) and one dying after leaves all of it counted (the
        redelivery's condition fails). A marker row written in a transaction with the counters
        did the same at twice the write units, and moto copies the whole table for every item
        of a transaction. The set costs about 15 bytes per page: 400 KB, DynamoDB's item limit,
        is some 25,000 pages, five million records at 200 a page.
        """
        adds = _adds(entity, {name: getattr(counts, name) for name in COUNTERS})
        adds["UpdateExpression"] += ", pages_done :one, pages_counted :pages"
        name = _page_name(entity, page)
        adds["ExpressionAttributeValues"].update({":one": 1, ":pages": {name}, ":page": name})
        return conditionally(
            lambda: self._table.update_item(
                Key=self._key(tenant_id),
                # A run deleted meanwhile (offboarding) is not brought back as a row of counters.
                ConditionExpression="attribute_exists(pk) AND NOT contains(pages_counted, :page)",
                **adds,
            )
        )

    def add_counts(self, tenant_id: str, entity: ImportEntity, delta: dict[str, int]) -> None:
        """Adjust counters after a retry (a failure that now succeeded moves out of ``failed``)."""
        delta = {name: value for name, value in delta.items() if value}
        if delta:
            self._table.update_item(Key=self._key(tenant_id), **_adds(entity, delta))

    def resolve_failure(self, tenant_id: str, entity: ImportEntity, key: str, outcome: str) -> bool:
        """A failed record imported by a retry: drop its failure row and move its count from
        ``failed`` to ``outcome`` in one transaction; False when a redelivery already did it."""
        failure = {
            "TableName": self._table.name,
            "Key": self._key(tenant_id, failure_sk(INITIAL_SYNC, entity, key)),
            "ConditionExpression": "attribute_exists(pk)",
        }
        try:
            self._count_with(tenant_id, {"Delete": failure}, _adds(entity, {"failed": -1, outcome: 1}))
        except ClientError as error:
            if transaction_cancelled(error):
                return False
            raise
        return True

    def finish(self, tenant_id: str, state: RunState, at: dt.datetime) -> bool:
        """Mark the run finished once every page is counted; True only for the caller that did it."""
        return conditionally(
            lambda: self._table.update_item(
                Key=self._key(tenant_id),
                UpdateExpression="SET #s = :state, finished_at = :at",
                # Two attributes compared: only the string form of a condition can say that.
                ConditionExpression="#s = :running AND pages_done = pages_total",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":state": state.value,
                    ":at": at.isoformat(),
                    ":running": RunState.RUNNING.value,
                },
            )
        )

    def set_state(self, tenant_id: str, state: RunState, expected: RunState) -> None:
        conditionally(
            lambda: self._table.update_item(
                Key=self._key(tenant_id),
                UpdateExpression="SET #s = :state",
                ConditionExpression=Attr("state").eq(expected.value),
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":state": state.value},
            )
        )

    def mark_summary_sent(self, tenant_id: str, at: dt.datetime) -> bool:
        """Claim the summary email; only the first caller sends it."""
        return conditionally(
            lambda: self._table.update_item(
                Key=self._key(tenant_id),
                UpdateExpression="SET summary_sent_at = :at",
                ConditionExpression=Attr("summary_sent_at").not_exists(),
                ExpressionAttributeValues={":at": at.isoformat()},
            )
        )

    # ----- stream runs ------------------------------------------------------------------------
    def put(self, run: SyncRun) -> None:
        self._table.put_item(Item=_stream_item(run))

    def put_many(self, runs: list[SyncRun]) -> None:
        """All stream runs of one tenant run in one BatchWriteItem (25 rows a call): the history
        row format stays one row per run and stream, without a write per stream."""
        if len(runs) == 1:
            self.put(runs[0])
            return
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for run in runs:
                batch.put_item(Item=_stream_item(run))

    def latest(self, tenant_id: str, limit: int = 50) -> list[SyncRun]:
        """The newest ``limit`` stream runs, newest first."""
        runs: list[SyncRun] = []
        for item in query_prefix(
            self._table, tenant_pk(tenant_id), STREAM_PREFIX, ScanIndexForward=False, Limit=limit
        ):
            body = {k: v for k, v in item.items() if k not in ("pk", "sk", "expires_at")}
            runs.append(SyncRun.model_validate(plain(body)))
            if len(runs) == limit:
                break
        return runs
