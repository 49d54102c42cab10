"""How long `citykg validate`'s checks take as a build grows, and what the reasoner scope saves.

Replicates a real build k times (every ckr: IRI suffixed with a copy number, so the copies are
distinct nodes) and times SHACL (batched above --batch triples), HermiT over all data and HermiT
over the type sample (one real triple per distinct combination of classes and property).
Results are ratios against the same run's numbers, not wall-clock promises.

    python bench/bench_validate.py out/citykg.trig --copies 1 5 10
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph as ox

from citykg.namespaces import CKR_IRI
from citykg.validate.checks import Report, load_store, run_shacl_store, type_sample, union_graph
from citykg.validate.reasoning import check_consistency


def replicate(store: ox.Store, copies: int) -> ox.Store:
    """``copies`` disjoint copies of the data (ontology, schemes and areas shared)."""
    keep = ("graph/", "concept/", "scheme/", "area/")

    def ren(t, k):
        if isinstance(t, ox.NamedNode) and t.value.startswith(CKR_IRI):
            if not t.value[len(CKR_IRI) :].startswith(keep):
                return ox.NamedNode(f"{t.value}-{k}")
        return t

    out = ox.Store()
    for k in range(copies):
        out.extend(
            ox.Quad(ren(q.subject, k), q.predicate, ren(q.object, k), ren(q.graph_name, k))
            for q in store.quads_for_pattern(None, None, None)
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("trig", type=Path)
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 5])
    ap.add_argument("--batch", type=int, default=300_000, help="SHACL batch size in triples")
    args = ap.parse_args()
    base = load_store(args.trig)
    print("copies  triples  shacl_s  batches  hermit_all_s  sample_triples  hermit_sample_s  sample/all")
    for k in args.copies:
        store = replicate(base, k)
        report = Report(data="bench")
        run_shacl_store(store, report, batch_triples=args.batch)
        full = check_consistency(union_graph(store))
        sample = type_sample(store)
        part = check_consistency(sample)
        assert full.consistent and part.consistent, (full.message, part.message)
        print(
            f"{k:6d}  {len(store):7d}  {report.shacl_seconds:7.1f}  {report.shacl_batches:7d}  "
            f"{full.seconds:12.1f}  {len(sample):14d}  {part.seconds:15.1f}  {part.seconds / full.seconds:10.2f}"
        )


if __name__ == "__main__":
    main()
