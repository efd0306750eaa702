"""Every list of streams the service keeps elsewhere is pinned to the one registry.

A stream added to ``streams/registry.py`` and forgotten in the wizard, the tenant's Settings,
the failure sources or a webhook list fails here, naming the list.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

from rackbeat_tripletex.clients.tripletex import AREAS
from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.sync import INITIAL_SYNC, StreamName
from rackbeat_tripletex.onboarding.setup import stream_options
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
# Tripletex keeps a Rackbeat bill of materials (lot) as a product.
TRIPLETEX_ENTITY = {"lot": "product"}


def test_every_stream_name_is_declared_once() -> None:
    assert sorted(NAMES) == sorted(name.value for name in StreamName)
    assert len(set(NAMES)) == len(NAMES)


def test_the_settings_have_a_switch_per_stream() -> None:
    assert list(Streams.model_fields) == NAMES


def test_the_wizard_offers_every_stream_in_run_order() -> None:
    # The wizard lists what the server's setup view lists, so a new stream needs no wizard edit.
    for language in Language:
        assert [option.name.value for option in stream_options(language)] == NAMES
    script = (WIZARD / "wizard.js").read_text()
    page = (WIZARD / "index.html").read_text()
    assert re.findall(r"[a-z]+_to_(?:tripletex|rackbeat)", script + page) == [], (
        "a stream named in the wizard"
    )


def test_the_wizard_labels_each_stream_as_the_registry_does() -> None:
    for language in Language:
        for option, stream in zip(stream_options(language), registry.STREAMS, strict=True):
            assert option.label == text(f"stream.{stream.name.value}.label", language)
            assert option.explain == text(f"stream.{stream.name.value}.explain", language)
            assert option.direction == ("to_tripletex" if stream.source == "rackbeat" else "to_rackbeat")
    assert [option.label for option in stream_options(Language.EN)] == [s.label for s in registry.STREAMS]


def test_the_vendors_four_streams_are_ticked_by_default() -> None:
    ticked = [option.name.value for option in stream_options(Language.NB) if option.default]
    assert ticked == [
        "customers_to_tripletex",
        "suppliers_to_tripletex",
        "products_to_tripletex",
        "invoices_to_tripletex",
    ]


def test_failures_come_from_the_import_or_a_registered_stream() -> None:
    the_import, streams = typing.get_args(FailureSource)
    assert typing.get_args(the_import) == (INITIAL_SYNC,)
    assert [stream.value for stream in streams] == list(NAMES)


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
