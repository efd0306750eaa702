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

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rackbeat_tripletex.clients.http import (
    ApiError,
    AuthError,
    NotFound,
    ValidationFailed,
)
from rackbeat_tripletex.clients.rackbeat_base import (
    API,
    DEFAULT_BASE_URL,
    PAGE_SIZE,
    REQUESTS_PER_MINUTE,
    M,
    RackbeatBase,
    Since,
    _refused_by,
    encode_number,
    updated_at_of,
)
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.models.rackbeat import (
    CreatedWebhook,
    Customer,
    CustomerGroup,
    CustomerInvoice,
    CustomerInvoiceDraftWrite,
    CustomerWrite,
    GroupWrite,
    Lot,
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

__all__ = [
    "API",
    "DEFAULT_BASE_URL",
    "PAGE_SIZE",
    "REQUESTS_PER_MINUTE",
    "RackbeatClient",
    "_refused_by",
    "encode_number",
    "updated_at_of",
]


class RackbeatClient(RackbeatBase):
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

    def currencies(self) -> set[str] | None:
        """The account's currency codes (GET /currency, seen only in the 2018 spec), or None when
        Rackbeat does not answer it: the caller then cannot tell which codes the account takes."""
        try:
            response = self.request("GET", "/currency", params={"limit": PAGE_SIZE})
            body = response.json()
        except AuthError:
            raise  # a dead token is the caller's to report
        except (ApiError, ValueError):
            # A list the evidence barely shows is a hint, never a reason to fail the preview:
            # refused, down or unreadable, the preview names the foreign currencies instead.
            return None
        # The 2018 spec names the list key "orders" (a copy-paste slip); the envelope rule says
        # "currencies". Either is read, anything else counts as not listed.
        rows = (body.get("currencies") or body.get("orders")) if isinstance(body, dict) else None
        if not isinstance(rows, list):
            return None
        return {r["code"].upper() for r in rows if isinstance(r, dict) and isinstance(r.get("code"), str)}

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

    def lots(self, *, updated_at_from: Since = None) -> Iterator[Lot | Unreadable]:
        return self._changed_since("/lots", "lots", Lot, updated_at_from)

    def get_lot(self, number: str) -> Lot | Unreadable | None:
        return self._get_one("/lots/{}", number, "lot", Lot)

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
