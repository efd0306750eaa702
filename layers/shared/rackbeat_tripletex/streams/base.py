"""What every stream declares, and the two kinds of cursor a stream can keep."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rackbeat_tripletex.models.sync import Entity, Source, StreamName

# The Tripletex areas an employee token can be granted (``TripletexClient.probe_access``), and
# the ones a stream probes itself because a module or permission gates them (issue 15).
Area = Literal["customer", "supplier", "product", "invoice", "purchase_order", "ledger"]
GATED_AREAS: tuple[Area, ...] = ("purchase_order", "ledger")


@dataclass(frozen=True)
class Changes:
    """One read of a stream: the records, and the cursor to store once they are all written."""

    records: Iterable[Any]
    cursor: str
    # A timestamp only moves forward; a versionDigest is replaced, whatever it was.
    ordered: bool


@dataclass(frozen=True)
class ReadStart:
    """Where a stream's read starts: its stored cursor, or what stands in for a missing one."""

    cursor: str | None
    full: bool  # everything, whatever the cursor says (the nightly reconcile)
    started: dt.datetime  # when this read began: the next timestamp cursor
    activated: dt.datetime | None  # when the tenant switched its streams on


class Stream(ABC):
    """Facts about one stream; the direction's base class adds the hooks its algorithm needs."""

    name: ClassVar[StreamName]
    label: ClassVar[str]  # what the wizard calls it, beside the direction's heading
    tripletex_area: ClassVar[Area]
    webhook_events: ClassVar[tuple[str, ...]]
    depends_on: ClassVar[tuple[StreamName, ...]] = ()
    cursor: ClassVar[Cursor]

    @property
    def entity(self) -> Entity:
        return self.name.entity

    @property
    def source(self) -> Source:
        return self.name.source

    def __repr__(self) -> str:
        return f"<stream {self.name.value}>"


class Cursor(ABC):
    """How a stream finds its changes since the last run."""

    @abstractmethod
    def read(self, stream: Any, api: Any, start: ReadStart) -> Changes | None:
        """The changes to sync, or None when the source says nothing changed."""


@dataclass(frozen=True)
class TimestampCursor(Cursor):
    """Changes since a moment, read again over ``overlap`` (clock skew, stamps in whole seconds).
    Without a cursor: changes since the tenant was activated (older records are the initial
    import's and the nightly reconcile's business); ``full`` reads everything."""

    overlap: dt.timedelta

    def read(self, stream: Any, api: Any, start: ReadStart) -> Changes:
        since = None
        if not start.full:
            since = (
                parse_time(start.cursor) if start.cursor else start.activated or start.started
            ) - self.overlap
        cursor = start.started.astimezone(dt.UTC).isoformat()
        return Changes(stream.changed_since(api, since), cursor, ordered=True)


@dataclass(frozen=True)
class VersionDigestCursor(Cursor):
    """The whole list with its ``versionDigest``: If-None-Match answers "not modified" while
    nothing in it changed, so an idle run costs one call and reads nothing."""

    def read(self, stream: Any, api: Any, start: ReadStart) -> Changes | None:
        # A timestamp left by the initial import is no digest: the first run reads the whole list.
        cursor = start.cursor
        digest = None if start.full or cursor is None or is_time(cursor) else cursor
        answer = stream.changed_since_digest(api, digest)
        if answer.not_modified:
            return None
        return Changes(answer.values, answer.version_digest or "", ordered=False)


def is_time(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_time(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
