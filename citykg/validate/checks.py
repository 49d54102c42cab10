"""The checks behind ``citykg validate``, sized for builds of any size.

The build is parsed once into an in-memory Oxigraph store. Small builds are
converted whole to rdflib for pySHACL and HermiT. Large ones are checked in
batches of subjects (pySHACL's focus-node mode, with every node's rdf:type as
context so ``sh:class`` still sees across batches), and HermiT reasons over a
*type sample*: for every distinct (types of subject, predicate, types of object)
one real triple of the data. The sample is a subset of the data, so an
inconsistency in it is one in the data, and it names real nodes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from citykg.errors import InputError
from citykg.namespaces import CK_IRI, GRAPH_ONTOLOGY
from citykg.ontofiles import ONTOLOGY_IRI, is_known_unit, known_units, ontology_graph_files, shapes_file
from citykg.store.summaries import GRAPH_SUMMARIES
from citykg.validate.reasoning import ReasonerResult, short

_XSD_STRING = str(XSD.string)
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_OX_FORMATS = {".trig": "TRIG", ".nq": "N_QUADS", ".ttl": "TURTLE", ".nt": "N_TRIPLES"}
BATCH_TRIPLES = 300_000  # above this, SHACL runs in batches of about this many triples
RECHECK_NODES = 2_000  # focus nodes the screen could not clear, checked by pySHACL per batch
REASON_ALL_MAX = 100_000  # above this, HermiT reasons over the type sample (bench/bench_validate.py)


@dataclass
class Problem:
    check: str  # "shacl", "reasoner", "units", "qc:<name>"
    node: str
    message: str
    severity: str = "violation"  # or "warning"

    def line(self) -> str:
        return f"{self.node}  [{self.check}]  {self.message}"


@dataclass
class Report:
    data: str
    triples: int = 0
    graphs: int = 0  # named graphs (one per document, plus ontology, schemes, divisions, analogies)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shacl_shapes: int = 0
    shacl_seconds: float = 0.0
    shacl_batches: int = 0
    shacl_engine: str = ""  # what SHACL ran over, said in the summary
    shacl_screened: int = 0  # focus nodes the screen looked at
    shacl_rechecked: int = 0  # of which pySHACL checked (the screen could not clear them)
    reasoner: ReasonerResult | None = None
    reasoner_scope: str = ""
    qc_queries: int = 0
    qc_seconds: float = 0.0
    parallel: bool = False  # the reasoner and the QC queries ran in a second process alongside SHACL
    load_seconds: float = 0.0  # parsing the dataset into memory
    sample_seconds: float = 0.0  # collecting what the reasoner reasons over (all data or the type sample)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "violation"]

    @property
    def ok(self) -> bool:
        return not self.violations


# --- loading ---------------------------------------------------------------------------------


def load_store(trig: Path) -> ox.Store:
    """Parse ``trig`` into an in-memory Oxigraph store; one-line error if it is not RDF.

    One bulk-load call, not parts (:mod:`citykg.store.trigparts`): at 2,000 articles (7M quads,
    same run) one call costs 36.7 CPU-s and peaks at 2.54 GB, 16 MB parts 44.0 CPU-s and 2.15 GB
    (splitting the file line by line in Python is 2.6 of the difference); validate's peak is about
    the loaded store plus the screen's pass anyway, so the CPU is worth more here."""
    fmt = getattr(ox.RdfFormat, _OX_FORMATS.get(trig.suffix, "TRIG"))
    store = ox.Store()
    try:
        store.bulk_load(path=str(trig), format=fmt)
    except (SyntaxError, ValueError) as exc:
        first = str(exc).strip().splitlines()
        raise InputError(
            f"{trig}: not valid RDF ({first[0] if first else type(exc).__name__}) - rebuild it with `citykg build`."
        ) from None
    if store.contains_named_graph(GRAPH_SUMMARIES):  # derived from the rest (citykg.store.summaries): not checked
        store.remove_graph(GRAPH_SUMMARIES)
    return store


def ensure_ontology(store: ox.Store) -> bool:
    """Add the bundled ontology graph when the data has none; True if it was added."""
    header = ox.Quad(ox.NamedNode(str(ONTOLOGY_IRI)), _RDF_TYPE, ox.NamedNode(str(OWL.Ontology)))
    if any(True for _ in store.quads_for_pattern(header.subject, header.predicate, header.object)):
        return False
    for path in ontology_graph_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH_ONTOLOGY)))
    return True


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # RDF 1.1: "x" and "x"^^xsd:string are one term; rdflib keeps two
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_graph(quads: Iterable[ox.Quad | ox.Triple], graph: Graph | None = None) -> Graph:
    """Triples of ``quads`` added to an rdflib Graph (named graphs merged)."""
    g = Graph() if graph is None else graph
    for q in quads:
        g.add((rdflib_term(q.subject), URIRef(q.predicate.value), rdflib_term(q.object)))
    return g


def union_graph(store: ox.Store) -> Graph:
    return to_graph(store.quads_for_pattern(None, None, None))


def load_union(trig: Path) -> Graph:
    """All named graphs of ``trig`` merged into one rdflib Graph (queries see the same union)."""
    return union_graph(load_store(trig))


# --- SHACL -----------------------------------------------------------------------------------


def _node_text(graph: Graph, node: object) -> str:
    """``ckr:x "label"`` so the user sees which thing is meant."""
    text = short(node)
    label = graph.value(node, RDFS.label) if isinstance(node, URIRef) else None  # type: ignore[arg-type]
    return f'{text} "{label}"' if label is not None else text


_SHAPES: dict[tuple[str, int], Graph] = {}


def _shapes() -> Graph:
    """The shapes graph, parsed once per process (and again when the file changes)."""
    path = shapes_file()
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _SHAPES:
        _SHAPES[key] = Graph().parse(path, format="turtle")
    return _SHAPES[key]


def run_shacl(graph: Graph, report: Report) -> None:
    """Validate ``graph`` against the shapes; append one Problem per result."""
    from pyshacl import validate as shacl_validate

    shapes = _shapes()
    report.shacl_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape)))
    start = time.perf_counter()
    _conforms, results, _text = shacl_validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )  # inplace: no inference or rules run, so pySHACL need not copy the data graph first
    report.shacl_seconds += time.perf_counter() - start
    report.shacl_batches += 1
    found: list[Problem] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus_node = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        text = str(message) if message is not None else f"fails a check on {short(path)}"
        value = results.value(result, SH.value)
        if value is not None and isinstance(value, Literal):
            text += f' (found "{value}")'
        kind = "violation" if severity in (None, SH.Violation) else "warning"
        found.append(Problem("shacl", _node_text(graph, focus_node), text, kind))
    report.problems += sorted(found, key=lambda p: (p.node, p.message))


def _subject_batches(store: ox.Store, limit: int) -> Iterator[list[ox.NamedNode | ox.BlankNode]]:
    """Subjects of the store in groups whose triples add up to about ``limit``."""
    batch: list[ox.NamedNode | ox.BlankNode] = []
    size, last = 0, None
    for q in store.quads_for_pattern(None, None, None):  # ordered by subject within a graph
        if q.subject != last:
            last = q.subject
            if size >= limit:
                yield batch
                batch, size = [], 0
            batch.append(q.subject)
        size += 1
    if batch:
        yield batch


def _ontology_context(store: ox.Store) -> Graph:
    """The ontology graph plus every rdfs:subClassOf of the data (what sh:class and targets climb)."""
    graph = to_graph(store.quads_for_pattern(None, None, None, graph_name=ox.NamedNode(str(GRAPH_ONTOLOGY))))
    return to_graph(store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None), graph)


def run_shacl_subjects(
    store: ox.Store,
    batches: Iterable[list[ox.NamedNode | ox.BlankNode]],
    report: Report,
    context: Graph,
    dedupe: bool = True,
) -> list[Problem]:
    """pySHACL on each batch of subjects: their triples (from every graph), ``context`` and the rdf:type
    triples of the nodes they point to (for ``sh:class``). Results about nodes outside the batch are
    dropped (those nodes are checked in their own batch, with all their triples); returns the rest."""
    seen: set[tuple[str, str, str]] = set()
    done: set[ox.NamedNode | ox.BlankNode] = set()
    out: list[Problem] = []
    for subjects in batches:
        todo = [s for s in dict.fromkeys(subjects) if s not in done]
        done.update(todo)
        graph = Graph()
        graph += context
        pointed: set[ox.NamedNode | ox.BlankNode] = set()
        for s in todo:
            quads = list(store.quads_for_pattern(s, None, None))
            to_graph(quads, graph)
            pointed.update(q.object for q in quads if not isinstance(q.object, ox.Literal))
        for o in pointed:
            to_graph(store.quads_for_pattern(o, _RDF_TYPE, None), graph)
        batch = Report(data=report.data)
        run_shacl(graph, batch)
        report.shacl_shapes = batch.shacl_shapes
        report.shacl_seconds += batch.shacl_seconds
        report.shacl_batches += 1
        mine = {short(rdflib_term(s)) for s in todo}
        for p in batch.problems:
            key = (p.node, p.check, p.message)
            if p.node.split(" ")[0] in mine and (key not in seen or not dedupe):
                seen.add(key)
                out.append(p)
    return out


def _chunks(
    nodes: list[ox.NamedNode | ox.BlankNode], size: int
) -> Iterator[list[ox.NamedNode | ox.BlankNode]]:
    for i in range(0, len(nodes), size):
        yield nodes[i : i + size]


def run_shacl_store(
    store: ox.Store,
    report: Report,
    batch_triples: int = BATCH_TRIPLES,
    engine: str = "screen",
    sample: bool = False,
) -> list[ox.Quad] | None:
    """SHACL over the whole store; with ``sample``, also the type sample's quads (:func:`type_sample`).

    ``engine="screen"`` (default): :mod:`citykg.validate.screen` clears the focus nodes that
    certainly conform in one pass over the store (:mod:`citykg.validate.scan`, which collects
    the sample on the way), and pySHACL checks only the others (in batches of
    ``RECHECK_NODES``), so the problems are pySHACL's own. ``engine="pyshacl"`` (the slow
    reference, kept for the bench and the tests): pySHACL on everything, in one go when small,
    else in batches of subjects of about ``batch_triples`` triples; the sample is then left
    to :func:`type_sample` (None).
    """
    from citykg.validate.scan import scan
    from citykg.validate.screen import plan_shapes

    plans = plan_shapes(_shapes()) if engine == "screen" else None
    start = time.perf_counter()
    if plans is None and len(store) <= batch_triples:
        run_shacl(union_graph(store), report)
        report.shacl_engine = "pySHACL over all data"
        return None
    if plans is None:
        report.problems += run_shacl_subjects(
            store, _subject_batches(store, batch_triples), report, _ontology_context(store)
        )
        report.shacl_engine = f"pySHACL over all data in {report.shacl_batches} batches"
        return None
    done = scan(store, plans, sample)
    focus, unsure = done.focus, done.unsure
    report.shacl_shapes = len(plans)
    report.shacl_screened = focus
    report.shacl_rechecked = len(unsure)
    found = (
        run_shacl_subjects(
            store, _chunks(unsure, RECHECK_NODES), report, _ontology_context(store), dedupe=False
        )
        if unsure
        else []
    )  # no dedupe: each node is in one batch, so pySHACL's results stand as a whole-graph run gives them
    report.problems += sorted(found, key=lambda p: (p.node, p.message))
    report.shacl_seconds = time.perf_counter() - start
    report.shacl_engine = f"{focus:,} focus nodes screened, {len(unsure):,} rechecked by pySHACL" + (
        f" in {report.shacl_batches} batch{'es' if report.shacl_batches != 1 else ''}" if unsure else ""
    )
    return done.sample if sample else None


# --- units -----------------------------------------------------------------------------------


def check_units(store: ox.Store, report: Report) -> None:
    """Warn (not fail) about ck:unit strings ontology/units.ttl does not know yet."""
    known = known_units() | {
        q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(SKOS.notation)), None)
    }
    unknown: dict[str, int] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(CK_IRI + "unit"), None):
        if not is_known_unit(q.object.value, known):
            unknown[q.object.value] = unknown.get(q.object.value, 0) + 1
    for unit, n in sorted(unknown.items()):
        report.problems.append(
            Problem(
                "units",
                f'"{unit}"',
                f"unit used by {n} observation{'s' if n != 1 else ''} is not in ontology/units.ttl "
                "(add it there with its UCUM code)",
                "warning",
            )
        )


# --- reasoner input --------------------------------------------------------------------------


def type_sample(store: ox.Store, picked: list[ox.Quad] | None = None) -> Graph:
    """The ontology graph plus, for every distinct (types of s, p, types or datatype of o), one triple.

    With each sampled triple come the rdf:type triples of its subject and object, so the
    reasoner sees every combination of classes, domains and ranges the data uses. ``picked``:
    those quads as the SHACL screen's pass collected them (:mod:`citykg.validate.scan`), else
    a pass of their own.
    """
    from citykg.validate.scan import scan

    onto = ox.NamedNode(str(GRAPH_ONTOLOGY))
    sample = to_graph(store.quads_for_pattern(None, None, None, graph_name=onto))
    return to_graph(scan(store, []).sample if picked is None else picked, sample)
