"""Cold start: each handler module's import time as a ratio to ``import boto3``, and the layer size.

Each import runs in a fresh interpreter with the function's environment from template.yaml, so
nothing is cached between samples; the samples of every subject are interleaved, so a burst of
noise on the machine hits all of them alike, and each figure is the median of its samples. The
ratio is what holds across machines: the Lambda runtime pays ``import boto3``-like costs too.
Bytecode caches are warm for both (one discarded warm-up sample each), as they are for boto3
in the Lambda runtime.

Each interpreter sees only the modules Lambda would give it: the standard library, the layer's
pinned requirements, the runtime's boto3 and its dependencies, the layer package and the
function's code. Whatever else the development environment holds is hidden, because an import
that tries it would behave differently there: httpx, for one, loads its command line (click,
rich, pygments) whenever those happen to be installed, which the layer never has.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
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

# The python3.13 runtime's own boto3, as `sam build` leaves it out of the layer.
RUNTIME_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")

# argv[1]: the top-level modules Lambda would have besides the standard library (by name, or
# found in the interpreter's own lib directory: _sysconfigdata_* is not in stdlib_module_names);
# any other is refused as Lambda would refuse it (an ImportError, which optional imports expect).
_LAMBDA_VIEW = """
import os, sys
from importlib.machinery import PathFinder
class _LambdaView:
    visible = set(sys.argv.pop(1).split(",")) | set(sys.stdlib_module_names)
    stdlib = os.path.dirname(os.__file__) + os.sep
    def find_spec(self, name, path=None, target=None):
        if path is None and name not in self.visible:
            spec = PathFinder.find_spec(name)
            origin = (spec.origin or "") if spec else ""
            if not origin.startswith(self.stdlib) or "-packages" in origin:
                raise ModuleNotFoundError(f"No module named {name!r} in Lambda", name=name)
        return None
sys.meta_path.insert(0, _LambdaView())
"""

_IMPORT_BOTO3 = (
    _LAMBDA_VIEW
    + """
import time
started = time.perf_counter()
import boto3
print(time.perf_counter() - started)
"""
)

_IMPORT_HANDLER = (
    _LAMBDA_VIEW
    + """
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
)


def _top_level_modules(distribution: str) -> set[str]:
    files = importlib.metadata.distribution(distribution).files or []
    names = {Path(str(f)).parts[0] for f in files if not str(f).startswith("..")}
    return {
        name.removesuffix(".py")
        for name in names
        if not name.endswith((".dist-info", ".pth", ".data")) and name != "__pycache__"
    }


def _layer_requirements() -> list[str]:
    text = (LAYER_DIR / "requirements.txt").read_text(encoding="utf-8")
    return re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.MULTILINE)


def lambda_visible_modules(directories: list[Path]) -> str:
    """The top-level modules a function has in Lambda beyond the standard library."""
    names: set[str] = set()
    for distribution in (*_layer_requirements(), *RUNTIME_DISTRIBUTIONS):
        names |= _top_level_modules(distribution)
    for directory in directories:
        names |= {p.stem for p in directory.glob("*.py")}
        names |= {p.name for p in directory.iterdir() if (p / "__init__.py").is_file()}
    return ",".join(sorted(names))


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
        layer_modules = stack_env.layer_dirs(stack)
        subjects: dict[str, tuple[str, list[str], dict[str, str]]] = {
            "boto3": (_IMPORT_BOTO3, [lambda_visible_modules([])], functions[0].environment),
        }
        for function in functions:
            visible = lambda_visible_modules([*layer_modules, function.code_dir])
            subjects[function.logical_id] = (
                _IMPORT_HANDLER,
                [visible, layers, str(function.code_dir), str(function.module_path)],
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
