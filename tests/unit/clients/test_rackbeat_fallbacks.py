"""The Rackbeat client's fallbacks where the evidence is weak (mismatches 3 and 11), in isolation."""

from __future__ import annotations

import logging

import pytest

from rackbeat_tripletex.clients.http import ValidationFailed, ValidationMessage
from rackbeat_tripletex.clients.rackbeat import _refused_by, encode_number
from rackbeat_tripletex.clients.records import Unreadable, key_of, readable
from rackbeat_tripletex.models.rackbeat import Unit

OPTIONAL = {"updated_at_from", "order_by", "order_direction", "is_booked"}


def test_a_422_naming_a_filter_in_errors_drops_only_that_one() -> None:
    error = ValidationFailed(
        "Unprocessable Entity",
        validation_messages=(
            ValidationMessage(field="is_booked", message="Property 'is_booked' is not filterable"),
        ),
    )
    assert _refused_by(error, set(OPTIONAL)) == {"is_booked"}


def test_a_422_naming_a_filter_only_in_its_message_drops_that_one() -> None:
    assert _refused_by(ValidationFailed("Property 'order_by' is not filterable"), set(OPTIONAL)) == {
        "order_by",
        "order_direction",  # a sort goes with its direction
    }


def test_a_422_naming_nothing_drops_every_optional_parameter() -> None:
    assert _refused_by(ValidationFailed("Unprocessable Entity"), set(OPTIONAL)) == OPTIONAL


@pytest.mark.parametrize(
    ("number", "once", "twice"), [("AB-1_2.3~", "AB-1_2.3~", "AB-1_2.3~"), ("A/1", "A%2F1", "A%252F1")]
)
def test_numbers_encoded_once_or_twice(number: str, once: str, twice: str) -> None:
    assert encode_number(number, times=1) == once
    assert encode_number(number) == twice


def test_reference_lists_leave_out_what_cannot_be_read(caplog: pytest.LogCaptureFixture) -> None:
    odd = Unreadable(api="Rackbeat", key="9", reason="name = None: not a string", raw={"number": 9})
    with caplog.at_level(logging.WARNING):
        assert list(readable([Unit(number=1, name="stk"), odd])) == [Unit(number=1, name="stk")]
    assert "9" in caplog.text
    assert [key_of(Unit(number=1, name="stk")), key_of(odd)] == ["1", "9"]
