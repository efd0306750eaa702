"""The import's reads and writes: the full-refresh face of the Tripletex -> Rackbeat streams.

The streams' adapters read, map, find, create and update; this module holds what only a
full read does (ids and numbers up front, duplicates settled by the plan, one page at a time).

Write rule for each mapped record (the same on every delivery of the message):

1. A link for its Rackbeat number to *another* Tripletex record: the number is a duplicate in
   Tripletex; the record fails with ``duplicate_number``.
2. A finished link with the same content hash: already imported by an earlier delivery; nothing
   is written and the record counts as what it was then (created or linked).
3. Otherwise the number is claimed (a conditional write), then:
   * the number existed in Rackbeat when the run was planned, or the record was linked before:
     **link and update** - the Tripletex values of every mapped field overwrite Rackbeat's
     (a partial PUT); fields the import does not map (stock, prices per customer group, notes
     typed in Rackbeat) stay as they are. Tripletex is the source of truth for an import.
   * else **create**. Rackbeat answering "number already taken" (our own create whose answer was
     lost before the link was written, or a record added in Rackbeat after planning) turns the
     create into the update above, never into a second record.
4. The link is written with the content hash, then the record counts.

A record Tripletex answers in a shape our read model refuses fails alone (``unreadable``, with
the refused fields); a refused write fails that record alone; any other error (rate limit or outage past the
client's retries) fails the whole message so SQS delivers it again, and rule 2 makes the
records already written cost nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from rackbeat_tripletex.clients import budget
from rackbeat_tripletex.clients.http import NotFound, ValidationFailed
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import about, detail
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.mappers.common import clean, content_hash
from rackbeat_tripletex.mappers.tripletex_to_rackbeat import RackbeatWrite
from rackbeat_tripletex.models.sync import (
    Entity,
    EntityLink,
    EntityProgress,
    FailureReason,
    ImportEntity,
    InitialSyncRequest,
    LinkState,
    RecordFailure,
    ReferenceData,
)
from rackbeat_tripletex.models.tripletex import Customer, Product, Supplier
from rackbeat_tripletex.store.links import NumberTaken
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.streams.to_rackbeat import Read as TripletexRead
from rackbeat_tripletex.streams.to_rackbeat import ToRackbeat
from rackbeat_tripletex.sync.steps import rackbeat_hash

logger = logging.getLogger(__name__)

TripletexRecord = Customer | Supplier | Product
_TAKEN = "already been taken"
# Finished links per flush: each is two rows, and BatchWriteItem takes 25.
LINKS_PER_FLUSH = 12


def importing(entity: ImportEntity) -> ToRackbeat:
    """The Tripletex -> Rackbeat stream whose full-refresh face imports ``entity``."""
    stream = registry.to_rackbeat(entity)
    assert stream is not None
    return stream


# ----- reading ----------------------------------------------------------------------------------
def read_numbers(tripletex: TripletexClient, stream: ToRackbeat) -> dict[int, str | None]:
    """Every id of the entity with its number, each once (the client splits reads around the
    10,000 limit). The numbers cost no extra call and let the plan settle duplicates up front.
    A row we cannot read keeps its place in the plan (its page then fails it alone)."""
    numbers: dict[int, str | None] = {}
    for row in stream.read(tripletex, fields=f"id,{stream.number_field}"):
        row_id = record_id(row)
        if row_id is not None:
            numbers[row_id] = raw_number(stream, row)
    return numbers


def record_id(row: TripletexRead) -> int | None:
    if not isinstance(row, Unreadable):
        return row.id
    return int(row.key) if row.key is not None and row.key.isdigit() else None


def raw_number(stream: ToRackbeat, record: TripletexRead) -> str | None:
    """The number the mappers turn into the Rackbeat number (before their validation)."""
    if isinstance(record, Unreadable):
        # Not readable as a whole, but its number may be: it still takes part in duplicates.
        for name in ("customerNumber", "supplierNumber", "number"):
            number = record.raw.get(name)
            if isinstance(number, int | str) and not isinstance(number, bool) and str(number).strip():
                return str(number).strip()
        return None
    number = stream.number(record)
    return None if number is None else clean(str(number))


def duplicates_by_lowest_id(numbers: dict[int, str | None]) -> dict[int, int]:
    """Tripletex ids whose number an older record (lower id) also has, mapped to that record.

    Decided once by the plan, so which of two records sharing a number is imported does not
    depend on which page a worker happens to process first.
    """
    owner: dict[str, int] = {}
    for tripletex_id in sorted(numbers):
        number = numbers[tripletex_id]
        if number is not None:
            owner.setdefault(number, tripletex_id)
    return {
        tripletex_id: owner[number]
        for tripletex_id, number in numbers.items()
        if number is not None and owner[number] != tripletex_id
    }


def read_all(tripletex: TripletexClient, stream: ToRackbeat) -> list[TripletexRead]:
    return sorted(stream.read(tripletex), key=lambda r: record_id(r) or 0)


def read_by_ids(tripletex: TripletexClient, stream: ToRackbeat, ids: Sequence[int]) -> list[TripletexRead]:
    found: dict[int, TripletexRead] = {}
    for start in range(0, len(ids), budget.IDS_PER_READ):
        for row in stream.read_ids(tripletex, ids[start : start + budget.IDS_PER_READ]):
            row_id = record_id(row)
            if row_id is not None:
                found[row_id] = row
    return [found[i] for i in sorted(found)]


def unreadable(stream: ToRackbeat, row: Unreadable) -> RecordFailure:
    """A record Tripletex answered in a shape we cannot read, as a failure of that record alone."""
    entity = stream.entity
    return RecordFailure(
        entity=entity,
        key=row.key or "",
        number=raw_number(stream, row),
        name=row.raw.get("name") if isinstance(row.raw.get("name"), str) else None,
        reason=FailureReason.UNREADABLE,
        message=text("failure.tx.unreadable.message", **about(entity), why=row.reason),
        suggested_fix=text("failure.tx.unreadable.fix", **about(entity)),
    )


def rackbeat_key(write: RackbeatWrite) -> str:
    return str(write.number)


# ----- writing ----------------------------------------------------------------------------------
@dataclass
class PageResult:
    counts: EntityProgress = field(default_factory=EntityProgress)
    failures: list[RecordFailure] = field(default_factory=list)
    succeeded: list[tuple[int, str]] = field(default_factory=list)  # (tripletex id, origin)


def import_records(
    ctx: InitialSyncContext,
    tenant_id: str,
    rackbeat: RackbeatClient,
    stream: ToRackbeat,
    records: Sequence[TripletexRead],
    request: InitialSyncRequest,
    refs: ReferenceData,
    duplicate_of: dict[int, int] | None = None,
) -> PageResult:
    result = PageResult()
    entity = cast(ImportEntity, stream.entity)
    existing = ctx.runs.get_index(tenant_id, entity)
    duplicate_of = duplicate_of or {}
    for row in records:
        if isinstance(row, Unreadable):
            _fail(ctx, tenant_id, result, unreadable(stream, row))
    mapped = [
        (
            record,
            _duplicate(entity, record, raw_number(stream, record) or "", duplicate_of[record.id])
            if record.id in duplicate_of
            else stream.map(record, request, refs),
        )
        for record in records
        if not isinstance(record, Unreadable)
    ]
    keys = [rackbeat_key(m) for _, m in mapped if not isinstance(m, RecordFailure)]
    links = ctx.links.get_many(tenant_id, entity, keys)
    # Records left pending by an earlier delivery: a create may have happened for them.
    leftovers = {k for k, link in links.items() if link.state == LinkState.PENDING}
    # Finished links not yet stored. They are flushed a few at a time while the page runs: the
    # writes land in the gaps the Rackbeat budget leaves between calls instead of piling up at the
    # end of the page, and a delivery cut off midway leaves less for the next one to look up.
    unsaved: list[EntityLink] = []
    known = dict(links)
    try:
        for record, write in mapped:
            if isinstance(write, RecordFailure):
                _fail(ctx, tenant_id, result, write)
                continue
            assert record.id is not None
            outcome = _import_one(ctx, tenant_id, rackbeat, stream, record, write, links, existing, leftovers)
            if isinstance(outcome, RecordFailure):
                _fail(ctx, tenant_id, result, outcome)
                continue
            link = links[rackbeat_key(write)]
            if link is not known.get(link.rackbeat_key):
                unsaved.append(link)
            setattr(result.counts, outcome, getattr(result.counts, outcome) + 1)
            result.succeeded.append((record.id, outcome))
            if len(unsaved) >= LINKS_PER_FLUSH:
                ctx.links.save_synced(tenant_id, unsaved)
                unsaved = []
    finally:
        # Also on the way out of a failing message, so its next delivery skips what was written.
        if unsaved:
            ctx.links.save_synced(tenant_id, unsaved)
    return result


def _fail(ctx: InitialSyncContext, tenant_id: str, result: PageResult, failure: RecordFailure) -> None:
    ctx.failures.record(tenant_id, failure, ctx.now())
    result.failures.append(failure)
    result.counts.failed += 1


def _import_one(
    ctx: InitialSyncContext,
    tenant_id: str,
    rackbeat: RackbeatClient,
    stream: ToRackbeat,
    record: TripletexRecord,
    write: RackbeatWrite,
    links: dict[str, EntityLink],
    existing: set[str],
    leftovers: set[str],
) -> str | RecordFailure:
    assert record.id is not None
    entity = stream.entity
    key = rackbeat_key(write)
    payload_hash = content_hash(write.payload())
    link = links.get(key)
    if link is not None and link.tripletex_id != record.id:
        # A row the ongoing sync is leasing has no owner yet: the claim below would fail alike.
        return _duplicate(entity, record, key, link.tripletex_id or -1)
    if link is not None and link.state == LinkState.SYNCED and link.rackbeat_hash == payload_hash:
        return link.origin or "created"
    leftover = key in leftovers
    if link is None:
        # Claimed one by one just before the write, not for the whole page up front in
        # transactions: the conditional put fits in the gap the Rackbeat budget leaves between
        # writes, and a transactional write costs twice the write units.
        try:
            link = ctx.links.claim(tenant_id, entity, key, record.id)
        except NumberTaken as taken:
            return _duplicate(entity, record, key, taken.owner)
        links[key] = link
    if link.state == LinkState.SYNCED:
        outcome, origin = "updated", link.origin
    elif key in existing:
        outcome = origin = "linked"
    else:
        outcome = origin = "created"
    try:
        if outcome == "created":
            try:
                saved = stream.create_in_rackbeat(rackbeat, write)
            except ValidationFailed as error:
                if not _number_taken(error):
                    raise
                origin = "created" if leftover else "linked"
                outcome = origin
                saved = stream.update_in_rackbeat(rackbeat, key, write, record)
        else:
            try:
                saved = stream.update_in_rackbeat(rackbeat, key, write, record)
            except NotFound:
                # Deleted in Rackbeat since it was read: it is created again.
                saved = stream.create_in_rackbeat(rackbeat, write)
    except ValidationFailed as error:
        if link.state == LinkState.PENDING:
            ctx.links.release_claim(tenant_id, link)
            links.pop(key, None)
        return _rejected(entity, record, key, error)
    synced = link.model_copy(
        update={
            "state": LinkState.SYNCED,
            "origin": origin,
            "rackbeat_hash": payload_hash,
            "tripletex_hash": content_hash(record.model_dump(mode="json", by_alias=True)),
            # What each side now holds, as the ongoing sync compares it: the Tripletex version
            # read (its events for that version are no news) and the Rackbeat record as written
            # (the Rackbeat -> Tripletex stream then sees nothing to send back).
            "tripletex_version": record.version,
            "rackbeat_source_hash": rackbeat_hash(saved),
        }
    )
    links[key] = synced
    return outcome


def _number_taken(error: ValidationFailed) -> bool:
    return any(vm.field == "number" and _TAKEN in vm.message for vm in error.validation_messages)


def _duplicate(entity: Entity, record: TripletexRecord, key: str, owner: int) -> RecordFailure:
    return RecordFailure(
        entity=entity,
        key=str(record.id),
        number=key,
        name=record.name,
        reason=FailureReason.DUPLICATE_NUMBER,
        message=text("failure.tx.duplicate_number.message", **about(entity), owner=owner, number=key),
        suggested_fix=text("failure.tx.duplicate_number.fix"),
    )


def _rejected(entity: Entity, record: TripletexRecord, key: str, error: ValidationFailed) -> RecordFailure:
    fields = {vm.field for vm in error.validation_messages}
    details = "; ".join(
        f"{vm.field}: {vm.message}" if vm.field else vm.message for vm in error.validation_messages
    )
    if "currency" in fields:
        reason = FailureReason.UNKNOWN_CURRENCY
        message, fix = detail("tx.rejected_currency", entity, details=details)
    elif "unit_id" in fields:
        reason = FailureReason.UNKNOWN_UNIT
        message, fix = detail("tx.rejected_unit", details=details)
    else:
        reason = FailureReason.REJECTED
        message = text("failure.tx.rejected.message", **about(entity), details=details or error.message)
        fix = error.user_hint
    return RecordFailure(
        entity=entity,
        key=str(record.id),
        number=key,
        name=record.name,
        reason=reason,
        message=message,
        suggested_fix=fix,
    )
