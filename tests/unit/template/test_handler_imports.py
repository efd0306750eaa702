"""A handler module's import loads Powertools and nothing of the work it routes to: boto3, the
HTTP client and pydantic (with every model and settings class) load on the first invocation.
That is what keeps each import under 1.5x ``import boto3`` (bench/cold_start.py, which times
it; this test only checks which modules are loaded, in a fresh interpreter each).

The webhooks function verifies and enqueues deliveries: it never loads an HTTP client, not even
once a delivery has been handled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HANDLERS = sorted(path.parent.name for path in (ROOT / "functions").glob("*/app.py"))
DEFERRED = ("boto3", "httpx", "pydantic", "rackbeat_tripletex.models")
# Powertools imports the bare botocore package (0.8 ms, for its user agent), none of its modules.
DEFERRED_MODULES = ("botocore.",)

_LOADED = """
import importlib, importlib.util, json, sys
layer, code_dir, then = sys.argv[1:4]
sys.path[:0] = [layer]
sys.path.append(code_dir)
spec = importlib.util.spec_from_file_location("app", code_dir + "/app.py")
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
for name in filter(None, then.split(",")):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(function: str, *then: str) -> set[str]:
    answer = subprocess.run(  # noqa: S603 - our own interpreter running our own modules
        [
            sys.executable,
            "-c",
            _LOADED,
            str(ROOT / "layers" / "shared"),
            str(ROOT / "functions" / function),
            ",".join(then),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"},
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    return set(json.loads(answer.stdout.strip().splitlines()[-1]))


def _deferred(modules: set[str]) -> set[str]:
    return {
        name
        for name in modules
        if name in DEFERRED or name.startswith(tuple(f"{prefix}." for prefix in DEFERRED) + DEFERRED_MODULES)
    }


def test_every_function_is_checked() -> None:
    assert set(HANDLERS) >= {"onboarding_api", "webhooks", "ongoing_sync", "initial_sync"}


@pytest.mark.parametrize("function", HANDLERS)
def test_the_handler_import_defers_the_work(function: str) -> None:
    loaded = _loaded(function)
    assert "aws_lambda_powertools" in loaded
    assert _deferred(loaded) == set()


def test_the_webhooks_function_loads_no_http_client() -> None:
    loaded = _loaded("webhooks", "rackbeat_tripletex.webhooks.deliveries")
    assert "rackbeat_tripletex.webhooks.deliveries" in loaded
    assert {"boto3", "pydantic"} <= loaded  # the check sees what the delivery path loads
    assert {
        name for name in loaded if name.startswith(("httpx", "httpcore", "rackbeat_tripletex.clients.http"))
    } == set()
