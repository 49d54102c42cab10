"""How long `citykg validate`'s checks take as a build grows, and what the screen and the sample save.

Two modes, both reporting ratios measured in the same run (CPU seconds too: on a shared
machine they are what other load does not inflate):

    python bench/bench_validate.py out/citykg.trig --copies 1 5 10
    python bench/bench_validate.py --build /tmp/big/out --old-build /tmp/small/out
    python bench/bench_validate.py --build /tmp/big/out --qc-before tests/fixtures/validate/qc-before
    python bench/bench_validate.py --passes /tmp/big/out

``--copies`` replicates a real build k times (every ckr: IRI suffixed with a copy number,
so the copies are distinct nodes) and times SHACL with the screen against pySHACL on
everything (batched above --batch triples), HermiT over all data and over the type sample.

``--build`` runs the whole ``citykg validate`` path on a build (wall and CPU of all its
processes, wall per phase) and, with ``--qc-before``, each rewritten QC query as it was against
queries/qc on the build's OUT/store; on ``--old-build`` (a smaller build, as the old path is
slow), the old SHACL path (pySHACL over all data) against the screen, as a ratio.

``--passes`` times the SHACL screen and the reasoner's type sample as two passes (a lookup per
focus node, then a scan of all quads: the path before :mod:`citykg.validate.scan`) against the
one pass validate makes now, on the same loaded store, and checks the verdicts agree.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citykg.namespaces import CKR_IRI, GRAPH_ONTOLOGY
from citykg.paths import locate_build, queries_dir
from citykg.validate.checks import (
    Report,
    _shapes,
    ensure_ontology,
    load_store,
    run_shacl_store,
    type_sample,
    union_graph,
)
from citykg.validate.reasoning import check_consistency
from citykg.validate.run import run_validation, summary
from citykg.validate.scan import node_types, scan
from citykg.validate.screen import Hierarchy, ShapePlan, conforms, plan_shapes

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: an old QC query gets this much wall time per CPU second it may use (the machine is shared)
QUERY_WALL_PER_CPU = 4


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


def cpu() -> float:
    """CPU seconds of this process and its finished children (HermiT's Java)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(
    rows: list[tuple[str, float, float]], label: str, fn: Callable[..., Any], *args: Any, **kw: Any
) -> Any:
    c, w = cpu(), time.perf_counter()
    out = fn(*args, **kw)
    rows.append((label, cpu() - c, time.perf_counter() - w))
    return out


def whole_path(out: Path) -> Report:
    """``run_validation`` on a build, end to end: wall and CPU (this process, the QC process and
    HermiT's Java), and the wall time of each phase from the report."""
    c, w = cpu(), time.perf_counter()
    report = run_validation(out)
    total_c, total_w = cpu() - c, time.perf_counter() - w
    print(f"{out}: {summary(report)}")
    sample = report.reasoner.seconds if report.reasoner else 0.0
    for label, seconds in (
        ("load (TriG into memory)", report.load_seconds),
        ("SHACL (screen + type sample, one pass)", report.shacl_seconds),
        ("type sample as a graph", report.sample_seconds),
        ("reasoner", sample),
        ("QC queries" + (" (second process)" if report.parallel else ""), report.qc_seconds),
    ):
        print(f"  {label:36s} wall {seconds:7.1f} s")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  {'total':36s} wall {total_w:7.1f} s   cpu {total_c:7.1f} s (all processes)")
    print(f"  peak RSS {me:.0f} MB (largest child {kids:.0f} MB); problems {len(report.problems)}")
    return report


def qc_before_after(out: Path, before: Path, limit: float) -> None:
    """Each QC query that was rewritten: the old text (``before``) against the new, on the build's
    OUT/store, same run; a query is stopped after ``limit`` CPU seconds' worth of wall time."""
    store_dir = locate_build(out).store_dir
    for old in sorted(before.glob("*-violation.rq")):
        new = queries_dir() / "qc" / old.name
        shown = []
        for query in (old, new):
            used, stopped = _query_cpu(store_dir, query, limit)
            shown.append(f">{used:.1f}" if stopped else f"{used:.1f}")
        print(f"  {old.stem:40s} old cpu {shown[0]:>7s} s   new cpu {shown[1]:>7s} s  ('>': stopped)")


def _query_cpu(store_dir: Path, query: Path, limit: float) -> tuple[float, bool]:
    """(CPU seconds, stopped?) of one query in a child process (so a slow one can be stopped)."""
    code = (
        "import sys, pyoxigraph as ox; from citykg.iris import PREFIXES;"
        "s = ox.Store.read_only(sys.argv[1]);"
        "list(s.query(open(sys.argv[2]).read(), prefixes=PREFIXES, use_default_graph_as_union=True))"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([sys.executable, "-c", code, str(store_dir), str(query)])
    stopped = False
    try:
        proc.wait(timeout=limit * QUERY_WALL_PER_CPU)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        stopped = True
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, stopped


def old_vs_new(trig: Path) -> None:
    """SHACL: pySHACL over all data (the old path) against the screen, same store, same run."""
    store = load_store(trig)
    ensure_ontology(store)
    rows: list[tuple[str, float, float]] = []
    old, new = Report(data="old"), Report(data="new")
    timed(rows, "old", run_shacl_store, store, old, engine="pyshacl")
    timed(rows, "new", run_shacl_store, store, new)
    same = [p.line() for p in old.problems] == [p.line() for p in new.problems]
    (_, oc, ow), (_, nc, nw) = rows
    print(
        f"{trig}: {len(store):,} triples; SHACL old (pySHACL, {old.shacl_batches} batches) cpu {oc:.1f} s wall {ow:.1f} s; "
        f"new ({new.shacl_engine}) cpu {nc:.1f} s wall {nw:.1f} s; old/new cpu {oc / max(nc, 1e-9):.1f}x; "
        f"same problems: {same}"
    )


def two_passes(store: ox.Store, plans: list[ShapePlan]) -> tuple[int, list[object], set[object]]:
    """The path before the one-pass scan, for the ratio: a store lookup per focus node (quads read
    through attributes) for the screen, then a scan of every quad for the type sample."""
    hierarchy = Hierarchy(store, node_types(store))
    targeted: dict[object, list[ShapePlan]] = {}
    for plan in plans:
        focus: set[object] = set()
        for cls in plan.classes:
            subs = [c for c in set(hierarchy.direct) | {cls} if cls in hierarchy.supers(c)]
            for sub in subs:
                focus.update(q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(sub)))
        for key in plan.subject_keys:
            focus.update(q.subject for q in store.quads_for_pattern(None, key, None))
        for f in focus:
            targeted.setdefault(f, []).append(plan)
    unsure = []
    for f, shapes in targeted.items():
        values: dict[ox.NamedNode, set[object]] = {}
        for q in store.quads_for_pattern(f, None, None):  # type: ignore[arg-type]
            values.setdefault(q.predicate, set()).add(q.object)
        if not conforms(shapes, values, hierarchy):  # type: ignore[arg-type]
            unsure.append(f)
    types = node_types(store)
    onto, none, keys = ox.NamedNode(str(GRAPH_ONTOLOGY)), frozenset(), set()
    for q in store.quads_for_pattern(None, None, None):
        if q.graph_name != onto:
            o = q.object
            okey = (o.datatype, o.language) if isinstance(o, ox.Literal) else types.get(o, none)
            keys.add((types.get(q.subject, none), q.predicate, okey))
    return len(targeted), sorted(unsure, key=str), keys


def passes(trig: Path) -> None:
    """The screen and the type sample: two passes (the old path) against one (scan), same store."""
    store = load_store(trig)
    ensure_ontology(store)
    plans = plan_shapes(_shapes()) or []
    rows: list[tuple[str, float, float]] = []
    focus, unsure, keys = timed(rows, "two passes", two_passes, store, plans)
    done = timed(rows, "one pass", scan, store, plans)
    (_, oc, ow), (_, nc, nw) = rows
    same = (focus, unsure) == (done.focus, done.unsure)
    print(
        f"{trig}: {len(store):,} quads, {done.focus:,} focus nodes, {len(keys):,} sample keys; two passes cpu "
        f"{oc:.1f} s wall {ow:.1f} s; one pass cpu {nc:.1f} s wall {nw:.1f} s; two/one cpu {oc / max(nc, 1e-9):.2f}x; "
        f"same screen verdicts: {same}"
    )


def copies_table(trig: Path, copies: list[int], batch: int) -> None:
    base = load_store(trig)
    print("copies  triples  screen_s  pyshacl_s  batches  hermit_all_s  sample_triples  hermit_sample_s")
    for k in copies:
        store = replicate(base, k)
        fast, slow = Report(data="bench"), Report(data="bench")
        run_shacl_store(store, fast, batch_triples=batch)
        run_shacl_store(store, slow, batch_triples=batch, engine="pyshacl")
        full = check_consistency(union_graph(store))
        sample = type_sample(store)
        part = check_consistency(sample)
        assert full.consistent and part.consistent, (full.message, part.message)
        print(
            f"{k:6d}  {len(store):7d}  {fast.shacl_seconds:8.1f}  {slow.shacl_seconds:9.1f}  {slow.shacl_batches:7d}  "
            f"{full.seconds:12.1f}  {len(sample):14d}  {part.seconds:15.1f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("trig", type=Path, nargs="?")
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 5])
    ap.add_argument("--batch", type=int, default=300_000, help="pySHACL batch size in triples")
    ap.add_argument("--build", type=Path, help="an OUT folder: time the whole validate path on it")
    ap.add_argument("--old-build", type=Path, help="a smaller OUT folder: old SHACL path against the screen")
    ap.add_argument(
        "--passes", type=Path, help="an OUT folder: the screen + type sample in two passes vs one"
    )
    ap.add_argument(
        "--qc-before",
        type=Path,
        help="with --build: a folder of QC queries as they were (tests/fixtures/validate/qc-before), timed "
        "against queries/qc on the build's OUT/store",
    )
    ap.add_argument(
        "--qc-limit",
        type=float,
        default=120.0,
        help="stop a QC query after this many CPU s' worth of wall time",
    )
    args = ap.parse_args()
    if args.passes:
        passes(locate_build(args.passes).trig)
    if args.old_build:
        old_vs_new(locate_build(args.old_build).trig)
    if args.build:
        whole_path(args.build)
        if args.qc_before:
            qc_before_after(args.build, args.qc_before, args.qc_limit)
    if args.trig:
        copies_table(args.trig, args.copies, args.batch)


if __name__ == "__main__":
    main()
