"""Dev scorer for metric extraction: run ``extract_observations`` on a corpus and score it.

    .venv/bin/python bench/eval_metrics.py [--gold ../shared/eval/seeds-gold.json] [--corpus corpus/seeds] [-v]

Scoring uses score.py's own ``score_metrics`` (imported by path; dev time only) on
(value, unit) pairs, so the numbers match what the real scorer reports for a build.
With ``-v`` it lists every unmatched prediction (false positive) and missed gold item.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from citykg.graph.ingest import read_document
from citykg.graph.kb import load_kb
from citykg.graph.metrics import extract_observations

ROOT = Path(__file__).resolve().parents[1]


def load_score(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared/eval/seeds-gold.json")
    ap.add_argument("--score", type=Path, default=ROOT.parent / "shared/eval/score.py")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus/seeds")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    score = load_score(args.score)
    gold = score.load_gold(args.gold)
    kb = load_kb()
    obs = defaultdict(list)
    recs = {}
    chars = 0
    t0 = time.perf_counter()
    for file in gold["documents"]:
        doc = read_document(args.corpus / file)
        chars += len(doc.text)
        rs = extract_observations(doc, kb, [], None)
        recs[file] = rs
        obs[file] = [(float(r.value), r.unit) for r in rs]
    secs = time.perf_counter() - t0
    pred = {"observations": obs}
    plain = score.score_metrics(gold, pred, with_unit=False)
    unit = score.score_metrics(gold, pred, with_unit=True)
    print(
        json.dumps(
            {
                "recall": plain["recall"],
                "precision": plain["precision"],
                "unit_recall": unit["recall"],
                "unit_precision": unit["precision"],
                "gold": plain["gold"],
                "predicted": plain["predicted"],
                "chars_per_s_incl_ingest": round(chars / secs),
            },
            ensure_ascii=False,
        )
    )
    if args.verbose:
        for file, doc in gold["documents"].items():
            golds = [m for m in doc["metrics"] if m.get("value") is not None]
            used = [False] * len(recs[file])
            for m in sorted(golds, key=lambda m: bool(m.get("optional"))):
                t = [float(m["value"])] + ([float(m["value_max"])] if m.get("value_max") is not None else [])
                hit = next(
                    (
                        i
                        for i, r in enumerate(recs[file])
                        if not used[i] and any(score.value_eq(float(r.value), x) for x in t)
                    ),
                    None,
                )
                if hit is None:
                    if not m.get("optional"):
                        print(f"MISS {file[:3]} {m['raw']!r} {m['unit']} | {m['surface']}")
                else:
                    used[hit] = True
                    r = recs[file][hit]
                    if score.unit_key(r.unit) != score.unit_key(m["unit"]):
                        print(f"UNIT {file[:3]} {r.mention.text!r} {r.unit} vs {m['unit']}")
            for i, r in enumerate(recs[file]):
                if not used[i]:
                    print(f"FP   {file[:3]} {r.mention.text!r} {r.value} {r.unit} [{r.indicator_label}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
