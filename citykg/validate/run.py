"""Validate a build: SHACL shapes, OWL consistency and the quality-check queries.

The library side of ``citykg validate`` (the command in :mod:`citykg.cli.validate`
only parses options and prints). Three checks over the union of the build's named
graphs (see :mod:`citykg.validate.checks`):

1. SHACL (pySHACL) with ``ontology/shapes/citykg-shapes.ttl``;
2. OWL consistency (HermiT through owlready2, see :mod:`citykg.validate.reasoning`): over all
   the data, or for very large builds over a type sample (one real triple per distinct
   combination of classes and property) - measured in bench/bench_validate.py;
3. every ``queries/qc/*-violation.rq`` (each row is one offending node).

The dataset is parsed into memory once. One pass over it screens the SHACL focus nodes and
collects the reasoner's type sample (:mod:`citykg.validate.scan`); on large builds
(``PARALLEL_MIN_TRIPLES``) check 3 runs in a forked second process meanwhile (:class:`SideChecks`).
At 2,000 articles (7M triples) that is ~100 CPU-s in all (was ~136 with a pass each for the
screen and the sample), measured with ``bench/bench_validate.py --build``.

:func:`run_validation` returns a :class:`Report`; a missing build or unreadable RDF
raises a one-line :class:`citykg.errors.CitykgError`.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef

from citykg.errors import ValidationError
from citykg.namespaces import GRAPH_ONTOLOGY
from citykg.paths import locate_build, queries_dir
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

if TYPE_CHECKING:
    from citykg.store.core import QueryStore

__all__ = ["REASONER_SCOPES", "locate_trig", "qc_queries", "query_header", "run_validation", "summary"]

REASONER_SCOPES = ("all", "types")
#: From this many triples the QC queries run in a second process while SHACL and the reasoner run
#: (bench/bench_validate.py: at 2,000 articles, 7M triples, the QC queries take ~12 CPU-s, the
#: screen's pass ~25, HermiT ~3; below 1M triples the fork is not worth its page copies)
PARALLEL_MIN_TRIPLES = 1_000_000


def locate_trig(data: Path | str | None) -> Path:
    """The dataset named by ``--data`` (an OUT folder or a file): :func:`citykg.paths.locate_build`."""
    return locate_build(data).trig


def reasoner_scope(store: ox.Store, scope: str) -> str:
    """``all`` or ``types``: what HermiT reasons over (``auto``: all data up to REASON_ALL_MAX triples)."""
    if scope == "auto":
        return "types" if len(store) > REASON_ALL_MAX else "all"
    return scope


def run_reasoner(store: ox.Store, scope: str, report: Report, picked: list[ox.Quad] | None = None) -> None:
    """HermiT over all triples (``all``) or the type sample (``types``; ``picked``: its quads as the
    SHACL screen's pass collected them); clashes named in plain words."""
    scope = reasoner_scope(store, scope)
    report.reasoner_scope = scope
    start = time.perf_counter()
    graph = union_graph(store) if scope == "all" else type_sample(store, picked)
    report.sample_seconds = time.perf_counter() - start
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


def qc_problems(store: QueryStore) -> tuple[list[Problem], int, float]:
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


def run_qc(trig: Path, report: Report, loaded: ox.Store | None = None) -> None:
    """Every QC query, one problem per row, over the dataset in memory (``loaded``, else parsed here).

    Not over OUT/store: at 2,000 articles the queries cost twice the CPU there (RocksDB reads), and
    the dataset is in memory anyway for SHACL. The derived summaries (citykg.store.summaries) are
    left out (``checks.load_store`` drops the build TriG's copy): no QC query reads them (tested),
    and computing them costs 4 CPU-s at 2,000 articles."""
    from citykg.store.core import EmbeddedStore, memory_store

    store = memory_store(trig) if loaded is None else EmbeddedStore(loaded, str(trig))
    problems, report.qc_queries, report.qc_seconds = qc_problems(store)
    report.problems += problems


def _side_checks(store: ox.Store, trig: Path, added: bool) -> Report:
    """The QC queries, as a report of their own (run here or in a second process)."""
    side = Report(data=str(trig))
    if added:  # the QC queries see the data as it is, as before
        store.remove_graph(ox.NamedNode(str(GRAPH_ONTOLOGY)))
    run_qc(trig, side, store)
    return side


def _side_in_child(conn: Connection, *args: object) -> None:
    """Second-process entry: :func:`_side_checks`' report (or a one-line error) back through ``conn``."""
    try:
        conn.send(("ok", _side_checks(*args)))  # type: ignore[arg-type]
    except Exception as exc:  # any failure becomes one line in the parent, never a traceback
        conn.send(("error", f"{type(exc).__name__}: {exc}".splitlines()[0]))
    finally:
        conn.close()


def can_fork() -> bool:
    """Fork only where it is safe: a POSIX fork, and this process has a single thread."""
    tasks = Path("/proc/self/task")
    return "fork" in mp.get_all_start_methods() and tasks.is_dir() and len(list(tasks.iterdir())) == 1


class SideChecks:
    """The QC queries: in a forked second process on large builds (sharing the loaded store
    copy-on-write, so nothing is parsed twice) while SHACL and the reasoner run here, else after them."""

    def __init__(self, store: ox.Store, trig: Path, added: bool) -> None:
        self.args = (store, trig, added)
        self.process: mp.process.BaseProcess | None = None
        self.conn: Connection | None = None
        if len(store) >= PARALLEL_MIN_TRIPLES and can_fork():
            ctx = mp.get_context("fork")
            self.conn, child = ctx.Pipe(duplex=False)
            self.process = ctx.Process(target=_side_in_child, args=(child, *self.args), daemon=True)
            self.process.start()
            child.close()

    def result(self) -> Report:
        if self.process is None or self.conn is None:
            return _side_checks(*self.args)  # type: ignore[arg-type]
        try:
            status, payload = self.conn.recv()
        except EOFError:
            status, payload = "error", f"it stopped with exit code {self.process.exitcode}"
        self.process.join()
        if status != "ok":
            raise ValidationError(f"{self.args[1]}: the QC process failed ({payload})")
        payload.parallel = True
        return payload

    def stop(self) -> None:
        """End the second process (after an error here)."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()


def run_validation(
    data: Path | str | None, reasoner: bool = True, scope: str = "auto", shacl_engine: str = "screen"
) -> Report:
    """Run all three checks on the build at ``data`` (OUT folder or TriG file; None: out/).

    The dataset is parsed into memory once (Python passes over an in-memory store are 3-4x faster
    than over OUT/store, which pays for the parse); SHACL's screen collects the reasoner's type
    sample in the same pass; on large builds the QC queries run in a second process meanwhile
    (:class:`SideChecks`). ``shacl_engine``:
    ``screen`` (default) or ``pyshacl`` (the slow reference, see
    :func:`citykg.validate.checks.run_shacl_store`)."""
    trig = locate_trig(data)
    start = time.perf_counter()
    store = load_store(trig)
    report = Report(data=str(trig))
    report.load_seconds = time.perf_counter() - start
    added = ensure_ontology(store)
    if added:
        report.notes.append("the data has no ontology graph; checked against the bundled ontology.")
    report.triples = len(store)
    report.graphs = sum(1 for _ in store.named_graphs())
    side = SideChecks(store, trig, added)
    reasoned = Report(data=str(trig))
    try:  # in turn, the QC queries come last: they drop a bundled ontology graph
        scope = reasoner_scope(store, scope)
        picked = run_shacl_store(store, report, engine=shacl_engine, sample=reasoner and scope == "types")
        if reasoner:
            run_reasoner(store, scope, reasoned, picked)
        else:
            reasoned.notes.append("OWL reasoner skipped (--no-reasoner).")
        check_units(store, report)
        done = side.result()
    finally:
        side.stop()
    report.problems += reasoned.problems + done.problems
    report.notes += reasoned.notes
    report.reasoner, report.reasoner_scope = reasoned.reasoner, reasoned.reasoner_scope
    report.sample_seconds, report.parallel = reasoned.sample_seconds, done.parallel
    report.qc_queries, report.qc_seconds = done.qc_queries, done.qc_seconds
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
            "of subject types, predicate and object types, collected in the SHACL screen's pass)"
        )
        parts.append(f"{r.reasoner} {state} over {scope} ({r.triples:,} triples, {r.seconds:.1f} s)")
    parts.append(f"{report.qc_queries} QC queries ({report.qc_seconds:.1f} s)")
    if report.parallel:
        parts.append("the QC queries in a second process alongside SHACL and the reasoner")
    return ", ".join(parts)
