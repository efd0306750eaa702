"""The typed errors both API clients raise, each with a hint in plain words for the tenant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class ValidationMessage:
    field: str | None
    message: str


class ApiError(Exception):
    """An API call failed. Carries the API's own message and a plain-words hint for the user."""

    default_hint: ClassVar[str] = "The request to the accounting/inventory system failed. Try again later."

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
        self.user_hint = user_hint or self.default_hint
        self.api = api
        # True when the server may have carried out the call although we saw no answer.
        self.maybe_applied = maybe_applied
        super().__init__(str(self))

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
    default_hint = "The access token was rejected. Create a new token and link the account again."


class AccessDenied(ApiError):
    default_hint = "The token has no access to this area. Grant the missing access to the integration user."


class NotFound(ApiError):
    default_hint = "The record no longer exists in the other system; it may have been deleted there."


class Conflict(ApiError):
    default_hint = "The record was changed by someone else at the same time; it will be synced again."

    def __init__(self, message: str, *, current: Any = None, **kwargs: Any) -> None:
        # The record as it is now on the server, when fetching it was cheap.
        self.current = current
        super().__init__(message, **kwargs)


class ValidationFailed(ApiError):
    default_hint = "The other system refused the record's data. Correct the fields named in the message."


class RateLimited(ApiError):
    default_hint = "The other system is busy (rate limit). The sync continues automatically later."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(ApiError):
    default_hint = "The other system had an internal error. The sync retries automatically."


class TransportError(ApiError):
    default_hint = "The other system could not be reached. The sync retries automatically."


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
