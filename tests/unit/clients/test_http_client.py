"""The shared HTTP client base against a small real simulator (no mocks)."""

from __future__ import annotations

import logging
import random

import pytest
from werkzeug.wrappers import Request, Response

from local.simulators.base import SimulatorApp, json_response, transport
from rackbeat_tripletex.clients.http import (
    ApiError,
    HttpClient,
    NotFound,
    RateLimited,
    RetryPolicy,
    ServerError,
    TokenBucket,
    TransportError,
    ValidationFailed,
    parse_rate_limit_headers,
)

SECRET = "s3cr3t-token-value"


class Store(SimulatorApp):
    name = "store"

    def reset(self) -> None:
        self.created: list[object] = []

    def handle(self, request: Request) -> Response:
        if request.path == "/items" and request.method == "POST":
            self.created.append(request.get_json())
            return json_response({"id": len(self.created)}, status=201)
        if request.path == "/echo-secret":
            return json_response({"message": f"bad token {SECRET}"}, status=422)
        if request.path == "/missing":
            return json_response({"message": "gone"}, status=404)
        return json_response({"ok": True})


class StoreClient(HttpClient):
    api_name = "Store"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {SECRET}"}


@pytest.fixture
def app() -> Store:
    return Store()


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def client(app: Store, slept: list[float]) -> StoreClient:
    return StoreClient(
        "http://store", transport=transport(app), sleep=slept.append, rng=random.Random(1), secrets=[SECRET]
    )


def test_full_jitter_backoff_stays_within_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    rng = random.Random(5)
    for attempt in range(1, 10):
        delays = [policy.backoff(attempt, rng) for _ in range(50)]
        assert all(0 <= d <= min(4.0, 0.5 * 2**attempt) for d in delays)
        assert len(set(delays)) > 1


def test_token_bucket_waits_when_empty() -> None:
    now = [0.0]
    waits: list[float] = []
    bucket = TokenBucket(2.0, 2.0, clock=lambda: now[0], sleep=waits.append)
    assert bucket.acquire() == 0
    assert bucket.acquire() == 0
    assert bucket.acquire() == pytest.approx(0.5)
    bucket.block_for(3)
    assert bucket.acquire() == pytest.approx(3)


def test_idempotent_get_is_retried_through_5xx_timeout_and_reset(app: Store, client: StoreClient) -> None:
    app.set_faults({"sequence": ["500", "timeout", "reset", "502", "ok"]})
    assert client.request("GET", "/things").json() == {"ok": True}
    assert len(app.request_log) == 5


def test_create_is_not_retried_on_ambiguous_failures(app: Store, client: StoreClient) -> None:
    for fault, error in (("503", ServerError), ("timeout", TransportError), ("reset", TransportError)):
        app.set_faults({"sequence": [fault]})
        with pytest.raises(error) as caught:
            client.request("POST", "/items", json={"n": 1})
        assert caught.value.maybe_applied
    assert app.created == []
    assert len(app.request_log) == 3


def test_create_is_retried_after_429_because_it_was_never_processed(app: Store, client: StoreClient) -> None:
    app.set_faults({"sequence": ["429"]})
    assert client.request("POST", "/items", json={"n": 1}).status_code == 201
    assert len(app.created) == 1


def test_create_once_looks_up_before_retrying(app: Store, client: StoreClient) -> None:
    app.set_faults({"sequence": ["502"]})
    lookups: list[int] = []

    def lookup() -> int | None:
        lookups.append(1)
        return None

    result = client.create_once(lambda: client.request("POST", "/items", json={}).json()["id"], lookup)
    assert result == 1
    assert lookups == [1]
    assert len(app.created) == 1


def test_gives_up_after_max_attempts(app: Store, slept: list[float]) -> None:
    client = StoreClient(
        "http://store", transport=transport(app), sleep=slept.append, retry=RetryPolicy(max_attempts=3)
    )
    app.set_faults({"sequence": ["503", "503", "503"]})
    with pytest.raises(ServerError):
        client.request("GET", "/x")
    assert len(app.request_log) == 3


def test_typed_errors_and_user_hint(client: StoreClient) -> None:
    with pytest.raises(NotFound) as caught:
        client.request("GET", "/missing")
    assert caught.value.status == 404
    assert "gone" in caught.value.message
    assert caught.value.user_hint


def test_no_secret_in_errors_logs_or_repr(
    app: Store, client: StoreClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ValidationFailed) as caught:
        client.request("GET", "/echo-secret", params={"api_token": SECRET})
    app.set_faults({"sequence": ["timeout"] * 6})
    with pytest.raises(TransportError) as transport_error:
        client.request("GET", "/x", params={"token": SECRET})
    for text in (
        str(caught.value),
        repr(caught.value),
        str(transport_error.value),
        repr(client),
        caplog.text,
    ):
        assert SECRET not in text
    assert isinstance(caught.value, ApiError)


def test_rate_limit_header_spellings() -> None:
    state = parse_rate_limit_headers({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "7"}, now_epoch=0)
    assert (state.remaining, state.reset_seconds) == (0, 7)
    epoch = parse_rate_limit_headers({"x-ratelimit-reset": "1700000010"}, now_epoch=1_700_000_000)
    assert epoch.reset_seconds == 10


def test_rate_limited_error_carries_retry_after(app: Store, client: StoreClient) -> None:
    app.set_faults({"sequence": ["429"] * 6})
    with pytest.raises(RateLimited):
        client.request("GET", "/x")
