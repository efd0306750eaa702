"""How many emails the API may make us send, per recipient and per tenant.

Anyone can call ``POST /tenants`` and the sign-in route, and a holder of a tenant's token can
call the routes that email its contact: without a ceiling, our SES identity, whose reputation
every tenant's mail depends on, would send whatever volume a caller asks for. Each email is
counted in fixed windows (a counter row with a TTL in the state table); the first window that
is full refuses it, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rackbeat_tripletex.store.sessions import AuthStore, digest


@dataclass(frozen=True)
class Window:
    name: str
    length: timedelta
    limit: int


# A person gets at most this much mail from us, however many tenants name them; one tenant's
# routes can make at most this much.
# One setup takes about four (verification, settings link, a sign-in, a confirmation).
PER_RECIPIENT = (Window("hour", timedelta(hours=1), 10), Window("day", timedelta(days=1), 20))
PER_TENANT = (Window("hour", timedelta(hours=1), 10), Window("day", timedelta(days=1), 30))


class EmailLimitReached(Exception):
    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after_seconds = max(1, int(retry_after.total_seconds()))
        super().__init__(f"email limit reached; retry after {self.retry_after_seconds} s")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class EmailLimits:
    store: AuthStore
    clock: Callable[[], datetime] = _now
    per_recipient: tuple[Window, ...] = PER_RECIPIENT
    per_tenant: tuple[Window, ...] = PER_TENANT

    def take(self, recipient: str, tenant_id: str | None) -> None:
        """Count one email to `recipient` for `tenant_id`, or raise EmailLimitReached."""
        now = self.clock()
        scopes = [(f"TO#{digest(recipient.strip().casefold())}", self.per_recipient)]
        if tenant_id is not None:
            scopes.append((f"TENANT#{tenant_id}", self.per_tenant))
        for scope, windows in scopes:
            for window in windows:
                started = _window_start(now, window.length)
                ends = started + window.length
                if not self.store.count_email(scope, window.name, started, window.limit, ends):
                    raise EmailLimitReached(ends - now)


def _window_start(now: datetime, length: timedelta) -> datetime:
    seconds = int(length.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)
