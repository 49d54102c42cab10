"""OWL consistency check: owlready2 runs HermiT (Java) over the ontology (+ data).

HermiT says only "inconsistent"; :func:`explain_clashes` then looks for the usual
causes in plain Python (a node that falls in two disjoint classes, a functional
property with two values, an irreflexive self-link) so the user reads *which node*
and *why*. Without Java the check is skipped with a clear message, not a crash.
Pellet is tried when HermiT itself fails (not when it finds an inconsistency);
note that the Pellet bundled with owlready2 0.51 needs a newer Java than 17.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from citykg.namespaces import PREFIXES

JAVA_MEMORY_MB = 1000  # HermiT heap; owlready2's default (2000) is a lot on a shared 2-core box
#: JVM options for HermiT's short runs (added to JAVA_TOOL_OPTIONS for its process only): the quick
#: C1 compiler alone and one GC thread; a type sample's check costs 2.5 -> 1.45 CPU-s of Java
#: (measured on a 690k-triple build's sample, 2,358 triples, same run)
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@dataclass
class ReasonerResult:
    """Outcome of one consistency check. ``consistent`` is None when the check could not run."""

    consistent: bool | None
    reasoner: str  # "HermiT", "Pellet" or "none"
    seconds: float
    triples: int
    message: str
    clashes: list[str] = field(default_factory=list)

    @property
    def ran(self) -> bool:
        return self.consistent is not None


def java_available() -> bool:
    return shutil.which("java") is not None


def short(term: object) -> str:
    """A readable CURIE for an IRI (``ck:City``, ``ckr:area/220500``).

    >>> short(URIRef("https://w3id.org/citykg/ontology#City"))
    'ck:City'
    """
    text = str(term)
    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri) :]}"
    return f"<{text}>" if isinstance(term, URIRef) else text


def _superclasses(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Reflexive-transitive rdfs:subClassOf closure over named classes."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct[sub].add(sup)
    closure: dict[URIRef, set[URIRef]] = {}

    def up(cls: URIRef) -> set[URIRef]:
        if cls not in closure:
            closure[cls] = {cls}
            for sup in direct.get(cls, ()):
                closure[cls] |= up(sup)
        return closure[cls]

    for cls in list(direct):
        up(cls)
    return closure


def explain_clashes(graph: Graph, limit: int = 20) -> list[str]:
    """Plain-words causes of inconsistency that a simple pass can find (may be empty)."""
    supers = _superclasses(graph)
    disjoint: set[frozenset[URIRef]] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            disjoint.add(frozenset((a, b)))
    # why each node is in each class: asserted types, then domains/ranges of the properties it uses
    why: dict[object, dict[URIRef, str]] = defaultdict(dict)
    for s, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            why[s].setdefault(cls, "typed so")
    for prop, dom in graph.subject_objects(RDFS.domain):
        if isinstance(dom, URIRef) and dom != OWL.Thing:
            for s in graph.subjects(prop, None):
                why[s].setdefault(dom, f"it has {short(prop)}")
    for prop, rng in graph.subject_objects(RDFS.range):
        if isinstance(rng, URIRef) and rng != OWL.Thing and (prop, RDF.type, OWL.ObjectProperty) in graph:
            for o in graph.objects(None, prop):
                if not isinstance(o, Literal):
                    why[o].setdefault(rng, f"something points to it with {short(prop)}")
    out: list[str] = []
    for node, reasons in why.items():
        classes: dict[URIRef, str] = {}
        for cls, reason in reasons.items():
            for sup in supers.get(cls, {cls}):
                classes.setdefault(sup, f"{short(cls)}: {reason}" if sup != cls else reason)
        names = sorted(classes, key=str)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if frozenset((a, b)) in disjoint:
                    out.append(
                        f"{short(node)} is both a {short(a)} ({classes[a]}) and a {short(b)} "
                        f"({classes[b]}), but the ontology says nothing can be both."
                    )
    for prop in graph.subjects(RDF.type, OWL.FunctionalProperty):
        if (prop, RDF.type, OWL.DatatypeProperty) not in graph:
            continue
        values: dict[object, set[object]] = defaultdict(set)
        for s, o in graph.subject_objects(prop):
            values[s].add(o.toPython() if isinstance(o, Literal) else o)
        for s, vs in values.items():
            if len(vs) > 1:
                shown = ", ".join(sorted(str(v) for v in vs))
                out.append(f"{short(s)} has {len(vs)} values of {short(prop)} ({shown}), but it allows one.")
    for prop in graph.subjects(RDF.type, OWL.IrreflexiveProperty):
        for s, o in graph.subject_objects(prop):
            if s == o:
                out.append(
                    f"{short(s)} is linked to itself with {short(prop)}, which links different nodes only."
                )
    return sorted(set(out))[:limit]


def _owlready_world(graph: Graph, tmpdir: Path):
    import owlready2

    path = tmpdir / "input.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    return world, onto


@contextmanager
def _java_options() -> Iterator[None]:
    """``JAVA_OPTIONS`` in JAVA_TOOL_OPTIONS while HermiT runs (owlready2 starts Java with the
    environment and no other way to pass options); the user's own options stay, first."""
    before = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = f"{before} {JAVA_OPTIONS}" if before else JAVA_OPTIONS
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("JAVA_TOOL_OPTIONS", None)
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = before


def check_consistency(graph: Graph, reasoner: str = "hermit") -> ReasonerResult:
    """Run HermiT (via owlready2) on ``graph``; fall back to Pellet if HermiT cannot run.

    Unsupported datatypes (xsd:gYear, xsd:date in data values) are ignored by HermiT,
    not treated as errors.
    """
    start = time.perf_counter()
    n = len(graph)
    if not java_available():
        return ReasonerResult(
            None,
            "none",
            0.0,
            n,
            "Java is not installed, so the OWL reasoner (HermiT) was skipped; install Java 11+ to run it.",
        )
    import owlready2
    import owlready2.reasoning as owl_reasoning

    owl_reasoning.JAVA_MEMORY = JAVA_MEMORY_MB
    errors: list[str] = []
    order = ["hermit", "pellet"] if reasoner == "hermit" else ["pellet", "hermit"]
    with tempfile.TemporaryDirectory(prefix="citykg-reason-") as tmp, _java_options():
        world, _onto = _owlready_world(graph, Path(tmp))
        for name in order:
            try:
                if name == "hermit":
                    owlready2.sync_reasoner_hermit(
                        world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                    )
                else:
                    owlready2.sync_reasoner_pellet(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                label = "HermiT" if name == "hermit" else "Pellet"
                clashes = explain_clashes(graph)
                msg = f"{label} found the ontology and data inconsistent."
                if not clashes:
                    msg += " No simple cause was found; open the data with the ontology in Protégé and ask it to explain."
                return ReasonerResult(False, label, time.perf_counter() - start, n, msg, clashes)
            except Exception as exc:  # a Java error: try the other reasoner
                first = str(exc).strip().splitlines()
                errors.append(f"{name}: {first[-1] if first else type(exc).__name__}")
                continue
            label = "HermiT" if name == "hermit" else "Pellet"
            return ReasonerResult(True, label, time.perf_counter() - start, n, f"{label}: consistent.")
    return ReasonerResult(
        None,
        "none",
        time.perf_counter() - start,
        n,
        "The OWL reasoner could not run (" + "; ".join(errors) + ").",
    )
