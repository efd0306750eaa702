"""Reading vendor records one at a time, so one record we cannot read never stops a list.

A list answer is validated record by record: a record our read model refuses becomes an
:class:`Unreadable` in the stream instead of an exception raised inside the generator (which
would end the read, and with it every record after it and the stream's cursor). The caller
records the unreadable one as a failure of that record alone and goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

logger = logging.getLogger(__name__)

# How much of a refused value a reason quotes: enough to recognise it, never a whole blob.
_QUOTE = 60


@dataclass(frozen=True)
class Unreadable:
    """A vendor record our read model could not accept, with why in words the user can act on."""

    api: str
    key: str | None  # the record's number (Rackbeat) or id (Tripletex), when the answer has one
    reason: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)


def describe(error: ValidationError) -> str:
    """The fields a read model refused and their values, e.g. ``vat_zone = 'xx': Input should be…``."""
    parts = []
    for item in error.errors(include_url=False)[:3]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "record"
        value = item.get("input")
        shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
        if len(shown) > _QUOTE:
            shown = shown[: _QUOTE - 1] + "…"
        parts.append(f"{where} = {shown}: {item.get('msg', 'not accepted')}")
    more = len(error.errors()) - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def read_each[M: BaseModel](
    model: type[M], rows: Iterable[Mapping[str, Any]], *, api: str, key_field: str
) -> Iterator[M | Unreadable]:
    """Each raw row as ``model``, or as an :class:`Unreadable` naming what was refused."""
    for row in rows:
        try:
            yield model.model_validate(row)
        except ValidationError as error:
            key = row.get(key_field) if isinstance(row, Mapping) else None
            yield Unreadable(
                api=api,
                key=None if key is None or key == "" else str(key),
                reason=describe(error),
                raw=row if isinstance(row, Mapping) else {},
            )


def readable[M: BaseModel](items: Iterable[M | Unreadable]) -> Iterator[M]:
    """Only the records that could be read, for reference data (groups, terms, units) where one
    odd record must not hide the rest: each one left out is logged with its reason."""
    for item in items:
        if isinstance(item, Unreadable):
            logger.warning("%s record %s left out: %s", item.api, item.key or "without a number", item.reason)
            continue
        yield item


def key_of(item: BaseModel | Unreadable, key_field: str = "number") -> str | None:
    """The record's key, readable or not: an unreadable record still exists under its number."""
    if isinstance(item, Unreadable):
        return item.key
    value = getattr(item, key_field, None)
    return None if value is None else str(value)
