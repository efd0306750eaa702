"""Checking a tenant's tokens: one Check per thing that must work, each failed one saying in
plain words what to do next. Inconclusive when a system could not be asked (nothing is
learnt about the tokens then)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    AuthError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
)
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.clients.tripletex import AREAS, Area, TripletexClient
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference
from rackbeat_tripletex.models.domain import (
    Check,
    CheckId,
    Credentials,
    TripletexEnvironment,
    ValidationReport,
)
from rackbeat_tripletex.models.rackbeat import UserAccount
from rackbeat_tripletex.models.tripletex import Company, InvoiceSettings
from rackbeat_tripletex.preflight import BANK_ACCOUNT_FIX, ehf_note, missing_vat_types

logger = logging.getLogger(__name__)

TEST_TOKEN_PREFIX = "test-"  # noqa: S105 - how Tripletex marks test tokens

_AREA_CHECKS: dict[Area, tuple[CheckId, str, str]] = {
    "customer": (CheckId.TRIPLETEX_ACCESS_CUSTOMER, "Tripletex access to customers", "customers"),
    "supplier": (CheckId.TRIPLETEX_ACCESS_SUPPLIER, "Tripletex access to suppliers", "suppliers"),
    "product": (CheckId.TRIPLETEX_ACCESS_PRODUCT, "Tripletex access to products", "products"),
    "invoice": (
        CheckId.TRIPLETEX_ACCESS_INVOICE,
        "Tripletex access to customer invoices",
        "customer invoices",
    ),
}

UNREACHABLE = (TransportError, ServerError, RateLimited)


def environment_of(tripletex_base_url: str) -> TripletexEnvironment:
    """Which Tripletex the service talks to; test tokens only work against the test environment."""
    host = httpx.URL(tripletex_base_url).host
    if host.endswith("tripletex.tech") or host.startswith("api-test"):
        return TripletexEnvironment.TEST
    return TripletexEnvironment.PRODUCTION


@dataclass
class TokenChecks:
    rackbeat: Callable[[Credentials], RackbeatClient]
    tripletex: Callable[[Credentials], TripletexClient]
    tripletex_base_url: str

    def validate(self, credentials: Credentials) -> ValidationReport:
        rackbeat_check, rackbeat_account = self._check_rackbeat(credentials)
        tripletex_checks, tripletex_company, environment = self._check_tripletex(credentials)
        return ValidationReport(
            checks=[rackbeat_check, *tripletex_checks],
            rackbeat_company=rackbeat_account.company_name if rackbeat_account else None,
            rackbeat_account_id=rackbeat_account.id if rackbeat_account else None,
            tripletex_company=tripletex_company.name if tripletex_company else None,
            tripletex_company_id=tripletex_company.id if tripletex_company else None,
            tripletex_environment=environment,
        )

    def _check_rackbeat(self, credentials: Credentials) -> tuple[Check, UserAccount | None]:
        label = "Rackbeat API token"
        with self.rackbeat(credentials) as client:
            try:
                account = client.self().user_account
                company = account.company_name
            except AuthError:
                return Check(
                    id=CheckId.RACKBEAT_TOKEN,
                    label=label,
                    ok=False,
                    detail="Rackbeat did not accept the API token.",
                    fix=(
                        "Create a new token in Rackbeat under Settings \u2192 API and paste all of it "
                        "(it is long; copy it in one go, without spaces or line breaks)."
                    ),
                ), None
            except ApiError as error:
                return _unreachable(CheckId.RACKBEAT_TOKEN, label, "Rackbeat", error), None
        return Check(
            id=CheckId.RACKBEAT_TOKEN, label=label, ok=True, detail=f"Rackbeat account \u201c{company}\u201d."
        ), account

    def _check_tripletex(
        self, credentials: Credentials
    ) -> tuple[list[Check], Company | None, TripletexEnvironment | None]:
        expected = environment_of(self.tripletex_base_url)
        environment_check = self._environment_check(credentials, expected)
        session_label = "Tripletex session"
        company_label = "Tripletex company"
        if not environment_check.ok:
            # Tripletex only says "invalid token" for an environment mix-up; our check above
            # names the real cause, so the other checks are not run against the wrong system.
            skipped = _skipped_tripletex_checks(
                "Not checked: the token is for the other Tripletex environment."
            )
            return [*skipped, environment_check], None, None

        with self.tripletex(credentials) as client:
            try:
                who = client.who_am_i()
            except (AuthError, ValidationFailed) as error:
                session = Check(
                    id=CheckId.TRIPLETEX_SESSION,
                    label=session_label,
                    ok=False,
                    detail="Tripletex did not accept the tokens.",
                    fix=_session_fix(error),
                )
                skipped = _skipped_tripletex_checks("Not checked: no Tripletex session.")[1:]
                return [session, *skipped, environment_check], None, None
            except ApiError as error:
                session = _unreachable(CheckId.TRIPLETEX_SESSION, session_label, "Tripletex", error)
                skipped = _skipped_tripletex_checks("Not checked: Tripletex could not be reached.")[1:]
                for check in skipped:
                    check.inconclusive = True
                return [session, *skipped, environment_check], None, None

            checks = [
                Check(id=CheckId.TRIPLETEX_SESSION, label=session_label, ok=True, detail="Session created.")
            ]
            company = who.company.name if who.company and who.company.name else None
            if company:
                checks.append(
                    Check(
                        id=CheckId.TRIPLETEX_COMPANY,
                        label=company_label,
                        ok=True,
                        detail=f"Tripletex company \u201c{company}\u201d.",
                    )
                )
            else:
                checks.append(
                    Check(
                        id=CheckId.TRIPLETEX_COMPANY,
                        label=company_label,
                        ok=False,
                        detail="Tripletex did not say which company the token belongs to.",
                        fix="Create the employee token while logged in to the company you want to connect.",
                    )
                )
            checks.extend(self._access_checks(client))
            checks.extend(self._company_checks(client, credentials))
        checks.append(environment_check)
        return checks, who.company if company else None, expected

    def _access_checks(self, client: TripletexClient) -> list[Check]:
        """Read and write, per area. An area that answers a read with an empty list is not taken
        as granted on that alone (Tripletex may filter results instead of refusing, B6): the
        write probe, refused with 403 without the entitlement, decides."""
        try:
            denied = set(client.probe_access())
            writable = client.probe_write_access()
        except ApiError as error:
            return [
                _unreachable(check_id, label, "Tripletex", error)
                for check_id, label, _ in _AREA_CHECKS.values()
            ]
        checks = []
        for area in AREAS:
            check_id, label, words = _AREA_CHECKS[area]
            grant = (
                "The Tripletex token has no access to {words}: edit the token in Tripletex \u2192 your "
                "name \u2192 My profile \u2192 API access, grant {what} {words}, and check again."
            )
            if area in denied:
                checks.append(
                    Check(
                        id=check_id,
                        label=label,
                        ok=False,
                        detail=f"The Tripletex token has no access to {words}.",
                        fix=grant.format(words=words, what="access to"),
                    )
                )
            elif writable.get(area) is False:
                checks.append(
                    Check(
                        id=check_id,
                        label=label,
                        ok=False,
                        detail=f"The Tripletex token can read {words} but not change them.",
                        fix=grant.format(words=words, what="read and write access to"),
                    )
                )
            elif writable.get(area) is None:
                checks.append(
                    Check(
                        id=check_id,
                        label=label,
                        ok=False,
                        inconclusive=True,
                        detail=f"Could not confirm that the Tripletex token may change {words}.",
                        fix="Check the token's API access in Tripletex, then check again.",
                    )
                )
            else:
                checks.append(Check(id=check_id, label=label, ok=True, detail=f"Can read and write {words}."))
        return checks

    def _company_checks(self, client: TripletexClient, credentials: Credentials) -> list[Check]:
        """What invoicing needs of the company: a bank account, the VAT types the product groups
        use, and whether it sends EHF. Advisory: shown with the fix, never a reason to refuse the
        tokens (the sync checks them again before the first invoice of each run)."""
        bank_label, vat_label, ehf_label = "Bank account for invoices", "VAT types", "EHF invoices"
        try:
            settings: InvoiceSettings | None = client.get_invoice_settings()
        except (AccessDenied, NotFound, ValidationFailed):
            settings = None
        except ApiError as error:
            return [
                _advisory(_unreachable(check_id, label, "Tripletex", error))
                for check_id, label in (
                    (CheckId.TRIPLETEX_BANK_ACCOUNT, bank_label),
                    (CheckId.TRIPLETEX_VAT_TYPES, vat_label),
                    (CheckId.TRIPLETEX_EHF, ehf_label),
                )
            ]
        checks = [self._bank_account_check(settings, bank_label)]
        checks.append(self._vat_types_check(client, credentials, vat_label))
        note = ehf_note(settings)
        checks.append(
            Check(
                id=CheckId.TRIPLETEX_EHF,
                label=ehf_label,
                ok=True,
                advisory=True,
                detail=note
                or (
                    "The Tripletex company can send EHF: customers with a valid organization number "
                    "and address get EHF invoices."
                    if settings is not None and settings.send_types is not None
                    else "Could not read the company's send types; EHF is used where the customer's "
                    "data allows it, as Tripletex does by default."
                ),
            )
        )
        return checks

    @staticmethod
    def _bank_account_check(settings: InvoiceSettings | None, label: str) -> Check:
        if settings is None or settings.bank_account_ready is None:
            return Check(
                id=CheckId.TRIPLETEX_BANK_ACCOUNT,
                label=label,
                ok=True,
                advisory=True,
                detail="Could not check the company's bank account; Tripletex will say so on the first "
                "invoice if it is missing, and the sync reports it once.",
            )
        if settings.bank_account_ready:
            return Check(
                id=CheckId.TRIPLETEX_BANK_ACCOUNT,
                label=label,
                ok=True,
                advisory=True,
                detail="The company has a bank account registered: Tripletex can issue invoices.",
            )
        return Check(
            id=CheckId.TRIPLETEX_BANK_ACCOUNT,
            label=label,
            ok=False,
            advisory=True,
            detail="The Tripletex company has no bank account registered, so Tripletex refuses "
            "every invoice.",
            fix=BANK_ACCOUNT_FIX,
        )

    def _vat_types_check(self, client: TripletexClient, credentials: Credentials, label: str) -> Check:
        try:
            with self.rackbeat(credentials) as rackbeat:
                groups = list(readable(rackbeat.product_groups()))
            reference = Reference.build(
                vat_types=client.list_vat_types(),
                product_units=(),
                currencies=(),
                countries={},
                product_groups=groups,
            )
        except ApiError as error:
            return _advisory(_unreachable(CheckId.TRIPLETEX_VAT_TYPES, label, "Rackbeat or Tripletex", error))
        missing = missing_vat_types(reference)
        if not missing:
            return Check(
                id=CheckId.TRIPLETEX_VAT_TYPES,
                label=label,
                ok=True,
                advisory=True,
                detail="Every VAT rate of the Rackbeat product groups has an active outgoing VAT type "
                "in Tripletex.",
            )
        return Check(
            id=CheckId.TRIPLETEX_VAT_TYPES,
            label=label,
            ok=False,
            advisory=True,
            detail="Tripletex has no active outgoing VAT type for " + "; ".join(missing) + ".",
            fix="Activate the VAT types in Tripletex (Settings > VAT settings), or correct the product "
            "groups' VAT rates in Rackbeat; invoices with such lines fail until then.",
        )

    @staticmethod
    def _environment_check(credentials: Credentials, expected: TripletexEnvironment) -> Check:
        label = "Tripletex environment"
        tokens = (
            credentials.tripletex_consumer_token.get_secret_value(),
            credentials.tripletex_employee_token.get_secret_value(),
        )
        test_tokens = [token.startswith(TEST_TOKEN_PREFIX) for token in tokens]
        if expected == TripletexEnvironment.PRODUCTION and any(test_tokens):
            return Check(
                id=CheckId.TRIPLETEX_ENVIRONMENT,
                label=label,
                ok=False,
                detail=(
                    "A token from Tripletex's test environment was entered "
                    "(it starts with \u201ctest-\u201d)."
                ),
                fix=(
                    "This service works with your real Tripletex company. Create the employee token "
                    "in tripletex.no (not in the test environment, api-test.tripletex.tech) and use the "
                    "production consumer token."
                ),
            )
        if expected == TripletexEnvironment.TEST and not all(test_tokens):
            return Check(
                id=CheckId.TRIPLETEX_ENVIRONMENT,
                label=label,
                ok=False,
                detail="A production token was entered, but this service uses Tripletex's test environment.",
                fix=(
                    "Create the tokens in Tripletex's test environment (api-test.tripletex.tech); "
                    "they start with \u201ctest-\u201d."
                ),
            )
        return Check(
            id=CheckId.TRIPLETEX_ENVIRONMENT,
            label=label,
            ok=True,
            detail=f"Tokens match Tripletex's {expected.value} environment.",
        )


def _session_fix(error: ApiError) -> str:
    fields = {vm.field for vm in error.validation_messages}
    if "arg:consumerToken" in fields:
        return (
            "The Tripletex consumer token was not accepted. Paste the consumer token you were given "
            "with the integration again, exactly as given."
        )
    if "arg:employeeToken" in fields:
        return (
            "The Tripletex employee token was not accepted. In Tripletex open your name \u2192 My profile "
            "\u2192 API access, create a new token for the application \u201cRackbeat WMS\u201d and paste it."
        )
    return (
        "Tripletex did not accept the tokens. Check that the \u201cAPI 2.0\u201d add-on is ordered under "
        "Company \u2192 My subscription, and create a new employee token under My profile \u2192 API access."
    )


def _unreachable(check_id: CheckId, label: str, system: str, error: ApiError) -> Check:
    if isinstance(error, AccessDenied):
        return Check(
            id=check_id,
            label=label,
            ok=False,
            detail=f"{system} refused the request.",
            fix=f"The token has no access to this part of {system}; grant it and check again.",
        )
    logger.warning("%s unreachable during validation: %s", system, error)
    return Check(
        id=check_id,
        label=label,
        ok=False,
        detail=f"{system} could not be reached or answered with an error.",
        fix=f"{system} seems to have a problem right now. Wait a few minutes and check again.",
        inconclusive=isinstance(error, UNREACHABLE),
    )


def _advisory(check: Check) -> Check:
    return check.model_copy(update={"advisory": True, "inconclusive": False})


def _skipped_tripletex_checks(reason: str) -> list[Check]:
    skipped = [
        Check(
            id=CheckId.TRIPLETEX_SESSION,
            label="Tripletex session",
            ok=False,
            detail=reason,
            fix="Fix the check that failed first.",
        ),
        Check(id=CheckId.TRIPLETEX_COMPANY, label="Tripletex company", ok=False, detail=reason),
    ]
    for check_id, label, _ in _AREA_CHECKS.values():
        skipped.append(Check(id=check_id, label=label, ok=False, detail=reason))
    return skipped
