"""The steps every stream's records share: lease, record a failure or its end, advance a cursor."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from rackbeat_tripletex.clients.http import ValidationFailed
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import about
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models.sync import Entity, EntityLink, RecordFailure, StreamName
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.session import RecordBusy, Session, Written, rackbeat_stamp

logger = logging.getLogger(__name__)

# A record's write takes a few calls; the lease outlives that but not a redelivery.
LEASE_SECONDS = 60
LEASE_WAIT_SECONDS = 10.0
LEASE_POLL_SECONDS = 0.25


class Steps:
    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    def fail(
        self, session: Session, stream: StreamName, key: str, *, source_hash: str | None, **why: str
    ) -> Written:
        session.failure_free.discard((stream.value, key))
        self.ctx.failures.record(
            session.tenant_id,
            RecordFailure.model_validate(
                {"source": stream.value, "entity": stream.entity, "key": key, **why}
            ),
            self.ctx.now(),
            source_hash=source_hash,
        )
        logger.info(
            "record failed",
            extra={
                "tenant_id": session.tenant_id,
                "stream": stream.value,
                "key": key,
                "reason": why["reason"],
            },
        )
        return Written("failed")

    def unmapped(
        self, session: Session, stream: StreamName, key: str, failure: Any, *, source_hash: str | None
    ) -> Written:
        """A mapper's failure (it carries its reason, message and fix) recorded for the record."""
        return self.fail(
            session,
            stream,
            key,
            source_hash=source_hash,
            reason=failure.reason,
            message=failure.message,
            suggested_fix=failure.suggested_fix,
        )

    def rejected(
        self,
        session: Session,
        stream: StreamName,
        key: str,
        error: ValidationFailed,
        *,
        source_hash: str | None,
    ) -> Written:
        """The target system refused the write: its own words, and what to do about them."""
        return self.fail(
            session,
            stream,
            key,
            source_hash=source_hash,
            reason="rejected",
            message=str(error),
            suggested_fix=error.user_hint,
        )

    def invoice_sent(
        self, session: Session, stream: StreamName, invoice: Any, tripletex_id: int, to_tripletex_hash: str
    ) -> None:
        """An invoice (or credit note) now in Tripletex as ``tripletex_id``; its failure cleared."""
        key = str(invoice.number)
        self.ctx.links.record(
            session.tenant_id,
            "invoice",
            key,
            tripletex_id=tripletex_id,
            origin="created",
            rackbeat_updated_at=rackbeat_stamp(invoice.updated_at),
            synced_at=self.ctx.now(),
            rackbeat_source_hash=rackbeat_hash(invoice),
            to_tripletex_hash=to_tripletex_hash,
        )
        self.resolved(session, stream, key)

    def resolved(self, session: Session, stream: StreamName, key: str) -> None:
        if (stream.value, key) in session.failure_free:
            return  # the page's batch read found no failure to clear
        self.ctx.failures.resolve(session.tenant_id, stream.value, stream.entity, key)

    def unreadable(
        self, session: Session, stream: StreamName, key: str, record: Unreadable, *, source_hash: str
    ) -> Written:
        """A record our read model refused fails alone, under its key, until it changes (either
        system: the record's ``api`` says where to correct it)."""
        entity = stream.entity
        return self.fail(
            session,
            stream,
            key,
            source_hash=source_hash,
            reason="unreadable",
            message=text(
                "failure.unreadable.message",
                **about(entity),
                api=record.api,
                key=record.key or text("failure.without_number"),
                why=record.reason,
            ),
            suggested_fix=text("failure.unreadable.fix", **about(entity), api=record.api),
        )

    def leased[T](self, session: Session, entity: Entity, key: str, work: Callable[[], T]) -> T:
        waited = 0.0
        links = self.ctx.links
        while (lease := links.lease(session.tenant_id, entity, key, self.ctx.now(), LEASE_SECONDS)) is None:
            if waited >= LEASE_WAIT_SECONDS:
                raise RecordBusy(f"{entity} {key} is being synced by another worker")
            self.ctx.sleep(LEASE_POLL_SECONDS)
            waited += LEASE_POLL_SECONDS
        session.leases[(entity, key)] = lease
        try:
            return work()
        finally:
            session.leases.pop((entity, key), None)
            if not lease.released:
                self.ctx.links.release_lease(session.tenant_id, entity, key)

    @staticmethod
    def leased_link(session: Session, entity: Entity, key: str) -> EntityLink:
        """The record's link as this worker's lease found it (the lease's write read it, so no
        read under the lease is needed; a row the lease created holds only the key)."""
        lease = session.leases.get((entity, key))
        if lease is None:
            raise RuntimeError(f"{entity} {key} is not leased by this worker")
        return lease.link

    def advance(
        self, session: Session, stream: StreamName, value: str, at: dt.datetime, *, ordered: bool = True
    ) -> None:
        if session.cursors.get(stream.value) == value:
            return  # nothing moved: no write
        if self.ctx.cursors.advance(session.tenant_id, stream.value, value, at, ordered=ordered):
            session.cursors[stream.value] = value


def rackbeat_hash(record: Any) -> str:
    """The Rackbeat record's own content. Rackbeat stamps ``updated_at`` in whole seconds, so
    two changes inside one second look alike by stamp; by content they never do. An
    unreadable record is hashed as Rackbeat sent it, so it is tried again only once changed."""
    if isinstance(record, Unreadable):
        return content_hash({k: v for k, v in record.raw.items() if k != "updated_at"})
    return content_hash(record.model_dump(mode="json", exclude={"updated_at"}))


def tripletex_hash(record: Any) -> str:
    if isinstance(record, Unreadable):
        return content_hash(dict(record.raw))
    return content_hash(record.model_dump(mode="json"))
