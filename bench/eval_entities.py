"""Dev scorer for entity extraction: P/R/F1 on a gold file, with score.py's own matching.

    .venv/bin/python bench/eval_entities.py [--gold ../shared/eval/seeds-gold.json]
        [--score ../shared/eval/score.py] [--corpus corpus/seeds] [-v]

Development aid only (the shipped package never imports score.py). -v lists the
false positives and the missed gold entities per document.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.ingest.documents import read_document
from citykg.graph.kb import load_kb


def _load_score(path: Path):
    spec = importlib.util.spec_from_file_location("citykg_dev_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=root.parent / "shared/eval/seeds-gold.json")
    ap.add_argument("--score", type=Path, default=root.parent / "shared/eval/score.py")
    ap.add_argument("--corpus", type=Path, default=root / "corpus/seeds")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    score = _load_score(args.score)
    gold = score.load_gold(args.gold)
    manifest = {}
    mpath = args.corpus / "manifest.json"
    if mpath.exists():
        manifest = {m["file"]: m for m in json.loads(mpath.read_text(encoding="utf-8"))}
    kb = load_kb()
    ents: dict[str, set[tuple[str, str]]] = {}
    for file in gold["documents"]:
        doc = read_document(args.corpus / file, manifest.get(file))
        recs = extract_entities(doc, kb, None, [])
        ents[file] = {(r.cls, r.label) for r in recs}
    pred = {"entities": ents}
    for typed in (False, True):
        r = score.score_entities(gold, pred, typed=typed)
        name = "typed " if typed else "any   "
        print(
            f"{name} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} (gold {r['gold']}, pred {r['predicted']})"
        )
    if args.verbose:
        for file, doc in gold["documents"].items():
            preds = ents[file]
            print(f"== {file}")
            for t, lbl in sorted(preds, key=lambda x: x[1]):
                ms = [
                    e for e in doc["entities"] if any(score.names_match(lbl, n) for n in score.gold_names(e))
                ]
                if not ms:
                    print(f"  FP  {t:14s} {lbl}")
                elif not any(t in {e["type"], *e["alt_types"]} for e in ms):
                    print(f"  TY  {t:14s} {lbl}  (gold {ms[0]['type']})")
            for e in doc["entities"]:
                if e.get("optional"):
                    continue
                if not any(score.names_match(lbl, n) for (_, lbl) in preds for n in score.gold_names(e)):
                    print(f"  MISS {e['type']:14s} {e['name']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
