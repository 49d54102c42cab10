"""Throughput of metric extraction alone (characters per second per core).

    .venv/bin/python bench/bench_metrics.py [--repeat 20]

Runs ``extract_observations`` over the bundled articles ``--repeat`` times (one core)
and reports chars/s, next to the bare candidate regex pass measured in the same run
(the floor) and jieba's segmentation if installed (the alternative the design avoids).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from citykg.graph.extract.metrics.observations import extract_observations
from citykg.graph.extract.metrics.quantities import QUANTITY_RE
from citykg.graph.extract.places import resolve_places
from citykg.graph.ingest.documents import read_document
from citykg.graph.kb import load_kb

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, docs, repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        for d in docs:
            fn(d)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    docs = [read_document(p) for p in sorted((ROOT / "corpus/seeds").glob("*.txt"))]
    kb = load_kb()
    cities = {id(d): resolve_places(d, kb).city for d in docs}  # the subject rule needs the city
    extract_observations(docs[0], kb, [], None)  # warm caches (indicator and subject indexes)
    chars = sum(len(d.text) for d in docs) * args.repeat
    t_extract = timed(lambda d: extract_observations(d, kb, [], cities[id(d)]), docs, args.repeat)
    t_regex = timed(lambda d: sum(1 for _ in QUANTITY_RE.finditer(d.text)), docs, args.repeat)
    out = {
        "chars": chars,
        "extract_chars_per_s": round(chars / t_extract),
        "regex_pass_chars_per_s": round(chars / t_regex),
        "extract_vs_regex_pass": round(t_extract / t_regex, 1),
    }
    try:
        import jieba

        jieba.setLogLevel(60)
        jieba.lcut(docs[0].text)
        t_jieba = timed(lambda d: jieba.lcut(d.text), docs, max(1, args.repeat // 4))
        jchars = sum(len(d.text) for d in docs) * max(1, args.repeat // 4)
        out["jieba_lcut_chars_per_s"] = round(jchars / t_jieba)
        out["extract_speedup_vs_jieba_lcut"] = round((chars / t_extract) / (jchars / t_jieba), 2)
    except ImportError:
        pass
    print(json.dumps(out))


if __name__ == "__main__":
    main()
