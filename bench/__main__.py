"""``python -m bench [--quick] [--n N] [--only NAME ...]``: run the benchmarks, write the results."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
from pathlib import Path

# The layer's package, importable as it is in Lambda (from /opt/python) and in the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "shared"))

# Before anything imports boto3 (handlers create clients at import time): no real profile, no
# real AWS, whatever the caller's shell holds.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"  # noqa: S105 - moto's fake credential
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
os.environ["AWS_REGION"] = "eu-west-1"
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "rackbeat-tripletex-bench")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "RackbeatTripletexBench")
os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"

from bench import suite
from bench.core import REGISTRY, RESULTS, Run, document, run_one, write

DEFAULT_N = 10_000
QUICK_N = 300


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (CI: under a minute)")
    parser.add_argument("--n", type=int, help=f"records to import (default {DEFAULT_N}, quick {QUICK_N})")
    parser.add_argument(
        "--rate-scale", type=float, help="the import's API limits as a multiple of the real ones (default 10)"
    )
    parser.add_argument("--storm-n", type=int, help="the storm's size (default 1,000, at most --n)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive import")
    parser.add_argument("--only", nargs="*", default=None, help="run only these benchmarks (by name)")
    parser.add_argument("--out", default=str(RESULTS), help="directory for latest.json and latest.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    suite.load()
    started = dt.datetime.now(dt.UTC)
    run = Run(
        quick=args.quick,
        n=args.n or (QUICK_N if args.quick else DEFAULT_N),
        repeats=3 if args.quick else 7,
        rate_scale=args.rate_scale,
        baseline=not args.no_baseline,
        storm_n=args.storm_n,
    )
    results = []
    for entry in REGISTRY:
        if args.only is not None and entry.name not in args.only:
            continue
        print(f"[bench] {entry.name} ...", file=sys.stderr, flush=True)
        result = run_one(entry, run)
        run.results[entry.name] = result
        results.append(result)
        print(
            f"[bench] {entry.name}: {result.status} in {result.seconds:.1f} s {result.reason}",
            file=sys.stderr,
        )
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    doc = document(results, command.strip(), run, started)
    json_path, md_path = write(doc, Path(args.out))
    print(md_path.read_text(encoding="utf-8"))
    print(f"written: {json_path} {md_path}", file=sys.stderr)
    return 1 if any(r.status == "error" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
