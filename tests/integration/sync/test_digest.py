"""The failure digest against moto (template.yaml's StateTable and SES identity): at most one
email a day per tenant, and a day is not used up by an email SES refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local.aws import ProvisionedStack
from local.outbox import sent_emails
from rackbeat_tripletex.models.domain import Tenant
from rackbeat_tripletex.models.sync import RecordFailure, StreamName
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.digest import send_digest
from tests.support.sync_world import add_tenant

MORNING = dt.datetime(2025, 3, 3, 2, 0, tzinfo=dt.UTC)
FAILURES = [
    RecordFailure(
        source=StreamName.PRODUCTS_TO_TRIPLETEX,
        entity="product",
        key="P-BAD",
        reason="invalid_price",
        message="The product's sales price is negative.",
        suggested_fix="Correct the sales price in Rackbeat.",
    )
]


def _setup(aws_stack: ProvisionedStack) -> tuple[Any, Tenant, str]:
    table = boto3.resource("dynamodb").Table(aws_stack.outputs["StateTableName"])
    secrets = TenantSecrets(boto3.client("secretsmanager"), aws_stack.outputs["TenantSecretPrefix"])
    tenant = add_tenant(TenantStore(table), secrets)
    return table, tenant, aws_stack.physical["SenderIdentity"].ref


def _digests(to: str) -> list[str]:
    return [m.subject for m in sent_emails() if to in m.to and "kunne ikke synkroniseres" in m.subject]


def test_the_digest_goes_out_at_most_once_a_day(aws_stack: ProvisionedStack) -> None:
    table, tenant, sender = _setup(aws_stack)
    mailer = Mailer(boto3.client("sesv2"), sender)
    to = "books@fjordlager.no"

    assert send_digest(table, mailer, tenant, FAILURES, MORNING, to=to)
    # Later the same day, and a second worker at the same moment: nothing more.
    assert not send_digest(table, mailer, tenant, FAILURES, MORNING, to=to)
    later = MORNING + dt.timedelta(hours=23, minutes=59)
    assert not send_digest(table, mailer, tenant, FAILURES, later, to=to)
    # Issue 13: subjects are fixed texts, never the company name a caller typed.
    assert _digests(to) == ["1 poster kunne ikke synkroniseres"]  # the tenant's language: nb by default

    # A day later the next one goes out; nothing to report means no email and no claimed day.
    assert not send_digest(table, mailer, tenant, [], MORNING + dt.timedelta(days=1), to=to)
    assert send_digest(table, mailer, tenant, FAILURES, MORNING + dt.timedelta(days=1), to=to)
    assert len(_digests(to)) == 2
    mail = next(m for m in sent_emails() if to in m.to)
    assert "P-BAD" in mail.text
    # The cause and fix of the failure's reason, in the tenant's language.
    assert "Produkt P-BAD: Prisen kan ikke brukes. Slik fikser du det: Rett prisen" in mail.text


def test_a_refused_email_does_not_use_up_the_day(aws_stack: ProvisionedStack) -> None:
    table, tenant, sender = _setup(aws_stack)
    to = "books@fjordlager.no"
    unverified = Mailer(boto3.client("sesv2"), "someone-else@unverified.example")
    with pytest.raises(ClientError):
        send_digest(table, unverified, tenant, FAILURES, MORNING, to=to)
    assert _digests(to) == []
    assert send_digest(table, Mailer(boto3.client("sesv2"), sender), tenant, FAILURES, MORNING, to=to)
    assert len(_digests(to)) == 1
