"""Test-wide setup, and the fixtures every suite that needs AWS shares.

Powertools (idempotency) and boto3 clients created at import time read credentials, region and
endpoint when a handler module is imported, so fake ones are set here, before anything else.

``make test`` runs on two pytest-xdist workers (pyproject addopts); how the tests are shared out
between them is below.

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


# Scopes for pytest-xdist (``--dist loadscope``): one test module is one unit of work, given whole
# to one worker, so a module fixture is paid once, as in a serial run. A package whose modules
# share a session fixture is one unit: the onboarding stack (and the leak test that searches what
# the package's other tests produced, so it must run after them, on the same worker).
# xdist's own loadgroup cannot do this under pytest 9: it appends the group to ``item._nodeid``,
# which pytest 9 no longer reads, so every test ends up a group of its own.
SHARED_SESSION_PACKAGES = ("tests/e2e/onboarding/",)
# The slowest suites go out first (fuzz and the Tripletex property test are minutes each): a long
# unit handed out last would leave the other worker idle while it runs. A serial run takes the same order.
SUITE_ORDER = ("fuzz", "property", "bench", "chaos", "e2e", "security", "integration", "unit")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        suite = item.nodeid.split("/")[1] if item.nodeid.startswith("tests/") else ""
        return SUITE_ORDER.index(suite) if suite in SUITE_ORDER else len(SUITE_ORDER)

    items.sort(key=rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return next(
                (package for package in SHARED_SESSION_PACKAGES if module.startswith(package)), module
            )

    return ModuleScheduling(config, log)  # type: ignore[arg-type]
