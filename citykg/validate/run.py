"""Validate a build: SHACL shapes, OWL consistency and the quality-check queries.

The library side of ``citykg validate`` (the command in :mod:`citykg.cli.validate`
only parses options and prints). Three checks over the union of the build's named
graphs (see :mod:`citykg.validate.checks`):

1. SHACL (pySHACL) with ``ontology/shapes/citykg-shapes.ttl``;
2. OWL consistency (HermiT through owlready2, see :mod:`citykg.validate.reasoning`): over all
   the data, or for very large builds over a type sample (one real triple per distinct
   combination of classes and property) - measured in bench/bench_validate.py;
3. every ``queries/qc/*-violation.rq`` (each row is one offending node).

:func:`run_validation` returns a :class:`Report`; a missing build or unreadable RDF
raises a one-line :class:`citykg.errors.CitykgError`.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from citykg.namespaces import GRAPH_ONTOLOGY
from citykg.paths import TRIG_NAME, locate_build, queries_dir
from citykg.validate.checks import (
    REASON_ALL_MAX,
    Problem,
    Report,
    check_units,
    ensure_ontology,
    load_store,
    run_shacl_store,
    type_sample,
    union_graph,
)
from citykg.validate.reasoning import check_consistency, short

__all__ = ["REASONER_SCOPES", "locate_trig", "qc_queries", "query_header", "run_validation", "summary"]

REASONER_SCOPES = ("all", "types")


def locate_trig(data: Path | str | None) -> Path:
    """The dataset named by ``--data`` (an OUT folder or a file): :func:`citykg.paths.locate_build`."""
    return locate_build(data).trig


def run_reasoner(store: ox.Store, scope: str, report: Report) -> None:
    """HermiT over all triples (``all``) or the type sample (``types``); clashes named in plain words."""
    if scope == "auto":
        scope = "types" if len(store) > REASON_ALL_MAX else "all"
    report.reasoner_scope = scope
    graph = union_graph(store) if scope == "all" else type_sample(store)
    result = check_consistency(graph)
    report.reasoner = result
    if result.consistent is None:
        report.notes.append(result.message)
    elif not result.consistent:
        if result.clashes:
            for clash in result.clashes:
                node, _, rest = clash.partition(" ")
                report.problems.append(Problem("reasoner", node, rest))
        else:
            report.problems.append(Problem("reasoner", "(dataset)", result.message))


_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*)$")


def qc_queries() -> list[Path]:
    """The quality-check queries: ``queries/qc/*-violation.rq``."""
    return sorted((queries_dir() / "qc").glob("*-violation.rq"))


def query_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a saved query."""
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        header.setdefault(m.group(1).lower(), m.group(2).strip())
    return header


def _open_query_store(trig: Path, loaded: ox.Store | None = None):
    """The SPARQL helper's store (citykg.store.core; default graph = union of all graphs)."""
    from citykg.store import summaries
    from citykg.store.core import EmbeddedStore, memory_store, open_store

    # OUT/citykg.trig has its persistent store (kept fresh by the build); any other file is
    # queried in memory so validating it leaves nothing behind next to it: the store validate
    # already loaded (with the derived summaries, as memory_store has them), not a second copy.
    if trig.name == TRIG_NAME:
        return open_store(trig)
    if loaded is None:
        return memory_store(trig)
    summaries.add_summaries(loaded)
    return EmbeddedStore(loaded, str(trig))


def run_qc(trig: Path, report: Report, loaded: ox.Store | None = None) -> None:
    """Every QC query; one problem per row. ``loaded``: the dataset already in memory, if any."""
    files = qc_queries()
    report.qc_queries = len(files)
    if not files:
        return
    store = _open_query_store(trig, loaded)
    start = time.perf_counter()
    for path in files:
        header = query_header(path)
        name = path.name.removesuffix("-violation.rq")
        message = header.get("title") or header.get("description") or name
        rows = store.select(path.read_text(encoding="utf-8"))
        for row in rows:
            values = [v for v in row.values() if v]
            node = (
                short(URIRef(values[0])) if values and "://" in values[0] else (values[0] if values else "?")
            )
            extra = ", ".join(str(v) for v in values[1:3])
            report.problems.append(Problem(f"qc:{name}", node, message + (f" ({extra})" if extra else "")))
    report.qc_seconds = time.perf_counter() - start


def run_validation(
    data: Path | str | None, reasoner: bool = True, scope: str = "auto", shacl_engine: str = "screen"
) -> Report:
    """Run all three checks on the build at ``data`` (OUT folder or TriG file; None: out/).

    ``shacl_engine``: ``screen`` (default) or ``pyshacl`` (the slow reference, see
    :func:`citykg.validate.checks.run_shacl_store`)."""
    trig = locate_trig(data)
    store = load_store(trig)
    report = Report(data=str(trig))
    added = ensure_ontology(store)
    if added:
        report.notes.append("the data has no ontology graph; checked against the bundled ontology.")
    report.triples = len(store)
    report.graphs = sum(1 for _ in store.named_graphs())
    run_shacl_store(store, report, engine=shacl_engine)
    check_units(store, report)
    if reasoner:
        run_reasoner(store, scope, report)
    else:
        report.notes.append("OWL reasoner skipped (--no-reasoner).")
    if added:  # the QC queries see the data as it is, as before
        store.remove_graph(ox.NamedNode(str(GRAPH_ONTOLOGY)))
    run_qc(trig, report, store)
    return report


def summary(report: Report) -> str:
    parts = [
        f"{report.triples:,} triples",
        f"SHACL {report.shacl_shapes} shapes over {report.graphs:,} named graphs: "
        f"{report.shacl_engine or 'pySHACL over all data'} ({report.shacl_seconds:.1f} s)",
    ]
    r = report.reasoner
    if r is not None and r.ran:
        state = "consistent" if r.consistent else "INCONSISTENT"
        scope = (
            "the ontology and all data"
            if report.reasoner_scope == "all"
            else "the ontology and a type sample of the data (one real triple per distinct combination "
            "of subject types, predicate and object types)"
        )
        parts.append(f"{r.reasoner} {state} over {scope} ({r.triples:,} triples, {r.seconds:.1f} s)")
    parts.append(f"{report.qc_queries} QC queries ({report.qc_seconds:.1f} s)")
    return ", ".join(parts)
