"""What every Tripletex call shares: sessions, access probes, paged and split reads, errors,
writes that may have happened. ``TripletexClient`` (``tripletex.py``) adds the endpoints."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr

from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    Conflict,
    ErrorDetails,
    HttpClient,
    ValidationFailed,
    ValidationMessage,
)
from rackbeat_tripletex.models.tripletex import (
    SessionToken,
    TripletexModel,
    WhoAmI,
)

OSLO = ZoneInfo("Europe/Oslo")
SESSION_DAYS = 3
RESULT_LIMIT_CODE = 23000
PAGE_SIZE = 1000
Area = Literal["customer", "supplier", "product", "invoice"]
AREAS: tuple[Area, ...] = ("customer", "supplier", "product", "invoice")
M = TypeVar("M", bound=TripletexModel)
# Order lookups by number span every date an order of ours can have (GET /order needs a range).
ORDERS_SINCE = dt.date(2000, 1, 1)
ORDERS_AHEAD = dt.timedelta(days=3660)
# What the customer/supplier mappers read. Addresses are references ({id, url}) unless expanded,
# in real answers as in Sesam's production connector (PRAC); the country inside an address is a
# reference whose id the country list resolves. deliveryAddress is not mapped, so not asked for.
PARTY_FIELDS = "*,postalAddress(*),physicalAddress(*)"


class ResultTooLarge(ValidationFailed):
    """422/23000: the query matches more than 10,000 objects whatever ``count`` is."""

    hint_key = "failure.hint.result_too_large"


class TripletexCredentials(BaseModel):
    """The token pair of one tenant. Its repr never shows the tokens."""

    model_config = ConfigDict(frozen=True)

    consumer_token: SecretStr
    employee_token: SecretStr

    def fingerprint(self) -> str:
        raw = f"{self.consumer_token.get_secret_value()}\0{self.employee_token.get_secret_value()}"
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class _Session:
    token: SecretStr
    expiration_date: dt.date


# Per warm container: (base_url, fingerprint of the token pair) -> session.
_SESSIONS: dict[tuple[str, str], _Session] = {}
_SESSIONS_LOCK = threading.Lock()


def clear_session_cache() -> None:
    with _SESSIONS_LOCK:
        _SESSIONS.clear()


@dataclass(frozen=True)
class ConditionalRead[T]:
    """Result of a read guarded by If-None-Match; ``values`` is empty when not modified."""

    not_modified: bool
    values: list[T]
    version_digest: str | None


class TripletexBase(HttpClient):
    api_name = "Tripletex"
    request_id_headers = ("x-tlx-request-id",)

    def __init__(
        self,
        base_url: str,
        credentials: TripletexCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        now: Callable[[], dt.datetime] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            base_url,
            transport=transport,
            secrets=(
                credentials.consumer_token.get_secret_value(),
                credentials.employee_token.get_secret_value(),
            ),
            **kwargs,
        )
        self._credentials = credentials
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._cache_key = (self.base_url, credentials.fingerprint())
        self._references: dict[str, list[Any]] = {}

    # ----- errors ----------------------------------------------------------------------------
    def parse_error(self, response: httpx.Response) -> ErrorDetails:
        try:
            body = response.json()
        except ValueError:
            return ErrorDetails(message=response.reason_phrase or f"HTTP {response.status_code}")
        if not isinstance(body, dict):
            return ErrorDetails(message=str(body))
        messages = tuple(
            ValidationMessage(field=vm.get("field"), message=str(vm.get("message") or ""))
            for vm in body.get("validationMessages") or []
            if isinstance(vm, dict)
        )
        return ErrorDetails(
            message=str(body.get("message") or response.reason_phrase),
            code=body.get("code"),
            validation_messages=messages,
            request_id=body.get("requestId"),
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.request(method, path, **kwargs)
        except ValidationFailed as error:
            if error.code == RESULT_LIMIT_CODE:
                raise ResultTooLarge(
                    error.message,
                    status=error.status,
                    code=error.code,
                    validation_messages=error.validation_messages,
                    request_id=error.request_id,
                    api=self.api_name,
                ) from None
            raise

    # ----- sessions --------------------------------------------------------------------------
    def oslo_today(self) -> dt.date:
        return self._now().astimezone(OSLO).date()

    def _session(self) -> _Session:
        today = self.oslo_today()
        with _SESSIONS_LOCK:
            session = _SESSIONS.get(self._cache_key)
        # Renew a day before expiry: a token stops working at 00:00 Oslo as its date begins.
        if session is None or session.expiration_date - dt.timedelta(days=1) <= today:
            session = self._create_session(today + dt.timedelta(days=SESSION_DAYS))
        return session

    def _create_session(self, expiration: dt.date) -> _Session:
        response = self._call(
            "PUT",
            "/token/session/:create",
            params={
                "consumerToken": self._credentials.consumer_token.get_secret_value(),
                "employeeToken": self._credentials.employee_token.get_secret_value(),
                "expirationDate": expiration.isoformat(),
            },
            authenticated=False,
        )
        token = SessionToken.model_validate(response.json()["value"])
        self.add_secret(token.token.get_secret_value())
        session = _Session(token=token.token, expiration_date=token.expiration_date)
        with _SESSIONS_LOCK:
            _SESSIONS[self._cache_key] = session
        return session

    def auth_headers(self) -> dict[str, str]:
        token = self._session().token.get_secret_value()
        basic = base64.b64encode(f"0:{token}".encode()).decode()
        return {"Authorization": f"Basic {basic}"}

    def refresh_auth(self) -> bool:
        with _SESSIONS_LOCK:
            _SESSIONS.pop(self._cache_key, None)
        self._create_session(self.oslo_today() + dt.timedelta(days=SESSION_DAYS))
        return True

    def who_am_i(self) -> WhoAmI:
        return WhoAmI.model_validate(self._call("GET", "/token/session/>whoAmI").json()["value"])

    # ----- access --------------------------------------------------------------------------------
    def probe_access(self) -> list[Area]:
        """The areas the employee token was not granted (each answers 403 to a count=1 read)."""
        denied: list[Area] = []
        today = self.oslo_today()
        probes: dict[Area, tuple[str, dict[str, Any]]] = {
            "customer": ("/customer", {}),
            "supplier": ("/supplier", {}),
            "product": ("/product", {}),
            "invoice": (
                "/invoice",
                {
                    "invoiceDateFrom": today.isoformat(),
                    "invoiceDateTo": (today + dt.timedelta(1)).isoformat(),
                },
            ),
        }
        for area, (path, params) in probes.items():
            try:
                self._call("GET", path, params={**params, "count": 1, "fields": "id"})
            except AccessDenied:
                denied.append(area)
        return denied

    # The write probe of each area: a POST that lacks a required field. Tripletex checks the
    # entitlement first (403/9000) and validates the body after (422), so a token that may write
    # gets 422 and nothing is created (name is required on customers, suppliers and products,
    # REAL; an order needs a customer and dates, OFF). Grade of "403 before 422": WEAK (the
    # simulator's grant model and Tripletex's AuthorisationManager-first design, not observed).
    _WRITE_PROBES: ClassVar[dict[Area, str]] = {
        "customer": "/customer",
        "supplier": "/supplier",
        "product": "/product",
        "invoice": "/order",
    }

    def probe_write_access(self) -> dict[Area, bool | None]:
        """Per area: True when the token may write there, False when refused (403), None when the
        answer proves neither (the area may then still be writable)."""
        result: dict[Area, bool | None] = {}
        for area, path in self._WRITE_PROBES.items():
            try:
                response = self._call("POST", path, json={}, idempotent=False)
            except AccessDenied:
                result[area] = False
            except ValidationFailed:
                result[area] = True
            else:  # pragma: no cover - the fields are required; never seen
                result[area] = response.status_code < 300
        return result

    # ----- write helpers ---------------------------------------------------------------------------
    @staticmethod
    def _lookup(find: Callable[[Any], M | None], key: Any) -> Callable[[], M | None] | None:
        if key is None:
            return None
        return lambda: find(key)

    def _create(self, path: str, record: M, model: type[M], lookup: Callable[[], M | None] | None) -> M:
        def create() -> M:
            response = self._call("POST", path, json=record.payload(), idempotent=False)
            return model.model_validate(response.json()["value"])

        if lookup is None:
            # Without a number there is nothing to look up by, so an unknown outcome is not retried.
            return create()
        return self.create_once(create, lookup)

    def _update(self, path: str, record: M, model: type[M], fetch: Callable[[int], M]) -> M:
        record_id = getattr(record, "id", None)
        if record_id is None:
            raise ValueError("an update needs the record's id")
        try:
            response = self._call("PUT", f"{path}/{record_id}", json=record.payload())
        except Conflict as error:
            try:
                current: M | None = fetch(record_id)
            except ApiError:
                current = None
            raise Conflict(
                error.message,
                current=current,
                status=error.status,
                code=error.code,
                validation_messages=error.validation_messages,
                request_id=error.request_id,
                api=self.api_name,
            ) from None
        return model.model_validate(response.json()["value"])

    def _create_list(self, path: str, records: list[M], model: type[M]) -> list[M]:
        """Batch create. Not retried on an unknown outcome: the caller re-reads by number and
        creates only what is missing (the batch is all-or-nothing at Tripletex, assumption)."""
        response = self._call("POST", path, json=[r.payload() for r in records], idempotent=False)
        return [model.model_validate(v) for v in response.json().get("values") or []]


def tlx_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(OSLO)
    return value.strftime("%Y-%m-%dT%H:%M:%S")
