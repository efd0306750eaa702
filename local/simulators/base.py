"""The machinery both API simulators share: WSGI entry, admin surface, faults, clock, request log.

A simulator subclasses :class:`SimulatorApp` and implements ``handle`` (the API itself),
``reset``, ``load_seed`` and ``dump_state``. Everything else lives here so the two simulators
behave the same way towards tests and the local stack:

* ``/_sim/*`` admin routes (JSON):
  ``GET /_sim/state``, ``POST /_sim/reset``, ``POST /_sim/seed`` (body: the simulator's own
  section of the seed file; replaces the state), ``GET|DELETE /_sim/requests``,
  ``GET|POST /_sim/faults``, ``GET|POST /_sim/options`` (behaviour switches; a POST changes only
  the names it gives), ``POST /_sim/clock`` (``{"offset_seconds": N}`` or ``{"now": iso}``).
* Faults, decided per request with the seeded ``rng`` (or forced by ``sequence``):
  an HTTP error status, a timeout, or a connection reset. A timeout sleeps past the client's
  timeout over sockets and raises :class:`httpx.ReadTimeout` in-process; a reset drops the
  socket without a response, or raises :class:`httpx.RemoteProtocolError` in-process
  (use :func:`transport`, which wraps :class:`httpx.WSGITransport`).
* A request log: method, path, query, body, status, spec_violations, fault, request_id.
* Outgoing webhooks (both APIs call their subscribers): :class:`Delivery` queues,
  :func:`send_deliveries` posts outside the app lock, :func:`settle` applies a retry schedule,
  and :class:`DeliveryWorker` runs a simulator's ``deliver_pending`` in the background.

The app is serialised by one lock: simulated state stays consistent under the threaded server,
and faults/latency sleep outside the lock so a slow request does not stall the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

# Keys a request carries through the WSGI environ.
_IN_PROCESS = "simulator.in_process"
_SPEC_VIOLATIONS = "simulator.spec_violations"

OUTCOME_OK = "ok"
OUTCOME_TIMEOUT = "timeout"
OUTCOME_RESET = "reset"


class SimulatedTimeout(Exception):
    """Raised in-process when a timeout fault is chosen; the transport maps it to httpx.ReadTimeout."""


class SimulatedReset(ConnectionResetError):
    """A reset fault. In-process the transport maps it to httpx.RemoteProtocolError; over sockets
    werkzeug treats a ConnectionError as a dropped connection and writes nothing back."""


@dataclass
class FaultConfig:
    """What can go wrong, per request. Rates are probabilities in [0, 1]."""

    error_rates: dict[str, float] = field(default_factory=dict)
    latency_ms: int = 0
    timeout_rate: float = 0.0
    reset_rate: float = 0.0
    rate_limit_scale: float = 1.0
    only_paths: str | None = None
    sequence: list[str] = field(default_factory=list)
    # How long a timeout fault holds the socket open: longer than any sane client timeout.
    timeout_seconds: float = 30.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultConfig:
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        config = cls(
            error_rates={str(k): float(v) for k, v in (data.get("error_rates") or {}).items()},
            latency_ms=int(data.get("latency_ms", 0)),
            timeout_rate=float(data.get("timeout_rate", 0.0)),
            reset_rate=float(data.get("reset_rate", 0.0)),
            rate_limit_scale=float(data.get("rate_limit_scale", 1.0)),
            only_paths=data.get("only_paths") or None,
            sequence=[str(s) for s in (data.get("sequence") or [])],
            timeout_seconds=float(data.get("timeout_seconds", 30.0)),
        )
        for outcome in config.sequence:
            if outcome not in (OUTCOME_OK, OUTCOME_TIMEOUT, OUTCOME_RESET) and not outcome.isdigit():
                raise ValueError(f"unknown forced outcome {outcome!r}")
        if config.only_paths:
            re.compile(config.only_paths)
        if config.rate_limit_scale <= 0:
            raise ValueError("rate_limit_scale must be positive")
        return config

    def to_json(self) -> dict[str, Any]:
        return {
            "error_rates": dict(self.error_rates),
            "latency_ms": self.latency_ms,
            "timeout_rate": self.timeout_rate,
            "reset_rate": self.reset_rate,
            "rate_limit_scale": self.rate_limit_scale,
            "only_paths": self.only_paths,
            "sequence": list(self.sequence),
            "timeout_seconds": self.timeout_seconds,
        }


def spec_violations(request: Request) -> list[str]:
    """The list a simulator appends spec violations of this request to (shown in the request log)."""
    violations: list[str] = request.environ.setdefault(_SPEC_VIOLATIONS, [])
    return violations


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, headers=headers, mimetype="application/json"
    )


class SimulatorApp:
    """Base WSGI application of a simulator. Subclasses implement the API in ``handle``."""

    name: str = "simulator"

    def __init__(self, seed: dict[str, Any] | None = None, *, rng_seed: int = 0) -> None:
        self._lock = threading.RLock()
        self._rng_seed = rng_seed
        self.rng = random.Random(rng_seed)
        self.faults = FaultConfig()
        self.clock_offset = dt.timedelta(0)
        self.request_log: list[dict[str, Any]] = []
        self._request_counter = 0
        self.reset()
        if seed:
            self.load_seed(seed)

    # ----- subclass hooks -------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def reset(self) -> None:
        """Empty the simulated state."""

    def load_seed(self, seed: dict[str, Any]) -> None:
        """Load the simulator's own section of the seed file on top of the current state."""

    def dump_state(self) -> dict[str, Any]:
        return {}

    def get_options(self) -> dict[str, Any]:
        """The behaviour switches (variants of what the real API might do), as JSON."""
        return {}

    def set_options(self, changes: dict[str, Any]) -> None:
        """Change some switches, keeping the others; an unknown name raises ValueError."""
        if changes:
            raise ValueError(f"unknown {self.name} simulator options: {sorted(changes)}")

    def fault_response(self, request: Request, status: int) -> Response:
        """The body an injected HTTP error answers with; simulators override it with their API's shape."""
        return json_response({"status": status, "message": f"simulated fault {status}"}, status=status)

    def new_request_id(self) -> str:
        with self._lock:
            self._request_counter += 1
            return f"{self.name}-{self._request_counter:08d}"

    # ----- clock, faults, log (usable from Python by tests) ----------------------------------
    def now(self) -> dt.datetime:
        """Aware UTC time, shifted by the admin clock offset so tests can move time."""
        return dt.datetime.now(dt.UTC) + self.clock_offset

    def set_clock(self, *, offset_seconds: float | None = None, now: dt.datetime | str | None = None) -> None:
        if now is not None:
            target = dt.datetime.fromisoformat(now) if isinstance(now, str) else now
            if target.tzinfo is None:
                target = target.replace(tzinfo=dt.UTC)
            self.clock_offset = target - dt.datetime.now(dt.UTC)
        elif offset_seconds is not None:
            self.clock_offset = dt.timedelta(seconds=offset_seconds)
        else:
            raise ValueError("give offset_seconds or now")

    def set_faults(self, config: dict[str, Any] | FaultConfig) -> None:
        with self._lock:
            self.faults = config if isinstance(config, FaultConfig) else FaultConfig.from_json(config)

    def force_outcomes(self, *outcomes: str) -> None:
        """The next requests answer these outcomes in order ("429", "timeout", "reset", "ok"),
        after any already forced and before the rates are consulted."""
        with self._lock:
            self.faults.sequence.extend(outcomes)

    def clear_requests(self) -> None:
        with self._lock:
            self.request_log.clear()

    def reset_all(self) -> None:
        """State, faults, clock, log and rng back to how a fresh app starts."""
        with self._lock:
            self.rng = random.Random(self._rng_seed)
            self.faults = FaultConfig()
            self.clock_offset = dt.timedelta(0)
            self.request_log.clear()
            self._request_counter = 0
            self.reset()

    def _choose_outcome(self, path: str) -> str:
        faults = self.faults
        if faults.only_paths and not re.search(faults.only_paths, path):
            return OUTCOME_OK
        if faults.sequence:
            return faults.sequence.pop(0)
        roll = self.rng.random()
        threshold = 0.0
        for outcome, rate in (
            (OUTCOME_TIMEOUT, faults.timeout_rate),
            (OUTCOME_RESET, faults.reset_rate),
            *sorted(faults.error_rates.items()),
        ):
            threshold += rate
            if roll < threshold:
                return outcome
        return OUTCOME_OK

    # ----- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sim/") or request.path == "/_sim":
            with self._lock:
                response = self._admin(request)
            return response(environ, start_response)

        with self._lock:
            outcome = self._choose_outcome(request.path)
            latency = self.faults.latency_ms
            timeout_seconds = self.faults.timeout_seconds
        if latency:
            time.sleep(latency / 1000)
        entry: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "query": request.args.to_dict(flat=True),
            "body": _body_for_log(request),
            "status": None,
            "spec_violations": spec_violations(request),
            "fault": None if outcome == OUTCOME_OK else outcome,
            "request_id": None,
            "at": self.now().isoformat(),
            # Who called: lets a test tell the integration's own writes from a user's.
            "consumer": request.headers.get("Consumer-Name"),
        }
        if outcome in (OUTCOME_TIMEOUT, OUTCOME_RESET):
            entry["status"] = outcome
            with self._lock:
                self.request_log.append(entry)
            if outcome == OUTCOME_TIMEOUT:
                if environ.get(_IN_PROCESS):
                    raise SimulatedTimeout(request.path)
                time.sleep(timeout_seconds)
                response = self.fault_response(request, 504)
                return response(environ, start_response)
            raise SimulatedReset(request.path)

        with self._lock:
            if outcome != OUTCOME_OK:
                response = self.fault_response(request, int(outcome))
            else:
                response = self.handle(request)
            entry["status"] = response.status_code
            entry["request_id"] = response.headers.get("x-tlx-request-id") or response.headers.get(
                "x-request-id"
            )
            self.request_log.append(entry)
        return response(environ, start_response)

    def _admin(self, request: Request) -> Response:
        route = (request.method, request.path.rstrip("/"))
        try:
            raw = request.get_data(cache=True)
            body = json.loads(raw) if request.method == "POST" and raw.strip() else None
        except Exception:
            return json_response({"error": "body must be JSON"}, status=400)
        try:
            if route == ("GET", "/_sim/state"):
                return json_response(self.dump_state())
            if route == ("POST", "/_sim/reset"):
                self.reset_all()
                return json_response({"ok": True})
            if route == ("POST", "/_sim/seed"):
                self.reset()
                self.load_seed(body or {})
                return json_response({"ok": True})
            if route == ("GET", "/_sim/requests"):
                return json_response(self.request_log)
            if route == ("DELETE", "/_sim/requests"):
                self.clear_requests()
                return json_response({"ok": True})
            if route == ("GET", "/_sim/faults"):
                return json_response(self.faults.to_json())
            if route == ("POST", "/_sim/faults"):
                self.set_faults(body or {})
                return json_response(self.faults.to_json())
            if route == ("GET", "/_sim/options"):
                return json_response(self.get_options())
            if route == ("POST", "/_sim/options"):
                with self._lock:
                    self.set_options(body or {})
                return json_response(self.get_options())
            if route == ("POST", "/_sim/clock"):
                body = body or {}
                self.set_clock(offset_seconds=body.get("offset_seconds"), now=body.get("now"))
                return json_response({"now": self.now().isoformat()})
        except (ValueError, TypeError, re.error) as exc:
            return json_response({"error": str(exc)}, status=400)
        return json_response({"error": f"no admin route {request.method} {request.path}"}, status=404)


def _body_for_log(request: Request) -> Any:
    raw = request.get_data(cache=True)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


# ----- in-process transport ------------------------------------------------------------------
class SimulatorTransport(httpx.BaseTransport):
    """httpx transport that calls the app in-process and turns timeout/reset faults into the
    exceptions a real socket would produce."""

    def __init__(self, app: SimulatorApp) -> None:
        self.app = app
        self._current = threading.local()

        def in_process(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            environ[_IN_PROCESS] = True
            # The undecoded path, as werkzeug's server gives it: a simulator that must tell an
            # encoded slash from a real one (Rackbeat item numbers) reads it here.
            environ.setdefault("RAW_URI", self._current.raw_path)
            return app(environ, start_response)

        self._wsgi = httpx.WSGITransport(app=in_process)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._current.raw_path = request.url.raw_path.decode("ascii")
        try:
            return self._wsgi.handle_request(request)
        except SimulatedTimeout as exc:
            raise httpx.ReadTimeout("simulated read timeout", request=request) from exc
        except SimulatedReset as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from exc


def transport(app: SimulatorApp) -> httpx.BaseTransport:
    """An in-process httpx transport for ``app`` that honours its faults."""
    return SimulatorTransport(app)


# ----- over sockets -------------------------------------------------------------------------
class _RequestHandler(WSGIRequestHandler):
    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        # A reset fault: abort the connection (RST, no response) instead of keeping it alive.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The request log under /_sim/requests is the record; stderr lines would only be noise.
        return


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread
    host: str

    @property
    def port(self) -> int:
        return int(self.server.port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(app: SimulatorApp, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve ``app`` on a threaded werkzeug server in a daemon thread (port 0 picks a free port)."""
    server = make_server(host, port, app, threaded=True, request_handler=_RequestHandler)
    thread = threading.Thread(target=server.serve_forever, name=f"sim-{app.name}", daemon=True)
    thread.start()
    return RunningServer(server=server, thread=thread, host=host)


# ----- outgoing webhooks -------------------------------------------------------------------------
@dataclass
class Delivery:
    """One event occurrence on its way to one subscription, kept until accepted or given up."""

    subscription_id: int
    event: str
    body: dict[str, Any]
    due: dt.datetime
    attempts: int = 0
    # The same over every retry of this delivery, so a subscriber can recognise a retry.
    delivery_id: str = ""


@dataclass(frozen=True)
class Outgoing:
    """A delivery as it goes over the wire: the exact bytes matter to signatures."""

    delivery: Delivery
    url: str
    content: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Attempt:
    delivery: Delivery
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def send_deliveries(
    transport: httpx.BaseTransport | None,
    outgoing: list[Outgoing],
    *,
    connect_timeout: float,
    response_timeout: float,
) -> list[Attempt]:
    """POST each delivery once. Call it without holding the app lock, so a slow subscriber
    never stalls the API; a transport error is an outcome, not an exception."""
    attempts: list[Attempt] = []
    timeout = httpx.Timeout(response_timeout, connect=connect_timeout)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        for item in outgoing:
            try:
                response = client.post(
                    item.url,
                    content=item.content,
                    headers={"Content-Type": "application/json", **item.headers},
                )
                attempts.append(Attempt(item.delivery, response.status_code, None))
            except httpx.HTTPError as failure:
                attempts.append(Attempt(item.delivery, None, type(failure).__name__))
    return attempts


def settle(
    pending: list[Delivery],
    attempts: list[Attempt],
    schedule: tuple[dt.timedelta, ...],
    now: dt.datetime,
    subscribed: Callable[[int], bool],
) -> None:
    """Count each attempt; drop the delivery when it was accepted, its subscription is gone or
    the schedule is used up, else make it due again after the schedule's next step."""
    for attempt in attempts:
        delivery = attempt.delivery
        delivery.attempts += 1
        if attempt.ok or not subscribed(delivery.subscription_id) or delivery.attempts > len(schedule):
            if delivery in pending:
                pending.remove(delivery)
        else:
            delivery.due = now + schedule[delivery.attempts - 1]


class DeliveryWorker:
    """Calls ``deliver`` every ``interval_seconds`` in a daemon thread (the local stack); tests
    call the simulator's ``deliver_pending`` themselves instead."""

    def __init__(self, name: str, deliver: Callable[[], int]) -> None:
        self._name = name
        self._deliver = deliver
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, interval_seconds: float = 1.0) -> None:
        if self._thread is not None:
            return
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(interval_seconds):
                self._deliver()

        self._thread = threading.Thread(target=run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)
            self._thread = None
