"""Tripletex reads every endpoint shares: paged from/count reads that stop on a short page, and
queries over the 10,000-result limit split by the filters the endpoint offers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

import httpx

from rackbeat_tripletex.clients.records import Unreadable, read_each
from rackbeat_tripletex.clients.tripletex_base import (
    PAGE_SIZE,
    PARTY_FIELDS,
    M,
    ResultTooLarge,
    TripletexBase,
)
from rackbeat_tripletex.models.tripletex import (
    Customer,
    Product,
    Supplier,
    TripletexModel,
)

_RECORD_READS: dict[type[TripletexModel], tuple[str, str]] = {
    Customer: ("/customer", PARTY_FIELDS),
    Supplier: ("/supplier", PARTY_FIELDS),
    Product: ("/product", "*"),
}
# GET /customer and GET /supplier answer only active records unless isInactive is given (OFF).
_BOTH_STATES = (False, True)


@dataclass(frozen=True)
class _Range:
    """A half-open filter range [low, high) over a numeric field; None is unbounded."""

    field: str
    low: float | None
    high: float | None

    def params(self) -> dict[str, Any]:
        return {f"{self.field}From": self.low, f"{self.field}To": self.high}

    def split(self) -> tuple[_Range, _Range] | None:
        low, high = self.low, self.high
        if low is None and high is None:
            middle = 1000.0
        elif low is None:
            assert high is not None
            middle = high - max(1000.0, abs(high))
        elif high is None:
            middle = low + max(1000.0, abs(low))
        else:
            if high - low <= 0.01:
                return None
            middle = round((low + high) / 2, 2)
            if middle in (low, high):
                return None
        return _Range(self.field, low, middle), _Range(self.field, middle, high)


class TripletexReads(TripletexBase):
    # ----- generic reads -----------------------------------------------------------------------
    def _page(
        self, path: str, params: Mapping[str, Any], *, if_none_match: str | None = None
    ) -> httpx.Response:
        headers = {"If-None-Match": if_none_match} if if_none_match is not None else None
        return self._call("GET", path, params=params, headers=headers)

    def _iterate_raw(self, path: str, params: Mapping[str, Any], page_size: int) -> Iterator[dict[str, Any]]:
        start = 0
        while True:
            body = self._page(path, {**params, "from": start, "count": page_size}).json()
            values: list[dict[str, Any]] = body.get("values") or []
            yield from values
            # A short page is the end; fullResultSize is not exact and is never consulted.
            if len(values) < page_size:
                return
            start += page_size

    def _iterate_split(
        self,
        path: str,
        params: Mapping[str, Any],
        splits: list[Callable[[Mapping[str, Any]], list[dict[str, Any]] | None]],
        page_size: int,
    ) -> Iterator[dict[str, Any]]:
        """Read everything matching ``params``; on 23000, split with the first splitter that can."""
        try:
            first = self._page(path, {**params, "from": 0, "count": page_size}).json()
        except ResultTooLarge:
            for splitter in splits:
                parts = splitter(params)
                if parts:
                    for part in parts:
                        yield from self._iterate_split(path, part, splits, page_size)
                    return
            raise
        values: list[dict[str, Any]] = first.get("values") or []
        yield from values
        if len(values) == page_size:
            yield from self._iterate_raw_from(path, params, page_size, page_size)

    def _iterate_raw_from(
        self, path: str, params: Mapping[str, Any], page_size: int, start: int
    ) -> Iterator[dict[str, Any]]:
        while True:
            body = self._page(path, {**params, "from": start, "count": page_size}).json()
            values: list[dict[str, Any]] = body.get("values") or []
            yield from values
            if len(values) < page_size:
                return
            start += page_size

    @staticmethod
    def _split_bool(name: str) -> Callable[[Mapping[str, Any]], list[dict[str, Any]] | None]:
        def split(params: Mapping[str, Any]) -> list[dict[str, Any]] | None:
            if name in params:
                return None
            return [{**params, name: True}, {**params, name: False}]

        return split

    @staticmethod
    def _split_range(field: str) -> Callable[[Mapping[str, Any]], list[dict[str, Any]] | None]:
        def split(params: Mapping[str, Any]) -> list[dict[str, Any]] | None:
            current = _Range(field, params.get(f"{field}From"), params.get(f"{field}To"))
            halves = current.split()
            if halves is None:
                return None
            return [{**params, **half.params()} for half in halves]

        return split

    @staticmethod
    def _split_number_list(
        field: str, block: int = 1000
    ) -> Callable[[Mapping[str, Any]], list[dict[str, Any]] | None]:
        """Customers and suppliers offer no range filter: read numbers in blocks of explicit lists,
        up to a ceiling far beyond any real company's numbering (assumption)."""

        def split(params: Mapping[str, Any]) -> list[dict[str, Any]] | None:
            if field in params:
                return None
            return [
                {**params, field: ",".join(str(n) for n in range(low, low + block))}
                for low in range(0, 200_000, block)
            ]

        return split

    def _models(self, model: type[M], rows: Iterator[dict[str, Any]]) -> Iterator[M | Unreadable]:
        return read_each(model, rows, api=self.api_name, key_field="id")

    @staticmethod
    def _validated(model: type[M], rows: Iterator[dict[str, Any]]) -> Iterator[M]:
        """Strictly: for reads whose callers look one record up among them (orders, invoices,
        subscriptions), where a record left out would be mistaken for one that does not exist."""
        for row in rows:
            yield model.model_validate(row)

    def _reference[R: TripletexModel](
        self, name: str, model: type[R], path: str, params: Mapping[str, Any]
    ) -> list[R]:
        """A reference list, read once per client (one tenant, one run) and kept: the lists change
        rarely, and a run maps many records against them. A row we cannot read is left out."""
        cached = self._references.get(name)
        if cached is None:
            rows = self._models(model, self._iterate_raw(path, params, PAGE_SIZE))
            cached = self._references[name] = [r for r in rows if not isinstance(r, Unreadable)]
        return cast(list[R], cached)

    def _parties(
        self,
        path: str,
        model: type[M],
        number_field: str,
        params: Mapping[str, Any],
        page_size: int,
    ) -> Iterator[M | Unreadable]:
        """Customers or suppliers, active and inactive alike (unless ``params`` names a state):
        without ``isInactive`` Tripletex answers only active ones, and a deactivation must reach
        Rackbeat as ``is_barred``. Each state is its own query, so the 23000 splitter goes on with
        the number lists."""
        splits = [self._split_bool("isInactive"), self._split_number_list(number_field)]
        states = (params["isInactive"],) if "isInactive" in params else _BOTH_STATES
        for state in states:
            query = {**params, "isInactive": state}
            yield from self._models(model, self._iterate_split(path, query, splits, page_size))

    def _find_party(self, path: str, model: type[M], number_field: str, number: int) -> M | None:
        """The record with ``number``, active or not (a lost create's lookup must find either)."""
        for state in _BOTH_STATES:
            params = {number_field: number, "isInactive": state, "count": 2, "fields": PARTY_FIELDS}
            values = self._page(path, params).json().get("values") or []
            if values:
                return model.model_validate(values[0])
        return None

    def read_record[R: (Customer, Supplier, Product)](self, model: type[R], record_id: int) -> R | Unreadable:
        """One customer, supplier or product, as a list read yields it: an :class:`Unreadable`
        instead of an exception when our read model refuses it (a webhook's or a retry's record
        then fails alone)."""
        path, fields = _RECORD_READS[model]
        row = self._call("GET", f"{path}/{record_id}", params={"fields": fields}).json()["value"]
        return next(read_each(model, [row], api=self.api_name, key_field="id"))

    def _get_party(self, path: str, model: type[M], record_id: int) -> M:
        response = self._call("GET", f"{path}/{record_id}", params={"fields": PARTY_FIELDS})
        return model.model_validate(response.json()["value"])
