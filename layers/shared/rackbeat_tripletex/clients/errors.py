"""The typed errors both API clients raise, each with a hint in plain words for the tenant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rackbeat_tripletex.i18n import text


@dataclass(frozen=True)
class ValidationMessage:
    field: str | None
    message: str


class ApiError(Exception):
    """An API call failed. Carries the API's own message and a plain-words hint for the user."""

    hint_key: ClassVar[str] = "failure.hint.api"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | str | None = None,
        validation_messages: Iterable[ValidationMessage] = (),
        request_id: str | None = None,
        user_hint: str | None = None,
        api: str | None = None,
        maybe_applied: bool = False,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.validation_messages = list(validation_messages)
        self.request_id = request_id
        self._user_hint = user_hint
        self.api = api
        # True when the server may have carried out the call although we saw no answer.
        self.maybe_applied = maybe_applied
        super().__init__(str(self))

    @property
    def user_hint(self) -> str:
        """In the language current where it is read: the worker that records it for a tenant."""
        return self._user_hint or text(self.hint_key)

    def __str__(self) -> str:
        parts = [f"{self.api + ' ' if self.api else ''}{self.status or 'no response'}"]
        if self.code is not None:
            parts.append(f"code {self.code}")
        parts.append(self.message)
        for vm in self.validation_messages:
            parts.append(f"[{vm.field}: {vm.message}]" if vm.field else f"[{vm.message}]")
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(ApiError):
    hint_key = "failure.hint.auth"


class AccessDenied(ApiError):
    hint_key = "failure.hint.access"


class NotFound(ApiError):
    hint_key = "failure.hint.not_found"


class Conflict(ApiError):
    hint_key = "failure.hint.conflict"

    def __init__(self, message: str, *, current: Any = None, **kwargs: Any) -> None:
        # The record as it is now on the server, when fetching it was cheap.
        self.current = current
        super().__init__(message, **kwargs)


class ValidationFailed(ApiError):
    hint_key = "failure.hint.validation"


class RateLimited(ApiError):
    hint_key = "failure.hint.rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(ApiError):
    hint_key = "failure.hint.server_error"


class TransportError(ApiError):
    hint_key = "failure.hint.transport"


def error_class_for(status: int) -> type[ApiError]:
    if status == 401:
        return AuthError
    if status == 403:
        return AccessDenied
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status in (400, 422):
        return ValidationFailed
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    return ApiError


@dataclass(frozen=True)
class ErrorDetails:
    """What an API's error body says, in neutral form."""

    message: str
    code: int | str | None = None
    validation_messages: tuple[ValidationMessage, ...] = ()
    request_id: str | None = None
