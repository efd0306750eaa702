"""``python -m bench --quick`` runs end to end and writes well-formed results.

Timings are never asserted (they depend on the machine); the structure is, and every ratio
must be a finite number, and no benchmark may fail (a skipped one names what it waits for).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_complete_finite_results(tmp_path: Path) -> None:
    answer = subprocess.run(  # noqa: S603 - our own interpreter running our own module
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"},
    )
    document = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert answer.returncode == 0, answer.stderr[-3000:]

    assert {"date", "machine", "command", "quick", "n", "benchmarks"} <= set(document)
    assert document["quick"] is True
    assert document["command"].startswith("python -m bench")
    assert document["machine"]["cores"] >= 1
    assert document["machine"]["arch"]
    by_name = {bench["name"]: bench for bench in document["benchmarks"]}
    assert {"cold_start", "layer_size", "mapper_cpu"} <= set(by_name)
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
    assert by_name["cold_start"]["status"] == "ok"
    assert by_name["mapper_cpu"]["status"] == "ok"
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| Benchmark | Figure | Value | Target | Met |" in table
    for bench in document["benchmarks"]:
        assert bench["title"] in table
