"""Rackbeat -> Tripletex: read a stream's changes, and carry each record across.

Per record:
1. Skip without mapping when the link says this exact content is already on the other side
   (our own echo, a duplicate webhook, or a re-read inside the cursor overlap).
2. Map (pure). A mapping failure is recorded with its reason and fix; the record fails alone.
3. Skip when the payload's content hash equals the one we last wrote.
4. Write: find the target by link, then by the record's number in the target, and only then
   create. Tripletex updates carry the ``version`` just read. Invoices go through their own
   writer (``sync/invoices.py``).
5. Record the link; the stream's cursor advances once every record's write is done.

Conflict policy (409 on a Tripletex update): the record changed in Tripletex between our read and
our write, so the Tripletex change is the newer one. With the Tripletex -> Rackbeat stream on,
it wins: we do not overwrite it, and its own stream carries it to Rackbeat. With that stream off,
Rackbeat is the only source of truth for the entity: we re-read and apply our change on the fresh
version (never blindly: a second 409 leaves the record for the next run).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from rackbeat_tripletex.clients.http import Conflict, NotFound, ValidationFailed
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import about
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.models.sync import EntityLink, SyncRun
from rackbeat_tripletex.store.links import PageState
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.streams.base import ReadStart, parse_time
from rackbeat_tripletex.streams.to_tripletex import RecordToTripletex, ToTripletex
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.deactivation import Deactivation, stays_deactivated
from rackbeat_tripletex.sync.invoices import InvoiceWriter
from rackbeat_tripletex.sync.invoicing import mapping_reference
from rackbeat_tripletex.sync.session import (
    Session,
    StreamAborted,
    Written,
    count,
    pages,
    rackbeat_key,
    rackbeat_stamp,
)
from rackbeat_tripletex.sync.steps import Steps, rackbeat_hash

# Updates in a page from which their current versions are read in one list call instead of one
# GET each (a single update gains nothing by it).
PREFETCH_FROM = 2


class ToTripletexSync(Steps):
    def __init__(self, ctx: SyncContext) -> None:
        super().__init__(ctx)
        self.invoices = InvoiceWriter(ctx, self.sync_dependency)
        self.deactivation = Deactivation(ctx)

    def run(self, session: Session, stream: ToTripletex, run: SyncRun, *, full: bool) -> None:
        cursor = session.cursors.get(stream.name.value)
        started = self.ctx.now()
        if cursor and not full:
            lag = (started - parse_time(cursor)).total_seconds()
            self.ctx.metrics.add_metric(f"{stream.name.value}.lag", MetricUnit.Seconds, lag)
        start = ReadStart(cursor, full, started, session.tenant.settings_saved_at)
        changes = stream.cursor.read(stream, session.rackbeat, start)
        assert changes is not None
        seen: set[str] = set()
        for page in pages(changes.records):
            keys = [rackbeat_key(r) for r in page]
            known = self.ctx.links.page_state(session.tenant_id, stream.name, keys)
            seen.update(known.links)
            session.failure_free.update((stream.name.value, key) for key in keys if key not in known.failed)
            if isinstance(stream, RecordToTripletex):
                self._prefetch(session, stream, known, page, retry_failed=full)
            for record in page:
                run.read += 1
                if self._unchanged(known, record, retry_failed=full):
                    count(run, Written("skipped"))
                    continue
                session.check_time()
                count(run, self.sync_record(session, stream, record, known=known))
        if full:
            # Everything was read: a linked record not among it may have been deleted.
            run.written += self.deactivation.reconcile(session, stream, seen)
        self.advance(session, stream.name, changes.cursor, started, ordered=changes.ordered)

    def run_one(self, session: Session, stream: ToTripletex, key: str) -> Written:
        record = stream.fetch(session.rackbeat, key)
        return Written("skipped") if record is None else self.sync_record(session, stream, record)

    def _prefetch(
        self,
        session: Session,
        stream: RecordToTripletex,
        known: PageState,
        page: list[Any],
        *,
        retry_failed: bool,
    ) -> None:
        """The Tripletex records a page will update, read in one list call by id, so each update
        costs its PUT alone (not a GET before it): under a storm, about one Tripletex call per
        record. Only their ``version`` is used; a stale one meets the usual 409 handling."""
        ids = [
            link.tripletex_id
            for record in page
            if not self._unchanged(known, record, retry_failed=retry_failed)
            and (link := known.links.get(rackbeat_key(record))) is not None
            and link.tripletex_id is not None
        ]
        reverse = registry.to_rackbeat(stream.entity)
        if len(ids) < PREFETCH_FROM or reverse is None:
            return
        for current in reverse.read_ids(session.tripletex, ids):
            if not isinstance(current, Unreadable) and current.id is not None:
                session.prefetched[(stream.entity, current.id)] = current

    @staticmethod
    def _unchanged(known: PageState, record: Any, *, retry_failed: bool) -> bool:
        """Nothing to write for this record, decided from the page's batch read alone."""
        key = rackbeat_key(record)
        link = known.links.get(key)
        # Invoices too: one booked again with other content is looked at (and, when Tripletex
        # would see a change, sent or reported); the same content is not.
        if (
            link is not None
            and link.state == "synced"
            and not isinstance(record, Unreadable)
            and link.rackbeat_source_hash == rackbeat_hash(record)
        ):
            return True
        failed_with = known.failed_with.get(key)
        return not retry_failed and failed_with is not None and failed_with == rackbeat_hash(record)

    def sync_record(
        self, session: Session, stream: ToTripletex, record: Any, *, known: PageState | None = None
    ) -> Written:
        """``known``: the page's batch read, when there was one (its link spares a read here; the
        lease reads the row again before anything is written)."""
        if isinstance(record, Unreadable):
            return self.unreadable(
                session, stream.name, rackbeat_key(record), record, source_hash=rackbeat_hash(record)
            )
        entity, key = stream.entity, str(record.number)
        link = (
            known.links.get(key) if known is not None else self.ctx.links.get(session.tenant_id, entity, key)
        )
        if link is not None and link.state == "synced" and link.rackbeat_source_hash == rackbeat_hash(record):
            return Written("skipped", link.tripletex_id)
        if stays_deactivated(link, "tripletex"):
            return Written("skipped", link.tripletex_id if link else None)
        if (entity, key) in session.syncing:
            raise StreamAborted(f"{entity} {key} depends on itself")
        session.syncing.add((entity, key))
        try:
            return self.leased(session, entity, key, lambda: self._write(session, stream, record))
        finally:
            session.syncing.discard((entity, key))

    def _write(self, session: Session, stream: ToTripletex, record: Any) -> Written:
        if isinstance(stream, RecordToTripletex):
            return self._write_record(session, stream, record)
        return self.invoices.write(session, stream.name, record)

    def _write_record(self, session: Session, stream: RecordToTripletex, record: Any) -> Written:
        entity, key, name = stream.entity, str(record.number), stream.name
        link = self.leased_link(session, entity, key)
        lease = session.leases.get((entity, key))
        reference = mapping_reference(session) if stream.needs_invoicing_setup else session.reference()
        mapped = stream.map(record, reference)
        source_hash = rackbeat_hash(record)
        if isinstance(mapped, r2t.MappingFailure):
            return self.unmapped(session, name, key, mapped, source_hash=source_hash)
        if (
            link is not None
            and link.tripletex_id is not None
            and link.to_tripletex_hash == mapped.content_hash
        ):
            # The failure goes before the link write that lets go of the lease: still ours.
            self.resolved(session, name, key)
            self.ctx.links.record(
                session.tenant_id,
                entity,
                key,
                rackbeat_updated_at=rackbeat_stamp(record.updated_at),
                synced_at=self.ctx.now(),
                rackbeat_source_hash=source_hash,
                lease=lease,
            )
            return Written("skipped", link.tripletex_id)
        try:
            saved = self._upsert(session, stream, link, mapped.record)
        except ValidationFailed as error:
            return self.rejected(session, name, key, error, source_hash=source_hash)
        if saved is None:
            # A newer change in Tripletex won the conflict; its own stream carries it back.
            self.ctx.links.record(
                session.tenant_id,
                entity,
                key,
                rackbeat_updated_at=rackbeat_stamp(record.updated_at),
                synced_at=self.ctx.now(),
                lease=lease,
            )
            return Written("skipped", link.tripletex_id if link else None)
        self.resolved(session, name, key)
        self.ctx.links.record(
            session.tenant_id,
            entity,
            key,
            tripletex_id=saved.id,
            origin="created",
            rackbeat_updated_at=rackbeat_stamp(record.updated_at),
            synced_at=self.ctx.now(),
            rackbeat_source_hash=source_hash,
            tripletex_version=saved.version,
            to_tripletex_hash=mapped.content_hash,
            lease=lease,
        )
        return Written("written", saved.id)

    def _upsert(
        self, session: Session, stream: RecordToTripletex, link: EntityLink | None, record: Any
    ) -> Any:
        """Update the linked record, else the one with the same number, else create it.
        Returns the record as saved, or None when a newer Tripletex change won a conflict."""
        api = session.tripletex
        current: Any = None
        if link is not None and link.tripletex_id is not None:
            current = session.prefetched.pop((stream.entity, link.tripletex_id), None)
            try:
                current = current or stream.get(api, link.tripletex_id)
            except NotFound:
                current = None  # deleted in Tripletex: found by number or created again
        if current is None:
            current = stream.find(api, record)
        if current is None:
            return stream.create(api, record)
        both_ways = session.both_ways(stream.entity)
        for attempt in range(2):
            try:
                return stream.update(
                    api, record.model_copy(update={"id": current.id, "version": current.version})
                )
            except Conflict as conflict:
                if both_ways:
                    return None
                if attempt == 1:
                    raise StreamAborted(
                        text("failure.stream.keeps_changing", **about(stream.entity), key=current.id)
                    ) from None
                current = conflict.current if conflict.current is not None else stream.get(api, current.id)
        raise AssertionError("unreachable")  # pragma: no cover

    def sync_dependency(self, session: Session, dependency: r2t.Dependency) -> str | None:
        """Sync a record the invoice needs first; why it could not be, or None when it is there.
        A dependency that fails blocks that invoice alone, never the invoice stream."""
        stream = registry.to_tripletex(dependency.entity)
        assert stream is not None
        record = stream.fetch(session.rackbeat, dependency.rackbeat_key)
        if record is None:
            return text("failure.invoice.dependency.not_found")
        if self.sync_record(session, stream, record).outcome == "failed":
            return text("failure.invoice.dependency.failed")
        return None
