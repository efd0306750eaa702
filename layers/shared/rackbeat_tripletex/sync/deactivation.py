"""A record deleted on one side is deactivated on the other, never deleted, and its link says so.

Rackbeat -> Tripletex: a ``*.deleted`` delivery (``product.deleted`` is documented; the others
are registered where Rackbeat accepts them) makes the linked Tripletex record inactive.
Tripletex -> Rackbeat: a ``*.delete`` event bars the linked Rackbeat record. Either way the
deletion is confirmed first by reading the record (a late or forged delivery for a record that
still exists changes nothing), and the link records ``deleted_in`` and ``deactivated_at``: from
then on neither stream writes that record again, so the deactivation does not echo back as a
re-creation. A product converted to a bill of materials is no deletion (``webhooks/rackbeat``
turns it into the lot's task). Redelivery is harmless: a link that already says so is skipped.
"""

from __future__ import annotations

import contextlib

from rackbeat_tripletex.clients.http import NotFound, ValidationFailed
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.sync import EntityLink
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.streams.base import Stream
from rackbeat_tripletex.streams.deactivation import bar_in_rackbeat, inactive
from rackbeat_tripletex.streams.to_rackbeat import ToRackbeat
from rackbeat_tripletex.streams.to_tripletex import RecordToTripletex
from rackbeat_tripletex.sync.session import Session, Written
from rackbeat_tripletex.sync.steps import Steps


def stays_deactivated(link: EntityLink | None, target: str) -> bool:
    """The record was deleted in ``target``: a stream writing to it leaves it alone."""
    return link is not None and link.deleted_in == target


class Deactivation(Steps):
    def deleted(self, session: Session, stream: Stream, key: str) -> Written:
        if isinstance(stream, RecordToTripletex):
            return self._deleted_in_rackbeat(session, stream, key)
        if isinstance(stream, ToRackbeat) and key.isdigit():
            return self._deleted_in_tripletex(session, stream, int(key))
        return Written("skipped")

    def _deleted_in_rackbeat(self, session: Session, stream: RecordToTripletex, key: str) -> Written:
        entity = stream.entity
        link = self.ctx.links.get(session.tenant_id, entity, key)
        if link is None or link.tripletex_id is None or link.deleted_in == "rackbeat":
            return Written("skipped")
        if stream.fetch(session.rackbeat, key) is not None:
            return Written("skipped")  # still there: not a deletion we can act on
        if self._taken_over(session, stream, key, link.tripletex_id):
            return Written("skipped")  # a product converted to a BOM: the BOM has its record now

        def deactivate() -> Written:
            api = session.tripletex
            assert link.tripletex_id is not None
            try:
                current = stream.get(api, link.tripletex_id)
            except NotFound:
                current = None  # gone on both sides: nothing left to deactivate
            try:
                if current is not None and not current.is_inactive:
                    stream.update(api, inactive(current))
            except ValidationFailed as error:
                return self.rejected(session, stream.name, key, error, source_hash=None)
            self._record(session, link, "rackbeat")
            self.resolved(session, stream.name, key)
            return Written("written", link.tripletex_id)

        return self.leased(session, entity, key, deactivate)

    def _deleted_in_tripletex(self, session: Session, stream: ToRackbeat, tripletex_id: int) -> Written:
        entity = stream.entity
        key = self.ctx.links.rackbeat_key_for(session.tenant_id, entity, tripletex_id)
        if key is None:
            return Written("skipped")
        link = self.ctx.links.get(session.tenant_id, entity, key)
        if link is None or link.deleted_in == "tripletex" or link.tripletex_id != tripletex_id:
            return Written("skipped")
        try:
            stream.fetch(session.tripletex, tripletex_id)
        except NotFound:
            pass
        else:
            return Written("skipped")  # still there: not a deletion we can act on

        def deactivate() -> Written:
            try:
                with contextlib.suppress(NotFound):  # gone on both sides: nothing left to bar
                    bar_in_rackbeat(session.rackbeat, entity, key)
            except ValidationFailed as error:
                return self.rejected(session, stream.name, key, error, source_hash=None)
            self._record(session, link, "tripletex")
            self.resolved(session, stream.name, key)
            return Written("written", tripletex_id)

        return self.leased(session, entity, key, deactivate)

    def reconcile(self, session: Session, stream: Stream, seen: set[str]) -> int:
        """The nightly backstop for deletions no event announced (Rackbeat documents only
        ``product.deleted``): every linked record the full read did not see (``seen``: Rackbeat
        keys, or Tripletex ids as text) is checked and, if gone, deactivated on the other side.
        Returns how many were."""
        to_tripletex = isinstance(stream, RecordToTripletex)
        if not to_tripletex and not isinstance(stream, ToRackbeat):
            return 0
        done = 0
        for link in list(self.ctx.links.of_entity(session.tenant_id, stream.entity)):
            if link.tripletex_id is None or link.deleted_in is not None or link.state != "synced":
                continue
            key = link.rackbeat_key if to_tripletex else str(link.tripletex_id)
            if key not in seen and self.deleted(session, stream, key).outcome == "written":
                done += 1
        return done

    def _taken_over(self, session: Session, stream: Stream, key: str, tripletex_id: int) -> bool:
        """Another Rackbeat entity has the record: a BOM made from this product (same number)
        is linked to it, or exists in Rackbeat and takes it over when its own stream runs."""
        reverse = registry.to_rackbeat(stream.entity)
        for owner in reverse.owned_by if reverse is not None else ():
            if self.ctx.links.rackbeat_key_for(session.tenant_id, owner, tripletex_id):
                return True
            owning = registry.to_tripletex(owner)
            if owning is not None and owning.fetch(session.rackbeat, key) is not None:
                return True
        return False

    def note(self, session: Session, stream: Stream) -> str:
        """What the run history says about a deactivation, in the tenant's language."""
        where = "rackbeat" if isinstance(stream, RecordToTripletex) else "tripletex"
        at = self.ctx.now().date().isoformat()
        return text(f"deactivation.deleted_in_{where}", session.tenant.language, at=at)

    def _record(self, session: Session, link: EntityLink, deleted_in: str) -> None:
        self.ctx.links.record(
            session.tenant_id,
            link.entity,
            link.rackbeat_key,
            deleted_in=deleted_in,
            deactivated_at=self.ctx.now().isoformat(),
        )
