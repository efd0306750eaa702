"""The Rackbeat simulator's behaviour switches: one per behaviour the evidence leaves open.

Each switch plays a variant of what real Rackbeat might do (grades and sources in
:mod:`local.simulators.rackbeat.assumptions`); the default is the variant the existing suite was
built against where the evidence allows it. Switches come from the seed's ``options`` or from
``POST /_sim/options``; both go through :meth:`Options.apply`, so an unknown name or value is
refused the same way in both places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from local.simulators.rackbeat import assumptions as A

# How a list treats one of the filters it is not shown to support (RACKBEAT-EVIDENCE (b)3, (b)5).
FILTER_HONOURED = "honoured"
FILTER_IGNORED = "ignored"
FILTER_REFUSED = "refused"
FILTER_MODES = (FILTER_HONOURED, FILTER_IGNORED, FILTER_REFUSED)
# The query parameters a ``list_filters`` mode governs; ``updated_at_from`` covers
# ``updated_at_to`` and ``order_by`` covers ``order_direction``, as each pair is one feature.
FILTER_PARAMS = ("updated_at_from", "order_by", "is_booked")

CHOICES: dict[str, tuple[str, ...]] = {
    "timestamp_format": ("space", "iso"),
    "invoice_line_vat": ("present", "absent"),
    "path_encoding": ("double", "single"),
    "webhook_events": ("all", "confirmed"),
    "credit_note_reference": ("field", "none"),
    # Issue 15 (specs/EVIDENCE-NEW-STREAMS.md): the valuation total's key (WEAK, SR reads all
    # three) or no total endpoint; whether a backdated movement rewrites a past value; whether
    # invoice payments exist (2018 spec only); a purchase order's delivery date field (WEAK).
    "valuation_total_key": ("total_value", "value", "total", "absent"),
    "valuation_drift": ("none", "backdated"),
    "invoice_payments": ("absent", "supported"),
    "po_delivery_field": ("preferred_delivery_date", "deliver_at", "none"),
    # Issue 15 (assumptions.py, "bills of materials (lots), employees").
    "lot_price_field": ("sales_price", "total_price"),
    "lot_unit": ("absent", "present"),
    "lot_events": ("created_only", "created_updated"),
    "employee_initials": ("accepted", "ignored", "derived"),
}


ISSUE_15_CHOICES = (
    "valuation_total_key",
    "valuation_drift",
    "invoice_payments",
    "po_delivery_field",
    "lot_price_field",
    "lot_unit",
    "lot_events",
    "employee_initials",
)


def _default_filters() -> dict[str, str]:
    return dict.fromkeys(FILTER_PARAMS, FILTER_HONOURED)


@dataclass
class Options:
    """The switches; the names are an interface other tests rely on (see ``local/seed/README.md``)."""

    list_filters: dict[str, str] = field(default_factory=_default_filters)
    timestamp_format: str = "space"
    invoice_line_vat: str = "present"
    path_encoding: str = "double"
    webhook_events: str = "all"
    webhook_token_header: bool = True
    credit_note_reference: str = "field"
    valuation_total_key: str = "total_value"
    valuation_drift: str = "none"
    invoice_payments: str = "absent"
    po_delivery_field: str = "preferred_delivery_date"
    lot_price_field: str = "sales_price"
    lot_unit: str = "absent"
    lot_events: str = "created_only"
    employee_initials: str = "accepted"
    extra_vat_zones: tuple[str, ...] = ()
    strict_updated_at_filter: bool = False
    documented_webhook_bodies: bool = False
    rate_limit_per_window: int = A.RATE_LIMIT_PER_WINDOW
    webhook_retry_schedule: tuple[dt.timedelta, ...] = A.WEBHOOK_RETRY_SCHEDULE

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Options:
        options = cls()
        options.apply(data)
        return options

    def filter_mode(self, param: str) -> str:
        return self.list_filters.get(param, FILTER_HONOURED)

    def apply(self, changes: dict[str, Any]) -> None:
        """Change the named switches; nothing changes when any name or value is refused."""
        staged = Options(**{f: getattr(self, f) for f in self.__dataclass_fields__})
        staged.list_filters = dict(self.list_filters)
        for name, value in changes.items():
            _set(staged, name, value)
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(staged, name))

    def to_json(self) -> dict[str, Any]:
        return {
            "list_filters": dict(self.list_filters),
            "timestamp_format": self.timestamp_format,
            "invoice_line_vat": self.invoice_line_vat,
            "path_encoding": self.path_encoding,
            "webhook_events": self.webhook_events,
            "webhook_token_header": self.webhook_token_header,
            "credit_note_reference": self.credit_note_reference,
            **{name: getattr(self, name) for name in ISSUE_15_CHOICES},
            "extra_vat_zones": list(self.extra_vat_zones),
            "strict_updated_at_filter": self.strict_updated_at_filter,
            "documented_webhook_bodies": self.documented_webhook_bodies,
            "rate_limit_per_window": self.rate_limit_per_window,
            "webhook_retry_schedule_seconds": [s.total_seconds() for s in self.webhook_retry_schedule],
        }


def _set(options: Options, name: str, value: Any) -> None:
    if name == "list_filters":
        options.list_filters = _filters(value)
    elif name in CHOICES:
        if value not in CHOICES[name]:
            raise ValueError(f"{name} must be one of {list(CHOICES[name])}, not {value!r}")
        setattr(options, name, value)
    elif name in ("webhook_token_header", "strict_updated_at_filter", "documented_webhook_bodies"):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, not {value!r}")
        setattr(options, name, value)
    elif name == "extra_vat_zones":
        if not isinstance(value, list | tuple) or not all(isinstance(z, str) and z for z in value):
            raise ValueError(f"extra_vat_zones must be a list of zone names, not {value!r}")
        options.extra_vat_zones = tuple(value)
    elif name == "rate_limit_per_window":
        options.rate_limit_per_window = int(value)
    elif name == "webhook_retry_schedule_seconds":
        options.webhook_retry_schedule = tuple(dt.timedelta(seconds=float(s)) for s in value)
    else:
        raise ValueError(f"unknown rackbeat simulator option {name!r}")


def _filters(value: Any) -> dict[str, str]:
    """One mode for every governed filter, or a mapping that changes some of them."""
    if isinstance(value, str):
        if value not in FILTER_MODES:
            raise ValueError(f"list_filters must be one of {list(FILTER_MODES)}, not {value!r}")
        return dict.fromkeys(FILTER_PARAMS, value)
    if not isinstance(value, dict):
        raise ValueError(f"list_filters must be a mode or a mapping of parameter to mode, not {value!r}")
    filters = _default_filters()
    for param, mode in value.items():
        if param not in FILTER_PARAMS:
            raise ValueError(f"list_filters: unknown parameter {param!r}; known: {list(FILTER_PARAMS)}")
        if mode not in FILTER_MODES:
            raise ValueError(f"list_filters[{param!r}] must be one of {list(FILTER_MODES)}, not {mode!r}")
        filters[param] = mode
    return filters
