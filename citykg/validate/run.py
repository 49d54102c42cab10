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

import multiprocessing as mp
import re
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from citykg.errors import StoreError
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
#: From this TriG size (about a million triples) the QC queries run in a second process on the fresh
#: OUT/store while SHACL and the reasoner run here: 2,000 articles (373 MB) gain their ~35 s of wall time.
PARALLEL_QC_BYTES = 50_000_000


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


def _memory_query_store(trig: Path, loaded: ox.Store | None = None):
    """The SPARQL helper's store over the dataset in memory (default graph = union of all graphs):
    the store validate already loaded, with the derived summaries the persistent store has."""
    from citykg.store import summaries
    from citykg.store.core import EmbeddedStore, memory_store

    if loaded is None:
        return memory_store(trig)
    summaries.add_summaries(loaded)
    return EmbeddedStore(loaded, str(trig))


def fresh_store_dir(trig: Path) -> Path | None:
    """``OUT/store`` when it was built from the current ``OUT/citykg.trig`` (the QC queries read it
    as it is, nothing re-parsed or written), else None."""
    from citykg.store.core import is_fresh, store_dir_for

    if trig.name != TRIG_NAME:
        return None
    folder = store_dir_for(trig)
    return folder if folder.is_dir() and is_fresh(trig, folder) else None


def qc_problems(store) -> tuple[list[Problem], int, float]:
    """(one problem per row of every QC query, number of queries, seconds) over a query store."""
    files = qc_queries()
    problems: list[Problem] = []
    start = time.perf_counter()
    for path in files:
        header = query_header(path)
        name = path.name.removesuffix("-violation.rq")
        message = header.get("title") or header.get("description") or name
        for row in store.select(path.read_text(encoding="utf-8")):
            values = [v for v in row.values() if v]
            node = (
                short(URIRef(values[0])) if values and "://" in values[0] else (values[0] if values else "?")
            )
            extra = ", ".join(str(v) for v in values[1:3])
            problems.append(Problem(f"qc:{name}", node, message + (f" ({extra})" if extra else "")))
    return problems, len(files), time.perf_counter() - start


def _persistent_qc(store_dir: str, label: str, conn) -> None:
    """Child process: the QC queries over the read-only persistent store; result (or error) to ``conn``."""
    from citykg.errors import CitykgError
    from citykg.store.core import EmbeddedStore

    try:
        conn.send(("ok", qc_problems(EmbeddedStore(ox.Store.read_only(store_dir), label))))
    except (CitykgError, OSError) as exc:
        conn.send(("error", str(exc)))
    finally:
        conn.close()


class QcRun:
    """The QC queries of one validation: over the fresh persistent store, in a second process when the
    build is large (they then run while SHACL and the reasoner work), else over the loaded store."""

    def __init__(self, trig: Path) -> None:
        self.trig = trig
        self.store_dir = fresh_store_dir(trig)
        self.process = None
        self.conn = None
        if self.store_dir is not None and trig.stat().st_size >= PARALLEL_QC_BYTES:
            ctx = mp.get_context("spawn")  # a fresh interpreter: nothing of this process's state is shared
            self.conn, child = ctx.Pipe(duplex=False)
            self.process = ctx.Process(
                target=_persistent_qc, args=(str(self.store_dir), str(trig), child), daemon=True
            )
            self.process.start()
            child.close()

    @property
    def where(self) -> str:
        if self.process is not None:
            return "on OUT/store, in a second process"
        return "on OUT/store" if self.store_dir is not None else "in memory"

    def finish(self, report: Report, loaded: ox.Store | None) -> None:
        """Append the QC problems to ``report`` (waiting for the second process, if any)."""
        if self.process is not None and self.conn is not None:
            try:
                status, payload = self.conn.recv()
            except EOFError:
                status, payload = "error", f"the QC process stopped (exit code {self.process.exitcode})"
            self.process.join()
            if status != "ok":
                raise StoreError(f"{self.trig}: QC queries failed: {payload}")
            problems, count, seconds = payload
        else:
            if self.store_dir is not None:
                from citykg.store.core import EmbeddedStore

                store = EmbeddedStore(ox.Store.read_only(str(self.store_dir)), str(self.trig))
            else:
                store = _memory_query_store(self.trig, loaded)
            problems, count, seconds = qc_problems(store)
        report.problems += problems
        report.qc_queries, report.qc_seconds, report.qc_where = count, seconds, self.where

    def stop(self) -> None:
        """End the second process (after an error elsewhere)."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()


def run_qc(trig: Path, report: Report, loaded: ox.Store | None = None) -> None:
    """Every QC query; one problem per row. ``loaded``: the dataset already in memory, if any."""
    QcRun(trig).finish(report, loaded)


def run_validation(
    data: Path | str | None, reasoner: bool = True, scope: str = "auto", shacl_engine: str = "screen"
) -> Report:
    """Run all three checks on the build at ``data`` (OUT folder or TriG file; None: out/).

    The dataset is parsed into memory for SHACL, the units and the reasoner's sample (Python passes
    over an in-memory store are 3-4x faster than over OUT/store, which pays for the parse); the QC
    queries read a fresh OUT/store directly (see :class:`QcRun`). ``shacl_engine``: ``screen``
    (default) or ``pyshacl`` (the slow reference, see :func:`citykg.validate.checks.run_shacl_store`)."""
    trig = locate_trig(data)
    qc = QcRun(trig)
    try:
        start = time.perf_counter()
        store = load_store(trig)
        report = Report(data=str(trig))
        report.load_seconds = time.perf_counter() - start
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
        qc.finish(report, store)
    finally:
        qc.stop()
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
    parts.append(f"{report.qc_queries} QC queries {report.qc_where} ({report.qc_seconds:.1f} s)")
    return ", ".join(parts)
