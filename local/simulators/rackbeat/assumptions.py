"""Every Rackbeat behaviour the simulator plays, in one place, with the evidence for it.

Rackbeat publishes no specification; ``specs/rackbeat-openapi.yaml`` is a reconstruction and
``/work/shared/specs/evidence/RACKBEAT-EVIDENCE.md`` grades what public sources say about the real
API. Each constant below names its grade and sources the way that audit cites them:

Grades: OFF official docs · REAL captured answer · MEAS measured · PRAC integrator practice
(code that runs against the live API) · WEAK inferred from a model or a single hint · NONE no
source at all (the simulator's own choice; a switch in :mod:`.options` plays the alternatives
where it matters).

Sources: DEV developer.rackbeat.com · LC Rackbeat/laravel-client · LR Rackbeat/laravel-rackbeat ·
SW kg-bot/rackbeat-app (2018 generated spec) · RT mikkelrask/rackbeat-tools · GY
Alpha-Solutions-Norge/gytisdemo · KU kundan333/php-ftp-rackbeat-integration · MK
Mikkelkorsaa/RackbeatShopifySync · IT Rackbeat/integration-template · KD
kg-bot/rackbeat-integration-dashboard · HD helpdesk.rackbeat.com · CS core-suite connector docs.

When a live call settles one of these, correct it here (and in the reference) and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# ----- transport ---------------------------------------------------------------------------------
# OFF/PRAC (LC config/rackbeat.php, LR, RT, IT, GY): production lives under /api; the simulator
# answers with and without that prefix (NONE: convenience only).
API_PREFIX = "/api"

# NONE: underscore spellings of hyphenated paths work too (the reference's convention 10).
PATH_ALIASES = {
    "customer_groups": "customer-groups",
    "supplier_groups": "supplier-groups",
    "product_groups": "product-groups",
    "payment_terms": "payment-terms",
    "customer_invoices": "customer-invoices",
}

# ----- timestamps --------------------------------------------------------------------------------
# WEAK (DEV filtering examples write `YYYY-MM-DD HH:MM:SS`; DEV's webhook-object example too) vs
# WEAK (LC CastsAttributes parses `Y-m-d\TH:i:sP`, LC test uses 2018-01-01T18:30:00+01:00; MK
# parses product timestamps as ISO): switch `timestamp_format` ("space" default | "iso").
TIMESTAMP_FORMAT_SPACE = "%Y-%m-%d %H:%M:%S"
TIMESTAMP_FORMAT_ISO = "%Y-%m-%dT%H:%M:%S%:z"
# WEAK (LC test offset +01:00; Rackbeat is a Danish company): wall clock of every timestamp.
TIMEZONE = ZoneInfo("Europe/Copenhagen")

# ----- paging ------------------------------------------------------------------------------------
# OFF (DEV pagination): default page size 20.
DEFAULT_LIMIT = 20
# PRAC (LR ApiFiltering comment "max 1000, min 1"; RT uses limit=1000): maximum page size; above
# it the value is clamped and echoed in `limit` (NONE: clamp vs 422 never seen).
MAX_LIMIT = 1000
# NONE (Laravel's paginator answers last_page 1 for an empty set): `pages` is 1, not 0, when empty.
EMPTY_LIST_PAGES = 1

# ----- rate limit --------------------------------------------------------------------------------
# PRAC (LR config api_limit 480/min per token; RT paces 0.125 s/request): the server-side value is
# unknown, the simulator enforces what Rackbeat's own clients budget for.
RATE_LIMIT_PER_WINDOW = 480
RATE_LIMIT_WINDOW_SECONDS = 60
# NONE (no source shows 429 headers): headers the simulator sends; clients must not rely on them.
RATE_LIMIT_HEADER_LIMIT = "X-RateLimit-Limit"
RATE_LIMIT_HEADER_REMAINING = "X-RateLimit-Remaining"
RATE_LIMIT_HEADER_RETRY_AFTER = "Retry-After"

# ----- error bodies --------------------------------------------------------------------------------
# OFF (DEV errors, sample 09-error-422.json): a 422 body is `{"errors": {field: [messages]}}` with
# dotted 0-based paths and NO top-level `message`.
# OFF (DEV errors example, sample 09): texts for an unknown customer, a line without an item, and
# Laravel's `exists` rule on a dotted path ("The selected lines.0.variations.0.option_id is invalid.").
UNKNOWN_CUSTOMER_MESSAGE = "The selected Customer is invalid."
LINE_ITEM_REQUIRED_MESSAGE = "Product needed"
UNKNOWN_REFERENCE_MESSAGE = "The selected {field} is invalid."
# NONE (no source documents 401/404/429/5xx bodies): Laravel's default `{"message": ...}` texts.
MESSAGE_UNAUTHENTICATED = "Unauthenticated."
MESSAGE_NOT_FOUND = "Not found."
MESSAGE_TOO_MANY = "Too Many Attempts."
MESSAGE_SERVER_ERROR = "Server Error"
# NONE: a body that is not JSON gives 400 with this message.
MESSAGE_BAD_JSON = "The request body is not valid JSON."
# PRAC (GY api/picking-list.js: `422 "Property 'is_booked' is not filterable"` on GET /orders):
# the text of a refused list filter, under `errors.<param>` in the OFF 422 shape (DEV errors);
# whether real Rackbeat puts it under `errors` or a `message` is NONE.
NOT_FILTERABLE_MESSAGE = "Property '{param}' is not filterable"

# ----- lists, filters, sorting -----------------------------------------------------------------------
# OFF (DEV filtering: updated_at_from/_to, format `YYYY-MM-DD HH:MM:SS`, examples on
# /customer-invoices); WEAK on the other lists. Inclusive bounds (NONE). The simulator accepts
# both timestamp formats as input (NONE: a client may send what it read).
# The switch `list_filters` plays honoured / ignored / refused per parameter (issue 11 §2).
UPDATED_AT_FILTERS = ("updated_at_from", "updated_at_to")
# PRAC (LC BaseResource::get(), LR orderBy()/orderDirection()): sorting parameters; the default
# direction ASC and case-insensitivity are NONE; the default order is creation order (NONE).
ORDER_PARAMS = ("order_by", "order_direction")
DEFAULT_ORDER_DIRECTION = "ASC"
# NONE: `search` looks in these columns, case-insensitive substring (DEV/SW only name the param).
SEARCH_FIELDS = ("number", "name", "company_name")
# NONE: with the legacy switch `strict_updated_at_filter`, every list except these ignores
# updated_at_* (kept for seeds that use it; `list_filters` is the general form).
UPDATED_AT_FILTER_HONOURED_IN_STRICT_MODE = frozenset({"customer-invoices"})
# NONE: other unknown query parameters are ignored silently (the handlers read only the
# parameters they know); GY's 422 shows Rackbeat refuses SOME, see `list_filters`.

# ----- numbering -----------------------------------------------------------------------------------
# WEAK (LR config default payment_terms_id 1001; GY REAL_WAREHOUSE_LOCATIONS [1001, 1002]; the
# evidence samples number customers/groups/terms 1001): auto-numbering starts at 1001 and then
# takes the highest number + 1 (the +1 rule is NONE).
FIRST_NUMBER = 1001

# ----- required fields and defaults on create ----------------------------------------------------
# WEAK (SW CustomerForm.md / SupplierForm.md require company_name and payment_terms_id only;
# SW Product.md and RT import-products.py require number, group, name, sales_price): the reference
# schemas' own `required` lists say this, and the simulator requires nothing beyond them. (HD lists
# more fields as mandatory in the app; nothing shows the API enforcing them.) A field a live
# account turns out to require goes here.
EXTRA_REQUIRED_ON_CREATE: dict[str, tuple[str, ...]] = {"customer": (), "supplier": (), "product": ()}
# NONE (no source shows what Rackbeat fills in): defaults for fields a create leaves out. The VAT
# zone `domestic` is the one KU's live customer create sends; currency = the account's base
# currency; locale from the account (here Norwegian, as the demo account). Unit: none.
DEFAULT_VAT_ZONE = "domestic"
DEFAULT_LOCALE = "nb"
BASE_CURRENCY = "NOK"
CREATE_DEFAULTS: dict[str, dict[str, object]] = {
    "customer": {
        "vat_zone": DEFAULT_VAT_ZONE,
        "currency": BASE_CURRENCY,
        "locale": DEFAULT_LOCALE,
        "customer_group_id": None,
    },
    "supplier": {
        "vat_zone": DEFAULT_VAT_ZONE,
        "currency": BASE_CURRENCY,
        "locale": DEFAULT_LOCALE,
        "supplier_group_id": None,
    },
    "product": {"unit_id": None},
    "lot": {"is_barred": False},
    # RT create-groups.py sends all four rates, is_sellable and should_spread_cost; left out, a
    # group sells, does not spread cost, and has 0 % for the VAT-exempt zone (WEAK: the zone's name).
    "product_group": {"is_sellable": True, "should_spread_cost": False, "vat_domestic_exempt": 0},
}

# ----- VAT zones ---------------------------------------------------------------------------------
# PRAC (KU sends `domestic`; CS names `eu;abroad`) + WEAK (HD ht-00061 names a fourth zone "VAT
# exempt"; RT create-groups.py / MK Group carry `vat_domestic_exempt`, so the API string is
# inferred as `domestic_exempt`, never seen). Each zone reads this product-group rate field.
VAT_ZONE_RATE_FIELDS = {
    "domestic": "vat_domestic",
    "eu": "vat_eu",
    "abroad": "vat_abroad",
    "domestic_exempt": "vat_domestic_exempt",
}
# NONE (HD ht-00061 mentions "country-specific VAT" zones; nobody has seen their API strings): the
# switch `extra_vat_zones` adds such names; a line in one of them gets the group's domestic rate
# (NONE: no source says which rate applies).
EXTRA_VAT_ZONE_RATE_FIELD = "vat_domestic"
# SW (lib/Model/Supplier.php): a vat_zone is at most 16 characters.
VAT_ZONE_MAX_LENGTH = 16

# ----- records -------------------------------------------------------------------------------------
# NONE: a number already in use gives 422 with this text (duplicate behaviour unconfirmed).
DUPLICATE_NUMBER_MESSAGE = "The number has already been taken."
# Units: POST /units {number, name} answers 201 (REAL-ish: RT create-unit-types.py, a Rackbeat
# employee's script against the live API, RACKBEAT-EVIDENCE "Unit" row, medium-high). The number
# is optional here, as for groups (NONE: RT always sends one); a created unit is published at once,
# `is_draft: false` (NONE: RT only checks the 201). A second unit with a name already in
# use is accepted (NONE: no source shows a uniqueness rule for names; groups behave the same). That
# is the harsher variant for us: the integration never relies on a refusal, it creates only the
# names Rackbeat lacks and looks a unit up by name before repeating a create whose answer was lost.
# NONE: DELETE is refused (422) while documents refer to the record.
IN_USE_MESSAGE = "The {entity} is in use and cannot be deleted."
# OFF (DEV errors: 200 for DELETE); body NONE.
DELETED_BODY: dict[str, object] = {}
# NONE (no source says which codes are accepted): when the seed lists the account's currencies,
# any other code on a customer/supplier gives 422 on `currency`.
CHECK_ACCOUNT_CURRENCIES = True
# WEAK (SW 2018 only: `indexCurrencies`, GET /currency, a list of {code, rate, is_custom,
# updated_at, self}; no create, only a rate update/reset; the generated model names the list key
# "orders", taken for a slip): GET /currency lists exactly the codes the write check above
# accepts, under "currencies". NONE that this list is what Rackbeat checks `currency` against.
# A seed without currencies serves 404 (the path unknown), as a live account may.
CURRENCY_LIST = True
# WEAK (MK's product model shows the embedded group as number/name/vat_*/self, no has_inventory):
# the embedded group carries only these keys (sample 02-product.json).
EMBEDDED_GROUP_FIELDS = ("number", "name", "vat_abroad", "vat_eu", "vat_domestic", "vat_domestic_exempt")

# ----- item numbers in paths ----------------------------------------------------------------------
# Conflicting PRAC: LR double rawurlencode (Builders/Builder.php, Utils/Model.php) vs LC single
# rawurlencode (ProductResource, LotResource) and GY single encodeURIComponent. Switch
# `path_encoding` ("double" default | "single"). The simulator is strict on purpose (NONE): under
# "double" a segment that, once decoded, is not itself a valid percent-encoding of unreserved
# characters is 404, so a client that encodes the other way fails visibly.
# (Unreserved characters, RFC 3986: A-Z a-z 0-9 - _ . ~ need no encoding and work either way.)
# WEAK (MK shows `urlfriendly_number` next to `number`; LC Item::availableLocationStockReport passes
# it to a resource that rawurlencodes it again, i.e. it is the number encoded ONCE, and on the wire
# it is then encoded twice, as LR does): urlfriendly_number = rawurlencode(number).

# ----- customer invoices ------------------------------------------------------------------------------
# NONE: totals, rounding per line to 2 decimals; SW CustomerInvoice.currency_rate 100 for the base
# currency (WEAK); due date = invoice date + maturity_days for every term type (NONE).
BASE_CURRENCY_RATE = 100.0
LINE_ROUNDING_DECIMALS = 2
# SW (CustomerInvoiceLine.md, 2018) has no vat_percentage / discount_percentage / total on invoice
# lines; GY shows them on modern ORDER lines (WEAK for invoices). Switch `invoice_line_vat`
# ("present" default | "absent"): these are the fields "absent" leaves out.
INVOICE_LINE_VAT_FIELDS = ("vat_percentage", "discount_percentage", "total")
# OFF-ish (LR Models/CustomerInvoice.php book()): booking bumps updated_at and sets booked_at
# (LC default casts). Booking twice gives 422 with this text (NONE).
ALREADY_BOOKED_MESSAGE = "The invoice is already booked."
# SW README (POST /customer-invoices/{n}/unbook) + RT "Unbook a booked invoice" tool (PRAC): unbook
# turns a booked invoice into a draft again; unbooking a draft gives 422 with this text (NONE).
NOT_BOOKED_MESSAGE = "The invoice is not booked."
# WEAK (LR Model update() PUTs any entity; a draft is editable in the app): PUT on a draft invoice
# replaces the given fields (and all lines when `lines` is given); on a booked one 422 (NONE text).
BOOKED_IS_LOCKED_MESSAGE = "A booked invoice cannot be changed; unbook it first."
# PRAC (RT create-customer-invoice-credit-note.py): POST /customer-invoices/{n}/create-creditnote
# exists. Its result's shape is NONE: the simulator creates a new BOOKED invoice with its own
# number that credits the original in full (negative quantities and totals). Switch
# `credit_note_reference` ("field" default | "none"): "field" marks it with these two keys (names
# invented: no source found in LC, LR, kg-bot/rackbeat-app, RT); "none" leaves only the signs.
CREDIT_NOTE_FLAG_FIELD = "is_credit_note"
CREDIT_NOTE_ORIGINAL_FIELD = "credited_invoice_id"
# NONE: crediting a draft, or an invoice already credited, gives 422 with these texts.
CREDIT_DRAFT_MESSAGE = "Only booked invoices can be credited."
ALREADY_CREDITED_MESSAGE = "The invoice is already credited."
# PRAC (GY api/sync.js): POST /inventory-adjustments {item_id, adjustment_type: "quantity" (set to),
# quantity, location, regulated_at, reason} -> {"inventory_regulation": {id, ...}}, then
# POST /inventory-adjustments/{id}/book. A zero change is refused with this text (GY comment; 422
# assumed). "difference" (add to) is NONE. Stock is one number per product here (locations ignored).
ADJUSTMENT_TYPES = ("quantity", "difference")
ADJUSTMENT_NO_CHANGE_MESSAGE = "Adjustment can't be created, since no change is made."
# NONE: barred customers or products on a draft give 422.
BARRED_MESSAGE = "The selected {field} is barred."

# ----- webhooks ------------------------------------------------------------------------------------
# WEAK (DEV intro-to-webhooks: same event+url updates instead of duplicating; the status is not
# documented): an upsert answers 200 and carries no token.
WEBHOOK_UPSERT_STATUS = 200
# Confirmed event names: DEV webhook-events (delivery_terms.*, employee.*, payment_terms.*); GY
# product-webhook.js (product.created/updated, PRAC); GY order-transform.js (order.created, PRAC);
# KD InstallMissingPluginUninstallWebhooks.php (plugin.uninstalled, PRAC).
WEBHOOK_EVENTS_CONFIRMED = frozenset(
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
    }
)
# NONE: names no source shows, which the integration subscribes to (webhooks/rackbeat.py EVENTS).
# Switch `webhook_events` ("all" default accepts them | "confirmed" refuses them with 422).
WEBHOOK_EVENTS_UNCONFIRMED = frozenset(
    {
        "customer.created",
        "customer.updated",
        "supplier.created",
        "supplier.updated",
        "customer_invoice.booked",
    }
)
# PRAC (GY api/sync.js consumes it in production; the name only in its comments, WEAK): the stock
# event, fired when booked stock changes, with its own body {item, item_type, type: "stock"}
# instead of {key_name, key}. Accepted under both `webhook_events` values.
STOCK_EVENT = "inventory.changed"
WEBHOOK_EVENTS_CONFIRMED = WEBHOOK_EVENTS_CONFIRMED | {STOCK_EVENT}
WEBHOOK_EVENTS = WEBHOOK_EVENTS_CONFIRMED | WEBHOOK_EVENTS_UNCONFIRMED
# ----- bills of materials (lots), employees: issue 15 (specs/EVIDENCE-NEW-STREAMS.md) -------------
# OFF (DEV changelog 2026-04-27): lot.created exists, and product.deleted, which on a product
# converted to a BOM carries `converted_to_lot: true` (then lot.created with the same number).
# NONE: lot.updated and lot.deleted (the event table after lot.created is cut off in every
# excerpt): switch `lot_events` ("created_only" default: lot.updated is refused with 422 and never
# emitted | "created_updated"); lot.deleted is never accepted nor emitted.
# OFF (DEV) concept, name by analogy (WEAK): customer.deleted / supplier.deleted are NONE and
# accepted under `webhook_events` "all" like the other unconfirmed names.
CONVERTED_TO_LOT_FIELD = "converted_to_lot"
WEBHOOK_EVENTS_CONFIRMED = WEBHOOK_EVENTS_CONFIRMED | {"lot.created", "product.deleted"}
WEBHOOK_EVENTS_UNCONFIRMED = WEBHOOK_EVENTS_UNCONFIRMED | {"customer.deleted", "supplier.deleted"}
WEBHOOK_EVENTS = WEBHOOK_EVENTS_CONFIRMED | WEBHOOK_EVENTS_UNCONFIRMED
# NONE (no lot price field is shown after 2018; SW Lot 2018 has total_price, no sales_price):
# switch `lot_price_field` ("sales_price" default: answered beside total_price | "total_price":
# the 2018 shape, no sales_price). total_price is the sum of the components' sales prices.
# NONE (no source shows unit_id on a lot): switch `lot_unit` ("absent" default | "present": the
# unit of the BOM's first component).
# WEAK (DEV POST /lots/bulk/barred; the field name from products): a lot's barred flag is
# `is_barred`, false when created.
# PRAC (SW LotForm 2018): number, name and lines are required on create; the group as on products.
# NONE (SW EmployeeForm 2018 has no initials; LC declares it writable, WEAK): switch
# `employee_initials` ("accepted" default | "ignored": dropped | "derived": Rackbeat computes them
# from the name). NONE: a contact_email already in use is accepted (duplicates allowed).
# OFF (DEV intro-to-webhooks example writes "orders.created", most likely order.created).
WEBHOOK_EVENT_ALIASES = {"orders.created": "order.created"}
# NONE (DEV monitoring-security: retries with exponential backoff for about 24 h; the steps are
# invented): retry schedule after a failed delivery, then give up; is_active stays true.
WEBHOOK_RETRY_SCHEDULE: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(hours=24),
)
# OFF (DEV monitoring-security): connect timeout 3 s, response timeout 15 s.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = 3.0
WEBHOOK_RESPONSE_TIMEOUT_SECONDS = 15.0
# OFF (DEV webhook-events): delivery headers; GY confirms Rackbeat-Webhook-Event in practice. No
# public consumer is seen reading the token header (switch `webhook_token_header`).
WEBHOOK_USER_AGENT = "Rackbeat Webhook"
WEBHOOK_TOKEN_HEADER = "Rackbeat-Webhook-Token"
WEBHOOK_EVENT_HEADER = "Rackbeat-Webhook-Event"
WEBHOOK_ACCOUNT_HEADER = "Rackbeat-Account-Id"
# OFF (DEV intro-to-webhooks): the token is 32 characters, returned only by the creating POST.
WEBHOOK_TOKEN_LENGTH = 32
# OFF (DEV monitoring-security): suppress_webhooks (query or body) is per operation, so it
# silences every subscriber, not just the writer (the simulator has no per-subscriber state).
# WEAK (IT OnboardingController keys tenants by user_account.id; DEV names the header): the
# Rackbeat-Account-Id header equals user_account.id from GET /self; this when the seed has none.
DEFAULT_ACCOUNT_ID = 15355

# ----- issue 15 (specs/EVIDENCE-NEW-STREAMS.md; served by reports.py and purchasing.py) ------------
# PRAC call (SR get_grand_total) / WEAK key: GET /reports/valuation/total?date_to= answers the
# account's stock value under `total_value`, `value` or `total` (switch `valuation_total_key`;
# `absent`: 404, and the integration sums GET /reports/valuation's `lineables[].value`, PRAC SR).
# OFF (HD ht-00224) that average-cost corrections rewrite history; NONE whether `date_to` answers
# change after a backdated receipt (switch `valuation_drift`: `none` books it today, `backdated`
# at its own date).
# OFF (2018 spec only) / NONE since: customer-invoice payments `GET/POST …/payments {amount}`,
# `DELETE …/payments/{n}`, list key `customer_invoice_payments` (switch `invoice_payments`,
# default `absent`: 404 on every payments path, the safer assumption).
# WEAK (LF): a purchase order's delivery date is `preferred_delivery_date`; sales orders use
# `deliver_at` (LC); 2018 has only `delivery_time_in_days` (switch `po_delivery_field`).
# NONE: purchase orders and receipts fire no webhooks (none documented).
