"""Typed client for the Rackbeat REST API (contract: ``specs/rackbeat-openapi.yaml``).

Retries, the request budget, typed errors and secret redaction come from
:class:`~rackbeat_tripletex.clients.http.HttpClient`; this module adds Rackbeat's conventions:
Bearer auth plus the operator's consumer identification, 200-or-206 lists paged by
``page``/``pages``, numbers in paths, and creates that look the record up by number before they
are ever repeated.

Where public evidence about the real API is weak (``specs/evidence/RACKBEAT-EVIDENCE.md``) the
client works under every plausible answer rather than the one we assume:

* list reads are tolerant: each record is validated alone and one the read model refuses is
  yielded as an :class:`~rackbeat_tripletex.clients.records.Unreadable` (mismatch 1);
* list filters and sorting may be honoured, ignored or refused with 422: a refused filter is
  dropped (once per client and path) and every filter is applied here as well, and the "newest
  first, stop at the first older record" shortcut is taken only on an answer seen to be sorted
  (mismatches 3 and 5);
* item numbers in paths: the record's ``urlfriendly_number`` when known, else encoded twice
  (Rackbeat's Laravel SDK) or once (its current SDK), whichever the account answers (mismatch 11);
* ``suppress_webhooks`` only when the client is built for a bulk import: other apps on the
  account must hear about our later writes (mismatch 8); our own echoes are recognised by
  content hash in the sync engine instead.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
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
from rackbeat_tripletex.models.rackbeat import (
    CreatedWebhook,
    Customer,
    CustomerGroup,
    CustomerInvoice,
    CustomerInvoiceDraftWrite,
    CustomerWrite,
    GroupWrite,
    NamedWrite,
    Order,
    PaymentTerm,
    Product,
    ProductGroup,
    ProductGroupWrite,
    ProductWrite,
    SelfInfo,
    Supplier,
    SupplierGroup,
    SupplierWrite,
    Unit,
    UnitWrite,
    Webhook,
)
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


class RackbeatClient(HttpClient):
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
        friendly = item.urlfriendly_number if isinstance(item, Product) else None
        if isinstance(item, Product) and friendly and _URLFRIENDLY.fullmatch(friendly):
            self._urlfriendly[item.number] = friendly
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

    # ----- account ------------------------------------------------------------------------------
    def self(self) -> SelfInfo:
        """The account behind the token: the cheapest token check (raises AuthError on a bad token)."""
        return SelfInfo.model_validate(self.request("GET", "/self").json())

    # ----- reference data -----------------------------------------------------------------------
    def customer_groups(self) -> Iterator[CustomerGroup | Unreadable]:
        return self._read("/customer-groups", "customer_groups", CustomerGroup)

    def supplier_groups(self) -> Iterator[SupplierGroup | Unreadable]:
        return self._read("/supplier-groups", "supplier_groups", SupplierGroup)

    def product_groups(self, *, has_inventory: bool | None = None) -> Iterator[ProductGroup | Unreadable]:
        for group in self._read(
            "/product-groups", "product_groups", ProductGroup, {"has_inventory": has_inventory}
        ):
            # The has_inventory filter is assumed; filter here too in case Rackbeat ignores it.
            if has_inventory is None or isinstance(group, Unreadable) or group.has_inventory == has_inventory:
                yield group

    def payment_terms(self) -> Iterator[PaymentTerm | Unreadable]:
        return self._read("/payment-terms", "payment_terms", PaymentTerm)

    def units(self) -> Iterator[Unit | Unreadable]:
        return self._read("/units", "units", Unit)

    def create_customer_group(self, group: GroupWrite) -> CustomerGroup:
        return self._create_named(
            "/customer-groups", "customer_group", CustomerGroup, group, self.customer_groups
        )

    def create_supplier_group(self, group: GroupWrite) -> SupplierGroup:
        return self._create_named(
            "/supplier-groups", "supplier_group", SupplierGroup, group, self.supplier_groups
        )

    def create_product_group(self, group: ProductGroupWrite) -> ProductGroup:
        return self._create_named(
            "/product-groups", "product_group", ProductGroup, group, self.product_groups
        )

    def create_unit(self, unit: UnitWrite) -> Unit:
        return self._create_named("/units", "unit", Unit, unit, self.units)

    def _create_named(
        self,
        path: str,
        key: str,
        model: type[M],
        record: NamedWrite,
        existing: Callable[[], Iterable[M | Unreadable]],
    ) -> M:
        """Create a group or unit; a lost answer is settled by looking it up by number (or, without
        one, by name) before creating again."""

        def lookup() -> M | None:
            for found in existing():
                if isinstance(found, Unreadable):
                    continue
                if (record.number is not None and getattr(found, "number", None) == record.number) or (
                    record.number is None and getattr(found, "name", None) == record.name
                ):
                    return found
            return None

        def create() -> M:
            # Groups and units are set-up, not data other apps follow: never announced either way.
            response = self.request("POST", path, json=record.payload())
            return model.model_validate(response.json()[key])

        return self.create_once(create, lookup)

    # ----- customers, suppliers, products -------------------------------------------------------------
    def customers(self, *, updated_at_from: Since = None) -> Iterator[Customer | Unreadable]:
        return self._changed_since("/customers", "customers", Customer, updated_at_from)

    def suppliers(self, *, updated_at_from: Since = None) -> Iterator[Supplier | Unreadable]:
        return self._changed_since("/suppliers", "suppliers", Supplier, updated_at_from)

    def products(self, *, updated_at_from: Since = None) -> Iterator[Product | Unreadable]:
        return self._changed_since("/products", "products", Product, updated_at_from)

    def get_customer(self, number: int) -> Customer | Unreadable | None:
        return self._get_one("/customers/{}", number, "customer", Customer)

    def get_supplier(self, number: int) -> Supplier | Unreadable | None:
        return self._get_one("/suppliers/{}", number, "supplier", Supplier)

    def get_product(self, number: str) -> Product | Unreadable | None:
        return self._get_one("/products/{}", number, "product", Product)

    def create_customer(self, customer: CustomerWrite) -> Customer:
        return self._create_numbered("/customers", "customer", Customer, customer, self.get_customer)

    def create_supplier(self, supplier: SupplierWrite) -> Supplier:
        return self._create_numbered("/suppliers", "supplier", Supplier, supplier, self.get_supplier)

    def create_product(self, product: ProductWrite) -> Product:
        return self._create_numbered("/products", "product", Product, product, self.get_product)

    def _create_numbered(
        self,
        path: str,
        key: str,
        model: type[M],
        record: CustomerWrite | SupplierWrite | ProductWrite,
        get: Callable[[Any], M | Unreadable | None],
    ) -> M:
        def create() -> M:
            return self._write("POST", path, key, model, record.payload())

        number = record.number
        if number is None:
            # Without a number there is nothing to look up, so an ambiguous failure is not retried.
            return create()

        def lookup() -> M | None:
            found = get(number)
            if isinstance(found, Unreadable):
                raise ValidationFailed(
                    f"{path.strip('/')} {number} exists in Rackbeat but could not be read: {found.reason}",
                    api=API,
                )
            return found

        return self.create_once(create, lookup)

    def update_customer(self, number: int, changes: CustomerWrite) -> Customer:
        return self._write_at("PUT", "/customers/{}", number, "customer", Customer, changes.payload())

    def update_supplier(self, number: int, changes: SupplierWrite) -> Supplier:
        return self._write_at("PUT", "/suppliers/{}", number, "supplier", Supplier, changes.payload())

    def update_product(self, number: str, changes: ProductWrite) -> Product:
        return self._write_at("PUT", "/products/{}", number, "product", Product, changes.payload())

    # ----- invoices and orders ----------------------------------------------------------------------------
    def booked_invoices_since(self, since: Since = None) -> Iterator[CustomerInvoice | Unreadable]:
        """Booked customer invoices changed at or after the cursor.

        ``is_booked``, ``updated_at_from`` and the sort may each be honoured, ignored or refused
        (mismatch 3), so the answer is read to its end and both filters are applied here: no
        booked change is skipped whatever Rackbeat does with them. An unreadable record is
        yielded unless it says plainly that it is a draft or older than the cursor.
        """
        cursor = None if since is None else parse_timestamp(since)
        params: dict[str, Any] = {
            "is_booked": True,
            "updated_at_from": None if cursor is None else filter_value(cursor),
            "order_by": "updated_at",
            "order_direction": "ASC",
        }
        for item in self._read("/customer-invoices", "customer_invoices", CustomerInvoice, params):
            booked = item.raw.get("is_booked") if isinstance(item, Unreadable) else item.is_booked
            if booked is False or booked in (0, "0", "false"):
                continue
            stamp = updated_at_of(item)
            if cursor is not None and stamp is not None and stamp < cursor:
                continue
            yield item

    def get_customer_invoice(self, number: int) -> CustomerInvoice | Unreadable | None:
        return self._get_one("/customer-invoices/{}", number, "customer_invoice", CustomerInvoice)

    def _readable_invoice(self, number: int) -> CustomerInvoice | None:
        found = self.get_customer_invoice(number)
        if isinstance(found, Unreadable):
            raise ValidationFailed(f"invoice {number} could not be read: {found.reason}", api=API)
        return found

    def create_customer_invoice_draft(self, draft: CustomerInvoiceDraftWrite) -> CustomerInvoice:
        def create() -> CustomerInvoice:
            return self._write(
                "POST", "/customer-invoices/drafts", "customer_invoice", CustomerInvoice, draft.payload()
            )

        number = draft.number
        if number is None:
            return create()
        return self.create_once(create, lambda: self._readable_invoice(number))

    def book_customer_invoice(self, number: int) -> CustomerInvoice:
        """Book a draft. A lost answer is resolved by reading the invoice, never by booking twice."""

        def book() -> CustomerInvoice:
            return self._write_at(
                "POST", "/customer-invoices/{}/book", number, "customer_invoice", CustomerInvoice, {}
            )

        def already_booked() -> CustomerInvoice | None:
            invoice = self._readable_invoice(number)
            return invoice if invoice is not None and invoice.is_booked else None

        return self.create_once(book, already_booked)

    def orders(self, *, updated_at_from: Since = None) -> Iterator[Order | Unreadable]:
        return self._changed_since("/orders", "orders", Order, updated_at_from)

    def get_order(self, number: int) -> Order | Unreadable | None:
        return self._get_one("/orders/{}", number, "order", Order)

    # ----- webhooks ----------------------------------------------------------------------------------------
    def webhooks(self, *, event: str | None = None) -> Iterator[Webhook | Unreadable]:
        for hook in self._read("/webhooks", "webhooks", Webhook, {"event": event}):
            # The event filter may be ignored: the answer is narrowed here as well.
            if event is None or isinstance(hook, Unreadable) or hook.event == event:
                yield hook

    def register_webhook(self, event: str, url: str) -> CreatedWebhook:
        """Subscribe ``url`` to ``event``. The token is only in a 201 answer, so an existing
        subscription (or one whose 201 got lost) is deleted and created again to get a token."""
        for attempt in range(2):
            response = self.request(
                "POST", "/webhooks", json={"event": event, "url": url, "is_active": True}, idempotent=True
            )
            created = CreatedWebhook.model_validate(response.json()["webhook"])
            if response.status_code == 201 and created.token:
                self.add_secret(created.token)
                return created
            if attempt == 0:
                self.delete_webhook(created.id)
        raise RuntimeError("Rackbeat did not return a webhook token after re-creating the subscription")

    def delete_webhook(self, webhook_id: int) -> None:
        try:
            self.request("DELETE", f"/webhooks/{int(webhook_id)}")
        except NotFound:
            return


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
