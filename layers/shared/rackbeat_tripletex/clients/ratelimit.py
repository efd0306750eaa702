"""Staying inside an API's budget: a client-side token bucket, and what the rate-limit headers say."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Sleep = Callable[[float], None]
Clock = Callable[[], float]


class TokenBucket:
    """Client-side request budget. ``acquire`` sleeps (through the injected sleep) when empty."""

    def __init__(self, rate_per_second: float, capacity: float, *, clock: Clock, sleep: Sleep) -> None:
        self.rate = rate_per_second
        self.capacity = capacity
        self._tokens = capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def acquire(self) -> float:
        """Take one request's worth of budget; returns the seconds waited for it."""
        with self._lock:
            now = self._clock()
            wait = max(0.0, self._blocked_until - now)
            self._refill(now)
            if self._tokens < 1:
                wait = max(wait, (1 - self._tokens) / self.rate)
            if wait > 0:
                self._sleep(wait)
                # Count the wait as served even if the injected sleep returned at once (tests).
                self._tokens = 1.0
                self._updated = self._clock()
                self._blocked_until = 0.0
            self._tokens -= 1
            return wait

    def block_for(self, seconds: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)
            self._tokens = 0.0


@dataclass
class RateLimitState:
    limit: int | None = None
    remaining: int | None = None
    reset_seconds: float | None = None
    extra: dict[str, str] = field(default_factory=dict)


def parse_rate_limit_headers(headers: Mapping[str, str], *, now_epoch: float) -> RateLimitState:
    """Read the common spellings (X-Rate-Limit-*, X-RateLimit-*, Retry-After). A reset value that
    looks like an epoch timestamp is turned into seconds from now."""

    def first(*names: str) -> str | None:
        for name in names:
            value = headers.get(name)
            if value is not None and value.strip() != "":
                return value.strip()
        return None

    def as_float(value: str | None) -> float | None:
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            return None

    limit = as_float(first("x-rate-limit-limit", "x-ratelimit-limit"))
    remaining = as_float(first("x-rate-limit-remaining", "x-ratelimit-remaining"))
    reset = as_float(first("x-rate-limit-reset", "x-ratelimit-reset", "retry-after"))
    if reset is not None and reset > 1_000_000_000:
        reset = max(0.0, reset - now_epoch)
    return RateLimitState(
        limit=int(limit) if limit is not None else None,
        remaining=int(remaining) if remaining is not None else None,
        reset_seconds=reset,
    )
