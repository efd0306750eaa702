"""Tripletex -> Rackbeat: read a stream's changes, and carry each record across.

A record syncs under its Rackbeat key: the one it is linked to, else its Tripletex number (one
without a number fails under ``tripletex-<id>``). A record whose ``version`` the link already
holds is our own write or already synced; one whose last attempt failed with the same content is
not tried again by the scheduled run. The groups and payment terms come from the initial import.
"""

from __future__ import annotations

from typing import Any

from rackbeat_tripletex.clients.http import NotFound, ValidationFailed
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import about
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models.sync import RecordFailure, SyncRun
from rackbeat_tripletex.streams.base import ReadStart
from rackbeat_tripletex.streams.to_rackbeat import ToRackbeat
from rackbeat_tripletex.sync.deactivation import Deactivation, stays_deactivated
from rackbeat_tripletex.sync.session import Session, Written, count, pages, rackbeat_stamp
from rackbeat_tripletex.sync.steps import Steps, rackbeat_hash, tripletex_hash


class ToRackbeatSync(Steps):
    def run(self, session: Session, stream: ToRackbeat, run: SyncRun, *, full: bool) -> None:
        name = stream.name
        cursor = session.cursors.get(name.value)
        if cursor is None and not full:
            # Start where the initial import started reading, so nothing made meanwhile is lost.
            initial = session.initial_run(self.ctx.runs)
            cursor = next(
                (c.value for c in (initial.cursors if initial else []) if c.stream == name.value), None
            )
        started = self.ctx.now()
        start = ReadStart(cursor, full, started, session.tenant.settings_saved_at)
        changes = stream.cursor.read(stream, session.tripletex, start)
        if changes is None:
            return
        seen: set[str] = set()
        for page in pages(changes.records):
            ids = [i for i in (_record_id(r) for r in page) if i is not None]
            seen.update(map(str, ids))
            linked = self.ctx.links.rackbeat_keys_for_many(session.tenant_id, stream.entity, ids)
            keys = [_key(stream, record, linked.get(_record_id(record) or 0)) for record in page]
            known = self.ctx.links.page_state(session.tenant_id, name, keys)
            for record, key in zip(page, keys, strict=True):
                run.read += 1
                failed_with = None if full else known.failed_with.get(key)
                if isinstance(record, Unreadable):
                    # Fails alone; the records after it and the cursor go on.
                    source_hash = tripletex_hash(record)
                    if failed_with == source_hash:
                        count(run, Written("skipped"))
                    else:
                        count(run, self.unreadable(session, name, key, record, source_hash=source_hash))
                    continue
                link = known.links.get(key)
                if (
                    link is not None
                    and link.tripletex_version is not None
                    and link.tripletex_version == record.version
                ):
                    count(run, Written("skipped", record.id))  # our own write, or already synced
                    continue
                if failed_with == tripletex_hash(record):
                    count(run, Written("skipped", record.id))
                    continue
                session.check_time()
                count(run, self.sync_record(session, stream, record))
        if full:
            # Everything was read: a linked record not among it may have been deleted.
            run.written += Deactivation(self.ctx).reconcile(session, stream, seen)
        if changes.cursor:
            self.advance(session, name, changes.cursor, started, ordered=changes.ordered)

    def run_one(self, session: Session, stream: ToRackbeat, tripletex_id: int) -> Written:
        try:
            record = stream.fetch(session.tripletex, tripletex_id)
        except NotFound:
            return Written("skipped")
        if isinstance(record, Unreadable):
            # A webhook or retry for a record we cannot read: it fails alone, as in a list read.
            linked = self.ctx.links.rackbeat_key_for(session.tenant_id, stream.entity, tripletex_id)
            key = _key(stream, record, linked)
            return self.unreadable(session, stream.name, key, record, source_hash=tripletex_hash(record))
        return self.sync_record(session, stream, record)

    def sync_record(self, session: Session, stream: ToRackbeat, record: Any) -> Written:
        entity = stream.entity
        if any(
            self.ctx.links.rackbeat_key_for(session.tenant_id, owner, record.id) for owner in stream.owned_by
        ):
            # Another Rackbeat entity's record (a bill of materials kept as a Tripletex product):
            # that entity is its source, so it never comes back as one of this stream's.
            return Written("skipped", record.id)
        number = stream.number(record)
        key = self.ctx.links.rackbeat_key_for(session.tenant_id, entity, record.id) or (
            str(number) if number is not None else None
        )
        if key is None:
            return self.fail(
                session,
                stream.name,
                f"tripletex-{record.id}",
                source_hash=tripletex_hash(record),
                reason="missing_number",
                message=text("failure.tx.no_number.message", **about(entity), key=record.id),
                suggested_fix=text("failure.tx.no_number.fix", **about(entity)),
            )
        link = self.ctx.links.get(session.tenant_id, entity, key)
        if (
            link is not None
            and link.tripletex_version is not None
            and link.tripletex_version == record.version
        ) or stays_deactivated(link, "rackbeat"):
            return Written("skipped", record.id)  # our own write, already synced, or deleted there
        return self.leased(session, entity, key, lambda: self._write(session, stream, key, record))

    def _write(self, session: Session, stream: ToRackbeat, key: str, record: Any) -> Written:
        entity, name = stream.entity, stream.name
        source_hash = tripletex_hash(record)
        initial = session.initial_run(self.ctx.runs)
        if initial is None or initial.refs is None:
            return self.fail(
                session,
                name,
                key,
                source_hash=source_hash,
                reason="no_initial_import",
                message=text("failure.tx.no_initial_import.message"),
                suggested_fix=text("failure.tx.no_initial_import.fix"),
            )
        mapped = stream.map(record, initial.request, session.refs())
        if isinstance(mapped, RecordFailure):
            return self.unmapped(session, name, key, mapped, source_hash=source_hash)
        digest = content_hash(mapped.payload())
        link = self.leased_link(session, entity, key)
        if link is not None and link.to_rackbeat_hash == digest:
            self.ctx.links.record(
                session.tenant_id, entity, key, tripletex_id=record.id, tripletex_version=record.version
            )
            return Written("skipped", record.id)
        rackbeat = session.rackbeat
        try:
            existing = stream.find_in_rackbeat(rackbeat, key)
            saved = (
                stream.update_in_rackbeat(rackbeat, key, mapped, record)
                if existing
                else stream.create_in_rackbeat(rackbeat, mapped)
            )
        except ValidationFailed as error:
            return self.rejected(session, name, key, error, source_hash=source_hash)
        # The failure goes before the link write that lets go of the lease: still ours.
        self.resolved(session, name, key)
        self.ctx.links.record(
            session.tenant_id,
            entity,
            key,
            tripletex_id=record.id,
            origin="created" if link is None else None,
            tripletex_version=record.version,
            rackbeat_updated_at=rackbeat_stamp(saved.updated_at),
            synced_at=self.ctx.now(),
            to_rackbeat_hash=digest,
            # Rackbeat announces our write with a delivery naming only the number: this stamp
            # lets the webhooks function drop that one delivery as our echo.
            rackbeat_written_at=int(self.ctx.now().timestamp()),
            # Rackbeat as we left it: the Rackbeat -> Tripletex stream then sees our own write as
            # nothing new, instead of echoing it back to Tripletex.
            rackbeat_source_hash=rackbeat_hash(saved),
            lease=session.leases.get((entity, key)),
        )
        return Written("written", record.id)


def _record_id(record: Any) -> int | None:
    if isinstance(record, Unreadable):
        return int(record.key) if record.key is not None and record.key.isdigit() else None
    return record.id if isinstance(record.id, int) else None


def _number(stream: ToRackbeat, record: Any) -> Any:
    if isinstance(record, Unreadable):
        number = record.raw.get(stream.number_field)
        return number if isinstance(number, int | str) and str(number).strip() else None
    return stream.number(record)


def _key(stream: ToRackbeat, record: Any, linked_key: str | None) -> str:
    """The Rackbeat key a Tripletex record syncs under (as ``sync_record`` decides it); a record
    without one is failed under ``tripletex-<id>``."""
    if linked_key:
        return linked_key
    number = _number(stream, record)
    return str(number) if number is not None else f"tripletex-{_record_id(record)}"
