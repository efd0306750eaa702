"""Rackbeat's two timestamp shapes, read as aware datetimes so they compare as moments.

Rackbeat's filters and (by the 2018 reference) its answers use ``YYYY-MM-DD HH:MM:SS``, a wall
clock without a zone, which we read as Europe/Copenhagen (Rackbeat is a Danish service; grade
PRAC). Its current SDK parses ISO-8601 with an offset or ``Z`` (RACKBEAT-EVIDENCE mismatch 6).
Both must be accepted, and two stamps are only ever compared as datetimes: as text, a UTC stamp
and a Copenhagen one near midnight order the wrong way round.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator

RACKBEAT_TIMEZONE = ZoneInfo("Europe/Copenhagen")
# The form Rackbeat's date filters take (``updated_at_from=2026-01-31 13:05:00``).
FILTER_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_timestamp(value: Any) -> dt.datetime:
    """A Rackbeat timestamp in either form (or a date) as an aware datetime."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str) and value.strip():
        moment = dt.datetime.fromisoformat(value.strip())  # both forms, 'Z', fractions
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=RACKBEAT_TIMEZONE)


def parse_date(value: Any) -> dt.date:
    """A Rackbeat date, given as a date or as a timestamp (its Copenhagen calendar day)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        return dt.date.fromisoformat(value.strip())
    return parse_timestamp(value).astimezone(RACKBEAT_TIMEZONE).date()


def filter_value(moment: dt.datetime) -> str:
    """An aware moment as Rackbeat's filters take it: Copenhagen wall clock."""
    return moment.astimezone(RACKBEAT_TIMEZONE).strftime(FILTER_FORMAT)


def _optional(parse: Any) -> Any:
    def read(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # "" and null both mean "not set"
        return parse(value)

    return read


Timestamp = Annotated[dt.datetime, BeforeValidator(parse_timestamp)]
OptionalTimestamp = Annotated[dt.datetime | None, BeforeValidator(_optional(parse_timestamp))]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_optional(parse_date))]
