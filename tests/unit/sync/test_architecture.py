"""The shape of the layer: streams are declared once, modules stay small, floors import downwards.

These read the source as text (or its import statements), so they fail the moment a change
brings back per-entity dispatch outside the stream adapters, a module grows past about 400
lines, or a lower floor starts importing a higher one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LAYER = Path(__file__).resolve().parents[3] / "layers" / "shared" / "rackbeat_tripletex"
PACKAGE = "rackbeat_tripletex"
# The adapters are where "which entity is this" is answered; nowhere else asks.
ADAPTERS = LAYER / "streams"
MAX_LINES = 400
# Tolerance of "about 400": a module may run a little over while its concerns stay one.
LINES_TOLERANCE = 20

DISPATCH = [
    # if entity == "customer" / entity == "supplier" / "product" == entity ...
    re.compile(r"\bentity\s*[!=]=\s*[\"']"),
    re.compile(r"[\"']\s*[!=]=\s*\w*\.?entity\b"),
    re.compile(r"\bentity\s+(?:not\s+)?in\s+\(\s*[\"']"),
    # isinstance(record, Customer) / isinstance(write, rb.ProductWrite) ...
    re.compile(
        r"isinstance\(\s*\w+\s*,\s*\(?\s*(?:\w+\.)?"
        r"(?:Customer|Supplier|Product|CustomerInvoice)(?:Write)?\b"
    ),
]

# Lower number = lower floor. A module may import its own floor and the floors below it.
FLOORS: dict[str, int] = {
    "models": 0,
    "config": 0,
    "auth": 0,
    # Request screening and the denial record (issue 13): used by webhooks and onboarding.
    "bodies": 0,
    "denials": 0,
    "http_headers": 0,
    # The message catalogue (issue 16): every floor may word a message.
    "i18n": 0,
    "clients": 1,
    "mappers": 1,
    "store": 1,
    "notify": 1,
    "preflight": 1,
    "streams": 2,
    "sync": 3,
    "initial_sync": 3,
    "webhooks": 4,
    "onboarding": 4,
}


def _modules() -> list[Path]:
    return sorted(LAYER.rglob("*.py"))


def _part(path: Path) -> str:
    return path.relative_to(LAYER).parts[0].removesuffix(".py")


def test_no_entity_dispatch_outside_the_stream_adapters() -> None:
    found = [
        f"{path.relative_to(LAYER)}:{number}: {line.strip()}"
        for path in _modules()
        if not path.is_relative_to(ADAPTERS)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if any(pattern.search(line) for pattern in DISPATCH)
    ]
    assert found == [], "per-entity dispatch belongs in a stream adapter (streams/):\n" + "\n".join(found)


def test_the_dispatch_patterns_catch_what_they_are_for() -> None:
    caught = [
        'if entity == "customer":',
        "elif entity != 'invoice':",
        'model = Customer if entity == "customer" else Supplier',
        'if "product" == stream.entity:',
        'if entity in ("customer", "supplier"):',
        "if isinstance(record, Customer):",
        "if isinstance(write, rb.ProductWrite):",
        "return isinstance(original, rb.CustomerInvoice)",
    ]
    passed = [
        "if isinstance(record, Unreadable):",
        "entity = stream.entity",
        "if entity in (item.get('totals') or {}):",
    ]
    assert [line for line in caught if not any(p.search(line) for p in DISPATCH)] == []
    assert [line for line in passed if any(p.search(line) for p in DISPATCH)] == []


def test_no_module_of_the_layer_is_much_over_400_lines() -> None:
    sizes = {str(path.relative_to(LAYER)): len(path.read_text().splitlines()) for path in _modules()}
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES + LINES_TOLERANCE}
    assert too_long == {}


def _imported_floors(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(f"{PACKAGE}."):
            names.add(node.module.split(".")[1])
            if node.module == PACKAGE:
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith(f"{PACKAGE}."))
    return names


def test_every_part_of_the_layer_has_a_floor() -> None:
    parts = {_part(path) for path in _modules()} - {"__init__"}
    assert parts - set(FLOORS) == set()


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(LAYER)))
def test_no_lower_floor_imports_a_higher_one(path: Path) -> None:
    if _part(path) == "__init__":
        return
    floor = FLOORS[_part(path)]
    upward = {name for name in _imported_floors(path) if FLOORS.get(name, 0) > floor}
    assert upward == set(), f"{path.relative_to(LAYER)} (floor {floor}) imports {sorted(upward)}"


def test_the_floor_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from rackbeat_tripletex.sync.engine import SyncEngine\nimport rackbeat_tripletex.streams.base\n"
    )
    assert _imported_floors(module) == {"sync", "streams"}
