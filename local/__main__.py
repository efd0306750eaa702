"""``python -m local [--seed PATH] [--speedup N]``: the whole service on 127.0.0.1 (what ``make run`` runs).

Ports: 3000 API (+ the SES outbox), 3001 Tripletex simulator, 3002 Rackbeat simulator, 3003 moto,
3004 Lambda Invoke endpoint.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

_IMPORTED_AT = time.perf_counter()
REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "template.yaml"
DEFAULT_SEED = Path(__file__).resolve().parent / "seed" / "demo.json"
HOST = "127.0.0.1"
TRIPLETEX_PORT, RACKBEAT_PORT = 3001, 3002

# Before anything imports boto3: handlers and Powertools create clients at import time, and
# they must never find a real profile or reach real AWS from the local stack.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
os.environ["AWS_REGION"] = "eu-west-1"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--seed", type=Path, help="seed JSON for the simulators (keys: tripletex, rackbeat)")
    parser.add_argument(
        "--speedup",
        type=float,
        default=1.0,
        help="run schedules and retry visibility timeouts N times faster",
    )
    parser.add_argument("--template", type=Path, default=TEMPLATE, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _seed(path: Path | None) -> tuple[dict[str, Any] | None, str]:
    if path is not None:
        return json.loads(path.read_text(encoding="utf-8")), str(path)
    if DEFAULT_SEED.exists():
        return json.loads(DEFAULT_SEED.read_text(encoding="utf-8")), str(DEFAULT_SEED.relative_to(REPO))
    try:
        demo = importlib.import_module("local.seed.demo")
    except ModuleNotFoundError:
        return None, "none"
    return demo.demo_seed(), "local.seed.demo (built-in demo dataset)"


def _start_simulators(seed: dict[str, Any] | None) -> tuple[list[Any], dict[str, str], list[str]]:
    """Start each simulator that exists yet; returns servers, URLs by name, and printable lines."""
    from local.servers import PortBusy, port_is_free

    servers: list[Any] = []
    urls: dict[str, str] = {}
    lines: list[str] = []
    for name, port, base_path in (("tripletex", TRIPLETEX_PORT, "/v2"), ("rackbeat", RACKBEAT_PORT, "/api")):
        label = f"{name.capitalize()} simulator"
        try:
            package = importlib.import_module(f"local.simulators.{name}")
            base = importlib.import_module("local.simulators.base")
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("local.simulators"):
                raise  # the simulator exists but a dependency of it is missing: say so loudly
            lines.append(f"  {label:<20} not started: {exc.name} is not there yet")
            continue
        if not port_is_free(port):
            raise PortBusy(port, label)
        section = dict((seed or {}).get(name) or {})
        if name == "tripletex":
            # The local stack's webhook URLs are plain http: the simulator's documented local-only
            # relaxation (ASSUMPTIONS.md 18) lets Tripletex event subscriptions point at them.
            section["options"] = {"allow_http_targets": True, **(section.get("options") or {})}
        app = package.create_app(section)
        # Webhook / event-subscription deliveries go out in the background, as the real APIs send them.
        app.start_delivery_worker()
        server = base.serve(app, HOST, port)
        servers.append(server)
        urls[name] = f"http://{HOST}:{port}{base_path}"
        lines.append(f"  {label:<20} {urls[name]}")
    return servers, urls, lines


def main(argv: list[str] | None = None) -> int:
    started = _IMPORTED_AT
    args = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    # Imported here so the environment above is in place first.
    from local.cfn import load_template
    from local.servers import PortBusy
    from local.stack import LocalStack

    seed, seed_source = _seed(args.seed)
    declared = set((load_template(args.template).get("Parameters") or {}).keys())
    simulators: list[Any] = []
    stack: LocalStack | None = None
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    try:
        simulators, sim_urls, sim_lines = _start_simulators(seed)
        overrides = {"Stage": "dev"} if "Stage" in declared else {}
        if "tripletex" in sim_urls and "TripletexBaseUrl" in declared:
            overrides["TripletexBaseUrl"] = sim_urls["tripletex"]
        if "rackbeat" in sim_urls and "RackbeatBaseUrl" in declared:
            overrides["RackbeatBaseUrl"] = sim_urls["rackbeat"]
        stack = LocalStack(args.template, speedup=args.speedup, parameter_overrides=overrides).start()
        assert stack.runner is not None
        assert stack.aws is not None
        assert stack.moto is not None
        import_errors = stack.runner.load_all()
        elapsed = time.perf_counter() - started
        functions = stack.runner.functions
        stage = overrides.get("Stage", "Prod")
        print(f"Local stack ready in {elapsed:.1f} s ({args.template.name}, speed-up x{args.speedup:g})")
        print(f"  {'API':<20} {stack.api_url}/   (served at the root: no /{stage} prefix)")
        print(f"  {'Outbox':<20} {stack.api_url}/_local/outbox   (.json for machines)")
        for line in sim_lines:
            print(line)
        print(f"  {'Simulator seed':<20} {seed_source}")
        print(f"  {'AWS (moto)':<20} {stack.moto.endpoint}   (AWS_ENDPOINT_URL)")
        print(f"  {'Lambda invoke':<20} {stack.invoke_url}   (AWS_ENDPOINT_URL_LAMBDA)")
        tables = sorted(r.ref for r in stack.aws.of_type("AWS::DynamoDB::Table").values())
        queues = sorted(r.attributes["QueueName"] for r in stack.aws.of_type("AWS::SQS::Queue").values())
        print(f"  {'Tables':<20} {', '.join(tables) or '-'}")
        print(f"  {'Queues':<20} {', '.join(queues) or '-'}")
        print(f"  {'Functions':<20} {', '.join(sorted(functions)) or '- (none in template.yaml yet)'}")
        for name, error in import_errors.items():
            print(f"  ! {name} failed to import: {error}")
        for note in stack.aws.unsupported + stack.runner.skipped:
            print(f"  ! not emulated: {note}")
        print("Ctrl-C stops everything.", flush=True)
        while not stop.wait(0.5):
            pass
    except PortBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        if stack is not None or simulators:
            print("Stopping ...", flush=True)
        if stack is not None:
            stack.stop()
        for server in simulators:
            server.shutdown()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
