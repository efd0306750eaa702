"""What a reader gets, rendered: every email, every API error and validation answer, every check,
failure, gap and history label, in Norwegian with no English sentence of the catalogue in it,
and in English with no Norwegian one."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    AuthError,
    RateLimited,
    ServerError,
    TransportError,
)
from rackbeat_tripletex.i18n import CATALOGUE, Language, text, use_language
from rackbeat_tripletex.i18n.records import failure_words
from rackbeat_tripletex.models.domain import Check, CheckId, Tenant
from rackbeat_tripletex.models.sync import FailureReason, RecordFailure, RunOutcome, StreamName, SyncRun
from rackbeat_tripletex.notify.email import failure_digest_text, reconciliation_text, relink_needed_text
from rackbeat_tripletex.notify.limits import EmailLimitReached
from rackbeat_tripletex.notify.messages import EmailKind, render
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.api.errors import onboarding_error, too_many_emails, vendor_error
from rackbeat_tripletex.onboarding.failures import (
    CONFIRM_EMAIL_FIRST,
    NEEDS_TOKENS,
    OTHER_ACCOUNT,
    ConcurrentChangeError,
    LinkInvalidError,
    OtherAccountError,
    Say,
    StepOrderError,
    StepUpRequired,
    TenantNotFoundError,
)
from rackbeat_tripletex.onboarding.identity import StepUpAction
from rackbeat_tripletex.onboarding.problems import describe_validation_errors
from rackbeat_tripletex.onboarding.reconciling import ResendRequest
from rackbeat_tripletex.onboarding.schemas import CredentialsRequest, NewTenant, SettingsUpdate
from rackbeat_tripletex.onboarding.syncing import RetryRequest, _run_view
from rackbeat_tripletex.store.reconciliation import Gap
from rackbeat_tripletex.sync.reconciliation import gap_fix, gap_summary

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
# Sample values with no word of either language in them.
VALUES: dict[str, object] = {
    "contact_name": "Kari",
    "company_name": "Fjord Lager AS",
    "link": "https://integration.example/#settings?tenant=t1",
    "valid_minutes": 10,
    "new_address": "ny@fjordlager.no",
    "old_address": "gammel@fjordlager.no",
    "reasons": "",
    "records": "",
    "gaps": "",
    "more": "",
    "tokens": "",
    "count": 3,
    "day": "30.11.2026",
}
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _fragments(language: Language) -> dict[str, str]:
    """Every run of three words or more between the placeholders and the punctuation of the
    catalogue's texts in `language`, by fragment -> key. None is shared by the two languages
    today; a name spelt alike in both would be listed here as an exception, never skipped."""
    found: dict[str, str] = {}
    for key, message in CATALOGUE.items():
        for piece in _PLACEHOLDER.split(message.get(language)):
            for sentence in re.split(r"[.:;!?\n()\u00ab\u00bb\u201c\u201d\"]", piece):
                words = sentence.strip(string.whitespace + string.punctuation + "\u2192")
                if len(words.split()) >= 3:
                    found[words] = key
    return found


def _tenant(language: Language) -> Tenant:
    return Tenant(
        tenant_id="t1",
        company_name="Fjord Lager AS",
        contact_name="Kari",
        contact_email="kari@fjordlager.no",
        created_at=NOW,
        updated_at=NOW,
        management_token_hash="h",
        language=language,
    )


def _emails(language: Language) -> list[str]:
    tenant = _tenant(language)
    with use_language(language):
        checks = [
            Check(
                id=check_id,
                label=text(f"check.label.{check_id.value}"),
                ok=False,
                detail=text("check.session.employee_refused"),
                fix=text("check.session.employee_fix"),
                field="tripletex_employee_token",
            )
            for check_id in CheckId
        ]
    failures = [
        RecordFailure(
            source=StreamName.INVOICES_TO_TRIPLETEX,
            entity="invoice",
            key=str(1000 + n),
            reason=reason.value,
            message="",
            suggested_fix="",
        )
        for n, reason in enumerate(FailureReason)
    ]
    rendered = [" ".join(render(kind, language, **VALUES)) for kind in EmailKind]
    rendered.append(" ".join(relink_needed_text(tenant, checks)))
    rendered.append(" ".join(failure_digest_text(tenant, failures)))
    rendered.append(
        " ".join(reconciliation_text(tenant, "30.11.2026", [_Said(g, language) for g in _gaps()]))
    )
    return rendered


class _Said:
    def __init__(self, gap: Gap, language: Language) -> None:
        self.summary = gap_summary(gap, language)


def _gaps() -> list[Gap]:
    params: dict[str, dict[str, str]] = {
        "invoice_missing": {},
        "invoice_duplicate": {"count": "2"},
        "invoice_total": {"rackbeat": "125.00", "tripletex": "100.00"},
        "invoice_vat": {"rate": "25", "rackbeat": "25.00", "tripletex": "0.00"},
        "customer_fields": {"fields": "name"},
        "product_fields": {"fields": "name,number,price"},
    }
    return [
        Gap(
            gap_id=f"2026-11-30-{n}",
            day=dt.date(2026, 11, 30),
            entity="product"
            if kind.startswith("product")
            else "customer"
            if kind.startswith("customer")
            else "invoice",
            key="1001",
            kind=kind,  # type: ignore[arg-type]
            params=values,
            found_at=NOW,
        )
        for n, (kind, values) in enumerate(params.items())
    ]


def _body(response: Any) -> str:
    body = response.body
    shown = body.model_dump() if isinstance(body, BaseModel) else body
    return json.dumps(shown, ensure_ascii=False)


def _invalid(model: type[BaseModel], body: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return [dict(e) for e in caught.value.errors()]


def _api_answers(language: Language) -> list[str]:
    errors: list[Exception] = [
        RateLimited("429", api="Tripletex", retry_after=3),
        ServerError("500", api="Rackbeat"),
        TransportError("timeout", api="Tripletex"),
        AuthError("401", api="Rackbeat"),
        AuthError("401", api="Tripletex"),
        AccessDenied("403", api="Tripletex"),
        ApiError("", api="Rackbeat"),
    ]
    onboarding = [
        TenantNotFoundError(),
        LinkInvalidError(),
        OtherAccountError(OTHER_ACCOUNT),
        StepOrderError(CONFIRM_EMAIL_FIRST.format(address="kari@fjordlager.no")),
        StepOrderError(NEEDS_TOKENS),
        StepOrderError(Say("error.needs_settings")),
        ConcurrentChangeError(Say("error.confirmation_used")),
        ConcurrentChangeError(Say("error.changed_meanwhile")),
        *(StepUpRequired(action, "kari@fjordlager.no") for action in StepUpAction),
    ]
    invalid = [
        _invalid(NewTenant, {"company_name": "", "contact_email": "kari", "extra": 1, "language": "xx"}),
        _invalid(
            CredentialsRequest,
            {
                "rackbeat_api_token": "kort",
                "tripletex_consumer_token": "med mellomrom",
                "reconnect": "kanskje",
            },
        ),
        _invalid(RetryRequest, {"all": True, "keys": [{"source": "initial_sync"}]}),
        _invalid(ResendRequest, {"gap_ids": ["a"], "date_from": "2026-11-01"}),
        _invalid(ResendRequest, {"date_from": "2026-11-30", "date_to": "2026-11-01"}),
        _invalid(SettingsUpdate, {"streams": [], "notification_email": 5}),
        [{"type": "json_invalid", "loc": ("body",)}, {"type": "some_future_type", "loc": ("body", "x")}],
    ]
    with use_language(language):
        answers = [_body(vendor_error(e)) for e in errors if isinstance(e, ApiError)]
        answers += [_body(onboarding_error(e)) for e in onboarding]
        answers.append(_body(too_many_emails(EmailLimitReached(dt.timedelta(minutes=2)))))
        answers += [json.dumps(describe_validation_errors(e), ensure_ascii=False) for e in invalid]
    header = {"headers": {"Accept-Language": language.value}}
    answers += [gate.too_large(header)["body"], gate.not_text(header)["body"]]
    return answers


def _everything_else(language: Language) -> list[str]:
    keys = [k for k in CATALOGUE if k.startswith(("check.", "history.", "stream.", "identity."))]
    params = {
        "company": "Fjord Lager AS",
        "area": "",
        "system": "Tripletex",
        "rates": "25 %",
        "label": "",
        "causes": "",
        "address": "kari@fjordlager.no",
        "minutes": 10,
    }
    rendered = [text(key, language, **params) for key in keys]
    rendered += [
        " ".join(vars(failure_words(reason.value, "invoice", "", "", language)).values())
        for reason in FailureReason
    ]
    rendered += [gap_summary(g, language) + " " + gap_fix(g, language) for g in _gaps()]
    with use_language(language):
        for outcome in RunOutcome:
            run = SyncRun(
                tenant_id="t1",
                run_id="r",
                stream=StreamName.CUSTOMERS_TO_RACKBEAT,
                trigger="reconcile",
                started_at=NOW,
                outcome=outcome,
            )
            view = _run_view(run)
            rendered.append(f"{view.label} {view.trigger_label} {view.outcome_label}")
    return rendered


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("what", [_emails, _api_answers, _everything_else], ids=["emails", "api", "labels"])
def test_nothing_of_the_other_language_reaches_the_reader(what: Any, language: Language) -> None:
    other = Language.EN if language is Language.NB else Language.NB
    foreign = _fragments(other)
    assert len(foreign) > 200, "the fragments cover the catalogue"
    leaks = {
        fragment: key for page in what(language) for fragment, key in foreign.items() if fragment in page
    }
    assert leaks == {}


def test_a_norwegian_reader_gets_norwegian_and_an_english_reader_english() -> None:
    # The other test could pass on empty pages: these pin that the pages say something.
    norwegian = " ".join(_api_answers(Language.NB))
    assert "Tripletex har mye å gjøre" in norwegian
    assert "company_name: må ha minst 1 tegn" in norwegian
    assert "contact_email: er ikke en e-postadresse" in norwegian
    assert "x: har en verdi som ikke kan brukes" in norwegian
    english = " ".join(_api_answers(Language.EN))
    assert "Tripletex is busy" in english
    assert "company_name: must have at least 1 characters" in english
    assert any("Hei Kari" in mail for mail in _emails(Language.NB))
    assert any("Faktura 1001 finnes 2 ganger i Tripletex." in mail for mail in _emails(Language.NB))
