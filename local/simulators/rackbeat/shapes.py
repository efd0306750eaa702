"""The keys each Rackbeat record carries on the way out, beyond what the simulator computes.

Real Rackbeat answers every field of a record, null when empty (the evidence samples in
``/work/shared/specs/evidence/rackbeat-samples/`` show records in full). The simulator stores
only what was written, so rendering fills in the rest from here. ``SIMULATOR_ONLY`` lists the
keys the simulator emits although no source shows them (the reconstruction's assumptions the
integration still reads); the contract tests allow exactly these on top of a sample's keys.
"""

from __future__ import annotations

from typing import Any

# SW Customer.md (2018) + LC Customer (general_discount_percentage) + RT (is_barred); sample 01.
_CONTACT: dict[str, Any] = {
    "company_vat": None,
    "address_street": None,
    "address_street2": None,
    "address_city": None,
    "address_zipcode": None,
    "address_country": None,
    "contact_email": None,
    "contact_phone": None,
    "locale": None,
    "payment_terms_id": None,
    "is_barred": False,
    "is_deleted": False,
}
CUSTOMER: dict[str, Any] = {
    **_CONTACT,
    "ean": None,
    "our_reference": None,
    "their_reference": None,
    "attention": None,
    "max_credit": 0,
    "employee_id": None,
}
# LR Models/Supplier.php fillable; SW Supplier.md.
SUPPLIER: dict[str, Any] = dict(_CONTACT)

# MK RackbeatProduct.cs (live /products model); sample 02.
PRODUCT: dict[str, Any] = {
    "barcode": None,
    "description": None,
    "recommended_sales_price": None,
    "recommended_cost_price": None,
    "cost_addition_percentage": 0,
    "min_order": 0,
    "min_sales": 0,
    "min_stock": 0,
    "used_in_production_quantity": 0,
    "default_supplier_id": None,
    "default_location": None,
    "picture_url": None,
    "pictures": {"thumb": None, "display": None, "large": None, "original": None},
    "is_barred": False,
    "is_convertable": True,
    "should_assure_quality": False,
    "physical": {
        "weight": None,
        "weight_unit": "kg",
        "height": None,
        "width": None,
        "depth": None,
        "size_unit": "cm",
    },
    "serial_numbers": {"is_active": False, "index": None},
    "batch_control": {"is_active": False},
    "deleted_at": None,
    "pdf_url": None,
    "department_id": None,
    "goods_code": None,
    "country_code": None,
}

# SW CustomerInvoice.md (2018; `is_party_paid` sic) + LC (booked_at); sample 03.
CUSTOMER_INVOICE: dict[str, Any] = {
    "order": None,
    "is_party_paid": False,
    "is_overpaid": False,
    "heading": None,
    "note": None,
}
# SW CustomerInvoiceLine.md (2018); sample 03.
INVOICE_LINE: dict[str, Any] = {
    "location_id": None,
    "variations": None,
    "variations_formatted": None,
    "product_variation": None,
}

# LC PaymentTerm.php; sample 11.
PAYMENT_TERM: dict[str, Any] = {"description": None}

# LC Employee.php; sample 13.
EMPLOYEE: dict[str, Any] = {
    "initials": None,
    "contact_phone": None,
    "contact_email": None,
    "locale": None,
    "job_title": None,
    "should_notify": False,
    "default_location_id": None,
}

# LC Location.php; sample 02's default_location.
LOCATION: dict[str, Any] = {
    "barcode": None,
    "is_default": False,
    "parent_id": None,
    "children_count": 0,
    "toplevel_parent_id": None,
    "nesting_level": 0,
    "nest_list": [],
}
# sample 13: an employee's default_location is embedded with these keys only.
EMBEDDED_LOCATION_FIELDS = ("number", "name", "parent_id")

# Emitted although no source shows them (NONE/WEAK in assumptions.py; the integration reads some).
SIMULATOR_ONLY: dict[str, frozenset[str]] = {
    "customer": frozenset(
        {
            "is_barred",  # RT reads it live (bulk-delete-barred-customers.py); sample 01 omits it
            "vat_zone",  # KU writes it; returned on reads: assumed
            "currency",
            "customer_group_id",
            "customer_group",
            "payment_terms",  # SW shows payment_terms{} on customers: kept
            "general_discount_percentage",
            "layout_id",
        }
    ),
    "product": frozenset({"unit_id", "default_location_id", "is_draft", "supplier_product_number"}),
    "customer_invoice": frozenset(
        {
            "total_vat",
            "invoice_date",
            "vat_zone",
            "payment_terms_id",
            "layout_id",
            "address_name",
            "is_credit_note",  # only with credit_note_reference="field"
            "credited_invoice_id",
        }
    ),
    "invoice_line": frozenset({"unit_id", "vat_percentage", "discount_percentage", "total"}),
    "product_group": frozenset(
        {"vat_domestic", "vat_domestic_exempt", "vat_eu", "vat_abroad", "is_sellable", "should_spread_cost"}
    ),
}
