"""The identity rules that need no stack: email texts, the public base URL, the email windows,
session lifetimes and the account comparison of a reconnect."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.models.domain import CredentialsSummary, ValidationReport
from rackbeat_tripletex.notify.limits import EmailLimitReached, EmailLimits, Window
from rackbeat_tripletex.notify.messages import EmailKind, plain, render
from rackbeat_tripletex.onboarding.identity import ROTATION_GRACE, SESSION_IDLE, session_alive
from rackbeat_tripletex.onboarding.service import _other_account
from rackbeat_tripletex.onboarding.wiring import PublicBaseUrlError, checked_public_base_url, public_base_url
from rackbeat_tripletex.store.sessions import StoredSession

HOSTILE = "Fjord\r\nBcc: list@spam.example\u2028\u202eSA regaL\x00 https://spam.example"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


# ------------------------------------------------------------------ email texts


def test_plain_makes_user_text_one_bounded_line() -> None:
    text = plain(HOSTILE)
    assert "\r" not in text
    assert "\n" not in text
    assert "\u2028" not in text
    assert "\u202e" not in text
    assert "\x00" not in text
    assert text.startswith("Fjord Bcc:")
    assert len(plain("x" * 500)) == 200


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", list(EmailKind))
def test_no_subject_carries_what_a_user_typed(kind: EmailKind, language: Language) -> None:
    fields = {
        "contact_name": HOSTILE,
        "company_name": HOSTILE,
        "new_address": HOSTILE,
        "old_address": HOSTILE,
        "link": "https://integration.example/#x",
        "valid_minutes": 15,
        "reasons": "",
        "records": "",
        "more": "",
        "gaps": "",
        "tokens": "",
        "day": HOSTILE,
        "count": 3,
    }
    subject, body = render(kind, language, **fields)
    assert subject == text(f"email.{kind.value}.subject", language, count=3)
    assert "spam.example" not in subject
    assert "\nBcc:" not in body
    if kind is EmailKind.VERIFY_EMAIL:
        assert "spam.example" not in body, "the email to an unproven address carries no user text"


# ------------------------------------------------------------------ public base URL


@pytest.mark.parametrize(
    "url",
    [
        "https://integration.example.no",
        "https://x.execute-api.eu-west-1.amazonaws.com/prod/",
        "http://127.0.0.1:3000",
    ],
)
def test_https_or_loopback_urls_are_accepted(url: str) -> None:
    assert checked_public_base_url(url) == url.rstrip("/") + "/"


@pytest.mark.parametrize(
    "url",
    [
        "http://integration.example.no",
        "https://user:pw@integration.example.no",
        "https://integration.example.no/?next=evil",
        "https://integration.example.no/#x",
        "javascript:alert(1)",
        "ftp://integration.example.no",
        "https:///path-only",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(PublicBaseUrlError):
        checked_public_base_url(url)


def test_links_never_follow_the_request_headers() -> None:
    event = {
        "headers": {"Host": "evil.example", "X-Forwarded-Proto": "http"},
        "requestContext": {"domainName": "abc.execute-api.eu-west-1.amazonaws.com", "stage": "prod"},
    }
    assert public_base_url(None, event) == "https://abc.execute-api.eu-west-1.amazonaws.com/prod/"
    assert public_base_url("https://integration.example.no", event) == "https://integration.example.no/"
    with pytest.raises(PublicBaseUrlError):
        public_base_url(None, {"headers": {"Host": "evil.example"}})


# ------------------------------------------------------------------ email windows


@dataclass
class CountingStore:
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def count_email(self, scope: str, window: str, started: datetime, limit: int, expires: datetime) -> bool:
        assert expires > started
        key = (scope, f"{window}#{started.isoformat()}")
        if self.counts.get(key, 0) >= limit:
            return False
        self.counts[key] = self.counts.get(key, 0) + 1
        return True


def test_a_full_window_refuses_until_it_ends() -> None:
    now = [NOW + timedelta(minutes=10)]
    limits = EmailLimits(
        CountingStore(),  # type: ignore[arg-type]
        clock=lambda: now[0],
        per_recipient=(Window("hour", timedelta(hours=1), 2),),
        per_tenant=(Window("hour", timedelta(hours=1), 5),),
    )
    limits.take("Victim@Example.org", "t1")
    limits.take("victim@example.org ", "t2")
    with pytest.raises(EmailLimitReached) as refused:
        limits.take("victim@example.org", "t3")
    assert refused.value.retry_after_seconds == 50 * 60
    limits.take("other@example.org", "t3")
    now[0] += timedelta(hours=1)
    limits.take("victim@example.org", "t3")


# ------------------------------------------------------------------ sessions and accounts


def _session(**changes: object) -> StoredSession:
    values: dict[str, object] = {
        "tenant_id": "t",
        "token_hash": "h",
        "family": "f",
        "started_at": NOW,
        "issued_at": NOW,
        "last_used_at": NOW,
        "idle_expires_at": NOW + SESSION_IDLE,
        "absolute_expires_at": NOW + timedelta(hours=12),
        "superseded_at": None,
    }
    values.update(changes)
    return StoredSession(**values)  # type: ignore[arg-type]


def test_session_lifetimes() -> None:
    assert session_alive(_session(), NOW + SESSION_IDLE - timedelta(seconds=1))
    assert not session_alive(_session(), NOW + SESSION_IDLE)
    assert not session_alive(_session(idle_expires_at=NOW + timedelta(days=1)), NOW + timedelta(hours=12))
    replaced = _session(superseded_at=NOW)
    assert session_alive(replaced, NOW + ROTATION_GRACE - timedelta(seconds=1))
    assert not session_alive(replaced, NOW + ROTATION_GRACE)


def test_another_account_is_told_by_id_and_by_name_only_without_ids() -> None:
    stored = CredentialsSummary(
        rackbeat_account_id=7, tripletex_company_id=1, rackbeat_company="A", tripletex_company="B"
    )
    same = ValidationReport(
        checks=[], rackbeat_account_id=7, tripletex_company_id=1, rackbeat_company="A renamed"
    )
    assert not _other_account(stored, same)
    assert _other_account(stored, same.model_copy(update={"tripletex_company_id": 2}))
    legacy = CredentialsSummary(rackbeat_company="A", tripletex_company="B")
    assert _other_account(legacy, ValidationReport(checks=[], rackbeat_company="C", tripletex_company="B"))
    assert not _other_account(
        legacy, ValidationReport(checks=[], rackbeat_company="A", tripletex_company="B")
    )
