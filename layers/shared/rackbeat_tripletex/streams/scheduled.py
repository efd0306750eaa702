"""Streams that run their own loop: what they read is not "records changed since a cursor" kept
in step one by one, but periods to post (stock value) or a batch of known invoices to re-read
(payment status). The engine hands such a stream a :class:`Job` (its tenant, clients, stores,
cursor and run) and the stream does the rest; failures, links, leases and the cursor are the
same rows every other stream writes, so history, the failure list and Retry need nothing new."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import Dependency
from rackbeat_tripletex.models.domain import Settings
from rackbeat_tripletex.models.sync import FailureReason, RecordFailure, SyncRun
from rackbeat_tripletex.store.cursors import CursorStore
from rackbeat_tripletex.store.failures import FailureStore
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.streams.base import Stream

# A period or an invoice is a few calls; the lease outlives them, not a redelivery.
LEASE_SECONDS = 60


class Busy(Exception):
    """Another worker holds the record's lease: this run stops, the next one carries on."""


@dataclass
class Job:
    """One scheduled stream's run for one tenant."""

    tenant_id: str
    settings: Settings
    rackbeat: RackbeatClient
    tripletex: TripletexClient
    links: LinkStore
    failures: FailureStore
    cursors: CursorStore
    cursor: str | None
    run: SyncRun
    full: bool
    now: Callable[[], dt.datetime]
    # When the tenant switched its streams on (the first period a stream looks at).
    activated: dt.datetime | None
    language: Language
    # StateTable, for a stream's own rows (payment status).
    table: Any
    # Sync a record this one needs first (as an invoice's customer and products are); the
    # reason it could not be, or None when it is there now.
    dependency: Callable[[Dependency], str | None] | None = None

    def fail(
        self, key: str, reason: FailureReason, message: str, fix: str, source_hash: str | None = None
    ) -> None:
        stream = self.run.stream
        failure = RecordFailure(
            source=stream.value,
            entity=stream.entity,
            key=key,
            reason=reason,
            message=message,
            suggested_fix=fix,
        )
        self.failures.record(self.tenant_id, failure, self.now(), source_hash=source_hash)
        self.run.failed += 1

    def resolved(self, key: str) -> None:
        self.failures.resolve(self.tenant_id, self.run.stream.value, self.run.stream.entity, key)

    @contextmanager
    def leased(self, key: str) -> Iterator[None]:
        entity = self.run.stream.entity
        if not self.links.lease(self.tenant_id, entity, key, self.now(), LEASE_SECONDS):
            raise Busy(f"{entity} {key} is being synced by another worker")
        try:
            yield
        finally:
            self.links.release_lease(self.tenant_id, entity, key)

    def advance(self, value: str) -> None:
        """Move the cursor (values of one stream sort as they advance)."""
        if value != self.cursor and self.cursors.advance(
            self.tenant_id, self.run.stream.value, value, self.now(), ordered=True
        ):
            self.cursor = value


class Scheduled(Stream):
    """A stream with its own loop. It has no webhook events of its own (none exist for what it
    reads, specs/EVIDENCE-NEW-STREAMS.md), so the schedule drives it."""

    webhook_events: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def run(self, job: Job) -> None:
        """Do this run's work, counting into ``job.run``; raise to stop the stream (the engine
        records why)."""
