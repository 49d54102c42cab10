"""Benchmark what adoption events add to the build, measured against the same build without them.

    python bench/bench_adoption.py -n 300       # a short run (the issue's budget: at most +10 %)

On a corpus made by ``bench_build.make_corpus`` (bundled articles with their city
rotated), in one run and alternating so machine load hits both alike:

- per document, ``extract`` + ``rdfize`` CPU seconds with the adoption step and with
  it skipped (``CITYKG_NO_ADOPTION=1``), and the ratio;
- the whole graph build (``--graph-only``, one worker, analogues included) both ways, in CPU
  seconds (wall-clock on a shared machine measures the neighbours);
- ``citykg conflicts`` and the ledger read on the built store (they run at query time,
  not in the build).

No assertion on time: this prints numbers (and JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import make_corpus

from citykg.graph.adoption.conflicts import conflicts, load_claims
from citykg.graph.adoption.events import SKIP_ENV
from citykg.graph.adoption.ledger import load_events
from citykg.graph.build import build
from citykg.graph.ingest.documents import read_document
from citykg.graph.kb import load_kb
from citykg.graph.pipeline import extract
from citykg.graph.rdf.emit import rdfize
from citykg.store.core import memory_store


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def per_document(files: list[Path], rounds: int) -> dict[str, float]:
    """CPU seconds of extract + rdfize over every file, with and without adoption events."""
    kb = load_kb()
    docs = [read_document(f) for f in files]
    extract(docs[0], kb)  # warm lexicons
    spent = {"with": 0.0, "without": 0.0}
    for _ in range(rounds):
        for mode in ("without", "with"):
            if mode == "without":
                os.environ[SKIP_ENV] = "1"
            else:
                os.environ.pop(SKIP_ENV, None)
            t = _cpu()
            for d in docs:
                rdfize(extract(d, kb), kb)
            spent[mode] += _cpu() - t
    os.environ.pop(SKIP_ENV, None)
    return spent


def whole_build(src: Path, work: Path, rounds: int) -> dict[str, float]:
    spent = {"with": 0.0, "without": 0.0}
    for i in range(rounds):
        for mode in ("without", "with"):
            out = work / f"out-{mode}-{i}"
            if mode == "without":
                os.environ[SKIP_ENV] = "1"
            else:
                os.environ.pop(SKIP_ENV, None)
            t = _cpu()  # one worker: the build runs in this process, so its CPU seconds are ours
            build([src], out, post_steps=False, jobs=1)
            spent[mode] += _cpu() - t
    os.environ.pop(SKIP_ENV, None)
    return spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=300, help="articles (default 300)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds per measurement")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="citykg-bench-adoption-"))
    try:
        src = work / "corpus"
        src.mkdir()
        chars = make_corpus(src, args.n)
        files = sorted(src.glob("*.txt"))
        doc = per_document(files, args.rounds)
        whole = whole_build(src, work, args.rounds)
        store = memory_store(work / "out-with-0" / "citykg.trig")
        t = time.perf_counter()
        events = load_events(store.select)
        t_ledger = time.perf_counter() - t
        t = time.perf_counter()
        found = conflicts(load_claims(store.select))
        t_conflicts = time.perf_counter() - t
        result = {
            "articles": args.n, "characters": chars, "rounds": args.rounds,
            "extract_rdfize_cpu_s_without": round(doc["without"], 2), "extract_rdfize_cpu_s_with": round(doc["with"], 2),
            "extract_rdfize_ratio": round(doc["with"] / doc["without"], 3),
            "build_cpu_s_without": round(whole["without"], 2), "build_cpu_s_with": round(whole["with"], 2),
            "build_ratio": round(whole["with"] / whole["without"], 3),
            "adoption_events": len(events), "ledger_read_s": round(t_ledger, 2),
            "conflicts": len(found), "conflicts_s": round(t_conflicts, 2),
        }  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:32} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
