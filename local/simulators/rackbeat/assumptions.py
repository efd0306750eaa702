"""Every Rackbeat behaviour the simulator invents, in one place.

Rackbeat publishes no specification; ``specs/rackbeat-openapi.yaml`` is a reconstruction and marks
its guesses with ``x-confidence: assumed``, ``x-assumed`` or ``x-simulator``. Each constant below
implements one of those guesses and names the reference element it comes from, so that when the
real behaviour is learned it is corrected here (and in the reference) and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# conventions 5 / components.schemas.Timestamp x-assumed: wall-clock timezone of every timestamp.
TIMEZONE = ZoneInfo("Europe/Copenhagen")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

# conventions 3 / components.parameters.limit x-assumed + x-simulator: above the maximum the
# value is clamped, and the clamped value is echoed in `limit`.
DEFAULT_LIMIT = 20
MAX_LIMIT = 1000

# components.schemas.ListMeta.pages x-assumed: 1 (not 0) pages when nothing matches (Laravel).
EMPTY_LIST_PAGES = 1

# conventions 9 / components.responses.TooManyRequests x-assumed: the limit, its window, headers.
RATE_LIMIT_PER_WINDOW = 480
RATE_LIMIT_WINDOW_SECONDS = 60
RATE_LIMIT_HEADER_LIMIT = "X-RateLimit-Limit"
RATE_LIMIT_HEADER_REMAINING = "X-RateLimit-Remaining"
RATE_LIMIT_HEADER_RETRY_AFTER = "Retry-After"

# conventions 7 / components.responses.*: x-assumed bodies and message texts (Laravel defaults).
MESSAGE_UNAUTHENTICATED = "Unauthenticated."
MESSAGE_NOT_FOUND = "Not found."
MESSAGE_TOO_MANY = "Too Many Attempts."
MESSAGE_INVALID = "The given data was invalid."
MESSAGE_SERVER_ERROR = "Server Error"

# conventions 10: underscore spellings of hyphenated paths work too.
PATH_ALIASES = {
    "customer_groups": "customer-groups",
    "supplier_groups": "supplier-groups",
    "product_groups": "product-groups",
    "payment_terms": "payment-terms",
    "customer_invoices": "customer-invoices",
}

# servers: production lives under /api; the simulator answers with and without that prefix.
API_PREFIX = "/api"

# conventions 4: unknown query parameters are ignored silently (nothing to configure: the
# handlers read only the parameters they know).

# components.parameters.search x-assumed: the columns searched, case-insensitive substring.
SEARCH_FIELDS = ("number", "name", "company_name")

# components.parameters.order_by x-assumed: default order is creation order; ASC is the default
# direction and the direction is case-insensitive.
DEFAULT_ORDER_DIRECTION = "ASC"

# components.parameters.updated_at_from x-simulator: honoured (inclusive) by default; in strict
# mode every list except these ignores it, so the client's fallback can be tested.
UPDATED_AT_FILTER_HONOURED_IN_STRICT_MODE = frozenset({"customer-invoices"})

# POST /customers, /suppliers description: the next free number is the highest + 1, from 1.
FIRST_NUMBER = 1

# CustomerCreate / SupplierCreate / ProductCreate x-simulator: fields required beyond the
# reconstructed schemas' own `required` lists.
EXTRA_REQUIRED_ON_CREATE: dict[str, tuple[str, ...]] = {
    "customer": ("customer_group_id", "vat_zone", "currency"),
    "supplier": ("supplier_group_id", "vat_zone", "locale", "currency"),
    "product": ("unit_id",),
}

# POST /customers etc. description: a number already in use gives 422.
DUPLICATE_NUMBER_MESSAGE = "The number has already been taken."

# DELETE /customers/{number} etc. description: refused while documents refer to the record.
IN_USE_MESSAGE = "The {entity} is in use and cannot be deleted."

# components.schemas.CustomerInvoice: totals, rounding per line to 2 decimals, currency_rate
# 100 for the base currency, due date = invoice date + maturity_days for every term type.
BASE_CURRENCY = "NOK"
BASE_CURRENCY_RATE = 100.0
LINE_ROUNDING_DECIMALS = 2

# POST /customer-invoices/{number}/book description: booking bumps updated_at; booking twice 422.
ALREADY_BOOKED_MESSAGE = "The invoice is already booked."

# CustomerInvoiceDraftCreate x-simulator: barred customers or products give 422.
BARRED_MESSAGE = "The selected {field} is barred."

# ProductGroupEmbedded.has_inventory: embedded for convenience although not seen in reality.
EMBED_HAS_INVENTORY_IN_PRODUCT_GROUP = True

# POST /webhooks description: upsert on (event, url) answers 200 and carries no token.
WEBHOOK_UPSERT_STATUS = 200

# components.schemas.WebhookEventName x-simulator: confirmed + assumed names; 'orders.created'
# (a typo in DEV's own example) is an alias of 'order.created'.
WEBHOOK_EVENTS = frozenset(
    {
        "order.created",
        "product.created",
        "product.updated",
        "payment_terms.created",
        "payment_terms.updated",
        "delivery_terms.created",
        "delivery_terms.updated",
        "employee.created",
        "employee.updated",
        "plugin.uninstalled",
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "supplier.created",
        "supplier.updated",
        "supplier.deleted",
        "product.deleted",
        "customer_invoice.created",
        "customer_invoice.booked",
        "order.updated",
        "order.booked",
    }
)
WEBHOOK_EVENT_ALIASES = {"orders.created": "order.created"}

# receiveRackbeatWebhook x-retry-policy x-simulator: retry schedule after a failed delivery,
# then give up; any non-2xx, timeout or connection error is a failure; is_active stays true.
WEBHOOK_RETRY_SCHEDULE: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(hours=24),
)
WEBHOOK_CONNECT_TIMEOUT_SECONDS = 3.0
WEBHOOK_RESPONSE_TIMEOUT_SECONDS = 15.0
WEBHOOK_USER_AGENT = "Rackbeat Webhook"
WEBHOOK_TOKEN_LENGTH = 32

# components.parameters.suppress_webhooks x-assumed: suppression applies to every subscriber.
SUPPRESS_WEBHOOKS_FOR_ALL_SUBSCRIBERS = True

# receiveRackbeatWebhook Rackbeat-Account-Id x-assumed: equals user_account.id from GET /self.
DEFAULT_ACCOUNT_ID = 15355

# components.parameters.product_number x-simulator: the path segment is decoded once more after
# the normal decoding; a singly encoded slash therefore splits the path and gives 404.
DOUBLE_DECODE_PATH_NUMBERS = True

# components.responses.Deleted x-assumed: body of a successful DELETE.
DELETED_BODY: dict[str, object] = {}

# CustomerWrite.currency / SupplierWrite.currency: nothing says which codes are accepted. When the
# seed lists the account's currencies, any other code gives 422 on `currency`.
CHECK_ACCOUNT_CURRENCIES = True
