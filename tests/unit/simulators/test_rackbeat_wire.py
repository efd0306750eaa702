"""The Rackbeat simulator's wire helpers and switch parsing, without HTTP."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from local.simulators.rackbeat.options import Options
from local.simulators.rackbeat.wire import (
    decode_path_number,
    double_encode,
    encode_once,
    format_timestamp,
    parse_timestamp,
)

COPENHAGEN_WINTER = dt.timezone(dt.timedelta(hours=1))


def test_timestamps_in_both_styles() -> None:
    moment = dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.UTC)
    assert format_timestamp(moment) == "2026-01-02 10:30:00"
    assert format_timestamp(moment, "iso") == "2026-01-02T10:30:00+01:00"


@pytest.mark.parametrize(
    "text",
    ["2026-01-02 10:30:00", "2026-01-02T10:30:00+01:00", "2026-01-02T09:30:00Z", "2026-01-02T10:30:00"],
)
def test_parse_timestamp_reads_both_styles_as_the_same_moment(text: str) -> None:
    assert parse_timestamp(text) == dt.datetime(2026, 1, 2, 10, 30, tzinfo=COPENHAGEN_WINTER)


@pytest.mark.parametrize("text", ["yesterday", "2026-01-02", "02.01.2026 10:30"])
def test_parse_timestamp_refuses_other_text(text: str) -> None:
    with pytest.raises(ValueError, match="does not match format"):
        parse_timestamp(text)


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
    )
)
def test_timestamps_round_trip_in_both_styles(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert parse_timestamp(format_timestamp(moment, "iso")) == moment
    # The zoneless form cannot tell the two passes of the autumn DST hour apart: it reads the first.
    drift = parse_timestamp(format_timestamp(moment)) - moment
    assert drift in (dt.timedelta(0), dt.timedelta(hours=-1))


@given(st.text(min_size=1, max_size=30))
def test_each_encoding_decodes_under_its_own_switch(number: str) -> None:
    # The server has decoded the segment once before the simulator sees it.
    assert decode_path_number(unquote(encode_once(number)), "single") == number
    assert decode_path_number(unquote(double_encode(number)), "double") == number


@pytest.mark.parametrize("number", ["AB/123", "KIT+1", "NV 0001", "50%OFF", "RØR"])
def test_a_single_encoding_is_refused_where_double_is_expected(number: str) -> None:
    assert decode_path_number(unquote(encode_once(number)), "double") is None


def test_options_apply_is_all_or_nothing() -> None:
    options = Options()
    with pytest.raises(ValueError, match="webhook_events"):
        options.apply({"timestamp_format": "iso", "webhook_events": "some"})
    assert options.timestamp_format == "space"
    options.apply({"timestamp_format": "iso", "list_filters": {"order_by": "refused"}})
    assert options.timestamp_format == "iso"
    assert options.filter_mode("order_by") == "refused"
    assert options.filter_mode("is_booked") == "honoured"


def test_options_json_round_trip() -> None:
    options = Options.from_json(
        {"list_filters": "ignored", "extra_vat_zones": ["dk_x"], "webhook_retry_schedule_seconds": [1, 2]}
    )
    assert Options.from_json(options.to_json()) == options
