"""The runtime dependency lock (layers/shared/requirements.txt, what ``sam build`` installs): every
package of the closure pinned with hashes, nothing missing from the closure, and the environment
the tests run in holding exactly the locked versions (requirements-dev.txt installs the layer's
top-level pins, requirements.in, because the hashed lock would force hashes on every dev line)."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LAYER = Path(__file__).resolve().parents[2] / "layers" / "shared"
_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)\s*\\?$")
_HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


def _lock() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes)."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in (LAYER / "requirements.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _ENTRY.match(line)
        if entry:
            current = canonicalize_name(entry["name"])
            entries[current] = (entry["version"], 0)
            continue
        assert _HASH.match(line), f"unexpected line in the lock: {line!r}"
        assert current is not None
        version, hashes = entries[current]
        entries[current] = (version, hashes + 1)
    return entries


def _top_level() -> dict[str, str]:
    pins = {}
    for line in (LAYER / "requirements.in").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def test_every_locked_package_is_pinned_with_hashes() -> None:
    lock = _lock()
    assert lock, "the lock is empty"
    assert [name for name, (_, hashes) in lock.items() if hashes == 0] == []


def test_the_lock_holds_the_top_level_pins() -> None:
    lock = _lock()
    assert {name: lock.get(name, ("missing", 0))[0] for name in _top_level()} == _top_level()


def test_the_lock_is_the_whole_closure() -> None:
    """Every dependency the installed locked packages declare for Lambda's environment (Linux,
    Python 3.13, no extras) is itself locked; boto3/botocore come with the runtime."""
    lock = _lock()
    environment = {"python_version": "3.13", "sys_platform": "linux", "platform_system": "Linux", "extra": ""}
    missing = []
    for name in lock:
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue
            dependency = canonicalize_name(requirement.name)
            if dependency not in lock and dependency not in {"boto3", "botocore"}:
                missing.append(f"{name} needs {dependency}")
    assert missing == []


def test_the_tests_run_against_the_locked_versions() -> None:
    drift = {
        name: (version, metadata.version(name))
        for name, (version, _) in _lock().items()
        if metadata.version(name) != version
    }
    assert drift == {}, "reinstall: pip install -r requirements-dev.txt (name: locked, installed)"
