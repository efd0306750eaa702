"""The shared simulator base: admin surface, faults, clock and request log, in-process and over sockets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from werkzeug.wrappers import Request, Response

from local.simulators.base import SimulatorApp, json_response, serve, spec_violations, transport


class EchoApp(SimulatorApp):
    name = "echo"

    def reset(self) -> None:
        self.items: list[str] = []

    def load_seed(self, seed: dict[str, object]) -> None:
        self.items.extend(str(i) for i in seed.get("items", []))  # type: ignore[attr-defined]

    def dump_state(self) -> dict[str, object]:
        return {"items": self.items}

    def handle(self, request: Request) -> Response:
        if request.path == "/bad":
            spec_violations(request).append("body: unknown field")
        return json_response({"items": self.items, "now": self.now().isoformat()})


@pytest.fixture
def app() -> EchoApp:
    return EchoApp({"items": ["a"]}, rng_seed=3)


@pytest.fixture
def http(app: EchoApp) -> Iterator[httpx.Client]:
    with httpx.Client(transport=transport(app), base_url="http://sim") as client:
        yield client


def test_admin_state_seed_reset_and_log(app: EchoApp, http: httpx.Client) -> None:
    assert http.get("/_sim/state").json() == {"items": ["a"]}
    http.post("/_sim/seed", json={"items": ["b", "c"]})
    assert http.get("/x", params={"q": "1"}).json()["items"] == ["b", "c"]
    http.get("/bad")
    log = http.get("/_sim/requests").json()
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in log] == [
        ("GET", "/x", {"q": "1"}, 200),
        ("GET", "/bad", {}, 200),
    ]
    assert log[1]["spec_violations"] == ["body: unknown field"]
    http.delete("/_sim/requests")
    assert http.get("/_sim/requests").json() == []
    http.post("/_sim/reset")
    assert http.get("/_sim/state").json() == {"items": []}


def test_clock_moves_now(app: EchoApp, http: httpx.Client) -> None:
    http.post("/_sim/clock", json={"now": "2030-01-02T03:04:05+00:00"})
    assert app.now().year == 2030
    http.post("/_sim/clock", json={"offset_seconds": 86400})
    assert app.now() - dt.datetime.now(dt.UTC) > dt.timedelta(hours=23)


def test_forced_sequence_in_process(http: httpx.Client) -> None:
    assert http.post("/_sim/faults", json={"sequence": ["503", "timeout", "reset", "ok"]}).status_code == 200
    assert http.get("/a").status_code == 503
    with pytest.raises(httpx.ReadTimeout):
        http.get("/a")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/a")
    assert http.get("/a").status_code == 200
    faults = [e["fault"] for e in http.get("/_sim/requests").json()]
    assert faults == ["503", "timeout", "reset", None]


def test_rates_are_reproducible_for_a_seed() -> None:
    def run() -> list[int]:
        app = EchoApp(rng_seed=11)
        app.set_faults({"error_rates": {"500": 0.3, "429": 0.2}})
        with httpx.Client(transport=transport(app), base_url="http://sim") as client:
            return [client.get("/r").status_code for _ in range(40)]

    first = run()
    assert first == run()
    assert {200, 500, 429} <= set(first)


def test_only_paths_limits_faults(http: httpx.Client) -> None:
    http.post("/_sim/faults", json={"error_rates": {"500": 1.0}, "only_paths": "^/flaky"})
    assert http.get("/steady").status_code == 200
    assert http.get("/flaky").status_code == 500


def test_bad_fault_config_is_400(http: httpx.Client) -> None:
    assert http.post("/_sim/faults", json={"nonsense": 1}).status_code == 400


def test_over_sockets_reset_and_timeout(app: EchoApp) -> None:
    server = serve(app, port=0)
    try:
        assert server.port != 0
        app.set_faults({"sequence": ["reset", "timeout", "ok"], "timeout_seconds": 1})
        with httpx.Client(base_url=server.url, timeout=0.5) as client:
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                client.get("/x")
            with pytest.raises(httpx.ReadTimeout):
                client.get("/x")
        with httpx.Client(base_url=server.url, timeout=5) as client:
            assert client.get("/x").status_code == 200
    finally:
        server.shutdown()
