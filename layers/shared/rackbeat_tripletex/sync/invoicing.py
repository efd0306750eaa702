"""The company's invoicing setup as the Rackbeat -> Tripletex mappers need it, read once per run."""

from __future__ import annotations

import dataclasses
import logging

from rackbeat_tripletex.clients.http import AccessDenied, NotFound, ValidationFailed
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.sync.session import Session

logger = logging.getLogger(__name__)


def invoice_settings(session: Session) -> tx.InvoiceSettings | None:
    """``/invoice/settings``, read once per run; None when the token may not read it."""
    state = session.invoicing
    if not state.settings_read:
        try:
            state.settings = session.tripletex.get_invoice_settings()
        except (AccessDenied, NotFound, ValidationFailed) as error:
            logger.info(
                "invoice settings not readable; EHF and the bank account are not known in advance",
                extra={"tenant_id": session.tenant_id, "status": error.status},
            )
            state.settings = None
        state.settings_read = True
    return state.settings


def mapping_reference(session: Session) -> r2t.Reference:
    """The run's reference data with what the mappers need of the company's invoicing setup
    (EHF capability) and of the tenant's settings (VAT types chosen per VAT zone)."""
    state = session.invoicing
    if state.reference is None:
        state.reference = dataclasses.replace(
            session.reference(),
            invoice_settings=invoice_settings(session),
            zone_vat_types=dict(session.settings.vat_zone_types),
        )
    return state.reference
