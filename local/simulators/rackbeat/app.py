"""The Rackbeat simulator: in-memory accounts data behind Rackbeat's REST conventions.

Behaviour follows ``specs/rackbeat-openapi.yaml``; everything that reference marks as assumed is
taken from :mod:`local.simulators.rackbeat.assumptions`. Webhook deliveries are queued by the
writes and sent by :meth:`RackbeatSimulator.deliver_pending` (or the optional background worker),
never inside a request, so a slow subscriber cannot stall the API.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import string
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import httpx
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from local.simulators.base import (
    Delivery,
    DeliveryWorker,
    Outgoing,
    SimulatorApp,
    json_response,
    send_deliveries,
    settle,
)
from local.simulators.rackbeat import assumptions as A
from local.simulators.rackbeat import currencies, purchasing, reports, shapes
from local.simulators.rackbeat import employees as _employees
from local.simulators.rackbeat import lots as _lots
from local.simulators.rackbeat.options import FILTER_IGNORED, FILTER_REFUSED, Options
from local.simulators.rackbeat.validation import spec, validate
from local.simulators.rackbeat.wire import (
    decode_path_number,
    double_encode,
    encode_once,
    format_timestamp,
    parse_timestamp,
)

Record = dict[str, Any]


class ApiError(Exception):
    """An answer other than success, raised from deep inside a handler."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, {"message": A.MESSAGE_NOT_FOUND})


def invalid(errors: dict[str, list[str]]) -> ApiError:
    """A 422 in Rackbeat's documented shape: the field map only, no top-level message."""
    return ApiError(422, {"errors": errors})


_LINE_ITEM = re.compile(r"lines\.\d+\.item_id")


def _writable_fields(schema_name: str) -> frozenset[str]:
    return frozenset(spec()["components"]["schemas"][schema_name]["properties"])


@dataclass(frozen=True)
class Collection:
    """One top-level resource: its path, envelope keys, number type and schemas."""

    path: str
    singular: str
    plural: str
    numeric: bool = True
    write_schema: str | None = None
    create_schema: str | None = None
    update_schema: str | None = None
    event_prefix: str | None = None
    updated_at_filter: bool = False
    auto_number: bool = True
    boolean_filters: tuple[str, ...] = ()


COLLECTIONS: dict[str, Collection] = {
    c.path: c
    for c in (
        Collection(
            "customers",
            "customer",
            "customers",
            write_schema="CustomerWrite",
            create_schema="CustomerCreate",
            update_schema="CustomerUpdate",
            event_prefix="customer",
            updated_at_filter=True,
            boolean_filters=("is_barred",),
        ),
        Collection(
            "suppliers",
            "supplier",
            "suppliers",
            write_schema="SupplierWrite",
            create_schema="SupplierCreate",
            update_schema="SupplierUpdate",
            event_prefix="supplier",
            updated_at_filter=True,
        ),
        Collection(
            "products",
            "product",
            "products",
            numeric=False,
            write_schema="ProductWrite",
            create_schema="ProductCreate",
            update_schema="ProductUpdate",
            event_prefix="product",
            updated_at_filter=True,
            auto_number=False,
            boolean_filters=("is_barred",),
        ),
        Collection(
            "customer-groups",
            "customer_group",
            "customer_groups",
            write_schema="CustomerGroupWrite",
            create_schema="CustomerGroupWrite",
            update_schema="CustomerGroupWrite",
        ),
        Collection(
            "supplier-groups",
            "supplier_group",
            "supplier_groups",
            write_schema="SupplierGroupWrite",
            create_schema="SupplierGroupWrite",
            update_schema="SupplierGroupWrite",
        ),
        Collection(
            "product-groups",
            "product_group",
            "product_groups",
            write_schema="ProductGroupWrite",
            create_schema="ProductGroupWrite",
            update_schema="ProductGroupWrite",
            boolean_filters=("has_inventory",),
        ),
        Collection(
            "payment-terms",
            "payment_term",
            "payment_terms",
            write_schema="PaymentTermWrite",
            create_schema="PaymentTermWrite",
            update_schema="PaymentTermWrite",
            event_prefix="payment_terms",
        ),
        # Creatable (RT create-unit-types.py), not updatable: no source shows a PUT.
        Collection("units", "unit", "units", write_schema="UnitWrite", create_schema="UnitWrite"),
        Collection("locations", "location", "locations"),
        Collection(
            "customer-invoices",
            "customer_invoice",
            "customer_invoices",
            event_prefix="customer_invoice",
            updated_at_filter=True,
            boolean_filters=("is_booked", "is_paid"),
        ),
        Collection(
            "orders",
            "order",
            "orders",
            updated_at_filter=True,
            boolean_filters=("is_booked", "is_shipped", "is_invoiced"),
        ),
    )
}
COLLECTIONS["lots"] = Collection(**_lots.COLLECTION)
COLLECTIONS["employees"] = Collection(**_employees.COLLECTION)

# Fields that point at another record's number, and the collection that must hold it.
REFERENCES: dict[str, dict[str, str]] = {
    "customers": {"payment_terms_id": "payment-terms", "customer_group_id": "customer-groups"},
    "suppliers": {"payment_terms_id": "payment-terms", "supplier_group_id": "supplier-groups"},
    "products": {"group": "product-groups", "unit_id": "units", "default_supplier_id": "suppliers"},
    "lots": _lots.REFERENCES,
}

ADDRESS_FIELDS = (
    "address_name",
    "address_street",
    "address_street2",
    "address_city",
    "address_zipcode",
    "address_country",
)


@dataclass
class RateWindow:
    started: dt.datetime
    used: int = 0


@dataclass
class State:
    tokens: set[str] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)
    self_info: dict[str, Any] = field(default_factory=dict)
    records: dict[str, dict[Any, Record]] = field(default_factory=lambda: {p: {} for p in COLLECTIONS})
    webhooks: dict[int, Record] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    delivery_log: list[dict[str, Any]] = field(default_factory=list)
    mail_log: list[dict[str, Any]] = field(default_factory=list)
    rate_windows: dict[str, RateWindow] = field(default_factory=dict)
    next_internal_id: int = 1
    next_line_id: int = 1
    next_webhook_id: int = 1
    adjustments: dict[int, Record] = field(default_factory=dict)


class RackbeatSimulator(_lots.Lots, _employees.Employees, SimulatorApp):
    name = "rackbeat"

    def __init__(
        self,
        seed: dict[str, Any] | None = None,
        *,
        rng_seed: int = 0,
        webhook_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.webhook_transport = webhook_transport
        self.options = Options()
        self._worker = DeliveryWorker("rackbeat-webhooks", self.deliver_pending)
        super().__init__(seed, rng_seed=rng_seed)

    # ----- SimulatorApp hooks ---------------------------------------------------------------
    def reset(self) -> None:
        self.state = State()
        self.options = Options()
        reports.reset(self)
        purchasing.reset(self)

    def get_options(self) -> dict[str, Any]:
        return self.options.to_json()

    def set_options(self, changes: dict[str, Any]) -> None:
        self.options.apply(changes)

    def load_seed(self, seed: dict[str, Any]) -> None:
        with self._lock:
            state = self.state
            if seed.get("api_token"):
                state.tokens.add(str(seed["api_token"]))
            state.tokens.update(str(t) for t in seed.get("extra_api_tokens", []))
            state.currencies.update(str(c) for c in seed.get("currencies", []))
            if "self" in seed:
                state.self_info = copy.deepcopy(seed["self"])
            if "options" in seed:
                self.options = Options.from_json(seed["options"])
            # Order matters: references must exist before the records that use them.
            for key, path in (
                ("units", "units"),
                ("locations", "locations"),
                ("employees", "employees"),
                ("payment_terms", "payment-terms"),
                ("customer_groups", "customer-groups"),
                ("supplier_groups", "supplier-groups"),
                ("product_groups", "product-groups"),
                ("suppliers", "suppliers"),
                ("customers", "customers"),
                ("products", "products"),
                ("lots", "lots"),
            ):
                for item in seed.get(key, []):
                    self._seed_record(path, item)
            for item in seed.get("customer_invoices", []):
                invoice = self._build_document("customer-invoices", dict(item))
                if item.get("is_booked"):
                    invoice["is_booked"] = True
                    invoice["booked_at"] = invoice["updated_at"]
                self.state.records["customer-invoices"][invoice["number"]] = invoice
            for item in seed.get("orders", []):
                order = self._build_document("orders", dict(item))
                for flag in ("is_booked", "is_shipped", "is_invoiced", "is_archived", "is_cancelled"):
                    order[flag] = bool(item.get(flag, False))
                self.state.records["orders"][order["number"]] = order
            reports.load_seed(self, seed)
            purchasing.load_seed(self, seed)

    def _seed_record(self, path: str, item: dict[str, Any]) -> None:
        collection = COLLECTIONS[path]
        if collection.create_schema is None:
            # Read-only here (the API has no create in the reference): taken as given.
            record: Record = {
                k: copy.deepcopy(v) for k, v in item.items() if k not in ("created_at", "updated_at", "self")
            }
            record["number"] = int(record["number"])
            self._stamp(record, created=True)
            self.state.records[path][record["number"]] = record
            return
        errors = self._check_write(collection, item, creating=True)
        if errors:
            raise ValueError(f"seed {collection.singular} {item.get('number')!r} is invalid: {errors}")
        self._insert(collection, item)

    def dump_state(self) -> dict[str, Any]:
        with self._lock:
            state = self.state
            return {
                "self": state.self_info,
                **{
                    c.plural: [self._render(c, r) for r in state.records[p].values()]
                    for p, c in COLLECTIONS.items()
                },
                "webhooks": [self._render_webhook(w) for w in state.webhooks.values()],
                "pending_webhook_deliveries": len(state.deliveries),
                "webhook_delivery_log": list(state.delivery_log),
                "mail_log": list(state.mail_log),
            }

    def fault_response(self, request: Request, status: int) -> Response:
        if status == 429:
            return json_response(
                {"message": A.MESSAGE_TOO_MANY},
                status=429,
                headers={A.RATE_LIMIT_HEADER_RETRY_AFTER: "1", "X-Request-Id": self.new_request_id()},
            )
        return json_response(
            {"message": A.MESSAGE_SERVER_ERROR},
            status=status,
            headers={"X-Request-Id": self.new_request_id()},
        )

    # ----- request handling -------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        headers = {"X-Request-Id": self.new_request_id()}
        try:
            token = self._authenticate(request)
            headers.update(self._count_request(token))
            status, body = self._route(request)
        except ApiError as error:
            headers.update(error.headers)
            return json_response(error.body, status=error.status, headers=headers)
        return json_response(body, status=status, headers=headers)

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() not in self.state.tokens:
            raise ApiError(401, {"message": A.MESSAGE_UNAUTHENTICATED})
        return token.strip()

    def rate_limit(self) -> int:
        return max(1, int(self.options.rate_limit_per_window * self.faults.rate_limit_scale))

    def _count_request(self, token: str) -> dict[str, str]:
        now = self.now()
        window = self.state.rate_windows.get(token)
        length = dt.timedelta(seconds=A.RATE_LIMIT_WINDOW_SECONDS)
        if window is None or now - window.started >= length:
            window = self.state.rate_windows[token] = RateWindow(started=now)
        limit = self.rate_limit()
        if window.used >= limit:
            retry_after = max(1, math.ceil((window.started + length - now).total_seconds()))
            raise ApiError(
                429,
                {"message": A.MESSAGE_TOO_MANY},
                {
                    A.RATE_LIMIT_HEADER_LIMIT: str(limit),
                    A.RATE_LIMIT_HEADER_REMAINING: "0",
                    A.RATE_LIMIT_HEADER_RETRY_AFTER: str(retry_after),
                },
            )
        window.used += 1
        return {
            A.RATE_LIMIT_HEADER_LIMIT: str(limit),
            A.RATE_LIMIT_HEADER_REMAINING: str(limit - window.used),
        }

    def _route(self, request: Request) -> tuple[int, Any]:
        segments = self._path_segments(request)
        if not segments:
            raise not_found()
        head = A.PATH_ALIASES.get(segments[0], segments[0])
        rest = segments[1:]
        method = request.method
        if head == "self" and not rest and method == "GET":
            return 200, self.state.self_info
        if head == "webhooks":
            return self._route_webhooks(request, rest)
        if head == "inventory-adjustments":
            return self._route_adjustments(request, rest)
        answer = (
            reports.route(self, request, head, rest)
            or purchasing.route(self, request, head, rest)
            or currencies.route(self, request, head, rest)
        )
        if answer is not None:
            return answer
        collection = COLLECTIONS.get(head)
        if collection is None:
            raise not_found()
        if not rest:
            if method == "GET":
                return 206, self._list(collection, request)
            if method == "POST" and collection.create_schema:
                return 201, self._create(collection, request)
            raise not_found()
        if head == "customer-invoices" and rest == ["drafts"] and method == "POST":
            return 201, self._create_invoice_draft(request)
        key = self._key(collection, rest[0])
        if len(rest) == 1:
            if method == "GET":
                return 200, {collection.singular: self._render(collection, self._get(collection, key))}
            if method == "PUT" and collection.update_schema:
                return 200, self._update(collection, key, request)
            if method == "DELETE" and collection.path in ("customers", "suppliers", "products", "lots"):
                return 200, self._delete(collection, key, request)
        if head == "customer-invoices":
            return self._route_invoice(key, rest, request)
        raise not_found()

    def _route_invoice(self, key: Any, rest: list[str], request: Request) -> tuple[int, Any]:
        method = request.method
        if len(rest) == 1 and method == "PUT":
            return 200, self._update_invoice_draft(key, request)
        if len(rest) == 2 and method == "POST":
            if rest[1] == "book":
                return 200, self._book(key, request)
            if rest[1] == "unbook":
                return 200, self._unbook(key, request)
            if rest[1] == "create-creditnote":
                return 201, self._create_credit_note(key, request)
        raise not_found()

    def _path_segments(self, request: Request) -> list[str]:
        """The path's segments, each decoded once as a web server would (an encoded slash stays
        inside its segment), then item numbers decoded as the `path_encoding` switch says.
        A segment encoded the other way than the switch expects answers 404.
        """
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
        path = raw.split("?", 1)[0] if raw else quote(request.path)
        if path == A.API_PREFIX or path.startswith(A.API_PREFIX + "/"):
            path = path[len(A.API_PREFIX) :]
        segments = [unquote(s) for s in path.split("/") if s]
        decoded = [segments[0]] if segments else []
        for segment in segments[1:]:
            number = decode_path_number(segment, self.options.path_encoding)
            if number is None:
                raise not_found()
            decoded.append(number)
        return decoded

    def _key(self, collection: Collection, segment: str) -> Any:
        if not collection.numeric:
            return segment
        if not segment.isdigit():
            raise not_found()
        return int(segment)

    def _get(self, collection: Collection, key: Any) -> Record:
        record = self.state.records[collection.path].get(key)
        if record is None:
            raise not_found()
        return record

    # ----- bodies -------------------------------------------------------------------------------
    @staticmethod
    def _json_body(request: Request, required: bool = True) -> dict[str, Any]:
        if not request.get_data(cache=True):
            if required:
                raise invalid({"body": ["The request body must be a JSON object."]})
            return {}
        body = request.get_json(force=True, silent=True)
        if body is None:
            raise ApiError(400, {"message": A.MESSAGE_BAD_JSON})
        if not isinstance(body, dict):
            raise invalid({"body": ["The request body must be a JSON object."]})
        return body

    @staticmethod
    def _suppressed(request: Request, body: dict[str, Any]) -> bool:
        flag = request.args.get("suppress_webhooks", "")
        return flag.lower() in ("true", "1") or body.get("suppress_webhooks") is True

    def _check_write(
        self, collection: Collection, body: dict[str, Any], *, creating: bool
    ) -> dict[str, list[str]]:
        schema = collection.create_schema if creating else collection.update_schema
        assert schema is not None
        extra = A.EXTRA_REQUIRED_ON_CREATE.get(collection.singular, ()) if creating else ()
        errors = self._validate(schema, body, extra)
        for name, target in REFERENCES.get(collection.path, {}).items():
            value = body.get(name)
            if value is None or name in errors:
                continue
            if value not in self.state.records[target]:
                errors[name] = [f"The selected {name.replace('_', ' ')} is invalid."]
        currency = body.get("currency")
        if (
            A.CHECK_ACCOUNT_CURRENCIES
            and self.state.currencies
            and isinstance(currency, str)
            and "currency" not in errors
            and currency not in self.state.currencies
        ):
            errors["currency"] = ["The selected currency is invalid."]
        number = body.get("number")
        if number is not None and "number" not in errors and number in self.state.records[collection.path]:
            errors["number"] = [A.DUPLICATE_NUMBER_MESSAGE]
        return errors

    def _validate(
        self, schema: str, body: dict[str, Any], extra_required: tuple[str, ...] = ()
    ) -> dict[str, list[str]]:
        """The reference schema's errors, less a VAT zone the `extra_vat_zones` switch adds."""
        errors = validate(schema, body, extra_required)
        zone = body.get("vat_zone")
        if zone in self.options.extra_vat_zones and len(zone) <= A.VAT_ZONE_MAX_LENGTH:
            errors.pop("vat_zone", None)
        return errors

    def _stamp(self, record: Record, *, created: bool = False) -> None:
        # Kept as datetimes and formatted on the way out, so `timestamp_format` applies to
        # records made before the switch changed too.
        now = self.now()
        record["updated_at"] = now
        if created:
            record["created_at"] = now

    def _timestamp(self, moment: dt.datetime) -> str:
        return format_timestamp(moment, self.options.timestamp_format)

    def _emitted(self, record: Record) -> Record:
        """A stored record as it goes out: no private keys, timestamps in the switched format."""
        return {
            k: self._timestamp(v) if isinstance(v, dt.datetime) else copy.deepcopy(v)
            for k, v in record.items()
            if not k.startswith("_")
        }

    def _next_number(self, path: str) -> int:
        existing = [k for k in self.state.records[path] if isinstance(k, int)]
        return max(existing, default=A.FIRST_NUMBER - 1) + 1

    def _insert(self, collection: Collection, body: dict[str, Any]) -> Record:
        assert collection.write_schema is not None
        fields = _writable_fields(collection.write_schema)
        record: Record = {k: copy.deepcopy(v) for k, v in body.items() if k in fields}
        if record.get("number") is None:
            record["number"] = self._next_number(collection.path)
        for name, default in A.CREATE_DEFAULTS.get(collection.singular, {}).items():
            record.setdefault(name, default)
        if collection.path == "products":
            record.setdefault("is_barred", False)
            group = self.state.records["product-groups"][record["group"]]
            record["stock_quantity"] = (
                float(body.get("stock_quantity") or 0) if group["has_inventory"] else 0.0
            )
            record["id"] = self.state.next_internal_id
            self.state.next_internal_id += 1
        if collection.path in ("customers", "suppliers"):
            record.setdefault("is_barred", False)
        if collection.path == "employees":
            self.employee_inserted(record)
        self._stamp(record, created=True)
        self.state.records[collection.path][record["number"]] = record
        return record

    # ----- CRUD ----------------------------------------------------------------------------------
    def _create(self, collection: Collection, request: Request) -> dict[str, Any]:
        body = self._json_body(request)
        errors = self._check_write(collection, body, creating=True)
        if errors:
            raise invalid(errors)
        record = self._insert(collection, body)
        if collection.event_prefix and not self._suppressed(request, body):
            self._emit(f"{collection.event_prefix}.created", record["number"])
        return {collection.singular: self._render(collection, record)}

    def _update(self, collection: Collection, key: Any, request: Request) -> dict[str, Any]:
        record = self._get(collection, key)
        body = self._json_body(request)
        errors = self._check_write(collection, body, creating=False)
        if body.get("number") == key:
            errors.pop("number", None)
        if collection.path == "product-groups" and "has_inventory" in body and "has_inventory" not in errors:
            holds_stock = any(
                p["group"] == key and p.get("stock_quantity") for p in self.state.records["products"].values()
            )
            if body["has_inventory"] != record["has_inventory"] and holds_stock:
                errors["has_inventory"] = ["The has inventory cannot change while the group holds stock."]
        if errors:
            raise invalid(errors)
        assert collection.write_schema is not None
        fields = _writable_fields(collection.write_schema)
        changed = [k for k in body if k in fields and record.get(k) != body[k]]
        for name in changed:
            record[name] = copy.deepcopy(body[name])
        old_key = key
        if "number" in changed:
            records = self.state.records[collection.path]
            records[record["number"]] = records.pop(old_key)
        self._stamp(record)
        if (
            collection.event_prefix
            and not self._suppressed(request, body)
            and self.lot_event_emitted(f"{collection.event_prefix}.updated")
        ):
            self._emit(
                f"{collection.event_prefix}.updated", record["number"], old_key=old_key, changed=changed
            )
        return {collection.singular: self._render(collection, record)}

    def _delete(self, collection: Collection, key: Any, request: Request) -> dict[str, Any]:
        record = self._get(collection, key)
        if self._in_use(collection, key):
            raise invalid({"number": [A.IN_USE_MESSAGE.format(entity=collection.singular)]})
        del self.state.records[collection.path][key]
        if (
            collection.event_prefix
            and not self._suppressed(request, {})
            and self.lot_event_emitted(f"{collection.event_prefix}.deleted")
        ):
            self._emit(f"{collection.event_prefix}.deleted", record["number"])
        return dict(A.DELETED_BODY)

    def _in_use(self, collection: Collection, key: Any) -> bool:
        records = self.state.records
        documents = [*records["customer-invoices"].values(), *records["orders"].values()]
        if collection.path == "customers":
            return any(d["customer_id"] == key for d in documents)
        if collection.path == "suppliers":
            return any(p.get("default_supplier_id") == key for p in records["products"].values())
        return any(line["child_id"] == key for d in documents for line in d["lines"])

    # ----- lists ---------------------------------------------------------------------------------
    def _list(self, collection: Collection, request: Request) -> dict[str, Any]:
        args = self._list_filters(request.args)
        errors: dict[str, list[str]] = {}
        page = _positive_int(args.get("page"), 1, "page", errors)
        limit = min(_positive_int(args.get("limit"), A.DEFAULT_LIMIT, "limit", errors), A.MAX_LIMIT)
        bounds: dict[str, dt.datetime] = {}
        if collection.updated_at_filter and not (
            self.options.strict_updated_at_filter
            and collection.path not in A.UPDATED_AT_FILTER_HONOURED_IN_STRICT_MODE
        ):
            for name in A.UPDATED_AT_FILTERS:
                if args.get(name):
                    try:
                        bounds[name] = parse_timestamp(args[name])
                    except ValueError:
                        errors[name] = [
                            f"The {name.replace('_', ' ')} does not match the format Y-m-d H:i:s."
                        ]
        if errors:
            raise invalid(errors)
        items = [
            r
            for r in self.state.records[collection.path].values()
            if self._matches(collection, r, args, bounds)
        ]
        order_by = args.get("order_by")
        if order_by:
            descending = args.get("order_direction", A.DEFAULT_ORDER_DIRECTION).upper() == "DESC"
            present = [r for r in items if _scalar(r.get(order_by))]
            missing = [r for r in items if not _scalar(r.get(order_by))]
            present.sort(key=lambda r: r[order_by], reverse=descending)
            items = present + missing
        total = len(items)
        pages = max(A.EMPTY_LIST_PAGES, math.ceil(total / limit)) if total else A.EMPTY_LIST_PAGES
        window = items[(page - 1) * limit : page * limit]
        wanted = [f for f in args.get("fields", "").split(",") if f]
        rendered = [self._render(collection, r) for r in window]
        if wanted:
            rendered = [{k: v for k, v in r.items() if k in wanted} for r in rendered]
        return {collection.plural: rendered, "total": total, "pages": pages, "limit": limit, "page": page}

    def _list_filters(self, args: MultiDict[str, str]) -> MultiDict[str, str]:
        """The query as the `list_filters` switch lets the list see it: a refused filter that was
        given is a 422 naming it, an ignored one is dropped as if never sent."""
        governed = {
            "updated_at_from": A.UPDATED_AT_FILTERS,
            "order_by": A.ORDER_PARAMS,
            "is_booked": ("is_booked",),
        }
        refused: dict[str, list[str]] = {}
        dropped: set[str] = set()
        for feature, params in governed.items():
            mode = self.options.filter_mode(feature)
            given = [p for p in params if p in args]
            if mode == FILTER_REFUSED:
                for param in given:
                    refused[param] = [A.NOT_FILTERABLE_MESSAGE.format(param=param)]
            elif mode == FILTER_IGNORED:
                dropped.update(params)
        if refused:
            raise invalid(refused)
        return MultiDict([(k, v) for k, v in args.items(multi=True) if k not in dropped])

    def _matches(
        self, collection: Collection, record: Record, args: Any, bounds: dict[str, dt.datetime]
    ) -> bool:
        if "updated_at_from" in bounds and record["updated_at"] < bounds["updated_at_from"].replace(
            microsecond=0
        ):
            return False
        if (
            "updated_at_to" in bounds
            and record["updated_at"].replace(microsecond=0) > bounds["updated_at_to"]
        ):
            return False
        for name in collection.boolean_filters:
            wanted = args.get(name)
            if wanted is not None and bool(record.get(name)) != (wanted.lower() in ("true", "1")):
                return False
        search = args.get("search")
        if search and not any(
            search.lower() in str(record.get(f, "")).lower()
            for f in A.SEARCH_FIELDS
            if record.get(f) is not None
        ):
            return False
        company_name = args.get("company_name")
        if company_name and company_name.lower() not in str(record.get("company_name", "")).lower():
            return False
        if args.get("ean") and record.get("ean") != args["ean"]:
            return False
        for name, field_name in (("customer_number", "customer_id"), ("order_number", "order_id")):
            if args.get(name) and str(record.get(field_name)) != args[name]:
                return False
        for name, op in (("invoice_date_from", "ge"), ("invoice_date_to", "le")):
            if args.get(name) and record.get("invoice_date"):
                day = args[name][:10]
                if (op == "ge" and record["invoice_date"] < day) or (
                    op == "le" and record["invoice_date"] > day
                ):
                    return False
        return True

    # ----- rendering -----------------------------------------------------------------------------
    def _self_url(self, path: str, key: Any) -> str:
        return f"https://app.rackbeat.com/api/{path}/{double_encode(str(key))}"

    def _render(self, collection: Collection, record: Record) -> Record:
        """A stored record as Rackbeat answers it: every field of the entity (null when empty),
        references embedded, timestamps in the switched format."""
        out = self._emitted(record)
        out["self"] = self._self_url(collection.path, record["number"])
        extend = getattr(self, "_render_" + collection.path.replace("-", "_"), None)
        if extend is not None:
            extend(record, out)
        return out

    @staticmethod
    def _fill(out: Record, defaults: dict[str, Any]) -> None:
        for name, value in defaults.items():
            out.setdefault(name, copy.deepcopy(value))

    def _render_contact(self, record: Record, out: Record, group_path: str, group_field: str) -> None:
        records = self.state.records
        term = records["payment-terms"].get(record.get("payment_terms_id"))
        out["payment_terms"] = self._render(COLLECTIONS["payment-terms"], term) if term else None
        group = records[group_path].get(record.get(group_field))
        out[group_field.removesuffix("_id")] = (
            {"number": group["number"], "name": group["name"]} if group else None
        )

    def _render_customers(self, record: Record, out: Record) -> None:
        self._render_contact(record, out, "customer-groups", "customer_group_id")
        self._fill(out, shapes.CUSTOMER)

    def _render_suppliers(self, record: Record, out: Record) -> None:
        self._render_contact(record, out, "supplier-groups", "supplier_group_id")
        self._fill(out, shapes.SUPPLIER)

    def _render_products(self, record: Record, out: Record) -> None:
        group = self.state.records["product-groups"][record["group"]]
        embedded = {k: group.get(k) for k in A.EMBEDDED_GROUP_FIELDS}
        embedded["self"] = self._self_url("product-groups", group["number"])
        stock = float(record.get("stock_quantity") or 0)
        location = self.state.records["locations"].get(record.get("default_location_id"))
        cost = record.get("recommended_cost_price")
        out.update(
            urlfriendly_number=encode_once(str(record["number"])),
            type="product",
            group=embedded,
            group_id=group["number"],
            inventory_enabled=bool(group["has_inventory"]),
            stock_quantity=stock,
            in_order_quantity=0.0,
            available_quantity=stock,
            purchased_quantity=0.0,
            cost_price=cost,
            sales_profit=_profit(record.get("sales_price"), cost),
            default_location=self._render(COLLECTIONS["locations"], location) if location else None,
            is_draft=False,
        )
        self._fill(out, shapes.PRODUCT)

    def _render_product_groups(self, record: Record, out: Record) -> None:
        out["num_products"] = sum(
            1 for p in self.state.records["products"].values() if p["group"] == record["number"]
        )
        out["is_draft"] = False

    def _render_customer_groups(self, record: Record, out: Record) -> None:
        out["is_draft"] = False

    def _render_units(self, record: Record, out: Record) -> None:
        out["is_draft"] = False

    def _render_payment_terms(self, record: Record, out: Record) -> None:
        out["type_translated"] = str(record.get("type", "")).capitalize()
        self._fill(out, shapes.PAYMENT_TERM)

    def _render_employees(self, record: Record, out: Record) -> None:
        self._fill(out, shapes.EMPLOYEE)
        location = self.state.records["locations"].get(out["default_location_id"])
        out["default_location"] = (
            {k: location.get(k) for k in shapes.EMBEDDED_LOCATION_FIELDS} if location else None
        )

    def _render_locations(self, record: Record, out: Record) -> None:
        self._fill(out, shapes.LOCATION)

    def _render_orders(self, record: Record, out: Record) -> None:
        customer = self.state.records["customers"].get(record["customer_id"])
        out["customer"] = self._render(COLLECTIONS["customers"], customer) if customer else None

    def _render_customer_invoices(self, record: Record, out: Record) -> None:
        self._render_orders(record, out)
        self._fill(out, shapes.CUSTOMER_INVOICE)
        for line in out["lines"]:
            self._fill(line, shapes.INVOICE_LINE)
            if self.options.invoice_line_vat == "absent":
                for name in A.INVOICE_LINE_VAT_FIELDS:
                    line.pop(name, None)
        if self.options.credit_note_reference == "field":
            out[A.CREDIT_NOTE_FLAG_FIELD] = record.get("_credit_of") is not None
            out[A.CREDIT_NOTE_ORIGINAL_FIELD] = record.get("_credit_of")

    def _render_webhook(self, webhook: Record, *, with_token: bool = False) -> Record:
        out = self._emitted(webhook)
        if not with_token:
            out.pop("token", None)
        return out

    # ----- documents -------------------------------------------------------------------------------
    def _create_invoice_draft(self, request: Request) -> dict[str, Any]:
        body = self._json_body(request)
        errors = self._document_errors(body)
        if errors:
            raise invalid(errors)
        invoice = self._build_document("customer-invoices", body)
        self.state.records["customer-invoices"][invoice["number"]] = invoice
        if not self._suppressed(request, body):
            self._emit("customer_invoice.created", invoice["number"])
        return {"customer_invoice": self._render(COLLECTIONS["customer-invoices"], invoice)}

    def _document_errors(self, body: dict[str, Any]) -> dict[str, list[str]]:
        """Schema errors of a draft, worded as DEV's 422 example words them, together with an
        unknown customer (Rackbeat reports every field at once, sample 09)."""
        errors = self._validate("CustomerInvoiceDraftCreate", body)
        for field_name, messages in errors.items():
            if _LINE_ITEM.fullmatch(field_name) and any("required" in m for m in messages):
                errors[field_name] = [A.LINE_ITEM_REQUIRED_MESSAGE]
        customer_id = body.get("customer_id")
        if errors and isinstance(customer_id, int) and customer_id not in self.state.records["customers"]:
            errors.setdefault("customer_id", [A.UNKNOWN_CUSTOMER_MESSAGE])
        return errors

    def _build_document(self, path: str, body: dict[str, Any], *, keep_number: int | None = None) -> Record:
        """A draft invoice or an order from its write form, with defaults and totals filled in
        (``keep_number``: the draft being rebuilt by a PUT, whose number is its own)."""
        records = self.state.records
        errors: dict[str, list[str]] = {}
        customer = records["customers"].get(body.get("customer_id"))
        if customer is None:
            errors["customer_id"] = [A.UNKNOWN_CUSTOMER_MESSAGE]
        elif customer.get("is_barred"):
            errors["customer_id"] = [A.BARRED_MESSAGE.format(field="customer id")]
        number = body.get("number", keep_number)
        if number is not None and number != keep_number and number in records[path]:
            errors["number"] = [A.DUPLICATE_NUMBER_MESSAGE]
        terms_id = body.get("payment_terms_id", customer.get("payment_terms_id") if customer else None)
        if terms_id is not None and terms_id not in records["payment-terms"]:
            errors["payment_terms_id"] = ["The selected payment terms id is invalid."]
        vat_zone = body.get("vat_zone") or (customer or {}).get("vat_zone") or A.DEFAULT_VAT_ZONE
        lines: list[Record] = []
        for index, line in enumerate(body.get("lines", [])):
            # A line sells a product or a bill of materials: one item number series.
            product = records["products"].get(line.get("item_id")) or records["lots"].get(line.get("item_id"))
            if product is None:
                errors[f"lines.{index}.item_id"] = [
                    A.UNKNOWN_REFERENCE_MESSAGE.format(field=f"lines.{index}.item_id")
                ]
                continue
            if product.get("is_barred"):
                errors[f"lines.{index}.item_id"] = [A.BARRED_MESSAGE.format(field="item")]
                continue
            if line.get("unit_id") is not None and line["unit_id"] not in records["units"]:
                errors[f"lines.{index}.unit_id"] = ["The selected unit id is invalid."]
                continue
            lines.append(self._build_line(line, product, vat_zone))
        if errors:
            raise invalid(errors)
        assert customer is not None
        now = self.now()
        invoice_date = body.get("invoice_date") or now.astimezone(A.TIMEZONE).date().isoformat()
        currency = body.get("currency") or customer.get("currency") or A.BASE_CURRENCY
        rate = body.get("currency_rate") or A.BASE_CURRENCY_RATE
        subtotal = round(sum(line["total"] for line in lines), A.LINE_ROUNDING_DECIMALS)
        vat = round(
            sum(
                round(line["total"] * line["vat_percentage"] / 100, A.LINE_ROUNDING_DECIMALS)
                for line in lines
            ),
            A.LINE_ROUNDING_DECIMALS,
        )
        total = round(subtotal + vat, A.LINE_ROUNDING_DECIMALS)
        document: Record = {
            "number": number if number is not None else self._next_number(path),
            "customer_id": customer["number"],
            "currency": currency,
            "currency_rate": rate,
            "vat_zone": vat_zone,
            "payment_terms_id": terms_id,
            "layout_id": body.get("layout_id"),
            "heading": body.get("heading"),
            "note": body.get("note"),
            "address_name": body.get("address_name", customer.get("company_name")),
            **{f: body.get(f, customer.get(f)) for f in ADDRESS_FIELDS if f != "address_name"},
            "lines": lines,
            "total_subtotal": subtotal,
            "total_total": total,
            "is_booked": False,
        }
        if path == "customer-invoices":
            maturity = records["payment-terms"][terms_id]["maturity_days"] if terms_id is not None else 0
            due = dt.date.fromisoformat(invoice_date) + dt.timedelta(days=maturity)
            document.update(
                order_id=body.get("order_id"),
                total_vat=vat,
                total_base_currency=round(total * rate / A.BASE_CURRENCY_RATE, A.LINE_ROUNDING_DECIMALS),
                balance=total,
                booked_at=None,
                is_paid=False,
                invoice_date=invoice_date,
                due_date=due.isoformat(),
            )
        else:
            document.update(
                order_date=body.get("order_date") or invoice_date,
                deliver_at=body.get("deliver_at"),
                is_shipped=False,
                is_partly_shipped=False,
                is_invoiced=False,
                is_partly_invoiced=False,
                is_archived=False,
                is_cancelled=False,
            )
        self._stamp(document, created=True)
        return document

    def _build_line(self, line: dict[str, Any], product: Record, vat_zone: str) -> Record:
        group = self.state.records["product-groups"][product["group"]]
        quantity = float(line["quantity"])
        price = float(line.get("line_price", product.get("sales_price")) or 0)
        discount = float(line.get("discount_percentage", 0))
        vat_field = A.VAT_ZONE_RATE_FIELDS.get(vat_zone, A.EXTRA_VAT_ZONE_RATE_FIELD)
        vat = float(line.get("vat_percentage", group.get(vat_field)) or 0)
        line_id = self.state.next_line_id
        self.state.next_line_id += 1
        return {
            "id": line_id,
            "child_type": "lot"
            if self.state.records["lots"].get(product["number"]) is product
            else "product",
            "child_id": product["number"],
            "name": line.get("name") or product["name"],
            "quantity": quantity,
            "line_price": price,
            "discount_percentage": discount,
            "vat_percentage": vat,
            "unit_id": line.get("unit_id", product.get("unit_id")),
            "location_id": line.get("location_id"),
            "total": round(quantity * price * (1 - discount / 100), A.LINE_ROUNDING_DECIMALS),
        }

    def _book(self, key: Any, request: Request) -> dict[str, Any]:
        invoice = self._get(COLLECTIONS["customer-invoices"], key)
        body = self._json_body(request, required=False)
        errors = validate("BookInvoiceRequest", body)
        if errors:
            raise invalid(errors)
        if invoice["is_booked"]:
            raise invalid({"number": [A.ALREADY_BOOKED_MESSAGE]})
        invoice["is_booked"] = True
        self._stamp(invoice)
        invoice["booked_at"] = invoice["updated_at"]
        mail = body.get("mail") or {}
        if mail.get("send") or request.args.get("send_mail", "").lower() in ("true", "1"):
            self.state.mail_log.append({"invoice": invoice["number"], "mail": mail})
        if not self._suppressed(request, body):
            self._emit("customer_invoice.booked", invoice["number"])
        return {"customer_invoice": self._render(COLLECTIONS["customer-invoices"], invoice)}

    def _unbook(self, key: Any, request: Request) -> dict[str, Any]:
        """A booked invoice becomes a draft again: editable, booked_at cleared, updated_at moved."""
        invoice = self._get(COLLECTIONS["customer-invoices"], key)
        self._json_body(request, required=False)
        if not invoice["is_booked"]:
            raise invalid({"number": [A.NOT_BOOKED_MESSAGE]})
        invoice["is_booked"] = False
        invoice["booked_at"] = None
        self._stamp(invoice)
        return {"customer_invoice": self._render(COLLECTIONS["customer-invoices"], invoice)}

    def _update_invoice_draft(self, key: Any, request: Request) -> dict[str, Any]:
        """PUT on a draft: the given fields replace the draft's (`lines` replaces every line) and
        the totals are worked out again; a booked invoice cannot change."""
        invoice = self._get(COLLECTIONS["customer-invoices"], key)
        body = self._json_body(request)
        if invoice["is_booked"]:
            raise invalid({"number": [A.BOOKED_IS_LOCKED_MESSAGE]})
        current = {
            "customer_id": invoice["customer_id"],
            "lines": [
                {
                    "item_id": line["child_id"],
                    "quantity": line["quantity"],
                    "line_price": line["line_price"],
                    "discount_percentage": line["discount_percentage"],
                    "vat_percentage": line["vat_percentage"],
                    **({"name": line["name"]} if line.get("name") else {}),
                }
                for line in invoice["lines"]
            ],
            **{
                name: invoice[name]
                for name in (
                    "currency",
                    "vat_zone",
                    "payment_terms_id",
                    "invoice_date",
                    "heading",
                    "note",
                    *ADDRESS_FIELDS,
                )
                if invoice.get(name) is not None
            },
        }
        merged = {**current, **{k: v for k, v in body.items() if k != "number"}}
        errors = self._document_errors(merged)
        if errors:
            raise invalid(errors)
        rebuilt = self._build_document("customer-invoices", merged, keep_number=invoice["number"])
        rebuilt["created_at"] = invoice["created_at"]
        self.state.records["customer-invoices"][key] = rebuilt
        return {"customer_invoice": self._render(COLLECTIONS["customer-invoices"], rebuilt)}

    def _create_credit_note(self, key: Any, request: Request) -> dict[str, Any]:
        """A new booked invoice, with its own number, that credits a booked one in full.

        The shape is the simulator's (NONE-graded, see assumptions): every line and total of
        the original with the sign turned, and, under `credit_note_reference="field"`, the two
        fields that name it a credit note of the original."""
        collection = COLLECTIONS["customer-invoices"]
        original = self._get(collection, key)
        body = self._json_body(request, required=False)
        if not original["is_booked"]:
            raise invalid({"number": [A.CREDIT_DRAFT_MESSAGE]})
        if original.get("_credited_by") is not None:
            raise invalid({"number": [A.ALREADY_CREDITED_MESSAGE]})
        credit = copy.deepcopy({k: v for k, v in original.items() if not k.startswith("_")})
        credit["number"] = self._next_number(collection.path)
        for line in credit["lines"]:
            line["id"] = self.state.next_line_id
            self.state.next_line_id += 1
            line["quantity"] = -line["quantity"]
            line["total"] = -line["total"]
        for name in ("total_subtotal", "total_vat", "total_total", "total_base_currency", "balance"):
            credit[name] = -credit[name]
        today = self.now().astimezone(A.TIMEZONE).date().isoformat()
        credit.update(
            order_id=None,
            invoice_date=today,
            due_date=today,
            is_paid=False,
            is_booked=True,
            _credit_of=original["number"],
        )
        self._stamp(credit, created=True)
        credit["booked_at"] = credit["updated_at"]
        self.state.records[collection.path][credit["number"]] = credit
        original["_credited_by"] = credit["number"]
        if not self._suppressed(request, body):
            self._emit("customer_invoice.booked", credit["number"])
        return {"customer_invoice": self._render(collection, credit)}

    # ----- stock ---------------------------------------------------------------------------------------
    def _route_adjustments(self, request: Request, rest: list[str]) -> tuple[int, Any]:
        """Inventory adjustments as GY uses them live (api/sync.js): create, then book; booking
        sets the product's stock and fires the stock event."""
        if not rest and request.method == "POST":
            return 201, self._create_adjustment(request)
        if len(rest) == 2 and rest[1] == "book" and request.method == "POST" and rest[0].isdigit():
            return 200, self._book_adjustment(int(rest[0]), request)
        raise not_found()

    def _create_adjustment(self, request: Request) -> dict[str, Any]:
        body = self._json_body(request)
        product = self.state.records["products"].get(body.get("item_id"))
        quantity = body.get("quantity")
        errors: dict[str, list[str]] = {}
        if product is None:
            errors["item_id"] = [A.UNKNOWN_REFERENCE_MESSAGE.format(field="item_id")]
        if body.get("adjustment_type") not in A.ADJUSTMENT_TYPES:
            errors["adjustment_type"] = [A.UNKNOWN_REFERENCE_MESSAGE.format(field="adjustment_type")]
        if not isinstance(quantity, int | float) or isinstance(quantity, bool):
            errors["quantity"] = ["The quantity must be a number."]
        if errors:
            raise invalid(errors)
        assert product is not None
        assert isinstance(quantity, int | float)
        current = float(product.get("stock_quantity") or 0)
        target = float(quantity) if body["adjustment_type"] == "quantity" else current + float(quantity)
        if target == current:
            raise invalid({"quantity": [A.ADJUSTMENT_NO_CHANGE_MESSAGE]})
        adjustment: Record = {
            "id": len(self.state.adjustments) + 1,
            "item_id": product["number"],
            "adjustment_type": body["adjustment_type"],
            "quantity": quantity,
            "location": body.get("location"),
            "regulated_at": body.get("regulated_at"),
            "reason": body.get("reason"),
            "is_booked": False,
        }
        self._stamp(adjustment, created=True)
        self.state.adjustments[adjustment["id"]] = adjustment
        return {"inventory_regulation": self._emitted(adjustment)}

    def _book_adjustment(self, adjustment_id: int, request: Request) -> dict[str, Any]:
        adjustment = self.state.adjustments.get(adjustment_id)
        if adjustment is None:
            raise not_found()
        if adjustment["is_booked"]:
            raise invalid({"id": [A.ALREADY_BOOKED_MESSAGE]})
        product = self.state.records["products"][adjustment["item_id"]]
        current = float(product.get("stock_quantity") or 0)
        quantity = float(adjustment["quantity"])
        product["stock_quantity"] = (
            quantity if adjustment["adjustment_type"] == "quantity" else current + quantity
        )
        adjustment["is_booked"] = True
        self._stamp(adjustment)
        self._stamp(product)
        if not self._suppressed(request, self._json_body(request, required=False)):
            self._emit(
                A.STOCK_EVENT, None, body={"item": product["number"], "item_type": "product", "type": "stock"}
            )
        return {"inventory_regulation": self._emitted(adjustment)}

    # ----- webhooks ---------------------------------------------------------------------------------
    def _route_webhooks(self, request: Request, rest: list[str]) -> tuple[int, Any]:
        method = request.method
        webhooks = self.state.webhooks
        if not rest and method == "GET":
            errors: dict[str, list[str]] = {}
            page = _positive_int(request.args.get("page"), 1, "page", errors)
            limit = min(
                _positive_int(request.args.get("limit"), A.DEFAULT_LIMIT, "limit", errors), A.MAX_LIMIT
            )
            if errors:
                raise invalid(errors)
            event = request.args.get("event")
            event = A.WEBHOOK_EVENT_ALIASES.get(event, event) if event else None
            items = [w for w in webhooks.values() if event is None or w["event"] == event]
            return 206, {
                "webhooks": [self._render_webhook(w) for w in items[(page - 1) * limit : page * limit]],
                "total": len(items),
                "pages": max(A.EMPTY_LIST_PAGES, math.ceil(len(items) / limit)),
                "limit": limit,
                "page": page,
            }
        if not rest and method == "POST":
            body = self._json_body(request)
            errors = validate("WebhookCreate", body)
            errors.pop("event", None)
            event = body.get("event")
            event = A.WEBHOOK_EVENT_ALIASES.get(event, event) if isinstance(event, str) else event
            confirmed_only = self.options.webhook_events == "confirmed"
            known = A.WEBHOOK_EVENTS_CONFIRMED if confirmed_only else A.WEBHOOK_EVENTS
            lot_event = self.lot_event_known(event) if isinstance(event, str) else None
            if (event not in known and lot_event is None) or lot_event is False:
                errors["event"] = [
                    "The selected event is invalid." if event else "The event field is required."
                ]
            if errors:
                raise invalid(errors)
            active = bool(body.get("is_active", True))
            for webhook in webhooks.values():
                if webhook["event"] == event and webhook["url"] == body["url"]:
                    webhook["is_active"] = active
                    self._stamp(webhook)
                    return A.WEBHOOK_UPSERT_STATUS, {"webhook": self._render_webhook(webhook)}
            alphabet = string.ascii_letters + string.digits
            webhook = {
                "id": self.state.next_webhook_id,
                "event": event,
                "url": body["url"],
                "is_active": active,
                "plugin": None,
                "failures_since_last_success": 0,
                "token": "".join(self.rng.choice(alphabet) for _ in range(A.WEBHOOK_TOKEN_LENGTH)),
            }
            self.state.next_webhook_id += 1
            self._stamp(webhook, created=True)
            webhooks[webhook["id"]] = webhook
            return 201, {"webhook": self._render_webhook(webhook, with_token=True)}
        if len(rest) == 1 and method == "DELETE":
            if not rest[0].isdigit() or int(rest[0]) not in webhooks:
                raise not_found()
            del webhooks[int(rest[0])]
            self.state.deliveries = [d for d in self.state.deliveries if d.subscription_id != int(rest[0])]
            return 200, dict(A.DELETED_BODY)
        raise not_found()

    def _emit(
        self,
        event: str,
        key: Any,
        *,
        old_key: Any = None,
        changed: list[str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Queue a delivery per active subscription; ``body`` replaces the usual key body (the
        stock event has its own shape)."""
        if body is not None:
            self._queue(event, body)
            return
        body = {"key_name": "number", "key": str(key)}
        if self.options.documented_webhook_bodies:
            body.update(event=event, data={})
            if event.endswith(".updated"):
                body.update(
                    old_key=str(old_key if old_key is not None else key),
                    new_key=str(key),
                    changed=changed or [],
                )
        self._queue(event, body)

    def _queue(self, event: str, body: dict[str, Any]) -> None:
        for webhook in self.state.webhooks.values():
            if webhook["event"] == event and webhook["is_active"]:
                self.state.deliveries.append(
                    Delivery(subscription_id=webhook["id"], event=event, body=dict(body), due=self.now())
                )

    # ----- state for tests and scripts, under the app lock ----------------------------------
    def records(self, collection: str) -> dict[Any, Record]:
        """A copy of one collection by key (its API path: "customers", "customer-invoices")."""
        with self._lock:
            return copy.deepcopy(self.state.records[collection])

    def has_record(self, collection: str, key: Any) -> bool:
        with self._lock:
            return key in self.state.records[collection]

    def put_record(self, collection: str, key: Any, record: Record) -> None:
        """Hold ``record`` as given, past the API's validation: what an account may hold (made
        in the UI, by an import, before a rule existed) that the API would refuse to create."""
        with self._lock:
            self.state.records[collection][key] = record

    def revoke_token(self, token: str) -> None:
        """The user deleted the API token in Rackbeat: it is refused from now on."""
        with self._lock:
            self.state.tokens.discard(token)

    def grant_token(self, token: str) -> None:
        """The user made a new API token in Rackbeat."""
        with self._lock:
            self.state.tokens.add(token)

    def webhooks(self) -> list[Record]:
        """Every webhook subscription, as stored (a copy)."""
        with self._lock:
            return copy.deepcopy(list(self.state.webhooks.values()))

    def delivery_log(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempted, oldest first (a copy)."""
        with self._lock:
            return copy.deepcopy(self.state.delivery_log)

    def queue_deliveries(self, deliveries: list[Delivery]) -> None:
        """Add deliveries to the pending ones (a test repeats some: delivery is at least once)."""
        with self._lock:
            self.state.deliveries.extend(deliveries)

    def pending_deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self.state.deliveries)

    def deliver_pending(self) -> int:
        """Send every delivery that is due now; returns how many were attempted.

        HTTP happens outside the app lock, so the API keeps answering while subscribers are slow.
        """
        with self._lock:
            now = self.now()
            account_id = str(self.state.self_info.get("user_account", {}).get("id", A.DEFAULT_ACCOUNT_ID))
            outgoing = []
            for delivery in self.state.deliveries:
                if delivery.due > now:
                    continue
                target = self.state.webhooks[delivery.subscription_id]
                outgoing.append(
                    Outgoing(
                        delivery=delivery,
                        url=target["url"],
                        content=json.dumps(delivery.body).encode(),
                        headers=self._delivery_headers(target, delivery.event, account_id),
                    )
                )
        attempts = send_deliveries(
            self.webhook_transport,
            outgoing,
            connect_timeout=A.WEBHOOK_CONNECT_TIMEOUT_SECONDS,
            response_timeout=A.WEBHOOK_RESPONSE_TIMEOUT_SECONDS,
        )
        with self._lock:
            now = self.now()
            for attempt in attempts:
                delivery = attempt.delivery
                webhook = self.state.webhooks.get(delivery.subscription_id)
                self.state.delivery_log.append(
                    {
                        "webhook_id": delivery.subscription_id,
                        "event": delivery.event,
                        "key": delivery.body.get("key", delivery.body.get("item")),
                        "attempt": delivery.attempts + 1,
                        "status": attempt.status,
                        "error": attempt.error,
                        "at": self._timestamp(now),
                    }
                )
                if webhook is not None:
                    webhook["failures_since_last_success"] = (
                        0 if attempt.ok else webhook["failures_since_last_success"] + 1
                    )
            settle(
                self.state.deliveries,
                attempts,
                self.options.webhook_retry_schedule,
                now,
                lambda webhook_id: webhook_id in self.state.webhooks,
            )
        return len(attempts)

    def _delivery_headers(self, webhook: Record, event: str, account_id: str) -> dict[str, str]:
        headers = {
            A.WEBHOOK_EVENT_HEADER: event,
            A.WEBHOOK_ACCOUNT_HEADER: account_id,
            "User-Agent": A.WEBHOOK_USER_AGENT,
        }
        if self.options.webhook_token_header:
            headers[A.WEBHOOK_TOKEN_HEADER] = webhook["token"]
        return headers

    def start_delivery_worker(self, interval_seconds: float = 1.0) -> None:
        """Deliver in a background thread (the local stack); tests call deliver_pending instead."""
        self._worker.start(interval_seconds)

    def stop_delivery_worker(self) -> None:
        self._worker.stop()


def _profit(price: Any, cost: Any) -> float | None:
    """Sales profit as Rackbeat shows it; none when the stored price is not a number (a record
    planted as the real API might send it must render, not crash the list)."""
    try:
        return round(float(price) - float(cost or 0), A.LINE_ROUNDING_DECIMALS)
    except (TypeError, ValueError):
        return None


def _positive_int(raw: str | None, default: int, name: str, errors: dict[str, list[str]]) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        errors[name] = [f"The {name} must be at least 1."]
        return default
    return int(raw)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | dt.datetime)
