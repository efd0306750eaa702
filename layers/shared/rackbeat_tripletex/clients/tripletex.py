"""Tripletex API v2 client (see specs/TRIPLETEX.md for the behaviour it is built around).

Sessions: a session token is minted on the Oslo date for ``SESSION_DAYS`` ahead, renewed a day
before it expires and once on a 401, and cached per warm container under a hash of the token
pair (never the tokens). Reads page with from/count and stop on a short page, never on
``fullResultSize``; a query over 10,000 results (422/23000) is split with the filters the
endpoint offers. Creates that may have happened although the answer was lost are looked up by
number before any retry.

Reads as Tripletex really answers (specs/evidence/TRIPLETEX-EVIDENCE.md): a list read yields an
:class:`~rackbeat_tripletex.clients.records.Unreadable` for a record the read model refuses, so
one odd record never ends a read; customers and suppliers are read with their addresses expanded
(B1) and in both states of ``isInactive``, whose default is ``false`` (B2); reference lists
(countries, currencies, units, VAT types) are read once per client and kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Literal

from rackbeat_tripletex.clients.http import (
    ApiError,
    NotFound,
)
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.clients.tripletex_base import (
    AREAS,
    ORDERS_AHEAD,
    ORDERS_SINCE,
    PAGE_SIZE,
    PARTY_FIELDS,
    Area,
    ConditionalRead,
    ResultTooLarge,
    TripletexCredentials,
    clear_session_cache,
    tlx_datetime,
)
from rackbeat_tripletex.clients.tripletex_reads import TripletexReads
from rackbeat_tripletex.models.tripletex import (
    Country,
    Currency,
    Customer,
    EventSubscription,
    Invoice,
    InvoiceSettings,
    Order,
    PaymentType,
    Product,
    ProductUnit,
    Ref,
    Supplier,
    VatType,
)

__all__ = [
    "AREAS",
    "Area",
    "ConditionalRead",
    "ResultTooLarge",
    "TripletexClient",
    "TripletexCredentials",
    "clear_session_cache",
]


class TripletexClient(TripletexReads):
    # ----- customers -------------------------------------------------------------------------------
    def iter_customers(
        self, *, changed_since: dt.datetime | None = None, page_size: int = PAGE_SIZE, **filters: Any
    ) -> Iterator[Customer | Unreadable]:
        params = {"fields": PARTY_FIELDS, **filters, "changedSince": tlx_datetime(changed_since)}
        return self._parties("/customer", Customer, "customerAccountNumber", params, page_size)

    def get_customer(self, customer_id: int) -> Customer:
        return self._get_party("/customer", Customer, customer_id)

    def find_customer_by_number(self, number: int) -> Customer | None:
        return self._find_party("/customer", Customer, "customerAccountNumber", number)

    def create_customer(self, customer: Customer) -> Customer:
        return self._create(
            "/customer",
            customer,
            Customer,
            self._lookup(self.find_customer_by_number, customer.customer_number),
        )

    def update_customer(self, customer: Customer) -> Customer:
        return self._update("/customer", customer, Customer, self.get_customer)

    def create_customers(self, customers: list[Customer]) -> list[Customer]:
        return self._create_list("/customer/list", customers, Customer)

    # ----- suppliers ---------------------------------------------------------------------------------
    def iter_suppliers(
        self, *, changed_since: dt.datetime | None = None, page_size: int = PAGE_SIZE, **filters: Any
    ) -> Iterator[Supplier | Unreadable]:
        params = {"fields": PARTY_FIELDS, **filters, "changedSince": tlx_datetime(changed_since)}
        return self._parties("/supplier", Supplier, "supplierNumber", params, page_size)

    def get_supplier(self, supplier_id: int) -> Supplier:
        return self._get_party("/supplier", Supplier, supplier_id)

    def find_supplier_by_number(self, number: int) -> Supplier | None:
        return self._find_party("/supplier", Supplier, "supplierNumber", number)

    def create_supplier(self, supplier: Supplier) -> Supplier:
        lookup = self._lookup(self.find_supplier_by_number, supplier.supplier_number)
        return self._create("/supplier", supplier, Supplier, lookup)

    def update_supplier(self, supplier: Supplier) -> Supplier:
        return self._update("/supplier", supplier, Supplier, self.get_supplier)

    def create_suppliers(self, suppliers: list[Supplier]) -> list[Supplier]:
        return self._create_list("/supplier/list", suppliers, Supplier)

    # ----- products --------------------------------------------------------------------------------
    _PRODUCT_SPLITS = ("isInactive", "isStockItem")

    def iter_products(self, *, page_size: int = PAGE_SIZE, **filters: Any) -> Iterator[Product | Unreadable]:
        """Every product matching ``filters``, each once, even beyond the 10,000 limit: the read is
        split by isInactive, isStockItem and then by halving price ranges (From inclusive, To
        exclusive) until each part fits."""
        params = {"fields": "*", **filters}
        splits = [
            *(self._split_bool(name) for name in self._PRODUCT_SPLITS),
            self._split_range("priceExcludingVatCurrency"),
            self._split_range("costExcludingVatCurrency"),
        ]
        return self._models(Product, self._iterate_split("/product", params, splits, page_size))

    def read_products_if_changed(self, version_digest: str | None) -> ConditionalRead[Product | Unreadable]:
        """All products, or "not modified" when the list still has ``version_digest``.

        Products have no changedSince; this (or the webhook events) is how their changes are seen.
        Tripletex only fills versionDigest when If-None-Match is sent, so a first read sends a
        value that cannot match. Over 10,000 products the guarded read itself answers 23000 (B8):
        then every product is read split like :meth:`iter_products`, without a digest, so the next
        poll reads them all again (the sync skips each unchanged one by its version).
        """
        params = {"fields": "*", "from": 0, "count": PAGE_SIZE}
        try:
            response = self._page("/product", params, if_none_match=version_digest or "none")
        except ResultTooLarge:
            return ConditionalRead(not_modified=False, values=list(self.iter_products()), version_digest=None)
        if response.status_code == 304:
            return ConditionalRead(not_modified=True, values=[], version_digest=version_digest)
        body = response.json()
        rows: list[dict[str, Any]] = body.get("values") or []
        values = list(self._models(Product, iter(rows)))
        if len(rows) == PAGE_SIZE:
            values.extend(
                self._models(Product, self._iterate_raw_from("/product", params, PAGE_SIZE, PAGE_SIZE))
            )
        return ConditionalRead(not_modified=False, values=values, version_digest=body.get("versionDigest"))

    def get_product(self, product_id: int) -> Product:
        return Product.model_validate(self._call("GET", f"/product/{product_id}").json()["value"])

    def find_product_by_number(self, number: str) -> Product | None:
        body = self._page("/product", {"productNumber": number, "count": 2, "fields": "*"}).json()
        values = [v for v in body.get("values") or [] if v.get("number") == number]
        return Product.model_validate(values[0]) if values else None

    def create_product(self, product: Product) -> Product:
        return self._create(
            "/product", product, Product, self._lookup(self.find_product_by_number, product.number)
        )

    def update_product(self, product: Product) -> Product:
        return self._update("/product", product, Product, self.get_product)

    def create_products(self, products: list[Product]) -> list[Product]:
        return self._create_list("/product/list", products, Product)

    def update_products(self, products: list[Product]) -> list[Product]:
        body = [p.payload() for p in products]
        response = self._call("PUT", "/product/list", json=body)
        return [Product.model_validate(v) for v in response.json().get("values") or []]

    # ----- counts --------------------------------------------------------------------------------
    def count(self, entity: Literal["customer", "supplier", "product"]) -> int:
        """Exact count by reading ids (fullResultSize is not exact), inactive records included."""
        reads: dict[str, Callable[..., Iterator[object]]] = {
            "customer": self.iter_customers,
            "supplier": self.iter_suppliers,
            "product": self.iter_products,
        }
        return sum(1 for _ in reads[entity](fields="id"))

    # ----- reference data ------------------------------------------------------------------------
    def list_countries(self) -> list[Country]:
        """Tripletex's country list: its own ids with their ISO codes (addresses refer by id)."""
        return self._reference("countries", Country, "/country", {"fields": "id,isoAlpha2Code,name"})

    def list_product_units(self) -> list[ProductUnit]:
        return self._reference("units", ProductUnit, "/product/unit", {"fields": "*"})

    def create_product_unit(self, unit: ProductUnit) -> ProductUnit:
        def lookup() -> ProductUnit | None:
            self._references.pop("units", None)
            return next((u for u in self.list_product_units() if u.name_short == unit.name_short), None)

        created = self._create("/product/unit", unit, ProductUnit, lookup if unit.name_short else None)
        self._references.pop("units", None)
        return created

    def list_vat_types(self) -> list[VatType]:
        params = {"typeOfVat": "OUTGOING", "fields": "*"}
        return self._reference("vat_types", VatType, "/ledger/vatType", params)

    def list_currencies(self, code: str | None = None) -> list[Currency]:
        currencies = self._reference("currencies", Currency, "/currency", {"fields": "*"})
        return currencies if code is None else [c for c in currencies if c.code == code]

    def list_payment_types(self) -> list[PaymentType]:
        return self._reference("payment_types", PaymentType, "/invoice/paymentType", {"fields": "*"})

    # ----- orders and invoices -----------------------------------------------------------------
    def create_order(self, order: Order) -> Order:
        if order.is_prioritize_amounts_including_vat is None:
            # Sent explicitly: the order's VAT side must match the unit price field on its lines.
            order = order.model_copy(update={"is_prioritize_amounts_including_vat": False})
        lookup = self._lookup(self._find_order_by_number, order) if order.number else None
        return self._create("/order", order, Order, lookup)

    def _find_order_by_number(self, order: Order) -> Order | None:
        return self.find_order_by_number(order.number) if order.number else None

    def find_order_by_number(self, number: str) -> Order | None:
        """The order with this number, whatever its date: numbers are unique across orders, offers
        and projects, so a previous attempt's order is found even after the date changed."""
        today = self.oslo_today()
        params = {
            "number": number,
            "orderDateFrom": ORDERS_SINCE.isoformat(),
            "orderDateTo": (today + ORDERS_AHEAD).isoformat(),
            "fields": "*,orderLines(*)",
            "count": 2,
        }
        values = [
            v for v in self._page("/order", params).json().get("values") or [] if v.get("number") == number
        ]
        return Order.model_validate(values[0]) if values else None

    def get_order(self, order_id: int) -> Order:
        response = self._call("GET", f"/order/{order_id}", params={"fields": "*,orderLines(*)"})
        return Order.model_validate(response.json()["value"])

    def update_order(self, order: Order) -> Order:
        """PUT with ``updateLinesAndGroups``: the order's lines become exactly the ones sent (lines
        not sent are removed), so a changed Rackbeat invoice replaces an open order's lines."""
        if order.id is None:
            raise ValueError("an update needs the order's id")
        response = self._call(
            "PUT", f"/order/{order.id}", params={"updateLinesAndGroups": True}, json=order.payload()
        )
        return Order.model_validate(response.json()["value"])

    def iter_orders(self, date_from: dt.date, date_to: dt.date) -> Iterator[Order]:
        params = {
            "orderDateFrom": date_from.isoformat(),
            "orderDateTo": date_to.isoformat(),
            "fields": "*,orderLines(*)",
        }
        return self._validated(Order, self._iterate_raw("/order", params, PAGE_SIZE))

    def invoice_order(
        self, order_id: int, invoice_date: dt.date, *, send_to_customer: bool = False
    ) -> Invoice:
        """Not idempotent: a lost answer is resolved by reading the order's invoices, never by resending."""
        params = {"invoiceDate": invoice_date.isoformat(), "sendToCustomer": send_to_customer}
        try:
            response = self._call("PUT", f"/order/{order_id}/:invoice", params=params, idempotent=False)
        except ApiError as error:
            if not error.maybe_applied:
                raise
            existing = self._find_invoice_of_order(order_id, invoice_date)
            if existing is None:
                raise
            return existing
        return Invoice.model_validate(response.json()["value"])

    def _find_invoice_of_order(self, order_id: int, invoice_date: dt.date) -> Invoice | None:
        params = {
            "invoiceDateFrom": invoice_date.isoformat(),
            "invoiceDateTo": (invoice_date + dt.timedelta(days=1)).isoformat(),
            "fields": "*",
        }
        for row in self._iterate_raw("/invoice", params, PAGE_SIZE):
            invoice = Invoice.model_validate(row)
            if any(o.id == order_id for o in invoice.orders):
                return invoice
        return None

    def get_invoice(self, invoice_id: int) -> Invoice:
        response = self._call("GET", f"/invoice/{invoice_id}", params={"fields": "*"})
        return Invoice.model_validate(response.json()["value"])

    def get_invoice_settings(self) -> InvoiceSettings:
        """Whether the company can invoice at all (``bankAccountReady``) and how it can send."""
        params = {"fields": "bankAccountReady,defaultSendTypeB2B,defaultSendTypeB2C,sendTypes"}
        response = self._call("GET", "/invoice/settings", params=params)
        return InvoiceSettings.model_validate(response.json()["value"])

    def create_credit_note(self, invoice_id: int, day: dt.date, *, comment: str | None = None) -> Invoice:
        """A credit note nullifying the whole invoice. Not idempotent: a lost answer is resolved
        by reading the invoice (``isCredited``) and its credit note, never by resending."""
        params = {"date": day.isoformat(), "comment": comment, "sendToCustomer": False}
        try:
            response = self._call(
                "PUT", f"/invoice/{invoice_id}/:createCreditNote", params=params, idempotent=False
            )
        except ApiError as error:
            if not error.maybe_applied:
                raise
            existing = self.find_credit_note_of(invoice_id, day)
            if existing is None:
                raise
            return existing
        return Invoice.model_validate(response.json()["value"])

    def find_credit_note_of(self, invoice_id: int, day: dt.date) -> Invoice | None:
        """The credit note made of an invoice on ``day``, if there is one."""
        for invoice in self.iter_invoices(day, day + dt.timedelta(days=1)):
            credited = invoice.credited_invoice
            credited_id = credited.id if isinstance(credited, Ref) else credited
            if invoice.is_credit_note and credited_id == invoice_id:
                return invoice
        return None

    def create_invoice(self, invoice: Invoice, *, send_to_customer: bool = False) -> Invoice:
        """POST /invoice with exactly one order (Tripletex creates the order behind it)."""
        if len(invoice.orders) != 1:
            raise ValueError("an invoice is created from exactly one order")
        response = self._call(
            "POST",
            "/invoice",
            params={"sendToCustomer": send_to_customer},
            json=invoice.payload(),
            idempotent=False,
        )
        return Invoice.model_validate(response.json()["value"])

    def iter_invoices(self, date_from: dt.date, date_to: dt.date) -> Iterator[Invoice]:
        params = {
            "invoiceDateFrom": date_from.isoformat(),
            "invoiceDateTo": date_to.isoformat(),
            "fields": "*",
        }
        return self._validated(Invoice, self._iterate_raw("/invoice", params, PAGE_SIZE))

    # ----- event subscriptions --------------------------------------------------------------------
    def list_subscriptions(self) -> list[EventSubscription]:
        rows = self._iterate_raw("/event/subscription", {"fields": "*"}, PAGE_SIZE)
        return list(self._validated(EventSubscription, rows))

    def create_subscription(self, subscription: EventSubscription) -> EventSubscription:
        def lookup() -> EventSubscription | None:
            return next(
                (
                    s
                    for s in self.list_subscriptions()
                    if s.event == subscription.event and s.target_url == subscription.target_url
                ),
                None,
            )

        return self._create("/event/subscription", subscription, EventSubscription, lookup)

    def update_subscription(self, subscription: EventSubscription) -> EventSubscription:
        def fetch(subscription_id: int) -> EventSubscription:
            response = self._call("GET", f"/event/subscription/{subscription_id}")
            return EventSubscription.model_validate(response.json()["value"])

        return self._update("/event/subscription", subscription, EventSubscription, fetch)

    def delete_subscription(self, subscription_id: int) -> None:
        try:
            self._call("DELETE", f"/event/subscription/{subscription_id}")
        except NotFound:
            return
