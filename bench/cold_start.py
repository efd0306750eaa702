"""Cold start: each handler module's import time as a ratio to ``import boto3``, and the layer size.

Each import runs in a fresh interpreter with the function's environment from template.yaml, so
nothing is cached between samples; the samples of every subject are interleaved, so a burst of
noise on the machine hits all of them alike, and each figure is the median of its samples. The
ratio is what holds across machines: the Lambda runtime pays ``import boto3``-like costs too.
Bytecode caches are warm for both (one discarded warm-up sample each), as they are for boto3
in the Lambda runtime.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import stack_env
from bench.core import REPO, Figure, Run, Unavailable, benchmark

TARGET_RATIO = 1.5
LAYER_DIR = REPO / "layers" / "shared"
SAM_BUILT_LAYER = REPO / ".aws-sam" / "build" / "SharedLayer"

_IMPORT_BOTO3 = """
import time
started = time.perf_counter()
import boto3
print(time.perf_counter() - started)
"""

_IMPORT_HANDLER = """
import importlib.util, sys, time
layers, code_dir, module_path = sys.argv[1].split(":"), sys.argv[2], sys.argv[3]
sys.path[:0] = layers
sys.path.append(code_dir)
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", module_path)
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
print(time.perf_counter() - started)
"""


def _sample(code: str, args: list[str], environment: dict[str, str]) -> float:
    answer = subprocess.run(  # noqa: S603 - our own interpreter and our own code
        [sys.executable, "-c", code, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"import failed: {answer.stderr.strip().splitlines()[-1:]}")
    return float(answer.stdout.strip().splitlines()[-1])


@benchmark("cold_start", "Cold start (handler import / import boto3)")
def cold_start(run: Run) -> list[Figure]:
    samples = max(3, run.repeats)
    with stack_env.provisioned() as stack:
        layers = ":".join(str(p) for p in stack_env.layer_dirs(stack))
        functions = stack_env.functions(stack)
        if not functions:
            raise Unavailable("template.yaml has no functions")
        subjects: dict[str, tuple[str, list[str], dict[str, str]]] = {
            "boto3": (_IMPORT_BOTO3, [], functions[0].environment),
        }
        for function in functions:
            subjects[function.logical_id] = (
                _IMPORT_HANDLER,
                [layers, str(function.code_dir), str(function.module_path)],
                function.environment,
            )
        for code, args, environment in subjects.values():
            _sample(code, args, environment)  # warm-up: writes bytecode caches
        times: dict[str, list[float]] = {name: [] for name in subjects}
        for _ in range(samples):
            for name, (code, args, environment) in subjects.items():
                times[name].append(_sample(code, args, environment))
    medians = {name: statistics.median(values) for name, values in times.items()}
    run.detail["import_seconds_median"] = {k: round(v, 4) for k, v in medians.items()}
    run.detail["samples"] = samples
    boto3_s = medians.pop("boto3")
    figures = [Figure("import boto3 (reference)", round(boto3_s * 1000, 1), "ms")]
    for name, seconds in medians.items():
        figures.append(Figure(name, round(seconds / boto3_s, 2), "x boto3", "<=", TARGET_RATIO))
    return figures


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _pip_layer(target: Path) -> None:
    """The layer as `sam build` makes it for arm64: pinned requirements plus the package."""
    subprocess.run(  # noqa: S603 - pip of our own interpreter
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(target / "python"),
            "--platform",
            "manylinux2014_aarch64",
            "--python-version",
            "3.13",
            "--implementation",
            "cp",
            "--only-binary=:all:",
            "-r",
            str(LAYER_DIR / "requirements.txt"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
        env={**os.environ, "PIP_NO_COMPILE": "1"},
    )
    package = LAYER_DIR / "rackbeat_tripletex"
    shutil.copytree(package, target / "python" / package.name, ignore=shutil.ignore_patterns("__pycache__"))


@benchmark("layer_size", "Layer size (unzipped)")
def layer_size(run: Run) -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-layer-") as scratch:
        target = Path(scratch)
        _pip_layer(target)
        size = _tree_bytes(target)
        core = next((p for p in (target / "python").glob("pydantic_core/_pydantic_core*.so")), None)
        run.detail["pydantic_core_binary"] = core.name if core else None
        run.detail["packages"] = sorted(
            p.name for p in (target / "python").iterdir() if p.is_dir() and not p.name.endswith(".dist-info")
        )
        figures.append(
            Figure(
                "pip --target, manylinux2014_aarch64",
                round(size / 1e6, 1),
                "MB",
                note="250 MB is Lambda's cap",
            )
        )
    if SAM_BUILT_LAYER.is_dir():
        figures.append(Figure("sam build (.aws-sam)", round(_tree_bytes(SAM_BUILT_LAYER) / 1e6, 1), "MB"))
    return figures
