"""Checking a tenant's tokens: one Check per thing that must work, each failed one saying in
plain words what to do next, in the current language (``i18n``), and naming the input its fix is
about. Inconclusive when a system could not be asked (nothing is learnt about the tokens then).
A check not run because an earlier one failed says so and has no fix: the earlier one is the
cause, and the user is told that one thing."""

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
from rackbeat_tripletex.i18n import text
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
from rackbeat_tripletex.notify.email import CONSUMER_TOKEN_FIELD, EMPLOYEE_TOKEN_FIELD, RACKBEAT_TOKEN_FIELD
from rackbeat_tripletex.preflight import ehf_note, missing_vat_types

logger = logging.getLogger(__name__)

TEST_TOKEN_PREFIX = "test-"  # noqa: S105 - how Tripletex marks test tokens

_AREA_CHECKS: dict[Area, CheckId] = {
    "customer": CheckId.TRIPLETEX_ACCESS_CUSTOMER,
    "supplier": CheckId.TRIPLETEX_ACCESS_SUPPLIER,
    "product": CheckId.TRIPLETEX_ACCESS_PRODUCT,
    "invoice": CheckId.TRIPLETEX_ACCESS_INVOICE,
}
_SKIPPED_AFTER_SESSION = (CheckId.TRIPLETEX_COMPANY, *_AREA_CHECKS.values())

UNREACHABLE = (TransportError, ServerError, RateLimited)


def _check(
    check_id: CheckId,
    ok: bool,
    detail: str,
    fix: str | None = None,
    *,
    field: str | None = None,
    advisory: bool = False,
    inconclusive: bool = False,
) -> Check:
    """One check, labelled from the catalogue by its id."""
    return Check(
        id=check_id,
        label=text(f"check.label.{check_id.value}"),
        ok=ok,
        detail=detail,
        fix=fix,
        field=field,
        advisory=advisory,
        inconclusive=inconclusive,
    )


def environment_of(tripletex_base_url: str) -> TripletexEnvironment:
    """Which Tripletex the service talks to; test tokens only work against the test environment."""
    host = httpx.URL(tripletex_base_url).host
    if host.endswith("tripletex.tech") or host.startswith("api-test"):
        return TripletexEnvironment.TEST
    return TripletexEnvironment.PRODUCTION


def failure_summary(checks: list[Check]) -> str:
    """One sentence per cause, the first failed first; checks skipped because of it (no fix) and
    advisory findings are not causes."""
    causes = [c for c in checks if not c.ok and not c.advisory and c.fix]
    return text("check.outcome.failed", causes=" ".join(c.detail for c in causes))


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
        check_id = CheckId.RACKBEAT_TOKEN
        with self.rackbeat(credentials) as client:
            try:
                account = client.self().user_account
            except AuthError:
                refused = _check(
                    check_id,
                    False,
                    text("check.rackbeat.refused"),
                    text("check.rackbeat.refused_fix"),
                    field=RACKBEAT_TOKEN_FIELD,
                )
                return refused, None
            except ApiError as error:
                return _unreachable(check_id, "Rackbeat", error, field=RACKBEAT_TOKEN_FIELD), None
        return _check(check_id, True, text("check.rackbeat.ok", company=account.company_name)), account

    def _check_tripletex(
        self, credentials: Credentials
    ) -> tuple[list[Check], Company | None, TripletexEnvironment | None]:
        expected = environment_of(self.tripletex_base_url)
        environment_check = self._environment_check(credentials, expected)
        if not environment_check.ok:
            # Tripletex only says "invalid token" for an environment mix-up; our check names the
            # real cause, so the other checks are not run against the wrong system.
            reason = text("check.skipped.environment")
            skipped = [_skipped(CheckId.TRIPLETEX_SESSION, reason), *_skipped_after_session(reason)]
            return [environment_check, *skipped], None, None

        with self.tripletex(credentials) as client:
            try:
                who = client.who_am_i()
            except (AuthError, ValidationFailed) as error:
                session = self._refused_session(credentials, error)
                skipped = _skipped_after_session(text("check.skipped.no_session"))
                return [session, *skipped, environment_check], None, None
            except ApiError as error:
                session = _unreachable(CheckId.TRIPLETEX_SESSION, "Tripletex", error)
                skipped = _skipped_after_session(text("check.skipped.unreachable"), inconclusive=True)
                return [session, *skipped, environment_check], None, None

            checks = [_check(CheckId.TRIPLETEX_SESSION, True, text("check.session.ok"))]
            company = who.company.name if who.company and who.company.name else None
            if company:
                checks.append(
                    _check(CheckId.TRIPLETEX_COMPANY, True, text("check.company.ok", company=company))
                )
            else:
                checks.append(
                    _check(
                        CheckId.TRIPLETEX_COMPANY,
                        False,
                        text("check.company.unknown"),
                        text("check.company.unknown_fix"),
                        field=EMPLOYEE_TOKEN_FIELD,
                    )
                )
            checks.extend(self._access_checks(client))
            checks.extend(self._company_checks(client, credentials))
        checks.append(environment_check)
        return checks, who.company if company else None, expected

    def _refused_session(self, credentials: Credentials, error: ApiError) -> Check:
        """Which token Tripletex refused, and whether the two were only put in each other's field
        (then a session with them swapped works, and that is the one thing to say)."""
        fields = {vm.field for vm in error.validation_messages}
        check_id = CheckId.TRIPLETEX_SESSION
        if "arg:consumerToken" in fields:
            if self._swapped_works(credentials):
                return _check(
                    check_id,
                    False,
                    text("check.session.swapped"),
                    text("check.session.swapped_fix"),
                    field=CONSUMER_TOKEN_FIELD,
                )
            return _check(
                check_id,
                False,
                text("check.session.consumer_refused"),
                text("check.session.consumer_fix"),
                field=CONSUMER_TOKEN_FIELD,
            )
        if "arg:employeeToken" in fields:
            return _check(
                check_id,
                False,
                text("check.session.employee_refused"),
                text("check.session.employee_fix"),
                field=EMPLOYEE_TOKEN_FIELD,
            )
        return _check(
            check_id,
            False,
            text("check.session.refused"),
            text("check.session.refused_fix"),
            field=EMPLOYEE_TOKEN_FIELD,
        )

    def _swapped_works(self, credentials: Credentials) -> bool:
        swapped = credentials.model_copy(
            update={
                "tripletex_consumer_token": credentials.tripletex_employee_token,
                "tripletex_employee_token": credentials.tripletex_consumer_token,
            }
        )
        with self.tripletex(swapped) as client:
            try:
                client.who_am_i()
            except ApiError:
                return False
        return True

    def _access_checks(self, client: TripletexClient) -> list[Check]:
        """Read and write, per area. An area that answers a read with an empty list is not taken
        as granted on that alone (Tripletex may filter results instead of refusing, B6): the
        write probe, refused with 403 without the entitlement, decides."""
        try:
            denied = set(client.probe_access())
            writable = client.probe_write_access()
        except ApiError as error:
            return [
                _unreachable(check_id, "Tripletex", error, field=EMPLOYEE_TOKEN_FIELD)
                for check_id in _AREA_CHECKS.values()
            ]
        checks = []
        for area in AREAS:
            check_id = _AREA_CHECKS[area]
            words = text(f"check.area.{area}")
            if area in denied:
                finding, ok, inconclusive = "denied", False, False
            elif writable.get(area) is False:
                finding, ok, inconclusive = "read_only", False, False
            elif writable.get(area) is None:
                finding, ok, inconclusive = "unconfirmed", False, True
            else:
                checks.append(_check(check_id, True, text("check.access.ok", area=words)))
                continue
            checks.append(
                _check(
                    check_id,
                    ok,
                    text(f"check.access.{finding}", area=words),
                    text(f"check.access.{finding}_fix", area=words),
                    field=EMPLOYEE_TOKEN_FIELD,
                    inconclusive=inconclusive,
                )
            )
        return checks

    def _company_checks(self, client: TripletexClient, credentials: Credentials) -> list[Check]:
        """What invoicing needs of the company: a bank account, the VAT types the product groups
        use, and whether it sends EHF. Advisory: shown with the fix, never a reason to refuse the
        tokens (the sync checks them again before the first invoice of each run)."""
        try:
            settings: InvoiceSettings | None = client.get_invoice_settings()
        except (AccessDenied, NotFound, ValidationFailed):
            settings = None
        except ApiError as error:
            return [
                _advisory(_unreachable(check_id, "Tripletex", error))
                for check_id in (
                    CheckId.TRIPLETEX_BANK_ACCOUNT,
                    CheckId.TRIPLETEX_VAT_TYPES,
                    CheckId.TRIPLETEX_EHF,
                )
            ]
        checks = [self._bank_account_check(settings)]
        checks.append(self._vat_types_check(client, credentials))
        if ehf_note(settings) is not None:
            ehf = "check.ehf.cannot"
        elif settings is not None and settings.send_types is not None:
            ehf = "check.ehf.ok"
        else:
            ehf = "check.ehf.unknown"
        checks.append(_check(CheckId.TRIPLETEX_EHF, True, text(ehf), advisory=True))
        return checks

    @staticmethod
    def _bank_account_check(settings: InvoiceSettings | None) -> Check:
        check_id = CheckId.TRIPLETEX_BANK_ACCOUNT
        if settings is None or settings.bank_account_ready is None:
            return _check(check_id, True, text("check.bank.unknown"), advisory=True)
        if settings.bank_account_ready:
            return _check(check_id, True, text("check.bank.ok"), advisory=True)
        return _check(
            check_id, False, text("check.bank.missing"), text("check.bank.missing_fix"), advisory=True
        )

    def _vat_types_check(self, client: TripletexClient, credentials: Credentials) -> Check:
        check_id = CheckId.TRIPLETEX_VAT_TYPES
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
            return _advisory(_unreachable(check_id, text("check.system.either"), error))
        missing = missing_vat_types(reference)
        if not missing:
            return _check(check_id, True, text("check.vat.ok"), advisory=True)
        return _check(
            check_id,
            False,
            text("check.vat.missing", rates="; ".join(missing)),
            text("check.vat.missing_fix"),
            advisory=True,
        )

    @staticmethod
    def _environment_check(credentials: Credentials, expected: TripletexEnvironment) -> Check:
        check_id = CheckId.TRIPLETEX_ENVIRONMENT
        consumer = credentials.tripletex_consumer_token.get_secret_value().startswith(TEST_TOKEN_PREFIX)
        employee = credentials.tripletex_employee_token.get_secret_value().startswith(TEST_TOKEN_PREFIX)
        if expected == TripletexEnvironment.PRODUCTION and (consumer or employee):
            finding = "test_token"
            field = EMPLOYEE_TOKEN_FIELD if employee else CONSUMER_TOKEN_FIELD
        elif expected == TripletexEnvironment.TEST and not (consumer and employee):
            finding = "production_token"
            field = CONSUMER_TOKEN_FIELD if not consumer else EMPLOYEE_TOKEN_FIELD
        else:
            return _check(check_id, True, text(f"check.environment.ok_{expected.value}"))
        return _check(
            check_id,
            False,
            text(f"check.environment.{finding}"),
            text(f"check.environment.{finding}_fix"),
            field=field,
        )


def _unreachable(check_id: CheckId, system: str, error: ApiError, *, field: str | None = None) -> Check:
    if isinstance(error, AccessDenied):
        return _check(
            check_id,
            False,
            text("check.unreachable.refused", system=system),
            text("check.unreachable.refused_fix", system=system),
            field=field,
        )
    logger.warning("%s unreachable during validation: %s", system, error)
    return _check(
        check_id,
        False,
        text("check.unreachable.down", system=system),
        text("check.unreachable.down_fix", system=system),
        inconclusive=isinstance(error, UNREACHABLE),
    )


def _advisory(check: Check) -> Check:
    return check.model_copy(update={"advisory": True, "inconclusive": False})


def _skipped(check_id: CheckId, reason: str, *, inconclusive: bool = False) -> Check:
    return _check(check_id, False, reason, inconclusive=inconclusive)


def _skipped_after_session(reason: str, *, inconclusive: bool = False) -> list[Check]:
    return [_skipped(check_id, reason, inconclusive=inconclusive) for check_id in _SKIPPED_AFTER_SESSION]
