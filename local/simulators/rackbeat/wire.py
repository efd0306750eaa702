"""How the simulated Rackbeat writes and reads values on the wire: timestamps and path numbers.

Both are variants the evidence leaves open (switches ``timestamp_format`` and ``path_encoding``;
grades in :mod:`local.simulators.rackbeat.assumptions`).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, unquote

from local.simulators.rackbeat import assumptions as A


def format_timestamp(moment: dt.datetime, style: str = "space") -> str:
    """A timestamp as the account's wall clock, in the style of the `timestamp_format` switch."""
    pattern = A.TIMESTAMP_FORMAT_ISO if style == "iso" else A.TIMESTAMP_FORMAT_SPACE
    return moment.astimezone(A.TIMEZONE).strftime(pattern)


def parse_timestamp(text: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM:SS`` or ISO-8601 (offset optional) as an aware datetime; a time
    without an offset is the account's wall clock."""
    try:
        moment = dt.datetime.strptime(text, A.TIMESTAMP_FORMAT_SPACE)
    except ValueError:
        if "T" not in text:
            raise
        moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=A.TIMEZONE)


def encode_once(number: str) -> str:
    """rawurlencode: what `urlfriendly_number` holds and what a single-encoding client sends."""
    return quote(number, safe="")


def double_encode(number: str) -> str:
    return quote(encode_once(number), safe="")


def decode_path_number(segment: str, path_encoding: str) -> str | None:
    """The number in a path segment the server has decoded once, or None when the segment was
    encoded the other way than the `path_encoding` switch expects (the caller answers 404)."""
    if path_encoding == "single":
        return segment
    if not _PERCENT_ENCODED.fullmatch(segment):
        return None
    return unquote(segment)


_PERCENT_ENCODED = re.compile(r"(?:[A-Za-z0-9\-_.~]|%[0-9A-Fa-f]{2})*")
