"""The HTTP machinery both API clients share: retries, budget, typed errors, redaction.

API-neutral on purpose. An API client subclasses :class:`HttpClient` and supplies
``auth_headers`` (how it authenticates), ``parse_error`` (how its error bodies look) and, when a
401 can be cured by fresh credentials, ``refresh_auth``.

Retry rules (why: neither API offers an idempotency key):

* An *idempotent* call (GET/PUT/DELETE unless told otherwise) is retried on 429, 5xx, timeouts
  and dropped connections, with exponential backoff and full jitter.
* A *create* (POST, or any call marked ``idempotent=False``) is retried only when the server
  provably did not act on it: a 429 (rejected before processing) or a failure to connect. On
  any ambiguous failure (5xx, read timeout, reset after sending) it raises with
  ``maybe_applied=True``; :meth:`HttpClient.create_once` then looks the record up (by number)
  before it tries again, so a lost response never becomes a duplicate.
* A 429 waits for the rate-limit reset header when there is one, else backs off.
* A client-side token bucket keeps us under the API's budget, and a response that says the
  budget is spent (remaining 0 + reset) blocks the bucket until the reset.

No secret reaches an exception, a log line or a repr: every text that leaves this module goes
through :meth:`HttpClient.redact`, query parameters whose name mentions a token/secret/password
are masked, and the original httpx exception (whose request holds the URL) is never chained.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import httpx

from rackbeat_tripletex.clients.errors import (
    AccessDenied,
    ApiError,
    AuthError,
    Conflict,
    ErrorDetails,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
    ValidationMessage,
    error_class_for,
)
from rackbeat_tripletex.clients.ratelimit import RateLimitState, TokenBucket, parse_rate_limit_headers

__all__ = [
    "REDACTED",
    "AccessDenied",
    "ApiError",
    "AuthError",
    "Conflict",
    "ErrorDetails",
    "HttpClient",
    "NotFound",
    "RateLimitState",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "TokenBucket",
    "TransportError",
    "ValidationFailed",
    "ValidationMessage",
    "error_class_for",
    "parse_rate_limit_headers",
]

logger = logging.getLogger("rackbeat_tripletex.clients")

T = TypeVar("T")
Sleep = Callable[[float], None]
Clock = Callable[[], float]

REDACTED = "***"
_SENSITIVE_PARAM = re.compile(r"token|secret|password|authorization|api[_-]?key", re.IGNORECASE)
_AUTH_IN_TEXT = re.compile(r"(?i)(authorization\s*[:=]\s*)(basic|bearer)?\s*[^\s,;\"']+")


_SENSITIVE_QUERY = re.compile(
    r"([?&][^=&\s]*(?:token|secret|password|api[_-]?key)[^=&\s]*=)[^&\s\"']*", re.IGNORECASE
)


class _RedactQueryFilter(logging.Filter):
    """httpx logs every request URL at INFO; Tripletex's :create carries the tokens in its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _SENSITIVE_QUERY.sub(r"\1" + REDACTED, record.getMessage())
        record.args = None
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(f, _RedactQueryFilter) for f in _httpx_logger.filters):
    _httpx_logger.addFilter(_RedactQueryFilter())


# ----- policy ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    # A reset header longer than this is not waited for inside one call; the caller gets RateLimited.
    max_rate_limit_wait: float = 60.0
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^attempt)]."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * (2**attempt)))


# ----- the client --------------------------------------------------------------------------------
class HttpClient:
    """Base of the API clients. Thread-safe enough for one warm container."""

    api_name: ClassVar[str] = "api"
    request_id_headers: ClassVar[tuple[str, ...]] = ("x-request-id",)

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        budget: TokenBucket | None = None,
        rate_per_second: float = 8.0,
        burst: float = 20.0,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        rng: random.Random | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.wall_clock = wall_clock
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self.budget = budget or TokenBucket(rate_per_second, burst, clock=clock, sleep=sleep)
        self.rate_limit = RateLimitState()
        self._secrets: set[str] = {s for s in secrets if s}
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- hooks for API clients ------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {}

    def refresh_auth(self) -> bool:
        """Called once on a 401; return True when fresh credentials make a retry worthwhile."""
        return False

    def parse_error(self, response: httpx.Response) -> ErrorDetails:
        try:
            body = response.json()
        except ValueError:
            return ErrorDetails(message=response.reason_phrase or f"HTTP {response.status_code}")
        message = (
            str(body.get("message") or body.get("error") or response.reason_phrase)
            if isinstance(body, dict)
            else str(body)
        )
        return ErrorDetails(message=message)

    # ----- redaction ------------------------------------------------------------------------
    def add_secret(self, secret: str) -> None:
        if secret:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return _AUTH_IN_TEXT.sub(lambda m: m.group(1) + REDACTED, text)

    def _describe(self, method: str, path: str, params: Mapping[str, Any] | None) -> str:
        shown = []
        for key, value in (params or {}).items():
            shown.append(f"{key}={REDACTED if _SENSITIVE_PARAM.search(key) else value}")
        return self.redact(f"{method} {path}{'?' + '&'.join(shown) if shown else ''}")

    # ----- requests -------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        authenticated: bool = True,
        ok_statuses: Iterable[int] = (),
    ) -> httpx.Response:
        """Send one logical call, retrying as the module docstring describes.

        Returns the response for 2xx, 304 and any status in ``ok_statuses``; raises ApiError
        (a subclass per status) otherwise.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
        accepted = set(ok_statuses)
        description = self._describe(method, path, params)
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            self.budget.acquire()
            send_headers = dict(headers or {})
            if authenticated:
                send_headers.update(self.auth_headers())
            try:
                response = self._http.request(
                    method, path, params=_clean_params(params), json=json, headers=send_headers
                )
            except httpx.TransportError as exc:
                # A connect failure means the server never saw the call: safe to retry a create too.
                never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                failure = TransportError(
                    f"{description} failed: {type(exc).__name__}",
                    api=self.api_name,
                    maybe_applied=not never_sent,
                )
                logger.warning("%s (attempt %d)", failure, attempt)
                if (idempotent or never_sent) and attempt < self.retry.max_attempts:
                    self.sleep(self.retry.backoff(attempt, self.rng))
                    continue
                raise failure from None

            self._note_rate_limit(response)
            status = response.status_code
            if status < 300 or status == 304 or status in accepted:
                return response

            if status == 401 and authenticated and not refreshed:
                refreshed = True
                if self.refresh_auth():
                    logger.info("%s %s: 401, retrying with renewed credentials", self.api_name, description)
                    continue

            error = self._error_from(response, description, idempotent=idempotent)
            retryable = status in self.retry.retry_statuses and (idempotent or status == 429)
            if not retryable or attempt >= self.retry.max_attempts:
                logger.warning("%s", error)
                raise error
            if status == 429:
                wait = self.rate_limit.reset_seconds
                if wait is None:
                    wait = self.retry.backoff(attempt, self.rng) + 1.0
                elif wait > self.retry.max_rate_limit_wait:
                    raise error
                else:
                    # A little jitter so many clients do not all return at the same instant.
                    wait = wait + self.rng.uniform(0.0, 0.5)
                self.budget.block_for(wait)
            else:
                self.sleep(self.retry.backoff(attempt, self.rng))
            logger.info("%s %s -> %d, retry %d", self.api_name, description, status, attempt)

    def _note_rate_limit(self, response: httpx.Response) -> None:
        state = parse_rate_limit_headers(response.headers, now_epoch=self.wall_clock())
        if state.limit is None and state.remaining is None and state.reset_seconds is None:
            return
        self.rate_limit = state
        if state.remaining == 0 and state.reset_seconds and response.status_code != 429:
            self.budget.block_for(state.reset_seconds)

    def _error_from(self, response: httpx.Response, description: str, *, idempotent: bool) -> ApiError:
        details = self.parse_error(response)
        request_id = details.request_id
        if request_id is None:
            for name in self.request_id_headers:
                request_id = response.headers.get(name) or request_id
        cls = error_class_for(response.status_code)
        kwargs: dict[str, Any] = {
            "status": response.status_code,
            "code": details.code,
            "validation_messages": [
                ValidationMessage(
                    field=self.redact(vm.field) if vm.field else None, message=self.redact(vm.message)
                )
                for vm in details.validation_messages
            ],
            "request_id": request_id,
            "api": self.api_name,
            "maybe_applied": (not idempotent) and response.status_code >= 500,
        }
        if cls is RateLimited:
            kwargs["retry_after"] = self.rate_limit.reset_seconds
        return cls(self.redact(f"{description}: {details.message}"), **kwargs)

    # ----- creates ----------------------------------------------------------------------------
    def create_once(self, create: Callable[[], T], lookup: Callable[[], T | None], *, attempts: int = 3) -> T:
        """Run a create; when it fails in a way that may still have created the record, look the
        record up (by its number) first and only create again when it is really missing."""
        for attempt in range(1, attempts + 1):
            try:
                return create()
            except ApiError as error:
                if not error.maybe_applied or attempt == attempts:
                    raise
                logger.info(
                    "%s create outcome unknown (%s); looking it up before retrying", self.api_name, error
                )
                self.sleep(self.retry.backoff(attempt, self.rng))
                existing = lookup()
                if existing is not None:
                    return existing
        raise AssertionError("unreachable")  # pragma: no cover


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Drop unset parameters and spell booleans the way query strings expect."""
    if params is None:
        return None
    cleaned: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            cleaned[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple, set)):
            cleaned[key] = ",".join(str(v) for v in value)
        else:
            cleaned[key] = value
    return cleaned
