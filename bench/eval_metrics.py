"""Dev scorer for metric extraction: run ``extract_observations`` on a corpus and score it.

    .venv/bin/python bench/eval_metrics.py [--gold ../shared/eval/seeds-gold.json] [--corpus corpus/seeds] [-v]
    .venv/bin/python bench/eval_metrics.py --heldout -v   # bench/heldout and its gold

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

from citykg.graph.extract.metrics.observations import extract_observations
from citykg.graph.extract.places import resolve_places
from citykg.graph.ingest.documents import read_document
from citykg.graph.kb import load_kb

ROOT = Path(__file__).resolve().parents[1]


def load_score(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _list_differences(score, tag: str, doc: dict, recs: list) -> None:
    """Print misses, unit mismatches and false positives of one document.

    Gold items are paired with predictions on (value, unit) first and on value alone
    second, so a figure consumed by a same-valued neighbour is not reported as missed.
    """
    golds = sorted(
        (m for m in doc["metrics"] if m.get("value") is not None), key=lambda m: bool(m.get("optional"))
    )
    used = [False] * len(recs)
    pair: dict[int, int] = {}
    for with_unit in (True, False):
        for gi, m in enumerate(golds):
            if gi in pair:
                continue
            t = [float(m["value"])] + ([float(m["value_max"])] if m.get("value_max") is not None else [])
            for i, r in enumerate(recs):
                if used[i] or not any(score.value_eq(float(r.value), x) for x in t):
                    continue
                if with_unit and score.unit_key(r.unit) != score.unit_key(m["unit"]):
                    continue
                used[i], pair[gi] = True, i
                break
    for gi, m in enumerate(golds):
        if gi not in pair:
            if not m.get("optional"):
                print(f"MISS {tag} {m['raw']!r} {m['unit']} | {m['surface']}")
            continue
        r = recs[pair[gi]]
        if score.unit_key(r.unit) != score.unit_key(m["unit"]):
            print(f"UNIT {tag} {r.mention.text!r} {r.unit} vs {m['unit']}")
    for i, r in enumerate(recs):
        if not used[i]:
            print(f"FP   {tag} {r.mention.text!r} {r.value} {r.unit} [{r.indicator_label}]")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared/eval/seeds-gold.json")
    ap.add_argument("--score", type=Path, default=ROOT.parent / "shared/eval/score.py")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus/seeds")
    ap.add_argument("--heldout", action="store_true", help="score bench/heldout against its gold")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.heldout:
        args.gold, args.corpus = ROOT / "bench/heldout/heldout-gold.json", ROOT / "bench/heldout"
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
        rs = extract_observations(doc, kb, [], resolve_places(doc, kb).city)
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
            _list_differences(score, file[:3], doc, recs[file])
    return 0


if __name__ == "__main__":
    sys.exit(main())
