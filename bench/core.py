"""The harness: benchmarks register here, run in order, and their figures become the result files.

A benchmark is a function of a `Run` returning its figures. When its subject does not exist yet
(a function or a module another issue is still building) it raises `Unavailable`, and the result
says so instead of failing: the harness grows as the service does.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "template.yaml"
RESULTS = Path(__file__).resolve().parent / "results"

Status = Literal["ok", "skipped", "error"]


class Unavailable(Exception):
    """The benchmark's subject is not in the tree yet; the message says what is missing."""


@dataclass(frozen=True)
class Figure:
    name: str
    value: float | None
    unit: str
    # A target is a bound on the value: "<=" or ">=" and the number, checked here once.
    target_op: Literal["<=", ">="] | None = None
    target: float | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target_op is None or self.target is None or self.value is None:
            return None
        return self.value <= self.target if self.target_op == "<=" else self.value >= self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


@dataclass
class Result:
    name: str
    title: str
    status: Status
    figures: list[Figure] = field(default_factory=list)
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def figure(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "reason": self.reason,
            "seconds": round(self.seconds, 2),
            "figures": [f.as_dict() for f in self.figures],
            "detail": self.detail,
        }


@dataclass
class Run:
    """What a benchmark may read: the size asked for, and the results of the benchmarks before it."""

    quick: bool
    n: int
    repeats: int
    # The import's limits as a multiple of the real ones (None: the benchmark's own default).
    rate_scale: float | None = None
    # Whether the import also runs the naive baseline (minutes at the real limits).
    baseline: bool = True
    # The storm's noisy products and imported records (None: storm.STORM_N, at most n).
    storm_n: int | None = None
    results: dict[str, Result] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)


Benchmark = Callable[[Run], list[Figure]]


@dataclass(frozen=True)
class Registered:
    name: str
    title: str
    function: Benchmark


REGISTRY: list[Registered] = []


def benchmark(name: str, title: str) -> Callable[[Benchmark], Benchmark]:
    def register(function: Benchmark) -> Benchmark:
        REGISTRY.append(Registered(name, title, function))
        return function

    return register


def run_one(entry: Registered, run: Run) -> Result:
    started = time.perf_counter()
    run.detail = {}
    try:
        figures = entry.function(run)
        result = Result(entry.name, entry.title, "ok", figures, detail=run.detail)
    except Unavailable as missing:
        result = Result(entry.name, entry.title, "skipped", reason=str(missing), detail=run.detail)
    except Exception as error:
        result = Result(
            entry.name,
            entry.title,
            "error",
            reason=f"{type(error).__name__}: {error}",
            detail={**run.detail, "traceback": traceback.format_exc(limit=8)},
        )
    result.seconds = time.perf_counter() - started
    return result


def machine() -> dict[str, Any]:
    return {
        "arch": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _finite(value: Any) -> Any:
    # JSON has no NaN/Infinity; a figure that could not be computed is null, never a fake number.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def document(results: list[Result], command: str, run: Run, started: dt.datetime) -> dict[str, Any]:
    doc: dict[str, Any] = _finite(
        {
            "date": started.isoformat(timespec="seconds"),
            "machine": machine(),
            "command": command,
            "quick": run.quick,
            "n": run.n,
            "repeats": run.repeats,
            "benchmarks": [r.as_dict() for r in results],
        }
    )
    return doc


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.4g}"


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        f"Measured {doc['date']} on {doc['machine']['arch']}, {doc['machine']['cores']} cores, "
        f"Python {doc['machine']['python']}, by `{doc['command']}`.",
        "",
        "| Benchmark | Figure | Value | Target | Met |",
        "|---|---|---|---|---|",
    ]
    for bench in doc["benchmarks"]:
        if bench["status"] != "ok":
            lines.append(f"| {bench['title']} | — | {bench['status']}: {bench['reason']} | | |")
            continue
        for figure in bench["figures"]:
            target = f"{figure['target_op']} {_number(figure['target'])}" if figure["target_op"] else ""
            met = {True: "yes", False: "**no**", None: ""}[figure["met"]]
            unit = f" {figure['unit']}" if figure["unit"] else ""
            note = f" ({figure['note']})" if figure["note"] else ""
            value = f"{_number(figure['value'])}{unit}"
            lines.append(f"| {bench['title']} | {figure['name']}{note} | {value} | {target} | {met} |")
    return "\n".join(lines) + "\n"


def write(doc: dict[str, Any], directory: Path = RESULTS) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "latest.json", directory / "latest.md"
    json_path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(doc), encoding="utf-8")
    return json_path, md_path
