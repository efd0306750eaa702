"""Test-wide setup, and the fixtures every suite that needs AWS shares.

Powertools (idempotency) and boto3 clients created at import time read credentials, region and
endpoint when a handler module is imported, so fake ones are set here, before anything else.

``make test`` runs under pytest-xdist with ``--dist loadgroup`` (pyproject addopts). Every test
module is one xdist group unless it names its own: a module-scoped fixture (a started local
stack, an imported demo dataset) is then paid once, on one worker, as in a serial run. A package
whose tests share one session fixture (the onboarding stack) names a single group for all of
its modules, so they run back to back on one worker.

The shared AWS fixtures (moto, the provisioned template, the local stack) are in
``tests.support.fixtures``, loaded below after the environment is set.
"""

import os

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
os.environ["AWS_REGION"] = "eu-west-1"
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "rackbeat-tripletex-tests")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "RackbeatTripletexTests")
os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"

pytest_plugins = ("tests.support.fixtures",)


# First, so xdist's own hook (which appends the group to each node id) sees the marks added here.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
