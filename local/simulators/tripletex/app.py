"""The Tripletex API v2 simulator (the subset the integration uses).

It answers as the evidence says (specs/evidence/TRIPLETEX-EVIDENCE.md; real answers are replayed
by tests/integration/tripletex/test_evidence_contract.py). Every behaviour is listed, with its
grade (OFF/REAL/MEAS/PRAC/WEAK/NONE) and source, in ASSUMPTIONS.md beside this file; where the
evidence is weak, a switch (seed ``options`` or ``/_sim/options``) plays each variant.

Event subscriptions are delivered like Rackbeat's webhooks: writes queue a delivery, and
:meth:`TripletexSimulator.deliver_pending` (or the background worker) posts it, signed, outside
the request, retrying on failure along ``event_retry_schedule``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import datetime as dt
import functools
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from werkzeug.wrappers import Request, Response

from local.simulators.base import (
    Delivery,
    DeliveryWorker,
    Outgoing,
    SimulatorApp,
    json_response,
    send_deliveries,
    settle,
    spec_violations,
)
from local.simulators.tripletex import dto, ledger, purchasing, spec
from local.simulators.tripletex import employees as _employees
from local.simulators.tripletex.countries import NORWAY_ID, default_countries
from local.simulators.tripletex.errors import TripletexError, Validation, validation_failed
from local.simulators.tripletex.terms import due_date

OSLO = ZoneInfo("Europe/Oslo")
RESULT_LIMIT = 10_000
RATE_LIMIT = 100
RATE_WINDOW_SECONDS = 10.0
NORWAY_COUNTRY_ID = NORWAY_ID
# REAL: the versionDigest of a list read without If-None-Match.
DIGEST_PLACEHOLDER = "'If-None-Match' header not specified"
# REAL texts (tripletex-samples/).
BANK_ACCOUNT_MISSING = "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer."
NO_ORDER_LINES = "Fakturaen inneholder ingen ordrelinjer."
ORDER_NUMBER_IN_USE = "Dette nummeret er i bruk på en annen ordre, tilbud eller prosjekt."
# Behaviour switches (seed `options`, /_sim/options): name -> (allowed values, default).
VARIANTS: dict[str, tuple[tuple[str, ...], str]] = {
    # B6: an area the token lacks may answer 403 (REAL for some features) or an empty list (WEAK).
    "denied_area_answer": (("403", "empty"), "403"),
    # changedSince is honoured on production (OFF) but was ignored on api-test (REAL [4 #113]).
    "changed_since": (("honoured", "ignored"), "honoured"),
    # B9: isStockItem was absent from every product answer in a sandbox company (REAL).
    "product_is_stock_item": (("present", "absent"), "present"),
}
VARIANTS.update(ledger.VARIANTS | purchasing.VARIANTS)
DEFAULT_INVOICE_SETTINGS: dict[str, Any] = {
    "bankAccountReady": True,
    "defaultSendTypeB2B": "EHF",
    "defaultSendTypeB2C": "EMAIL",
    "sendTypes": ["EMAIL", "EHF", "PAPER", "MANUAL"],
    "invoicesDueIn": 14,
    "invoicesDueInType": "DAYS",
}
EVENTS = {
    f"{subject}.{verb}"
    for subject in ("customer", "supplier", "product", "order", "invoice", "contact", "employee", "project")
    for verb in ("create", "update", "delete")
} | {"invoice.charged"}
# The subjects whose writes the simulator turns into events (the ones the integration subscribes to).
EVENT_SUBJECTS = {"customers": "customer", "suppliers": "supplier", "products": "product"}
# Write-only subscription fields (spec): kept out of every answer and of the state dump.
WRITE_ONLY_SUBSCRIPTION_FIELDS = ("hmacSharedSecret", "authHeaderValue")
# NONE (ASSUMPTIONS.md #22): Tripletex documents retries but not their timing.
EVENT_RETRY_SCHEDULE: tuple[dt.timedelta, ...] = tuple(dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 360))
EVENT_CONNECT_TIMEOUT_SECONDS = 3.0
EVENT_RESPONSE_TIMEOUT_SECONDS = 10.0

# Which granted area a path belongs to (ASSUMPTIONS.md #3).
AREA_OF_PREFIX = (
    (_employees.PATH, _employees.AREA),
    ("/customer", "customer"),
    ("/supplier", "supplier"),
    ("/product", "product"),
    ("/order", "invoice"),
    ("/invoice/paymentType", None),
    ("/invoice", "invoice"),
)

# Entity collections: name in the seed/state -> (API path, the field holding its number).
COLLECTIONS = {
    _employees.COLLECTION: _employees.PATH,
    "customers": "/customer",
    "suppliers": "/supplier",
    "products": "/product",
    "productUnits": "/product/unit",
    "vatTypes": "/ledger/vatType",
    "currencies": "/currency",
    "paymentTypes": "/invoice/paymentType",
    "orders": "/order",
    "orderLines": "/order/orderline",
    "invoices": "/invoice",
    "subscriptions": "/event/subscription",
    "countries": "/country",
}
COLLECTIONS.update(ledger.COLLECTIONS | purchasing.COLLECTIONS)
# A reference field -> the collection it points into, for `fields=customer(*)` expansion.
REFERENCE_TARGETS = {
    "customer": "customers",
    "supplier": "suppliers",
    "product": "products",
    "productUnit": "productUnits",
    "vatType": "vatTypes",
    "currency": "currencies",
    "order": "orders",
    "country": "countries",
    "parentType": "vatTypes",
}
# Embedded objects: rendered as {id, url} by default like Tripletex, expandable with `(*)`.
EMBEDDED_LIST_TARGETS = {"orderLines": "orderLines", "orders": "orders"}


def money(value: Decimal | float | int) -> float:
    """Amounts are kept to øre, rounded half up like Tripletex."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def precise(value: Decimal) -> float:
    """Unit prices computed by Tripletex carry up to 10 decimals."""
    return float(value.quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_UP))


def parse_fields(text: str | None) -> dict[str, Any]:
    """`*,orderLines(*),customer(id,name)` -> {"*": {}, "orderLines": {"*": {}}, ...}."""
    if not text:
        return {"*": {}}
    result: dict[str, Any] = {}
    depth = 0
    token = ""
    items: list[str] = []
    for char in text:
        if char == "," and depth == 0:
            items.append(token)
            token = ""
            continue
        depth += char == "("
        depth -= char == ")"
        token += char
    items.append(token)
    for item in (i.strip() for i in items):
        if not item:
            continue
        if "(" in item and item.endswith(")"):
            name, inner = item.split("(", 1)
            result[name.strip()] = parse_fields(inner[:-1])
        else:
            result[item] = {}
    return result


class TripletexSimulator(SimulatorApp):
    name = "tripletex"

    def __init__(
        self,
        seed: dict[str, Any] | None = None,
        *,
        rng_seed: int = 0,
        event_transport: httpx.BaseTransport | None = None,
    ) -> None:
        # None: real sockets (the local stack); tests pass an in-process transport.
        self.event_transport = event_transport
        self._worker = DeliveryWorker("tripletex-events", self.deliver_pending)
        super().__init__(seed, rng_seed=rng_seed)

    # ----- state --------------------------------------------------------------------------
    def reset(self) -> None:
        # Local-only relaxation (ASSUMPTIONS.md #22): the local stack's webhook URL is plain http.
        self.allow_http_targets = False
        self.event_retry_schedule = EVENT_RETRY_SCHEDULE
        self.event_deliveries: list[Delivery] = []
        self.event_delivery_log: list[dict[str, Any]] = []
        self.consumer_token = ""
        self.employee_token = ""
        self.environment = "production"
        self.grants: set[str] = {"customer", "supplier", "product", "invoice"}
        self.company: dict[str, Any] = {"id": 1, "name": "Simulert AS", "organizationNumber": "999999999"}
        self.employee: dict[str, Any] = {"id": 1, "firstName": "Integrasjon", "lastName": "Bruker"}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.variants: dict[str, str] = {name: default for name, (_, default) in VARIANTS.items()}
        self.invoice_settings: dict[str, Any] = json.loads(json.dumps(DEFAULT_INVOICE_SETTINGS))
        self.store: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in COLLECTIONS}
        for country in default_countries():
            self.store["countries"][country["id"]] = country
        # REAL: NOK is currency 1 in every company; the DTO defaults point at it, so it always exists.
        self.store["currencies"][1] = {
            "id": 1,
            "version": 0,
            "code": "NOK",
            "description": "Norske kroner",
            "factor": 1,
        }
        self.changed_at: dict[tuple[str, int], dt.datetime] = {}
        self.created_at: dict[tuple[str, int], dt.datetime] = {}
        self.next_id: dict[str, int] = dict.fromkeys(COLLECTIONS, 1)
        self.next_address_id = 1
        self.rate_windows: dict[str, deque[float]] = {}
        self.next_invoice_number = 1
        self.next_order_number = 1
        self.locked_before: dt.date | None = None
        ledger.reset(self)

    def get_options(self) -> dict[str, Any]:
        return {
            **self.variants,
            "allow_http_targets": self.allow_http_targets,
            "event_retry_schedule_seconds": [d.total_seconds() for d in self.event_retry_schedule],
        }

    def set_options(self, changes: dict[str, Any]) -> None:
        unknown = set(changes) - set(VARIANTS) - {"allow_http_targets", "event_retry_schedule_seconds"}
        if unknown:
            raise ValueError(f"unknown tripletex simulator options: {sorted(unknown)}")
        for name, value in changes.items():
            if name in VARIANTS and value not in VARIANTS[name][0]:
                raise ValueError(f"option {name} must be one of {list(VARIANTS[name][0])}, not {value!r}")
        for name, value in changes.items():
            if name in VARIANTS:
                self.variants[name] = value
        if "allow_http_targets" in changes:
            self.allow_http_targets = bool(changes["allow_http_targets"])
        if "event_retry_schedule_seconds" in changes:
            self.event_retry_schedule = tuple(
                dt.timedelta(seconds=float(v)) for v in changes["event_retry_schedule_seconds"]
            )

    def load_seed(self, seed: dict[str, Any]) -> None:
        self.consumer_token = seed.get("consumer_token", self.consumer_token)
        self.employee_token = seed.get("employee_token", self.employee_token)
        self.environment = seed.get("environment", self.environment)
        if "grants" in seed:
            self.grants = set(seed["grants"])
        if "company" in seed:
            self.company = {**self.company, **seed["company"]}
        if "employee" in seed:
            self.employee = {**self.employee, **seed["employee"]}
        self.set_options(seed.get("options") or {})
        if "invoiceSettings" in seed:
            settings = {**self.invoice_settings, **seed["invoiceSettings"]}
            found = spec.violations({"$ref": "#/components/schemas/InvoiceSettings"}, settings)
            if found:
                raise ValueError(f"invalid tripletex invoiceSettings: {found}")
            self.invoice_settings = settings
        if "countries" in seed:
            self.store["countries"] = {int(c["id"]): {"version": 0, **c} for c in seed["countries"]}
        for name in (
            "productUnits",
            "vatTypes",
            "currencies",
            "paymentTypes",
            "customers",
            "suppliers",
            "products",
            _employees.COLLECTION,
        ):
            for record in seed.get(name, []):
                self._insert(name, dict(record), keep_id=True)
        ledger.load_seed(self, seed)

    def dump_state(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "grants": sorted(self.grants),
            "company": self.company,
            "invoiceSettings": self.invoice_settings,
            "options": self.get_options(),
            "sessions": len(self.sessions),
            **{name: list(records.values()) for name, records in self.store.items()},
            "subscriptions": [_without_secrets(s) for s in self.store["subscriptions"].values()],
            "pending_event_deliveries": len(self.event_deliveries),
            "event_delivery_log": list(self.event_delivery_log),
        }

    def _insert(self, collection: str, record: dict[str, Any], keep_id: bool = False) -> dict[str, Any]:
        if keep_id and isinstance(record.get("id"), int):
            record_id = record["id"]
        else:
            record_id = self.next_id[collection]
        self.next_id[collection] = max(self.next_id[collection], record_id + 1)
        record["id"] = record_id
        # REAL: customers and suppliers answer version 1 right after create, products/orders 0.
        first_version = 1 if collection in ("customers", "suppliers") else 0
        record["version"] = int(record.get("version", first_version)) if keep_id else first_version
        if collection == _employees.COLLECTION:
            _employees.defaults(record)
        if collection == "customers":
            record.setdefault("customerNumber", self._next_number("customers", "customerNumber"))
            record.setdefault("isPrivateIndividual", False)
            record.setdefault("invoiceSendMethod", self._default_send_method(record))
            record.setdefault("isInactive", False)
            record.setdefault("invoicesDueIn", self.invoice_settings["invoicesDueIn"])
            record.setdefault("invoicesDueInType", self.invoice_settings["invoicesDueInType"])
            record["isCustomer"] = True
            self._give_addresses_ids(record)
        elif collection == "suppliers":
            record.setdefault("supplierNumber", self._next_number("suppliers", "supplierNumber"))
            record.setdefault("isInactive", False)
            record["isSupplier"] = True
            self._give_addresses_ids(record)
        elif collection == "vatTypes" and "typeOfVat" in record:
            # Not a field of VatType in the spec; kept internal to answer the typeOfVat filter.
            record["_typeOfVat"] = record.pop("typeOfVat")
        elif collection == "products":
            record.setdefault("isInactive", False)
            record.setdefault("isStockItem", False)
            self._price_product(record)
        self.store[collection][record_id] = record
        self.changed_at[(collection, record_id)] = self.now()
        self.created_at[(collection, record_id)] = self.now()
        return record

    def plant(self, collection: str, record: dict[str, Any]) -> None:
        """Hold ``record`` exactly as given and answer it so: for tests of what the real API may
        send (unknown enum values, extra fields, expanded references) that the simulator's own
        writes never produce. It is not completed with defaults, and answers carrying it skip
        the spec check, which guards what the simulator builds itself."""
        record_id = int(record["id"])
        self.next_id[collection] = max(self.next_id[collection], record_id + 1)
        self.store[collection][record_id] = {**record, "_as_is": True}
        self.changed_at[(collection, record_id)] = self.now()
        self.created_at[(collection, record_id)] = self.now()

    def _next_number(self, collection: str, field: str) -> int:
        # REAL: customer numbers start at 10001, supplier numbers at 20001.
        start = {"customers": 10000, "suppliers": 20000}.get(collection, 0)
        # A planted record may hold its number as text (or none): only numbers count.
        numbers = [r.get(field) for r in self.store[collection].values()]
        return max([start, *(n for n in numbers if isinstance(n, int))]) + 1

    def _default_send_method(self, customer: dict[str, Any]) -> str:
        """OFF (InvoiceSettings): a new customer takes the company's B2B/B2C default send type."""
        key = "defaultSendTypeB2C" if customer.get("isPrivateIndividual") else "defaultSendTypeB2B"
        return str(self.invoice_settings[key])

    def _give_addresses_ids(self, record: dict[str, Any]) -> None:
        """REAL: a new customer/supplier always has a postal and a physical address (created
        empty when none is sent, in Norway); each is an object of its own with an id."""
        for key in dto.ADDRESS_FIELDS:
            address = record.get(key)
            if address is None and key == "deliveryAddress":
                continue
            address = dict(address or {})
            if not isinstance(address.get("id"), int):
                address["id"] = self.next_address_id
            self.next_address_id = max(self.next_address_id, address["id"] + 1)
            address.setdefault("country", {"id": NORWAY_COUNTRY_ID})
            record[key] = address

    def _touch(self, collection: str, record: dict[str, Any]) -> None:
        record["version"] = int(record.get("version", 0)) + 1
        self.changed_at[(collection, record["id"])] = self.now()

    # ----- WSGI hooks ------------------------------------------------------------------------
    def fault_response(self, request: Request, status: int) -> Response:
        if status == 429:
            # A 429 fault is the "429 without reset header" case: no rate-limit headers at all.
            return self._error_response(TripletexError(429, 0, "Too many requests."), self.new_request_id())
        # REAL: a 500 says code 1000, message null, and still carries the rate-limit headers.
        headers: dict[str, str] = {}
        with contextlib.suppress(TripletexError):
            self._rate_limit(self._authenticate(request), headers)
        return self._error_response(
            TripletexError(status, 1000, None, headers=headers), self.new_request_id()
        )

    def handle(self, request: Request) -> Response:
        request_id = self.new_request_id()
        extra_headers: dict[str, str] = {}
        try:
            if not request.path.startswith("/v2/"):
                raise TripletexError(404, 6000, "Object not found")
            path = request.path[len("/v2") :]
            response = self._route(request, path, extra_headers)
        except TripletexError as error:
            error.headers = {**extra_headers, **error.headers}
            return self._error_response(error, request_id)
        response.headers["x-tlx-request-id"] = request_id
        for name, value in extra_headers.items():
            response.headers[name] = value
        return response

    def _error_response(self, error: TripletexError, request_id: str) -> Response:
        body = {
            "status": error.status,
            "code": error.code,
            "message": error.message,
            "link": "https://tripletex.no/v2-docs/",
            "developerMessage": error.developer_message,
            "validationMessages": [
                {"field": v.field, "message": v.message, "path": v.path, "rootId": v.root_id}
                for v in error.validation
            ]
            or None,
            "requestId": request_id,
        }
        headers = {"x-tlx-request-id": request_id, **error.headers}
        return json_response(body, status=error.status, headers=headers)

    # ----- routing -------------------------------------------------------------------------------
    def _route(self, request: Request, path: str, headers: dict[str, str]) -> Response:
        method = request.method
        if path == "/token/session/:create" and method == "PUT":
            return self._create_session(request)
        pair = self._authenticate(request)
        self._rate_limit(pair, headers)
        denied = self._check_grant(path, method)
        if denied is not None:
            return denied

        routes: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"/token/session/>whoAmI", self._who_am_i),
            ("GET", r"/employee", lambda r: self._list(r, _employees.COLLECTION, _employees.PATH)),
            ("GET", r"/customer", lambda r: self._list(r, "customers", "/customer")),
            ("POST", r"/customer", lambda r: self._create(r, "customers", "/customer")),
            ("POST", r"/customer/list", lambda r: self._create_list(r, "customers", "/customer/list")),
            ("PUT", r"/customer/list", lambda r: self._update_list(r, "customers", "/customer/list")),
            ("GET", r"/customer/(\d+)", lambda r, i: self._get(r, "customers", "/customer/{id}", i)),
            ("PUT", r"/customer/(\d+)", lambda r, i: self._update(r, "customers", "/customer/{id}", i)),
            ("DELETE", r"/customer/(\d+)", lambda r, i: self._delete(r, "customers", i)),
            ("GET", r"/supplier", lambda r: self._list(r, "suppliers", "/supplier")),
            ("POST", r"/supplier", lambda r: self._create(r, "suppliers", "/supplier")),
            ("POST", r"/supplier/list", lambda r: self._create_list(r, "suppliers", "/supplier/list")),
            ("PUT", r"/supplier/list", lambda r: self._update_list(r, "suppliers", "/supplier/list")),
            ("GET", r"/supplier/(\d+)", lambda r, i: self._get(r, "suppliers", "/supplier/{id}", i)),
            ("PUT", r"/supplier/(\d+)", lambda r, i: self._update(r, "suppliers", "/supplier/{id}", i)),
            ("DELETE", r"/supplier/(\d+)", lambda r, i: self._delete(r, "suppliers", i)),
            ("GET", r"/product/unit", lambda r: self._list(r, "productUnits", "/product/unit")),
            ("POST", r"/product/unit", lambda r: self._create(r, "productUnits", "/product/unit")),
            (
                "GET",
                r"/product/unit/(\d+)",
                lambda r, i: self._get(r, "productUnits", "/product/unit/{id}", i),
            ),
            ("GET", r"/product", lambda r: self._list(r, "products", "/product")),
            ("POST", r"/product", lambda r: self._create(r, "products", "/product")),
            ("POST", r"/product/list", lambda r: self._create_list(r, "products", "/product/list")),
            ("PUT", r"/product/list", lambda r: self._update_list(r, "products", "/product/list")),
            ("GET", r"/product/(\d+)", lambda r, i: self._get(r, "products", "/product/{id}", i)),
            ("PUT", r"/product/(\d+)", lambda r, i: self._update(r, "products", "/product/{id}", i)),
            ("DELETE", r"/product/(\d+)", lambda r, i: self._delete(r, "products", i)),
            ("GET", r"/ledger/vatType", lambda r: self._list(r, "vatTypes", "/ledger/vatType")),
            (
                "GET",
                r"/ledger/vatType/(\d+)",
                lambda r, i: self._get(r, "vatTypes", "/ledger/vatType/{id}", i),
            ),
            ("GET", r"/currency", lambda r: self._list(r, "currencies", "/currency")),
            ("GET", r"/currency/(\d+)", lambda r, i: self._get(r, "currencies", "/currency/{id}", i)),
            ("GET", r"/country", lambda r: self._list(r, "countries", "/country")),
            ("GET", r"/country/(\d+)", lambda r, i: self._get(r, "countries", "/country/{id}", i)),
            ("GET", r"/invoice/paymentType", lambda r: self._list(r, "paymentTypes", "/invoice/paymentType")),
            (
                "GET",
                r"/invoice/paymentType/(\d+)",
                lambda r, i: self._get(r, "paymentTypes", "/invoice/paymentType/{id}", i),
            ),
            ("GET", r"/invoice/settings", self._invoice_settings),
            ("GET", r"/order", lambda r: self._list(r, "orders", "/order")),
            ("POST", r"/order", lambda r: self._create(r, "orders", "/order")),
            (
                "GET",
                r"/order/orderline/(\d+)",
                lambda r, i: self._get(r, "orderLines", "/order/orderline/{id}", i),
            ),
            ("GET", r"/order/(\d+)", lambda r, i: self._get(r, "orders", "/order/{id}", i)),
            ("PUT", r"/order/(\d+)/:invoice", self._invoice_order),
            ("GET", r"/invoice", lambda r: self._list(r, "invoices", "/invoice")),
            ("POST", r"/invoice", lambda r: self._create(r, "invoices", "/invoice")),
            ("GET", r"/invoice/(\d+)", lambda r, i: self._get(r, "invoices", "/invoice/{id}", i)),
            ("PUT", r"/invoice/(\d+)/:createCreditNote", self._create_credit_note),
            ("GET", r"/event/subscription", lambda r: self._list(r, "subscriptions", "/event/subscription")),
            (
                "POST",
                r"/event/subscription",
                lambda r: self._create(r, "subscriptions", "/event/subscription"),
            ),
            (
                "GET",
                r"/event/subscription/(\d+)",
                lambda r, i: self._get(r, "subscriptions", "/event/subscription/{id}", i),
            ),
            (
                "PUT",
                r"/event/subscription/(\d+)",
                lambda r, i: self._update(r, "subscriptions", "/event/subscription/{id}", i),
            ),
            ("DELETE", r"/event/subscription/(\d+)", self._delete_subscription),
            *ledger.routes(self),
            *purchasing.routes(self),
        ]
        path_matched = False
        for route_method, pattern, action in routes:
            match = re.fullmatch(pattern, path)
            if not match:
                continue
            path_matched = True
            if route_method == method:
                return action(request, *(int(g) for g in match.groups()))
        if path_matched:
            raise TripletexError(405, 4000, "HTTP method not allowed.")
        raise TripletexError(404, 6000, "Object not found")

    # ----- auth, grants, rate limit -----------------------------------------------------------
    def oslo_today(self) -> dt.date:
        return self.now().astimezone(OSLO).date()

    def _create_session(self, request: Request) -> Response:
        args = request.args
        for name in ("consumerToken", "employeeToken", "expirationDate"):
            if not args.get(name):
                raise validation_failed(f"arg:{name}", "Kan ikke være null.")
        consumer, employee = args["consumerToken"], args["employeeToken"]
        wants_test = self.environment == "test"
        for name, given, expected in (
            ("consumerToken", consumer, self.consumer_token),
            ("employeeToken", employee, self.employee_token),
        ):
            wrong_environment = given.startswith("test-") != wants_test
            # Bytes, not str: compare_digest refuses non-ASCII str, and a pasted token may hold any
            # character; the real API answers such a token as invalid, not with a crash.
            if wrong_environment or not secrets.compare_digest(given.encode(), expected.encode()):
                # REAL [4 #53]: field and path name the argument; developerMessage null.
                text = f"The {name[:-5]} token is invalid or does not exist."
                raise TripletexError(
                    422, 18000, "Validering feilet.", [Validation(f"arg:{name}", text, f"arg:{name}")]
                )
        try:
            expiration = dt.date.fromisoformat(args["expirationDate"])
        except ValueError as exc:
            raise validation_failed("arg:expirationDate", "Ugyldig dato.", code=15000) from exc
        # MEAS [7] (F6): the check is against the server's UTC date, so an expiry equal to Oslo's
        # today is accepted while UTC lags behind; the token is then already dead (401).
        if expiration <= self.now().date():
            raise validation_failed("arg:expirationDate", "Utløpsdato må være etter dagens dato.")
        headers: dict[str, str] = {}
        self._rate_limit(_pair_key(consumer, employee), headers)
        token = "eyJ0b2tlbklkIjo" + secrets.token_urlsafe(24)
        session = {
            "id": len(self.sessions) + 1,
            "version": 0,
            "expirationDate": expiration.isoformat(),
            "token": token,
            "consumerToken": {"id": 1},
            "employeeToken": {"id": 1},
        }
        self.sessions[token] = {"expirationDate": expiration, "pair": _pair_key(consumer, employee)}
        body = {"value": {**session, "url": f"{request.host_url}v2/token/session/{session['id']}"}}
        response = self._respond(body, "/token/session/:create", "PUT")
        response.headers.update(headers)
        return response

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        unauthorized = TripletexError(
            401,
            3000,
            "Unauthorized",
            developer_message="Could not log in. Check login info in Authorization header.",
        )
        if not header.startswith("Basic "):
            raise unauthorized
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise unauthorized from exc
        company, _, token = decoded.partition(":")
        session = self.sessions.get(token)
        if session is None or company not in ("0", str(self.company.get("id"))):
            raise unauthorized
        expires = dt.datetime.combine(session["expirationDate"], dt.time(0), tzinfo=OSLO)
        if self.now() >= expires:
            raise unauthorized
        pair: str = session["pair"]
        return pair

    def _rate_limit(self, pair: str, headers: dict[str, str]) -> None:
        limit = max(1, round(RATE_LIMIT * self.faults.rate_limit_scale))
        now = self.now().timestamp()
        window = self.rate_windows.setdefault(pair, deque())
        while window and window[0] <= now - RATE_WINDOW_SECONDS:
            window.popleft()
        # F10: after the admin clock moved backwards, calls "from the future" no longer count.
        while window and window[-1] > now:
            window.pop()
        reset = str(max(1, int(window[0] + RATE_WINDOW_SECONDS - now + 0.999))) if window else "10"
        if len(window) >= limit:
            rejected = {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": "0"}
            # REAL [4 #103]: some 429 answers come without the reset header.
            if self.rng.random() >= 0.3:
                rejected["X-Rate-Limit-Reset"] = reset
            raise TripletexError(429, 0, "Too many requests.", headers=rejected)
        window.append(now)
        headers.update(
            {
                "X-Rate-Limit-Limit": str(limit),
                "X-Rate-Limit-Remaining": str(limit - len(window)),
                "X-Rate-Limit-Reset": str(max(1, int(window[0] + RATE_WINDOW_SECONDS - now + 0.999))),
            }
        )

    def _check_grant(self, path: str, method: str) -> Response | None:
        """Outside the grants: 403/9000 (REAL text), or with ``denied_area_answer: empty`` a list
        read answers 200 with no values and a single read 404 (B6: results "can be filtered on
        authorization", OFF; how a missing entitlement shows on these areas is unverified)."""
        for prefix, area in AREA_OF_PREFIX:
            if path == prefix or path.startswith(prefix + "/"):
                if area is None or area in self.grants:
                    return None
                if self.variants["denied_area_answer"] == "empty" and method == "GET":
                    if re.search(r"/\d+$", path):
                        raise TripletexError(404, 6000, "Object not found")
                    if path == "/invoice/settings":
                        # A single object with every field filtered away (NONE: our reading).
                        return json_response({"value": {}})
                    body: dict[str, Any] = {
                        "fullResultSize": 0,
                        "from": 0,
                        "count": 0,
                        "versionDigest": None,
                        "values": [],
                    }
                    return json_response(body)
                raise TripletexError(403, 9000, "You do not have permission to access this feature.")
        return None

    # ----- rendering ---------------------------------------------------------------------------
    def _url(self, request: Request, collection: str, record_id: int) -> str:
        return self._path_url(request, COLLECTIONS[collection], record_id)

    def _path_url(self, request: Request, path: str, record_id: int) -> str:
        # REAL: urls carry no scheme ("kkpqfuj-amager.tripletex.dev/v2/customer/108358392").
        return f"{request.host}/v2{path}/{record_id}"

    def _full(self, collection: str, record: dict[str, Any]) -> dict[str, Any]:
        """The whole DTO: defaults, then what is stored, then what Tripletex computes."""
        full = {**dto.DEFAULTS.get(collection, {}), **record, **dto.computed(collection, record)}
        if collection == "products" and self.variants["product_is_stock_item"] == "absent":
            full.pop("isStockItem", None)
        if collection == "orders":
            customer = self.store["customers"].get((record.get("customer") or {}).get("id", -1))
            full["customerName"] = (customer or {}).get("name", "")
        if collection == "invoices":
            for name in (
                "amountCurrencyOutstanding",
                "amountOutstandingTotal",
                "amountCurrencyOutstandingTotal",
            ):
                full[name] = record.get("amountOutstanding", 0)
        return full

    def _render(
        self, request: Request, collection: str, record: dict[str, Any], selection: dict[str, Any]
    ) -> dict[str, Any]:
        everything = "*" in selection
        if record.get("_as_is"):
            return {
                k: v for k, v in record.items() if not k.startswith("_") and (everything or k in selection)
            }
        out: dict[str, Any] = {}
        if "url" in selection or everything:
            out = {k: record[k] for k in ("id", "version") if k in record and (everything or k in selection)}
            out["url"] = self._url(request, collection, record["id"])
        for key, value in self._full(collection, record).items():
            if key.startswith("_") or (not everything and key not in selection):
                continue
            sub = selection.get(key)
            if key in dto.ADDRESS_FIELDS and isinstance(value, dict):
                out[key] = self._render_address(request, value, sub, record.get("name") or "")
            else:
                out[key] = self._render_value(request, key, value, sub)
        if "changes" in selection:
            out["changes"] = self._changes(collection, record["id"])
        return out

    def _changes(self, collection: str, record_id: int) -> list[dict[str, Any]]:
        """OFF/REAL [4 #113]: {employeeId, timestamp with offset, changeType}."""
        created = self.created_at.get((collection, record_id), self.now())
        changed = self.changed_at.get((collection, record_id), created)
        items = [(created, "CREATE")] + ([(changed, "UPDATE")] if changed > created else [])
        return [
            {
                "employeeId": self.employee["id"],
                "timestamp": moment.astimezone(OSLO).isoformat(timespec="seconds"),
                "changeType": change_type,
            }
            for moment, change_type in items
        ]

    def _reference(self, request: Request, key: str, value: dict[str, Any]) -> dict[str, Any]:
        path = dto.REFERENCE_PATHS.get(key)
        if path is None or not isinstance(value.get("id"), int):
            return {k: v for k, v in value.items() if v is not None}
        return {"id": value["id"], "url": self._path_url(request, path, value["id"])}

    def _render_address(
        self, request: Request, address: dict[str, Any], sub: dict[str, Any] | None, owner: str
    ) -> dict[str, Any]:
        if not sub:
            return self._reference(request, "postalAddress", address)
        country_ref = address.get("country") or {"id": NORWAY_COUNTRY_ID}
        country = self.store["countries"].get(country_ref.get("id", -1)) or {}
        text = dto.address_text(address, str(country.get("name") or ""))
        named = f"{owner}, {text}" if owner and text else text
        full = {
            "id": address["id"],
            **dto.ADDRESS_DEFAULTS,
            "url": self._path_url(request, "/address", address["id"]),
            **address,
            "country": country_ref,
            "displayName": named,
            "addressAsString": text,
            "displayNameInklMatrikkel": named,
        }
        out: dict[str, Any] = {}
        for key, value in full.items():
            if key.startswith("_") or ("*" not in sub and key not in sub):
                continue
            out[key] = self._render_value(request, key, value, sub.get(key))
        return out

    def _render_value(self, request: Request, key: str, value: Any, sub: dict[str, Any] | None) -> Any:
        if isinstance(value, list):
            target = EMBEDDED_LIST_TARGETS.get(key)
            if target is None or not all(isinstance(v, dict) for v in value):
                return value
            return [self._render_value(request, key, v, sub) for v in value]
        if not isinstance(value, dict):
            return value
        if not sub:
            return self._reference(request, key, value)
        target = REFERENCE_TARGETS.get(key) or EMBEDDED_LIST_TARGETS.get(key)
        stored = self.store[target].get(value.get("id", -1)) if target else None
        if stored is not None and target is not None:
            return self._render(request, target, stored, sub)
        return {k: v for k, v in value.items() if v is not None}

    def _selection(self, request: Request, collection: str) -> dict[str, Any]:
        """The parsed ``fields``; REAL: a name the DTO lacks is 400/11000."""
        selection = parse_fields(request.args.get("fields"))
        model = dto.MODEL.get(collection)
        if model is not None:
            found = dto.illegal_field(selection, model, spec.spec()["components"]["schemas"])
            if found is not None:
                name, schema = found
                raise TripletexError(
                    400,
                    11000,
                    f"Illegal field in fields filter: {name}. "
                    f"{name} does not match a field in the model: {schema}DTO",
                )
        return selection

    def _respond(
        self, body: dict[str, Any], spec_path: str, method: str, status: int = 200, *, check: bool = True
    ) -> Response:
        schema = spec.response_schema(spec_path, method) if check else None
        if schema is not None:
            for field, message in spec.violations(schema, body):
                # A response the spec does not allow is a simulator bug; surface it in the log.
                raise TripletexError(500, 1000, f"simulator produced an invalid response: {field}: {message}")
        return json_response(body, status=status)

    # ----- request bodies ----------------------------------------------------------------------
    def _body(self, request: Request, spec_path: str) -> Any:
        raw = request.get_data(cache=True)
        try:
            body = json.loads(raw) if raw else None
        except ValueError as exc:
            raise TripletexError(422, 22000, "Request body is not valid JSON.") from exc
        schema = spec.request_schema(spec_path, request.method)
        if schema is None:
            return body
        if body is None:
            raise validation_failed("body", "Kan ikke være null.")
        found = spec.violations(schema, body)
        if found:
            spec_violations(request).extend(f"{field}: {message}" for field, message in found)
            raise TripletexError(
                422,
                16000,
                "Request mapping failed",
                # REAL: a wrong type names the path too, an unknown field does not.
                [Validation(f, m, f if m == spec.WRONG_TYPE else None) for f, m in found],
            )
        return spec.drop_nulls(body)

    # ----- list reads ---------------------------------------------------------------------------
    def _list(self, request: Request, collection: str, spec_path: str) -> Response:
        args = request.args
        if collection == "orders":
            _require_args(args, "orderDateTo", "orderDateFrom")
        if collection == "invoices":
            _require_args(args, "invoiceDateTo", "invoiceDateFrom")
        _check_ranges(args)
        selection = self._selection(request, collection)
        # The filter asks the query some 15 questions per stored record: a plain dict answers them
        # (werkzeug's MultiDict walks its lists on each; at 10,000 products that was most of the
        # simulator's CPU in a list read, and the import benchmark's plan paid for it).
        query = QueryArgs(args)
        records: Iterable[dict[str, Any]] = self.store[collection].values()
        for name in ("id", "ids"):
            if query.get(name) not in (None, ""):
                # A read by id looks at those records only (the full filter still decides), in
                # the store's order as before: a page of 200 ids no longer runs the filter over
                # every product.
                wanted = _listed(query.get(name))
                records = [r for r in records if str(r["id"]) in wanted]
        matches = [r for r in records if self._matches(collection, r, query)]
        matches = _sort(matches, args.get("sorting"))
        if len(matches) > RESULT_LIMIT:
            raise TripletexError(422, 23000, "Result set too large. Limit of 10000 reached.")
        start = _int_arg(args, "from", 0)
        count = _int_arg(args, "count", 1000)
        page = matches[start : start + count]
        digest_source = json.dumps(
            # Over the whole result, so one conditional read of the first page tells if anything changed.
            [(r["id"], r.get("version", 0)) for r in matches] + [args.get("fields")]
        )
        digest = hashlib.sha256(digest_source.encode()).hexdigest()[:32]
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None and if_none_match.strip('"') == digest:
            return Response(status=304)
        # OFF: fullResultSize is "not exact"; the skew makes clients that trust it fail (#5).
        skew = self.rng.choice((-3, -1, 0, 2, 5))
        body = {
            "fullResultSize": max(0, len(matches) + skew),
            "from": start,
            "count": len(page),
            "versionDigest": digest if if_none_match is not None else DIGEST_PLACEHOLDER,
            "values": [self._render(request, collection, r, selection) for r in page],
        }
        return self._respond(body, spec_path, "GET", check=not any(r.get("_as_is") for r in page))

    def _matches(self, collection: str, record: dict[str, Any], args: Any) -> bool:
        def in_list(name: str, value: Any) -> bool:
            wanted = args.get(name)
            if wanted is None or wanted == "":
                return True
            return str(value) in _listed(wanted)

        def in_range(name: str, value: Any) -> bool:
            low, high = args.get(name + "From"), args.get(name + "To")
            number = float(value or 0)
            if low not in (None, "") and number < float(low):
                return False
            # OFF + MEAS: Tripletex "To" filters are exclusive (ASSUMPTIONS.md #9).
            return not (high not in (None, "") and number >= float(high))

        if not in_list("id", record["id"]) or not in_list("ids", record["id"]):
            return False
        # OFF (spec): on /customer and /supplier isInactive defaults to false; /product has no default.
        inactive_default = "false" if collection in ("customers", "suppliers") else ""
        inactive = args.get("isInactive") or inactive_default
        # A planted null is Tripletex's stored false; a planted "true" matches as true.
        if inactive and str(record.get("isInactive") or False).lower() != inactive.lower():
            return False
        changed_since = args.get("changedSince")
        honoured = self.variants["changed_since"] == "honoured"
        if changed_since and honoured and collection in ("customers", "suppliers"):
            since = _parse_changed_since(changed_since)
            if self.changed_at[(collection, record["id"])] < since:
                return False
        if collection == "customers":
            return (
                in_list("customerAccountNumber", record.get("customerNumber"))
                and in_list("organizationNumber", record.get("organizationNumber"))
                and in_list("email", record.get("email"))
                and _contains(args.get("customerName"), record.get("name"))
            )
        if collection == _employees.COLLECTION:
            return _employees.matches(record, args)
        if collection == "suppliers":
            return in_list("supplierNumber", record.get("supplierNumber")) and in_list(
                "organizationNumber", record.get("organizationNumber")
            )
        if collection == "products":
            if (
                "isStockItem" in args
                and str(record.get("isStockItem")).lower() != args["isStockItem"].lower()
            ):
                return False
            numbers = args.getlist("productNumber")
            if numbers and record.get("number") not in {n for v in numbers for n in v.split(",")}:
                return False
            return (
                in_list("number", record.get("number"))
                and _contains(args.get("name"), record.get("name"))
                and in_range("priceExcludingVatCurrency", record.get("priceExcludingVatCurrency"))
                and in_range("priceIncludingVatCurrency", record.get("priceIncludingVatCurrency"))
                and in_range("costExcludingVatCurrency", record.get("costExcludingVatCurrency"))
                and in_list("vatTypeId", (record.get("vatType") or {}).get("id"))
                and in_list("productUnitId", (record.get("productUnit") or {}).get("id"))
            )
        if collection == "vatTypes":
            type_of_vat = args.get("typeOfVat")
            if type_of_vat and record.get("_typeOfVat", "OUTGOING") != type_of_vat:
                return False
            return in_list("number", record.get("number"))
        if collection == "currencies":
            return in_list("code", record.get("code"))
        if collection == "countries":
            return in_list("code", record.get("isoAlpha2Code")) and (
                args.get("isDisabled") in (None, "") or args["isDisabled"].lower() == "false"
            )
        if collection == "productUnits":
            return in_list("name", record.get("name")) and in_list("nameShort", record.get("nameShort"))
        if collection == "orders":
            day = record.get("orderDate", "")
            closed = args.get("isClosed")
            return (
                args["orderDateFrom"] <= day < args["orderDateTo"]
                and in_list("customerId", (record.get("customer") or {}).get("id"))
                and in_list("number", record.get("number"))
                and (closed in (None, "") or str(bool(record.get("isClosed"))).lower() == closed.lower())
            )
        if collection == "invoices":
            day = record.get("invoiceDate", "")
            return (
                args["invoiceDateFrom"] <= day < args["invoiceDateTo"]
                and in_list("invoiceNumber", record.get("invoiceNumber"))
                and in_list("customerId", (record.get("customer") or {}).get("id"))
            )
        return True

    def _get(self, request: Request, collection: str, spec_path: str, record_id: int) -> Response:
        record = self._find(collection, record_id)
        selection = self._selection(request, collection)
        body = {"value": self._render(request, collection, record, selection)}
        return self._respond(body, spec_path, "GET", check=not record.get("_as_is"))

    def _find(self, collection: str, record_id: int) -> dict[str, Any]:
        record = self.store[collection].get(record_id)
        if record is None:
            raise TripletexError(404, 6000, "Object not found")
        return record

    def _invoice_settings(self, request: Request) -> Response:
        """The live ``GET /invoice/settings`` (REAL sample; absent from the vendored spec's paths,
        schema InvoiceSettings is in it), from the seed key ``invoiceSettings``."""
        selection = self._selection(request, "invoiceSettings")
        settings = {"id": 1, "version": 0, **self.invoice_settings}
        value = {k: v for k, v in settings.items() if "*" in selection or k in selection}
        body = {"value": value}
        for field, message in spec.violations(
            {"$ref": "#/components/schemas/ResponseWrapperInvoiceSettings"}, body
        ):
            raise TripletexError(500, 1000, f"simulator produced an invalid response: {field}: {message}")
        return json_response(body)

    def _who_am_i(self, request: Request) -> Response:
        body = {
            "value": {
                "employeeId": self.employee["id"],
                "actualEmployeeId": self.employee["id"],
                "employee": {k: v for k, v in self.employee.items() if v is not None},
                "companyId": self.company["id"],
                "company": {k: v for k, v in self.company.items() if v is not None},
                "language": "no",
                "loggedInWithConnect": False,
                "employeeIsProxy": False,
            }
        }
        return self._respond(body, "/token/session/>whoAmI", "GET")

    # ----- writes ------------------------------------------------------------------------------
    def _create(self, request: Request, collection: str, spec_path: str) -> Response:
        body = self._body(request, spec_path)
        record = self._prepare_new(request, collection, body)
        self._insert(collection, record)
        if collection == "invoices":
            self._finish_invoice(record, close_order=False)
        self._emit(request, collection, "create", record)
        value = self._render(request, collection, record, _answer_selection(collection, body))
        if collection == "orders":
            # REAL (73 of 73 answers): the lines exist, but the POST answer lists none.
            value["orderLines"] = []
        return self._respond({"value": value}, spec_path, "POST", status=201)

    def _create_list(self, request: Request, collection: str, spec_path: str) -> Response:
        body = self._body(request, spec_path)
        # All or nothing (assumption): every record is checked before any is stored.
        prepared = []
        for index, item in enumerate(body):
            try:
                prepared.append(self._prepare_new(request, collection, item))
            except TripletexError as error:
                error.validation = [v.at_index(index) for v in error.validation]
                raise
        numbers = [_number_of(collection, r) for r in prepared if _number_of(collection, r) is not None]
        if len(numbers) != len(set(numbers)):
            raise validation_failed(_number_field(collection), "Nummeret er brukt flere ganger i listen.")
        stored = [self._insert(collection, record) for record in prepared]
        for record in stored:
            self._emit(request, collection, "create", record)
        values = [self._render(request, collection, r, {"*": {}}) for r in stored]
        body_out = {"fullResultSize": len(values), "from": 0, "count": len(values), "values": values}
        return self._respond(body_out, spec_path, "POST", status=201)

    def _update(self, request: Request, collection: str, spec_path: str, record_id: int) -> Response:
        body = self._body(request, spec_path)
        record = self._apply_update(request, collection, record_id, body)
        self._emit(request, collection, "update", record)
        return self._respond(
            {"value": self._render(request, collection, record, _answer_selection(collection, body))},
            spec_path,
            "PUT",
        )

    def _update_list(self, request: Request, collection: str, spec_path: str) -> Response:
        body = self._body(request, spec_path)
        for item in body:
            if not isinstance(item.get("id"), int):
                raise validation_failed("id", "Kan ikke være null.")
            record = self._find(collection, item["id"])
            _check_version(record, item)
        stored = [self._apply_update(request, collection, item["id"], item) for item in body]
        for record in stored:
            self._emit(request, collection, "update", record)
        values = [self._render(request, collection, r, {"*": {}}) for r in stored]
        out = {"fullResultSize": len(values), "from": 0, "count": len(values), "values": values}
        return self._respond(out, spec_path, "PUT")

    def _apply_update(
        self, request: Request, collection: str, record_id: int, body: dict[str, Any]
    ) -> dict[str, Any]:
        record = self._find(collection, record_id)
        _check_version(record, body)
        merged = {**record, **_writable(body)}
        for key in dto.ADDRESS_FIELDS:
            # An address is its own object: a PUT changes the fields it names and keeps its id.
            if isinstance(body.get(key), dict) and isinstance(record.get(key), dict):
                merged[key] = {**record[key], **body[key], "id": record[key]["id"]}
        if collection in ("customers", "suppliers"):
            self._give_addresses_ids(merged)
        if collection == "subscriptions":
            _hide_write_only(merged)
        merged["id"] = record["id"]
        merged["version"] = record["version"]
        self._validate_record(collection, merged, exclude_id=record_id)
        if collection == "products":
            self._price_product(merged, changed=body)
        record.clear()
        record.update(merged)
        self._touch(collection, record)
        return record

    def _prepare_new(self, request: Request, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        record = _writable(body)
        if collection == "customers":
            record.setdefault("isPrivateIndividual", False)
            record.setdefault("invoiceSendMethod", self._default_send_method(record))
        if collection == "subscriptions":
            record["status"] = "ACTIVE"
            _hide_write_only(record)
        if collection == "orders":
            record = self._prepare_order(request, record)
        if collection == "invoices":
            record = self._prepare_invoice(request, record)
        self._validate_record(collection, record, exclude_id=None)
        return record

    def _validate_record(self, collection: str, record: dict[str, Any], exclude_id: int | None) -> None:
        number_field = _number_field(collection)
        if number_field and record.get(number_field) is not None:
            for other in self.store[collection].values():
                if other["id"] != exclude_id and other.get(number_field) == record[number_field]:
                    raise validation_failed(number_field, _number_in_use(collection, record[number_field]))
        if collection in ("customers", "suppliers"):
            if not record.get("name"):
                raise validation_failed("name", "Feltet må fylles ut.")
            self._validate_organization_number(record)
        if collection == "customers" and record.get("invoiceSendMethod") == "EHF":
            if "EHF" not in self.invoice_settings["sendTypes"]:
                # NONE: what Tripletex answers is unknown; the text is ours (ASSUMPTIONS.md #14).
                raise validation_failed("invoiceSendMethod", "Selskapet kan ikke sende EHF.")
            address = record.get("postalAddress") or {}
            if not any(address.get(k) for k in ("addressLine1", "postalCode", "city")):
                raise validation_failed("postalAddress", "postalAddress is required for EHF")
            if not re.fullmatch(r"\d{9}", record.get("organizationNumber") or ""):
                raise validation_failed(
                    "organizationNumber",
                    "The organization number must consist of 9 numbers and cannot have any spaces.",
                )
            if record.get("singleCustomerInvoice"):
                raise validation_failed(
                    "singleCustomerInvoice",
                    "singleCustomerInvoice must be false when invoiceSendMethod is EHF.",
                )
        if collection == "products":
            if not record.get("name"):
                raise validation_failed("name", "Feltet må fylles ut.")
            for ref, target in (
                ("vatType", "vatTypes"),
                ("productUnit", "productUnits"),
                ("currency", "currencies"),
            ):
                ref_id = (record.get(ref) or {}).get("id")
                if ref_id is not None and ref_id not in self.store[target]:
                    raise validation_failed(f"{ref}.id", "Objektet finnes ikke.")
        if collection == "productUnits" and not record.get("name"):
            raise validation_failed("name", "Feltet må fylles ut.")
        if collection == "subscriptions":
            if record.get("event") not in EVENTS:
                raise validation_failed("event", "Ugyldig hendelse.")
            schemes = ("https://", "http://") if self.allow_http_targets else ("https://",)
            if not str(record.get("targetUrl", "")).startswith(schemes):
                raise validation_failed("targetUrl", "Adressen må bruke https.")

    def _validate_organization_number(self, record: dict[str, Any]) -> None:
        number = record.get("organizationNumber")
        if not number:
            return
        country = ((record.get("physicalAddress") or {}).get("country") or {}).get("id", NORWAY_COUNTRY_ID)
        if country == NORWAY_COUNTRY_ID and not re.fullmatch(r"\d{9}", number):
            raise validation_failed(
                "organizationNumber",
                "The organization number must consist of 9 numbers and cannot have any spaces.",
            )

    def _vat_percentage(self, vat_ref: dict[str, Any] | None) -> Decimal:
        vat = self.store["vatTypes"].get((vat_ref or {}).get("id", -1))
        return Decimal(str(vat.get("percentage", 0))) if vat else Decimal(0)

    def _price_product(self, record: dict[str, Any], changed: dict[str, Any] | None = None) -> None:
        changed = changed if changed is not None else record
        rate = 1 + self._vat_percentage(record.get("vatType")) / 100
        excl, incl = record.get("priceExcludingVatCurrency"), record.get("priceIncludingVatCurrency")
        if "priceExcludingVatCurrency" in changed and excl is not None:
            record["priceIncludingVatCurrency"] = money(Decimal(str(excl)) * rate)
        elif "priceIncludingVatCurrency" in changed and incl is not None:
            record["priceExcludingVatCurrency"] = money(Decimal(str(incl)) / rate)
        record.setdefault("priceExcludingVatCurrency", 0.0)
        record.setdefault("priceIncludingVatCurrency", 0.0)
        record.setdefault("costExcludingVatCurrency", 0.0)

    # ----- orders and invoices ---------------------------------------------------------------
    def _prepare_order(self, request: Request, order: dict[str, Any]) -> dict[str, Any]:
        customer_id = (order.get("customer") or {}).get("id")
        if customer_id is None or customer_id not in self.store["customers"]:
            raise validation_failed("customer", "Kunde mangler eller finnes ikke.")
        for field in ("orderDate", "deliveryDate"):
            if not order.get(field):
                raise validation_failed(field, "Feltet må fylles ut.")
        including = bool(order.get("isPrioritizeAmountsIncludingVat", False))
        order["isPrioritizeAmountsIncludingVat"] = including
        used = {str(o.get("number")) for o in self.store["orders"].values()}
        if order.get("number"):
            if str(order["number"]) in used:
                # REAL: orders, offers and projects share one number series.
                raise validation_failed("number", ORDER_NUMBER_IN_USE)
        else:
            while str(self.next_order_number) in used:
                self.next_order_number += 1
            order["number"] = str(self.next_order_number)
            self.next_order_number += 1
        customer = self.store["customers"][customer_id]
        # Maintainer [4 #65]: the order inherits the customer's terms; :invoice uses the order's.
        order.setdefault(
            "invoicesDueIn", customer.get("invoicesDueIn", self.invoice_settings["invoicesDueIn"])
        )
        order.setdefault(
            "invoicesDueInType", customer.get("invoicesDueInType", self.invoice_settings["invoicesDueInType"])
        )
        order.setdefault("isClosed", False)
        lines = []
        for index, line in enumerate(order.get("orderLines") or []):
            lines.append(self._prepare_line(line, including, index))
        order["orderLines"] = lines
        return order

    def _prepare_line(self, line: dict[str, Any], including: bool, index: int) -> dict[str, Any]:
        has_excl = line.get("unitPriceExcludingVatCurrency") is not None
        has_incl = line.get("unitPriceIncludingVatCurrency") is not None
        field = f"orderLines[{index}]"
        if (has_excl and has_incl) or (including and has_excl) or (not including and has_incl):
            text = (
                "Enhetspris må være med mva siden enhetspris på ordre er med mva."
                if including
                else "Enhetspris må være uten mva siden enhetspris på ordre er uten mva."
            )
            raise validation_failed(field, text)
        product = None
        product_id = (line.get("product") or {}).get("id")
        if product_id is not None:
            product = self.store["products"].get(product_id)
            if product is None:
                raise validation_failed(f"{field}.product", "Objektet finnes ikke.")
        vat_ref = line.get("vatType") or (product or {}).get("vatType")
        rate = 1 + self._vat_percentage(vat_ref) / 100
        if not has_excl and not has_incl and product is not None:
            # Without a price the line takes the product's price on the order's side of VAT.
            key = "priceIncludingVatCurrency" if including else "priceExcludingVatCurrency"
            line["unitPriceIncludingVatCurrency" if including else "unitPriceExcludingVatCurrency"] = (
                product.get(key, 0.0)
            )
            has_incl, has_excl = including, not including
        if has_incl or including:
            incl = Decimal(str(line.get("unitPriceIncludingVatCurrency") or 0))
            excl = incl / rate
        else:
            excl = Decimal(str(line.get("unitPriceExcludingVatCurrency") or 0))
            incl = excl * rate
        count = Decimal(str(line.get("count", 1)))
        discount = 1 - Decimal(str(line.get("discount", 0))) / 100
        line["count"] = float(count)
        line["unitPriceExcludingVatCurrency"] = precise(excl)
        line["unitPriceIncludingVatCurrency"] = precise(incl)
        line["amountExcludingVatCurrency"] = money(excl * count * discount)
        line["amountIncludingVatCurrency"] = money(incl * count * discount)
        if vat_ref is not None:
            line["vatType"] = {"id": vat_ref["id"]}
        line["id"] = self.next_id["orderLines"]
        line["version"] = 0
        self.next_id["orderLines"] += 1
        self.store["orderLines"][line["id"]] = line
        self.changed_at[("orderLines", line["id"])] = self.now()
        return line

    def _prepare_invoice(self, request: Request, invoice: dict[str, Any]) -> dict[str, Any]:
        orders = invoice.get("orders") or []
        if len(orders) != 1:
            raise validation_failed("orders", "Fakturaen må ha nøyaktig én ordre.")
        for field in ("invoiceDate", "invoiceDueDate"):
            if not invoice.get(field):
                raise validation_failed(field, "Feltet må fylles ut.")
        self._check_can_invoice()
        given = orders[0]
        if "id" in given and len(given) <= 2:
            order = self._find("orders", given["id"])
        else:
            # Maintainer [4 #116]: POST /invoice creates an embedded order behind the invoice.
            order = self._insert("orders", self._prepare_order(request, _writable(given)))
        self._check_order_can_be_invoiced(order)
        invoice["orders"] = [{"id": order["id"]}]
        invoice["customer"] = {"id": order["customer"]["id"]}
        return invoice

    def _check_can_invoice(self) -> None:
        """REAL: no invoice while the company has no bank account number."""
        if not self.invoice_settings.get("bankAccountReady", True):
            raise validation_failed(None, BANK_ACCOUNT_MISSING)

    def _check_order_can_be_invoiced(self, order: dict[str, Any]) -> None:
        if order.get("isClosed"):
            # [4 #25]: a closed order cannot be invoiced; the text is ours.
            raise validation_failed("orders", "Ordren er allerede fakturert.")
        if not order.get("orderLines"):
            raise validation_failed(None, NO_ORDER_LINES)

    def _finish_invoice(self, invoice: dict[str, Any], *, close_order: bool) -> None:
        order = self.store["orders"][invoice["orders"][0]["id"]]
        lines = order.get("orderLines", [])
        excl = sum(Decimal(str(line["amountExcludingVatCurrency"])) for line in lines)
        incl = sum(Decimal(str(line["amountIncludingVatCurrency"])) for line in lines)
        invoice.update(
            {
                "invoiceNumber": self.next_invoice_number,
                "amount": money(incl),
                "amountCurrency": money(incl),
                "amountExcludingVat": money(excl),
                "amountExcludingVatCurrency": money(excl),
                "amountOutstanding": money(incl),
                "isCharged": True,
                "isCreditNote": False,
                "deliveryDate": order.get("deliveryDate"),
                "orderLines": [{"id": line["id"]} for line in lines],
            }
        )
        self.next_invoice_number += 1
        order["_invoiceId"] = invoice["id"]
        if close_order:
            # Maintainer [4 #65]: :invoice closes the order, POST /invoice with an existing one does not.
            order["isClosed"] = True
        order["preliminaryInvoice"] = {"id": invoice["id"]}
        self._touch("orders", order)

    def _invoice_order(self, request: Request, order_id: int) -> Response:
        _require_args(request.args, "invoiceDate")
        order = self._find("orders", order_id)
        invoice_date = dt.date.fromisoformat(request.args["invoiceDate"])
        due = due_date(
            invoice_date, int(order.get("invoicesDueIn", 14)), order.get("invoicesDueInType", "DAYS")
        )
        invoice = self._prepare_invoice(
            request,
            {
                "invoiceDate": invoice_date.isoformat(),
                "invoiceDueDate": due.isoformat(),
                "orders": [{"id": order["id"]}],
            },
        )
        self._insert("invoices", invoice)
        self._finish_invoice(invoice, close_order=True)
        body = {"value": self._render(request, "invoices", invoice, {"*": {}})}
        return self._respond(body, "/order/{id}/:invoice", "PUT")

    def _create_credit_note(self, request: Request, invoice_id: int) -> Response:
        """``PUT /invoice/{id}/:createCreditNote`` (OFF: params date (required), comment,
        creditNoteEmail, sendToCustomer, sendType): a new invoice with the amounts negated,
        ``isCreditNote`` true and ``creditedInvoice`` = the original's id; the original becomes
        ``isCredited`` with nothing outstanding. Crediting twice is refused (text NONE, ours)."""
        _require_args(request.args, "date")
        original = self._find("invoices", invoice_id)
        if original.get("isCredited") or original.get("isCreditNote"):
            raise validation_failed(None, "Fakturaen er allerede kreditert.")
        try:
            date = dt.date.fromisoformat(request.args["date"]).isoformat()
        except ValueError as exc:
            raise validation_failed("date", "Ugyldig dato.", code=15000) from exc
        amounts = ("amount", "amountCurrency", "amountExcludingVat", "amountExcludingVatCurrency")
        note: dict[str, Any] = {
            "invoiceDate": date,
            "invoiceDueDate": date,
            "customer": dict(original["customer"]),
            "orders": [dict(o) for o in original.get("orders", [])],
            "comment": request.args.get("comment", ""),
            "invoiceNumber": self.next_invoice_number,
            "creditedInvoice": original["id"],
            "isCreditNote": True,
            "isCharged": True,
            "amountOutstanding": 0.0,
            **{name: money(-Decimal(str(original.get(name, 0)))) for name in amounts},
        }
        self.next_invoice_number += 1
        self._insert("invoices", note)
        original["isCredited"] = True
        original["amountOutstanding"] = 0.0
        self._touch("invoices", original)
        body = {"value": self._render(request, "invoices", note, {"*": {}})}
        return self._respond(body, "/invoice/{id}/:createCreditNote", "PUT")

    def _delete_subscription(self, request: Request, record_id: int) -> Response:
        self._find("subscriptions", record_id)
        del self.store["subscriptions"][record_id]
        self.event_deliveries = [d for d in self.event_deliveries if d.subscription_id != record_id]
        return Response(status=204)

    def _delete(self, request: Request, collection: str, record_id: int) -> Response:
        record = self._find(collection, record_id)
        # NONE (ASSUMPTIONS.md #23): a record with history on orders cannot be deleted.
        in_use = any(
            (order.get("customer") or {}).get("id") == record_id
            for order in self.store["orders"].values()
            if collection == "customers"
        ) or any(
            (line.get("product") or {}).get("id") == record_id
            for line in self.store["orderLines"].values()
            if collection == "products"
        )
        if in_use:
            raise validation_failed(None, "Objektet er i bruk og kan ikke slettes.")
        del self.store[collection][record_id]
        self.changed_at.pop((collection, record_id), None)
        self._emit(request, collection, "delete", record)
        return Response(status=204)

    # ----- event subscriptions: delivery -------------------------------------------------------
    def _emit(self, request: Request, collection: str, verb: str, record: dict[str, Any]) -> None:
        """Queue one delivery per ACTIVE subscription to ``<subject>.<verb>``; the value is the
        record as it is now, in the subscription's ``fields`` (null on delete)."""
        subject = EVENT_SUBJECTS.get(collection)
        if subject is None:
            return
        event = f"{subject}.{verb}"
        for subscription in self.store["subscriptions"].values():
            if subscription.get("event") != event or subscription.get("status") != "ACTIVE":
                continue
            value = (
                None
                if verb == "delete"
                else self._render(request, collection, record, parse_fields(subscription.get("fields")))
            )
            self.event_deliveries.append(
                Delivery(
                    subscription_id=subscription["id"],
                    event=event,
                    body={
                        "subscriptionId": subscription["id"],
                        "event": event,
                        "id": record["id"],
                        "value": value,
                    },
                    due=self.now(),
                    delivery_id=str(uuid.uuid4()),
                )
            )

    # ----- state for tests and scripts, under the app lock ----------------------------------
    def records(self, collection: str) -> dict[int, dict[str, Any]]:
        """A copy of one collection by id, as stored (references as ``{"id": n}``)."""
        with self._lock:
            return copy.deepcopy(self.store[collection])

    def change_stored(self, collection: str, record_id: int, changes: dict[str, Any]) -> None:
        """Change fields of a stored record behind the API (no version, no change log): what a
        record may look like after something the API does not show, e.g. an edit in the UI."""
        with self._lock:
            self.store[collection][record_id].update(changes)

    def forget(self, collection: str, record_id: int) -> None:
        """Drop a stored record behind the API, as a deletion in Tripletex's UI does."""
        with self._lock:
            del self.store[collection][record_id]

    def revoke_sessions(self) -> None:
        """Every session token stops working (what midnight in Oslo does to a day's session)."""
        with self._lock:
            self.sessions.clear()

    def queue_deliveries(self, deliveries: list[Delivery]) -> None:
        """Add event deliveries to the pending ones (a test repeats some: delivery is at least once)."""
        with self._lock:
            self.event_deliveries.extend(deliveries)

    def pending_deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self.event_deliveries)

    def deliver_pending(self) -> int:
        """Post every delivery that is due now; returns how many were attempted. HTTP happens
        outside the app lock, so the API keeps answering while a subscriber is slow."""
        with self._lock:
            now = self.now()
            outgoing: list[Outgoing] = []
            for delivery in self.event_deliveries:
                subscription = self.store["subscriptions"].get(delivery.subscription_id)
                if delivery.due > now or subscription is None:
                    continue
                content = json.dumps(delivery.body, ensure_ascii=False).encode()
                headers = {"idempotency-key": delivery.delivery_id}
                secret = subscription.get("_hmacSharedSecret")
                if secret:
                    headers["x-request-signature"] = event_signature(secret, delivery.delivery_id, content)
                if subscription.get("authHeaderName") and subscription.get("_authHeaderValue"):
                    headers[subscription["authHeaderName"]] = subscription["_authHeaderValue"]
                outgoing.append(Outgoing(delivery, subscription["targetUrl"], content, headers))
        attempts = send_deliveries(
            self.event_transport,
            outgoing,
            connect_timeout=EVENT_CONNECT_TIMEOUT_SECONDS,
            response_timeout=EVENT_RESPONSE_TIMEOUT_SECONDS,
        )
        with self._lock:
            now = self.now()
            for attempt in attempts:
                self.event_delivery_log.append(
                    {
                        "subscription_id": attempt.delivery.subscription_id,
                        "event": attempt.delivery.event,
                        "id": attempt.delivery.body["id"],
                        "idempotency_key": attempt.delivery.delivery_id,
                        "attempt": attempt.delivery.attempts + 1,
                        "status": attempt.status,
                        "error": attempt.error,
                        "at": now.isoformat(),
                    }
                )
            settle(
                self.event_deliveries,
                attempts,
                self.event_retry_schedule,
                now,
                lambda subscription_id: subscription_id in self.store["subscriptions"],
            )
        return len(attempts)

    def start_delivery_worker(self, interval_seconds: float = 1.0) -> None:
        """Deliver in a background thread (the local stack); tests call deliver_pending instead."""
        self._worker.start(interval_seconds)

    def stop_delivery_worker(self) -> None:
        self._worker.stop()


# ----- helpers -------------------------------------------------------------------------------------
def event_signature(secret: str, idempotency_key: str, body: bytes) -> str:
    """OFF (spec, Subscription.hmacSharedSecret): base64(HmacSHA512(idempotency-key + "&" + body))."""
    digest = hmac.new(secret.encode(), idempotency_key.encode() + b"&" + body, hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def _hide_write_only(subscription: dict[str, Any]) -> None:
    for name in WRITE_ONLY_SUBSCRIPTION_FIELDS:
        if name in subscription:
            subscription["_" + name] = subscription.pop(name)


def _without_secrets(subscription: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in subscription.items() if k.lstrip("_") not in WRITE_ONLY_SUBSCRIPTION_FIELDS}


READ_ONLY = {"id", "version", "url", "changes", "displayName", "isCustomer", "isSupplier", "displayNumber"}


def _answer_selection(collection: str, body: dict[str, Any]) -> dict[str, Any]:
    """REAL: a POST answer expands the addresses the request carried; the rest stay references."""
    selection: dict[str, Any] = {"*": {}}
    if collection in ("customers", "suppliers"):
        for key in dto.ADDRESS_FIELDS:
            if isinstance(body.get(key), dict):
                selection[key] = {"*": {}}
    return selection


def _check_ranges(args: Any) -> None:
    """REAL: a ``…From`` equal to (or after) its ``…To`` is 422 (the text is Tripletex's)."""
    for name, low in args.items():
        if not name.endswith("From") or low in (None, ""):
            continue
        high = args.get(name[: -len("From")] + "To")
        if high in (None, ""):
            continue
        try:
            reversed_range = float(low) >= float(high)
        except ValueError:
            reversed_range = str(low) >= str(high)
        if reversed_range:
            raise validation_failed(
                None,
                f"'From and including' value ({low}) is greater than or equal "
                f"'To and excluding' value ({high}) in filter.",
            )


def _number_in_use(collection: str, number: Any) -> str:
    # REAL for products ("Produktnummeret 4982 er i bruk."); customer/supplier texts are ours.
    return (
        f"Produktnummeret {number} er i bruk."
        if collection == "products"
        else f"Nummeret {number} er i bruk."
    )


def _writable(body: dict[str, Any]) -> dict[str, Any]:
    """Read-only fields a client sends are ignored (ASSUMPTIONS.md #10)."""
    return {k: v for k, v in body.items() if k not in READ_ONLY}


def _check_version(record: dict[str, Any], body: dict[str, Any]) -> None:
    sent = body.get("version")
    if sent is not None and sent != record.get("version"):
        raise TripletexError(
            409,
            8000,
            "Objektet har blitt endret av noen andre. Oppdater og prøv igjen.",
            developer_message=f"stale version {sent}, current {record.get('version')}",
        )


def _number_field(collection: str) -> str | None:
    return {"customers": "customerNumber", "suppliers": "supplierNumber", "products": "number"}.get(
        collection
    )


def _number_of(collection: str, record: dict[str, Any]) -> Any:
    field = _number_field(collection)
    return record.get(field) if field else None


def _require_args(args: Any, *names: str) -> None:
    """REAL: one 15000 answer names every missing parameter (GET /invoice lists invoiceDateTo
    before invoiceDateFrom, the order callers pass them in)."""
    missing = [Validation(name, "Kan ikke være null.") for name in names if not args.get(name)]
    if missing:
        raise TripletexError(422, 15000, "Validation failed", missing)


def _int_arg(args: Any, name: str, default: int) -> int:
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise validation_failed(name, "Ugyldig tall.", code=15000) from exc
    if number < 0:
        raise validation_failed(name, "Kan ikke være negativ.", code=15000)
    return number


def _contains(wanted: str | None, value: Any) -> bool:
    return not wanted or wanted.lower() in str(value or "").lower()


class QueryArgs:
    """A request's query arguments, read once: the part of werkzeug's MultiDict the filters use."""

    def __init__(self, args: Any) -> None:
        self._lists: dict[str, list[str]] = {name: args.getlist(name) for name in args}

    def get(self, name: str, default: Any = None) -> Any:
        values = self._lists.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self._lists.get(name, ()))

    def __contains__(self, name: object) -> bool:
        return name in self._lists

    def __getitem__(self, name: str) -> str:
        values = self._lists[name]
        if not values:
            raise KeyError(name)
        return values[0]


@functools.lru_cache(maxsize=64)
def _listed(wanted: str) -> frozenset[str]:
    # A list read checks every stored record against the same ``ids=`` value: split it once, not
    # once per record (at 25,000 products that was most of the simulator's CPU in a read).
    return frozenset(w.strip() for w in wanted.split(","))


def _parse_changed_since(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise validation_failed("changedSince", "Ugyldig dato.", code=15000) from exc
    if value.tzinfo is None:
        # Tripletex dates without an offset are Oslo local time.
        value = value.replace(tzinfo=OSLO)
    return value


def _sort(records: list[dict[str, Any]], sorting: str | None) -> list[dict[str, Any]]:
    ordered = sorted(records, key=lambda r: r["id"])
    for key in reversed([k.strip() for k in (sorting or "").split(",") if k.strip()]):
        descending = key.startswith("-")
        name = key.lstrip("-")
        ordered.sort(key=lambda r: (r.get(name) is None, r.get(name) or 0), reverse=descending)
    return ordered


def _pair_key(consumer: str, employee: str) -> str:
    # Keyed by a hash so the state dump never shows the tokens.
    return hashlib.sha256(f"{consumer}\0{employee}".encode()).hexdigest()[:16]
