"""Helpers for the onboarding end-to-end tests: seeds, the leak recorder, and a Stack that drives
the onboarding API over real HTTP."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import boto3
import httpx
import pytest

from local.outbox import emailed_link, sent_emails
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.tripletex import TripletexSimulator
from local.stack import LocalStack
from rackbeat_tripletex.i18n import text

# The suites read English answers: their tenants are created with language en.
VERIFICATION_SUBJECT = text("email.verify_email.subject", "en")

RACKBEAT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.rackbeat-e2e-token.c2lnbmF0dXJl"
CONSUMER_TOKEN = "consumer-e2e-3f9a1c7d2b8e4a6f"
EMPLOYEE_TOKEN = "employee-e2e-8c2d4e6f1a3b5c7d"
RACKBEAT_COMPANY = "Fjord Lager AS"
TRIPLETEX_COMPANY = "Fjord Lager AS (Tripletex)"


def rackbeat_seed(*, with_groups: bool) -> dict[str, Any]:
    seed: dict[str, Any] = {
        "api_token": RACKBEAT_TOKEN,
        "self": {"user_account": {"id": 7, "company_name": RACKBEAT_COMPANY}},
        "currencies": ["NOK"],
        "payment_terms": [{"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"}],
    }
    if with_groups:
        seed["customer_groups"] = [{"number": 1, "name": "Kunder"}]
        seed["supplier_groups"] = [{"number": 1, "name": "Leverandører"}]
        seed["product_groups"] = [
            {"number": 1, "name": "Varer", "has_inventory": True},
            {"number": 2, "name": "Tjenester", "has_inventory": False},
        ]
    return seed


def tripletex_seed() -> dict[str, Any]:
    return {
        "consumer_token": CONSUMER_TOKEN,
        "employee_token": EMPLOYEE_TOKEN,
        "grants": ["customer", "supplier", "product", "invoice"],
        "company": {"id": 1, "name": TRIPLETEX_COMPANY, "organizationNumber": "912345678"},
        # Every Tripletex company has its base currency (id 1), which a customer refers to.
        "currencies": [{"id": 1, "code": "NOK", "description": "Norske kroner"}],
        # Every Norwegian company has the standard outgoing VAT codes (REAL: vattype-list sample);
        # the wizard checks the product groups' rates against them.
        "vatTypes": [
            {"id": i, "number": str(i), "name": name, "percentage": rate, "typeOfVat": "OUTGOING"}
            for i, rate, name in (
                (3, 25.0, "Utgående mva, høy sats"),
                (31, 15.0, "Utgående mva, middels sats"),
                (33, 12.0, "Utgående mva, lav sats"),
                (5, 0.0, "Ingen utgående mva (innenfor mva-loven)"),
                (6, 0.0, "Ingen utgående mva (utenfor mva-loven)"),
                (52, 0.0, "Utførsel av varer og tjenester, fritatt"),
            )
        ],
        "customers": [
            {"id": 1, "name": "Kunde En AS", "customerNumber": 10001, "email": "en@kunde.no"},
            {"id": 2, "name": "Kunde To AS", "customerNumber": 10002, "email": "to@kunde.no"},
        ],
        "suppliers": [{"id": 1, "name": "Leverandør AS", "supplierNumber": 20001}],
    }


def good_credentials() -> dict[str, str]:
    return {
        "rackbeat_api_token": RACKBEAT_TOKEN,
        "tripletex_consumer_token": CONSUMER_TOKEN,
        "tripletex_employee_token": EMPLOYEE_TOKEN,
    }


class LeakRecorder(logging.Handler):
    """Everything the service said, to search for token values afterwards: every log record
    (message, arguments and extra fields), every response body and every email."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.responses: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is still evidence to search
            message = str(record.msg)
        self.lines.append(f"{message} {record.__dict__!r}")

    def attach(self) -> None:
        """Hook every logger that does not propagate (Powertools' own) plus the root."""
        loggers = [logging.getLogger()]
        for candidate in list(logging.root.manager.loggerDict.values()):
            if isinstance(candidate, logging.Logger) and not candidate.propagate:
                loggers.append(candidate)
        for logger in loggers:
            if self not in logger.handlers:
                logger.addHandler(self)
            if logger.level in (logging.NOTSET,) or logger.level > logging.INFO:
                logger.setLevel(logging.INFO)


# The template's method throttles (POST /tenants: 5 rps, burst 10) are judged by
# tests/security/test_budgets_and_replays.py; suites that create tenants as fast as the machine
# allows lift them, or a fast run meets 429 where a slow one does not.
UNTHROTTLED = {
    f"{route}Throttling{limit}Limit": 100_000
    for route in ("Api", "Signup", "Webhook")
    for limit in ("Rate", "Burst")
}


@dataclass
class Stack:
    local: LocalStack
    tripletex: TripletexSimulator
    rackbeat: RackbeatSimulator
    recorder: LeakRecorder
    http: httpx.Client
    known_secrets: set[str] = field(default_factory=set)

    @property
    def api_url(self) -> str:
        return self.local.api_url

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        # The suites read English answers (the product's default is Norwegian: tests/unit/test_i18n*).
        headers.setdefault("Accept-Language", "en")
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, path, headers=headers, **kwargs)
        self.recorder.responses.append(f"{method} {path} -> {response.status_code} {response.text}")
        return response

    def reset_simulators(self, *, with_groups: bool = True) -> None:
        self.tripletex.reset_all()
        self.tripletex.load_seed(tripletex_seed())
        self.rackbeat.reset_all()
        self.rackbeat.load_seed(rackbeat_seed(with_groups=with_groups))

    def new_tenant(self, company: str = "Fjord Lager AS", *, confirmed: bool = True) -> tuple[str, str, str]:
        """A fresh tenant whose contact opened the verification link (unless `confirmed` is
        False); returns (tenant_id, management_token, contact_email)."""
        email = f"owner-{uuid.uuid4().hex[:10]}@fjordlager.no"
        response = self.request(
            "POST",
            "/tenants",
            json={
                "company_name": company,
                "contact_name": "Ingrid Fjord",
                "contact_email": email,
                "language": "en",
            },
        )
        assert response.status_code == 201, response.text
        body = response.json()
        self.known_secrets.add(body["management_token"])
        if confirmed:
            self.open_link(email, "verify", "/email-verification")
        return body["tenant_id"], body["management_token"], email

    def open_link(self, address: str, page: str, route: str, *, expect: int = 200) -> httpx.Response:
        """Post the code of the latest `page` link emailed to `address` to `route`, as the
        wizard does when the link is opened."""
        link = emailed_link(address, page)
        assert link is not None, f"no {page} link was emailed to {address}"
        self.known_secrets.add(link["code"])
        answer = self.request("POST", route, json=link)
        assert answer.status_code == expect, answer.text
        return answer

    def sign_in(self, address: str) -> str:
        """A session token, through the emailed sign-in link."""
        assert self.request("POST", "/sign-in", json={"email": address}).status_code == 202
        token = str(self.open_link(address, "sign-in", "/sessions", expect=201).json()["session_token"])
        self.known_secrets.add(token)
        return token

    def confirm_step_up(self, address: str) -> None:
        self.open_link(address, "confirm", "/confirmations")

    def onboarded_tenant(self) -> tuple[str, str, str]:
        tenant_id, token, email = self.new_tenant()
        response = self.request(
            "PUT", f"/tenants/{tenant_id}/credentials", token=token, json=good_credentials()
        )
        assert response.status_code == 200, response.text
        return tenant_id, token, email

    def emails_to(self, address: str, *, verification: bool = False) -> list[Any]:
        """Emails to `address`, oldest first; the verification email only when asked for (every
        tenant gets one, and the tests of what follows count what follows)."""
        return [
            mail
            for mail in sent_emails()
            if address in mail.to and (verification or mail.subject != VERIFICATION_SUBJECT)
        ]

    def queue_messages(self) -> list[str]:
        """Every message body waiting in any of the stack's queues (read without consuming)."""
        sqs = boto3.client("sqs", endpoint_url=self.local.moto.endpoint if self.local.moto else None)
        bodies: list[str] = []
        for url in sqs.list_queues().get("QueueUrls", []):
            answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
            bodies.extend(message["Body"] for message in answer.get("Messages", []))
        return bodies

    def fire_daily_check(self) -> Any:
        assert self.local.runner is not None
        result = self.local.runner.fire_schedule("DailyTokenCheck")
        assert result.ok, result.error
        return result.payload


def secret_exists(stack: Stack, tenant_id: str) -> bool:
    client = boto3.client(
        "secretsmanager", endpoint_url=stack.local.moto.endpoint if stack.local.moto else None
    )
    names = [s["Name"] for s in client.list_secrets().get("SecretList", [])]
    return any(name.endswith(f"/tenants/{tenant_id}") for name in names)


def as_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except json.JSONDecodeError:
        pytest.fail(f"not JSON: {response.status_code} {response.text[:200]}")
