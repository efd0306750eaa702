"""What every Rackbeat call shares: the headers Rackbeat asks for, its error bodies, number
paths (encoded as Rackbeat really answers them), paged and filtered reads, guarded creates.
``RackbeatClient`` (``rackbeat.py``) adds the endpoints."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr

from rackbeat_tripletex.clients.http import (
    ErrorDetails,
    HttpClient,
    NotFound,
    RetryPolicy,
    Sleep,
    ValidationFailed,
    ValidationMessage,
)
from rackbeat_tripletex.clients.records import Unreadable, read_each
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.rackbeat_time import filter_value, parse_timestamp

M = TypeVar("M", bound=BaseModel)
# A cursor for incremental reads: an aware moment, or a Rackbeat timestamp in either form.
Since = dt.datetime | str | None

DEFAULT_BASE_URL = "https://app.rackbeat.com/api"
# Rackbeat's limit is not documented; 480 per minute is what its PHP client budgets (reference
# conventions 9), so we stay under it client-side.
REQUESTS_PER_MINUTE = 480
PAGE_SIZE = 250
API = "Rackbeat"
# Query parameters that only narrow or order a list: a list that refuses one is asked again
# without it, and the client does the narrowing itself. ``page``/``limit`` are not optional.
_PAGING = frozenset({"page", "limit"})
_SORT = ("order_by", "order_direction")
# Characters that read the same encoded once, twice or not at all (RFC 3986 unreserved).
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]+")
_URLFRIENDLY = re.compile(r"(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})+")


def encode_number(number: str | int, *, times: int = 2) -> str:
    """A record number as a path segment, percent-encoded ``times`` (``ABC/123`` -> ``ABC%252F123``)."""
    text = str(number)
    for _ in range(times):
        text = quote(text, safe="")
    return text


def _moment(value: Any) -> dt.datetime | None:
    try:
        return parse_timestamp(value)
    except (TypeError, ValueError):
        return None


def updated_at_of(item: BaseModel | Unreadable) -> dt.datetime | None:
    """The change stamp of a read record, readable or not (None when it has none we can read)."""
    if isinstance(item, Unreadable):
        return _moment(item.raw.get("updated_at"))
    stamp = getattr(item, "updated_at", None)
    return stamp if isinstance(stamp, dt.datetime) else None


class RackbeatBase(HttpClient):
    api_name = API
    request_id_headers = ("x-request-id",)

    def __init__(
        self,
        base_url: str,
        token: SecretStr,
        *,
        consumer_name: str | None = None,
        consumer_contact: str | None = None,
        suppress_webhooks: bool = False,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        requests_per_minute: int = REQUESTS_PER_MINUTE,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._token = token
        self.page_size = page_size
        # Who we are to Rackbeat: the operator's, from the deployment (config.py); Rackbeat's SDK
        # calls it mandatory and may restrict unidentified consumers (mismatch 12).
        config = runtime_config()
        self.consumer_name = consumer_name or config.rackbeat_consumer_name
        self.consumer_contact = consumer_contact or config.rackbeat_consumer_contact
        self.suppress_webhooks = suppress_webhooks
        # What this account's lists refused (per path) and how its paths want numbers encoded:
        # learned once per client, so a refusal costs one extra call per run, not per page.
        self.refused_filters: dict[str, set[str]] = {}
        self.path_encoding = 2
        self._urlfriendly: dict[str, str] = {}
        super().__init__(
            base_url,
            transport=transport,
            timeout=timeout,
            retry=retry,
            rate_per_second=requests_per_minute / 60.0,
            burst=min(20.0, float(requests_per_minute)),
            sleep=sleep,
            clock=clock,
            wall_clock=wall_clock,
            rng=rng,
            secrets=[token.get_secret_value()],
        )

    # ----- HttpClient hooks ---------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        contact = self.consumer_contact
        headers = {
            "Authorization": f"Bearer {self._token.get_secret_value()}",
            "User-Agent": f"{self.consumer_name} ({contact})" if contact else self.consumer_name,
            "Consumer-Name": self.consumer_name,
            "API-Version": "latest",
        }
        if contact:
            headers["Consumer-Contact"] = contact  # never a made-up address
        return headers

    def parse_error(self, response: httpx.Response) -> ErrorDetails:
        try:
            body = response.json()
        except ValueError:
            return ErrorDetails(message=response.reason_phrase or f"HTTP {response.status_code}")
        if not isinstance(body, dict):
            return ErrorDetails(message=str(body))
        errors = body.get("errors")
        messages = [
            ValidationMessage(field=str(field), message=str(text))
            for field, texts in (errors.items() if isinstance(errors, dict) else ())
            for text in (texts if isinstance(texts, list) else [texts])
        ]
        return ErrorDetails(
            message=str(body.get("message") or response.reason_phrase or response.status_code),
            validation_messages=tuple(messages),
            request_id=response.headers.get("x-request-id"),
        )

    # ----- paths ----------------------------------------------------------------------------------
    def _segments(self, number: str | int) -> list[str]:
        """The path segments to try for a number, best first (mismatch 11)."""
        text = str(number)
        if _UNRESERVED.fullmatch(text):
            return [text]  # the same however often it is encoded
        tried: list[str] = []
        known = self._urlfriendly.get(text)
        if known is not None:
            tried.append(known)
        for times in (self.path_encoding, 3 - self.path_encoding):
            segment = encode_number(text, times=times)
            if segment not in tried:
                tried.append(segment)
        return tried

    def _at_number[T](self, template: str, number: str | int, call: Callable[[str], T]) -> T:
        """``call`` on the path for ``number``; on 404 the next encoding is tried, and the one
        that worked is kept for the rest of this client's life."""
        text = str(number)
        segments = self._segments(text)
        for index, segment in enumerate(segments):
            try:
                result = call(template.format(segment))
            except NotFound:
                if index == len(segments) - 1:
                    raise
                continue
            if segment == encode_number(text, times=1) and segment != encode_number(text, times=2):
                self.path_encoding = 1
            elif segment == encode_number(text, times=2) and segment != encode_number(text, times=1):
                self.path_encoding = 2
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _remember(self, item: M | Unreadable) -> M | Unreadable:
        # A product tells us the path form Rackbeat itself uses for its number.
        friendly = getattr(item, "urlfriendly_number", None)
        if isinstance(friendly, str) and _URLFRIENDLY.fullmatch(friendly):
            self._urlfriendly[str(getattr(item, "number", ""))] = friendly
        return item

    # ----- plumbing -------------------------------------------------------------------------------
    def _get_one(self, template: str, number: str | int, key: str, model: type[M]) -> M | Unreadable | None:
        """One record, or None when there is none. A record the read model refuses is returned as
        an :class:`Unreadable` for the caller to fail alone, never raised."""

        def get(path: str) -> M | Unreadable:
            raw = self.request("GET", path).json().get(key)
            [item] = read_each(model, [raw if isinstance(raw, dict) else {}], api=API, key_field="number")
            return self._remember(item)

        try:
            return self._at_number(template, number, get)
        except NotFound:
            return None

    def _write(self, method: str, path: str, key: str, model: type[M], body: Mapping[str, Any]) -> M:
        params = {"suppress_webhooks": True} if self.suppress_webhooks else None
        response = self.request(method, path, params=params, json=dict(body))
        return model.model_validate(response.json()[key])

    def _write_at(
        self, method: str, template: str, number: str | int, key: str, model: type[M], body: Mapping[str, Any]
    ) -> M:
        return self._at_number(template, number, lambda path: self._write(method, path, key, model, body))

    def _pages(
        self, path: str, key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Raw records of every page. Stops on the last page or an empty one; never trusts ``total``.

        A 422 on the first page of a list we asked with optional parameters is taken as "this
        filter or sort is not supported": the ones the answer names (all of them when it names
        none) are dropped for this path and the page is asked again, once.
        """
        refused = self.refused_filters.setdefault(path, set())
        page = 1
        retried = False
        while True:
            sent = {k: v for k, v in (params or {}).items() if k not in refused and v is not None}
            query = {**sent, "page": page, "limit": self.page_size}
            try:
                response = self.request("GET", path, params=query, ok_statuses=(206,))
            except ValidationFailed as error:
                optional = set(sent) - _PAGING
                if page != 1 or retried or not optional:
                    raise
                refused |= _refused_by(error, optional)
                retried = True
                continue
            body = response.json()
            records = body.get(key) or [] if isinstance(body, dict) else []
            yield from (r if isinstance(r, dict) else {} for r in records)
            pages = _int(body.get("pages")) if isinstance(body, dict) else 0
            if not records or page >= pages:
                return
            page += 1

    def _read(
        self, path: str, key: str, model: type[M], params: Mapping[str, Any] | None = None
    ) -> Iterator[M | Unreadable]:
        for item in read_each(model, self._pages(path, key, params), api=API, key_field="number"):
            yield self._remember(item)

    def _changed_since(self, path: str, key: str, model: type[M], since: Since) -> Iterator[M | Unreadable]:
        """Records changed at or after ``since`` (all records without it), newest first when
        Rackbeat sorts as asked.

        Neither ``updated_at_from`` nor ``order_by`` is evidenced for these lists (mismatch 5), so
        every record is checked here too, and the read stops early at a record older than the
        cursor only when the whole answer so far, to the end of that page, is sorted newest
        first: an answer in any other order is read to its end.
        """
        if since is None:
            yield from self._read(path, key, model)
            return
        cursor = parse_timestamp(since)
        params = {
            "updated_at_from": filter_value(cursor),
            "order_by": "updated_at",
            "order_direction": "DESC",
        }
        sorted_so_far = True
        previous: dt.datetime | None = None
        saw_older = False
        size = self.page_size
        for index, item in enumerate(self._read(path, key, model, params), start=1):
            stamp = updated_at_of(item)
            if stamp is None:
                sorted_so_far = False  # unordered by stamp: cannot prove order past it
            elif previous is not None and stamp > previous:
                sorted_so_far = False
            previous = stamp if stamp is not None else previous
            if stamp is None or stamp >= cursor:
                yield item
            else:
                saw_older = True
            if saw_older and index % size == 0 and sorted_so_far and self._sorts(path):
                return  # the page is done, sorted newest first, and reached older records
        # (an answer shorter than a page ends by itself)

    def _sorts(self, path: str) -> bool:
        return not self.refused_filters.get(path, set()) & set(_SORT)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _refused_by(error: ValidationFailed, optional: set[str]) -> set[str]:
    """The optional parameters a 422 names (in ``errors`` keys or in any message text); all of
    them when it names none. A refused sort takes its direction with it."""
    texts = [error.message, *(f"{m.field} {m.message}" for m in error.validation_messages)]
    named = {name for name in optional if any(re.search(rf"\b{re.escape(name)}\b", t or "") for t in texts)}
    refused = named or set(optional)
    if refused & set(_SORT):
        refused |= set(_SORT)
    return refused
