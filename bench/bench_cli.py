"""Benchmark the CLI's start: ``citykg --version`` and ``citykg query NAME`` as processes.

    python bench/bench_cli.py                     # the bundled test fixture as the build
    python bench/bench_cli.py --data out --runs 20
    python bench/bench_cli.py --json

Each command runs ``--runs`` times as a fresh process (after one warm-up run, so
the OS file cache and the store are warm); the median and the fastest wall-clock
seconds are printed, with the user+system CPU seconds of the children. In the
same run, as anchors: ``python -c pass`` (the interpreter alone) and
``python -c "import rdflib"`` (what the CLI used to pay at start), and the ratio
of each citykg command to them. Issue 15 asks for ``--version`` < 0.3 s and
``query NAME`` < 0.4 s.

Without ``--data`` the query runs on a copy of ``tests/fixtures/sparql-mini.trig``
(its persistent store is created by the warm-up run). No assertion on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "sparql-mini.trig"
SCRIPT = Path(sys.executable).parent / "citykg"
#: Default number of timed runs per command.
RUNS = 10


def time_command(argv: list[str], runs: int) -> dict[str, float]:
    """Median and fastest wall seconds of ``argv`` as a process, and its mean CPU seconds."""
    subprocess.run(argv, capture_output=True, check=True)  # warm-up
    walls: list[float] = []
    cpu_before = os.times()
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        walls.append(time.perf_counter() - start)
    cpu_after = os.times()
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )
    return {"median": statistics.median(walls), "min": min(walls), "cpu": cpu / runs}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", help="Build to query (default: a copy of the test fixture).")
    parser.add_argument("--query", default="list-cities", help="Saved query to run.")
    parser.add_argument("--runs", type=int, default=RUNS, help="Timed runs per command.")
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        data = args.data
        if data is None:
            shutil.copy(FIXTURE, Path(tmp) / "citykg.trig")
            data = tmp
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import rdflib"': [sys.executable, "-c", "import rdflib"],
            "citykg --version": [str(SCRIPT), "--version"],
            f"citykg query {args.query}": [str(SCRIPT), "query", args.query, "-d", data, "--tsv"],
        }
        results = {name: time_command(argv, args.runs) for name, argv in cases.items()}

    base = results["python -c pass"]["median"]
    rdflib = results['python -c "import rdflib"']["median"]
    for r in results.values():
        r["x_python"] = r["median"] / base
        r["x_rdflib"] = r["median"] / rdflib
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'command':34} {'median s':>9} {'min s':>7} {'cpu s':>7} {'/python':>8} {'/rdflib':>8}")
    for name, r in results.items():
        print(
            f"{name:34} {r['median']:9.3f} {r['min']:7.3f} {r['cpu']:7.3f} "
            f"{r['x_python']:8.2f} {r['x_rdflib']:8.2f}"
        )
    print(f"({args.runs} runs each after a warm-up; machine load: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
