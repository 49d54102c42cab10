"""Fuzz the per-document path (ingest -> extract -> RDF) on 20,000+ generated texts.

The generator is the CI fuzz test's (``tests/graph/test_fuzz.py``: government-news
words, numerals with units, quotes and 《》, absurd numbers, control characters,
full-width digits, front matter, HTML, long lines); here it runs ten times as
many texts and reports what the CI test cannot: every crash (by stage and
exception type, with the shortest input that produced it) and the slowest text,
as CPU seconds per 10k characters (texts shorter than 10k count as 10k, so fixed
costs do not inflate small texts). Goal: 0 crashes, none over 2 s per 10k characters.

    python bench/bench_fuzz.py              # 20,000 texts (a few minutes)
    python bench/bench_fuzz.py -n 2000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "graph"))
from test_fuzz import SUFFIXES, run_one, texts

from citykg.graph.worker import warm

#: goal: no text slower than this many CPU seconds per 10k characters
MAX_SECONDS_PER_10K = 2.0
PER = 10_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20_000, help="texts to generate")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    warm()
    crashes: Counter[str] = Counter()
    shortest: dict[str, str] = {}
    slowest: list[tuple[float, int, str]] = []
    refused = 0
    chars = 0
    folder = Path(tempfile.mkdtemp(prefix="citykg-bench-fuzz-"))

    @settings(max_examples=args.n, deadline=None, database=None, derandomize=args.seed == 0,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(text=texts(), suffix=SUFFIXES)
    def one(text: str, suffix: str) -> None:
        nonlocal refused, chars
        t = time.process_time()
        try:
            r = run_one(text, suffix, folder)
            refused += r.error is not None
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            crashes[key] += 1
            if key not in shortest or len(text) < len(shortest[key]):
                shortest[key] = text
        seconds = time.process_time() - t
        chars += len(text)
        slowest.append((seconds * PER / max(len(text), PER), len(text), text[:60]))
        slowest.sort(reverse=True)
        del slowest[5:]

    t0 = time.perf_counter()
    one()
    wall = time.perf_counter() - t0
    print(f"texts: {args.n:,} ({chars:,} characters, {refused:,} refused by ingest) in {wall:.0f} s")
    print(f"crashes: {sum(crashes.values())}")
    for key, n in crashes.most_common():
        print(f"  {n:6} {key}: shortest input {shortest[key][:120]!r}")
    print(f"slowest (CPU s per 10k characters; goal <= {MAX_SECONDS_PER_10K}):")
    for per, n, head in slowest:
        print(f"  {per:6.3f}  {n:7,} chars  {head!r}")
    ok = not crashes and (not slowest or slowest[0][0] <= MAX_SECONDS_PER_10K)
    print("goal met" if ok else "goal NOT met")


if __name__ == "__main__":
    main()
