"""The steps every stream's records share: lease, record a failure or its end, advance a cursor."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models.sync import Entity, RecordFailure, StreamName
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.session import RecordBusy, Session, Written

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

    def resolved(self, session: Session, stream: StreamName, key: str) -> None:
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
            message=(
                f"{record.api} {entity} {record.key or '(without a number)'} could not be read: "
                f"{record.reason}."
            ),
            suggested_fix=(
                f"Correct the named field on the {entity} in {record.api}; it is tried again when it "
                f"changes, or now with Retry. If the value is valid in {record.api}, report it to the "
                "operator: the integration does not know it yet."
            ),
        )

    def leased[T](self, session: Session, entity: Entity, key: str, work: Callable[[], T]) -> T:
        waited = 0.0
        while not self.ctx.links.lease(session.tenant_id, entity, key, self.ctx.now(), LEASE_SECONDS):
            if waited >= LEASE_WAIT_SECONDS:
                raise RecordBusy(f"{entity} {key} is being synced by another worker")
            self.ctx.sleep(LEASE_POLL_SECONDS)
            waited += LEASE_POLL_SECONDS
        try:
            return work()
        finally:
            self.ctx.links.release_lease(session.tenant_id, entity, key)

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
