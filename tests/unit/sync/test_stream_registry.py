"""Every list of streams the service keeps elsewhere is pinned to the one registry.

A stream added to ``streams/registry.py`` and forgotten in the wizard, the tenant's Settings,
the failure sources or a webhook list fails here, naming the list.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

from rackbeat_tripletex.clients.tripletex import AREAS
from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.sync import INITIAL_SYNC, StreamName
from rackbeat_tripletex.onboarding.syncing import FailureSource
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.streams.base import GATED_AREAS
from rackbeat_tripletex.streams.scheduled import Scheduled
from rackbeat_tripletex.streams.to_rackbeat import ToRackbeat
from rackbeat_tripletex.streams.to_tripletex import ToTripletex
from rackbeat_tripletex.webhooks import rackbeat as rackbeat_webhooks
from rackbeat_tripletex.webhooks import tripletex as tripletex_webhooks

WIZARD = Path(__file__).resolve().parents[3] / "functions" / "onboarding_api" / "wizard"
NAMES = [stream.name.value for stream in registry.STREAMS]
# Issue 15's streams reach the wizard when its list comes from the registry (the wizard's own
# work, in parallel); until then they are the only streams it may lack.
NOT_IN_WIZARD_YET = {
    "purchase_orders_to_tripletex",
    "stock_value_to_tripletex",
    "payments_to_rackbeat",
    "lots_to_tripletex",
}
IN_WIZARD = [name for name in NAMES if name not in NOT_IN_WIZARD_YET]
# Tripletex keeps a Rackbeat bill of materials (lot) as a product.
TRIPLETEX_ENTITY = {"lot": "product"}


def test_every_stream_name_is_declared_once() -> None:
    assert sorted(NAMES) == sorted(name.value for name in StreamName)
    assert len(set(NAMES)) == len(NAMES)


def test_the_settings_have_a_switch_per_stream() -> None:
    assert list(Streams.model_fields) == NAMES


def test_the_wizard_offers_every_stream_in_run_order() -> None:
    script = (WIZARD / "wizard.js").read_text()
    listed = re.search(r"const STREAMS = \[(.*?)\];", script, re.DOTALL)
    assert listed is not None
    assert re.findall(r'"([a-z_]+)"', listed.group(1)) == IN_WIZARD
    page = (WIZARD / "index.html").read_text()
    boxes = re.findall(r'<input type="checkbox" name="([a-z_]+_to_(?:tripletex|rackbeat))">', page)
    assert boxes == IN_WIZARD


def test_the_wizard_labels_each_stream_as_the_registry_does() -> None:
    page = (WIZARD / "index.html").read_text()
    labels = dict(re.findall(r'name="([a-z_]+_to_(?:tripletex|rackbeat))"> <span[^>]*>([^<]+)</span>', page))
    assert labels == {s.name.value: s.label for s in registry.STREAMS if s.name.value in IN_WIZARD}


def test_failures_come_from_the_import_or_a_registered_stream() -> None:
    assert list(typing.get_args(FailureSource)) == [INITIAL_SYNC, *NAMES]


def test_webhook_events_are_the_registrys() -> None:
    rackbeat_side = {
        event: stream.entity
        for stream in registry.STREAMS
        if stream.source == "rackbeat"
        for event in stream.webhook_events
    }
    assert {event.name: event.entity for event in rackbeat_webhooks.EVENTS} == rackbeat_side
    tripletex_side = {
        event: stream.entity
        for stream in registry.STREAMS
        if stream.source == "tripletex"
        for event in stream.webhook_events
    }
    assert tripletex_side == tripletex_webhooks.EVENTS
    assert {name: set(events) for name, events in tripletex_webhooks.STREAM_EVENTS.items()} == {
        stream.name: set(stream.webhook_events)
        for stream in registry.STREAMS
        if stream.source == "tripletex" and stream.webhook_events
    }


def test_each_stream_runs_after_the_streams_it_depends_on() -> None:
    seen: set[StreamName] = set()
    for stream in registry.STREAMS:
        assert set(stream.depends_on) <= seen, stream
        seen.add(stream.name)


def test_each_stream_names_a_tripletex_area_and_its_directions_hooks() -> None:
    for stream in registry.STREAMS:
        if isinstance(stream, Scheduled):
            # A ledger stream reads an area the token check probes (payments: invoices) or one a
            # module or permission gates, which the stream reports itself; it has its own loop.
            assert stream.tripletex_area in (*AREAS, *GATED_AREAS)
            assert registry.find(stream.source, stream.entity) is stream
            continue
        assert stream.tripletex_area in AREAS
        assert TRIPLETEX_ENTITY.get(stream.entity, stream.entity) == stream.tripletex_area
        direction = ToTripletex if stream.source == "rackbeat" else ToRackbeat
        assert isinstance(stream, direction), stream
        assert registry.find(stream.source, stream.entity) is stream
