"""What a Tripletex answer looks like: the whole DTO with defaults, references as ``{id, url}``.

Real answers carry every field of the DTO, unset ones as ``""``, ``null``, ``0``, ``false`` or
``[]`` (REAL: tripletex-samples customer/supplier/product/order POST answers), not only what was
stored. The defaults below are copied from those samples; values that depend on the record
(numbers, display names) are computed in :func:`computed`. Objects that point at another
resource render as ``{id, url}`` unless expanded with ``name(*)`` (OFF: spec "Fields"; REAL:
every captured GET of a customer/supplier shows addresses as references).
"""

from __future__ import annotations

from typing import Any

# A collection -> the spec schema of its DTO (also names the model in 400/11000 texts).
MODEL = {
    "customers": "Customer",
    "suppliers": "Supplier",
    "products": "Product",
    "productUnits": "ProductUnit",
    "vatTypes": "VatType",
    "currencies": "Currency",
    "paymentTypes": "PaymentType",
    "orders": "Order",
    "orderLines": "OrderLine",
    "invoices": "Invoice",
    "subscriptions": "Subscription",
    "countries": "Country",
    "invoiceSettings": "InvoiceSettings",
}

# Reference field name -> the API path its url points into (REAL urls in the samples).
REFERENCE_PATHS = {
    "customer": "/customer",
    "supplier": "/supplier",
    "product": "/product",
    "productUnit": "/product/unit",
    "vatType": "/ledger/vatType",
    "parentType": "/ledger/vatType",
    "currency": "/currency",
    "country": "/country",
    "order": "/order",
    "orders": "/order",
    "orderLines": "/order/orderline",
    "postalAddress": "/address",
    "physicalAddress": "/address",
    "deliveryAddress": "/address",
    "ledgerAccount": "/ledger/account",
    "debitAccount": "/ledger/account",
    "creditAccount": "/ledger/account",
    "account": "/ledger/account",
    "project": "/project",
    "department": "/department",
    "accountManager": "/employee",
    "preliminaryInvoice": "/invoice",
}

ADDRESS_FIELDS = ("postalAddress", "physicalAddress", "deliveryAddress")

_PARTY = {
    "organizationNumber": "",
    "isInactive": False,
    "email": "",
    "invoiceEmail": "",
    "overdueNoticeEmail": "",
    "phoneNumber": "",
    "phoneNumberMobile": "",
    "description": "",
    "isPrivateIndividual": False,
    "accountManager": None,
    "deliveryAddress": None,
    "category1": None,
    "category2": None,
    "category3": None,
    "bankAccountPresentation": [],
    "currency": {"id": 1},
    "ledgerAccount": None,
    "language": "NO",
    "website": "",
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "customers": {
        **_PARTY,
        "globalLocationNumber": 0,
        "supplierNumber": 0,
        "isSupplier": False,
        "isCustomer": True,
        "department": None,
        "singleCustomerInvoice": False,
        "emailAttachmentType": "ATTACHMENT",
        "invoicesDueIn": 14,
        "invoicesDueInType": "DAYS",
        "isFactoring": False,
        "invoiceSendSMSNotification": False,
        "invoiceSMSNotificationNumber": "",
        "isAutomaticSoftReminderEnabled": False,
        "isAutomaticReminderEnabled": False,
        "isAutomaticNoticeOfDebtCollectionEnabled": False,
        "discountPercentage": 0,
    },
    "suppliers": {
        **_PARTY,
        "customerNumber": 0,
        "isSupplier": True,
        "isCustomer": False,
        "showProducts": False,
        "isWholesaler": False,
        "locale": "no_NO",
    },
    "products": {
        "number": "",
        "description": "",
        "orderLineDescription": "",
        "costExcludingVatCurrency": 0,
        "costPrice": 0,
        "priceExcludingVatCurrency": 0,
        "priceIncludingVatCurrency": 0,
        "isInactive": False,
        "productUnit": None,
        "isStockItem": False,
        "incomingStock": 0,
        "outgoingStock": 0,
        "vatType": None,
        "currency": {"id": 1},
        "department": None,
        "account": None,
        "supplier": None,
        "resaleProduct": None,
        "isDeletable": False,
        "hasSupplierProductConnected": False,
        "image": None,
        "mainSupplierProduct": None,
        "isRoundPriceIncVat": False,
        "priceInTargetCurrency": 0,
        "purchasePriceCurrency": 0,
    },
    # accountingDimensionValues is in real answers but not in the vendored 2.72.00 spec, whose
    # strict response check would refuse it; it is left out.
    "orders": {
        "contact": None,
        "attn": None,
        "receiverEmail": "",
        "overdueNoticeEmail": "",
        "reference": "",
        "department": None,
        "project": None,
        "invoiceComment": "",
        "currency": {"id": 1},
        "invoicesDueIn": 14,
        "invoicesDueInType": "DAYS",
        "isShowOpenPostsOnInvoices": False,
        "isClosed": False,
        "deliveryAddress": None,
        "deliveryComment": "",
        "isPrioritizeAmountsIncludingVat": False,
        "orderLineSorting": "PRODUCT",
        "orderGroups": [],
        "orderLines": [],
        "isSubscription": False,
        "subscriptionDuration": 0,
        "subscriptionDurationType": "MONTHS",
        "subscriptionPeriodsOnInvoice": 0,
        "subscriptionPeriodsOnInvoiceType": "MONTHS",
        "subscriptionInvoicingTimeInAdvanceOrArrears": "ADVANCE",
        "subscriptionInvoicingTime": 0,
        "subscriptionInvoicingTimeType": "MONTHS",
        "isSubscriptionAutoInvoicing": False,
        "preliminaryInvoice": None,
        "attachment": [],
        "sendMethodDescription": "",
        "invoiceOnAccountVatHigh": False,
        "totalInvoicedOnAccountAmountAbsoluteCurrency": 0.0,
        "invoiceSendSMSNotification": False,
        "invoiceSMSNotificationNumber": "",
        "markUpOrderLines": 0,
        "discountPercentage": 0.0,
        "projectManagerNameAndNumber": "",
        "travelReports": [],
    },
    "vatTypes": {"name": "", "number": "", "percentage": 0, "deductionPercentage": 100.0, "parentType": None},
    "paymentTypes": {
        "description": "",
        "debitAccount": None,
        "creditAccount": None,
        "vatType": None,
        "sequence": 0,
        "customer": None,
        "supplier": None,
        "currencyId": 1,
        "currencyCode": "NOK",
    },
    "invoices": {
        "creditedInvoice": 0,
        "isCredited": False,
        "kid": "",
        "invoiceComment": "",
        "comment": "",
        "travelReports": [],
        "projectInvoiceDetails": [],
        "voucher": None,
        "amountRoundoff": 0,
        "amountRoundoffCurrency": 0,
        "sumRemits": 0,
        "currency": {"id": 1},
        "isCreditNote": False,
        "isCharged": True,
        "isApproved": True,
        "postings": [],
        "reminders": [],
        "invoiceRemarks": "",
        "invoiceRemark": None,
        "isPeriodizationPossible": True,
    },
}

ADDRESS_DEFAULTS: dict[str, Any] = {
    "version": 0,
    "addressLine1": "",
    "addressLine2": "",
    "postalCode": "",
    "city": "",
    "knr": 0,
    "gnr": 0,
    "bnr": 0,
    "fnr": 0,
    "snr": 0,
    "unitNumber": "",
}


def computed(collection: str, record: dict[str, Any]) -> dict[str, Any]:
    """Read-only fields Tripletex derives from the record (REAL formats from the samples)."""
    name = record.get("name") or ""
    if collection == "customers":
        return {"displayName": f"{name} ({record.get('customerNumber')})"}
    if collection == "suppliers":
        return {"displayName": f"{name} ({record.get('supplierNumber')})"}
    if collection == "products":
        number = record.get("number") or ""
        return {"displayNumber": number, "displayName": f"{number} {name}".strip()}
    if collection == "orders":
        return {"displayName": f"{record.get('number')} Ordre"}
    if collection == "vatTypes":
        # REAL: "11: (15%) Fradrag inngående avgift, middels sats".
        percentage = record.get("percentage", 0)
        shown = int(percentage) if float(percentage).is_integer() else percentage
        return {"displayName": f"{record.get('number')}: ({shown}%) {name}"}
    if collection == "paymentTypes":
        return {"displayName": record.get("description") or ""}
    return {}


def address_text(address: dict[str, Any], country_name: str) -> str:
    """``addressAsString``: "Sjøgata 128, 4611 Kristiansand, Norge" (REAL)."""
    place = " ".join(p for p in (address.get("postalCode"), address.get("city")) if p)
    parts = [p for p in (address.get("addressLine1"), address.get("addressLine2"), place) if p]
    return ", ".join([*parts, country_name]) if parts else ""


def illegal_field(
    selection: dict[str, Any], schema_name: str, schemas: dict[str, Any]
) -> tuple[str, str] | None:
    """The first name in a parsed ``fields`` selection that the DTO lacks, with the model it was
    looked up in, or None. Nested selections are checked against the referenced schema."""
    properties = schemas.get(schema_name, {}).get("properties", {})
    for name, sub in selection.items():
        if name == "*":
            continue
        if name not in properties:
            return name, schema_name
        if sub:
            target = _ref_of(properties[name])
            if target is not None:
                found = illegal_field(sub, target, schemas)
                if found is not None:
                    return found
    return None


def _ref_of(prop: dict[str, Any]) -> str | None:
    ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
