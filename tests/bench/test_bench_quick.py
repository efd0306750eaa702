"""``python -m bench --quick`` runs end to end and writes well-formed results.

Timings are never asserted (they depend on the machine); the structure is, and every ratio
must be a finite number, and no benchmark may fail (a skipped one names what it waits for).
The benchmarks run in groups, one process each, so a slow machine meets each group's timeout
(the whole quick run took 146 s on a quiet machine and over 300 s beside a second test worker);
a group holds the benchmarks that read another's results (cost_model reads idle_cost and
initial_sync).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = int(os.environ.get("BENCH_QUICK_TIMEOUT_S", "600"))

GROUPS = {
    "static": ("cold_start", "layer_size", "mapper_cpu"),
    "import_and_cost": ("initial_sync", "idle_cost", "cost_model"),
    "streams": ("streams_items", "streams_ledger"),
    "storm": ("storm",),
}


def test_the_groups_cover_every_benchmark() -> None:
    sys.path.insert(0, str(REPO / "layers" / "shared"))
    from bench import suite
    from bench.core import REGISTRY

    suite.load()
    grouped = {name for names in GROUPS.values() for name in names}
    assert {entry.name for entry in REGISTRY} == grouped


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_quick_benchmark_writes_complete_finite_results(group: str, tmp_path: Path) -> None:
    if group == "storm" and not os.environ.get("STORM_TEST"):
        # make test runs the storm's whole path through tests/bench/test_storm.py (bench.storm._storm,
        # with assertions); the figures built on it run in `make storm-test`, a minute saved.
        pytest.skip("the storm's figures: run `make storm-test`")
    names = GROUPS[group]
    try:
        answer = subprocess.run(  # noqa: S603 - our own interpreter running our own module
            [sys.executable, "-m", "bench", "--quick", "--only", *names, "--out", str(tmp_path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
            env={k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"},
        )
    except subprocess.TimeoutExpired as stuck:
        said = stuck.stderr.decode() if isinstance(stuck.stderr, bytes) else str(stuck.stderr or "")
        progress = "\n".join(line for line in said.splitlines() if not line.startswith("{"))
        pytest.fail(f"{group} still running after {TIMEOUT_S} s; it said:\n{progress[-3000:]}")
    assert answer.returncode == 0, answer.stderr[-3000:]
    document = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))

    assert {"date", "machine", "command", "quick", "n", "benchmarks"} <= set(document)
    assert document["quick"] is True
    assert document["command"].startswith("python -m bench")
    assert document["machine"]["cores"] >= 1
    assert document["machine"]["arch"]
    by_name = {bench["name"]: bench for bench in document["benchmarks"]}
    assert set(names) == set(by_name)
    for bench in document["benchmarks"]:
        assert bench["status"] in ("ok", "skipped"), f"{bench['name']}: {bench['reason']}"
        if bench["status"] == "skipped":
            assert bench["reason"], f"{bench['name']} was skipped without saying why"
            continue
        assert bench["figures"], f"{bench['name']} measured nothing"
        for figure in bench["figures"]:
            assert isinstance(figure["value"], int | float), figure
            assert math.isfinite(figure["value"]), figure
            assert figure["value"] >= 0, figure
            if figure["target_op"] is not None:
                assert figure["met"] in (True, False), figure
    for always in ("cold_start", "mapper_cpu", "initial_sync", "cost_model"):
        if always in by_name:
            assert by_name[always]["status"] == "ok", by_name[always]["reason"]
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| Benchmark | Figure | Value | Target | Met |" in table
    for bench in document["benchmarks"]:
        assert bench["title"] in table
