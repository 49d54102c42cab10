"""One pass over the in-memory store for two checks: the SHACL screen and the reasoner's type sample.

Both need every triple: the screen (:mod:`citykg.validate.screen`) each focus node's values, the
type sample one real triple per distinct (types of the subject, predicate, types or datatype of
the object). They used to walk the store separately (a lookup per focus node, then a scan of all
quads: ~31 + ~21 CPU-s at 2,000 articles, 7M quads); this walks it once, reading each quad as a
plain tuple (attribute access on pyoxigraph's ``Quad`` costs ~3x the unpacking).

The store yields its quads graph by graph, subject by subject, so each *run* of quads with one
subject in one graph is, for a subject that occurs in that graph only, all of its values: the
screen judges the node on its run. The build writes each subject's triples of a graph together,
and the store keeps that order, but nothing relies on it: a subject met again in a later run (in
another graph, an area or a concept several documents describe, or later in the same graph) is
judged again at the end on all its triples (one lookup), and that verdict replaces the first one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import RDF

from citykg.namespaces import GRAPH_ONTOLOGY
from citykg.validate.screen import Hierarchy, ShapePlan, conforms, targets

__all__ = ["Scan", "node_types", "scan"]

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_ONTOLOGY = ox.NamedNode(str(GRAPH_ONTOLOGY))
_NONE: frozenset[str] = frozenset()
Node = ox.NamedNode | ox.BlankNode


@dataclass
class Scan:
    """What the pass found: focus nodes screened, those not certainly conforming, the type sample."""

    focus: int = 0
    unsure: list[Node] = field(default_factory=list)
    #: one real quad per distinct (types of s, p, types or datatype and language of o) outside the
    #: ontology graph, in store order, each followed by the rdf:type quads of its subject and object
    sample: list[ox.Quad] = field(default_factory=list)


def node_types(store: ox.Store) -> dict[ox.Term, frozenset[str]]:
    """Every node with an rdf:type (in any graph) -> its type IRIs (equal sets shared)."""
    raw: dict[ox.Term, set[str]] = {}
    for s, _p, o, _g in store.quads_for_pattern(None, _RDF_TYPE, None):
        raw.setdefault(s, set()).add(o.value)
    shared: dict[frozenset[str], frozenset[str]] = {}
    return {node: shared.setdefault(frozenset(names), frozenset(names)) for node, names in raw.items()}


class _Pass:
    """The state of one pass: the screen's verdicts per run and the sample's keys."""

    def __init__(self, store: ox.Store, plans: list[ShapePlan]) -> None:
        self.store, self.plans = store, plans
        self.by_subject = [p for p in plans if p.subject_keys]
        self.types = node_types(store)
        self.hierarchy = Hierarchy(store, self.types)
        self.met: dict[Node, bool] = {}  # subjects whose first run was seen -> was it a focus node's
        self.again: set[Node] = set()  # subjects met in a later run: judged on all their triples
        self.focus_runs = 0  # first runs judged as a focus node's
        self.unsure_runs: list[Node] = []

    def judge_run(self, s: Node, values: dict[ox.NamedNode, list[ox.Term]]) -> None:
        """The screen's verdict on a subject from its run (final unless the subject is met again)."""
        if s in self.met:
            self.again.add(s)
            return
        plans = self.hierarchy.class_targets(self.types.get(s, _NONE), self.plans)
        for plan in self.by_subject:  # sh:targetSubjectsOf: does this run have the predicate?
            if plan not in plans and any(k in values for k in plan.subject_keys):
                plans = (*plans, plan)
        self.met[s] = bool(plans)
        if plans:
            self.focus_runs += 1
            if not conforms(plans, values, self.hierarchy):
                self.unsure_runs.append(s)

    def walk(self, sample: bool) -> list[tuple[Node, ox.NamedNode, ox.Term, ox.Term]]:
        """The pass itself; returns the sample's picked quads (as tuples) when ``sample``."""
        types, none, literal = self.types, _NONE, ox.Literal
        screening = bool(self.plans)
        seen: set[tuple[object, ...]] = set()
        picked: list[tuple[Node, ox.NamedNode, ox.Term, ox.Term]] = []
        last_s: object = None
        last_g: object = None
        values: dict[ox.NamedNode, list[ox.Term]] = {}
        subject_types, sampling = none, False
        for s, p, o, g in self.store.quads_for_pattern(None, None, None):
            if s != last_s or g != last_g:
                if screening and last_s is not None:
                    self.judge_run(last_s, values)  # type: ignore[arg-type]
                last_s, last_g, values = s, g, {}
                subject_types = types.get(s, none)
                sampling = sample and g != _ONTOLOGY
            if screening:
                vals = values.get(p)
                if vals is None:
                    values[p] = [o]
                else:
                    vals.append(o)
            if sampling:
                key = (
                    subject_types,
                    p,
                    (o.datatype, o.language) if isinstance(o, literal) else types.get(o, none),
                )
                if key not in seen:
                    seen.add(key)
                    picked.append((s, p, o, g))
        if screening and last_s is not None:
            self.judge_run(last_s, values)  # type: ignore[arg-type]
        return picked

    def settle(self) -> tuple[int, list[Node]]:
        """(focus nodes, unsure nodes): the subjects met in several runs judged on all their triples."""
        focus, unsure = self.focus_runs, [s for s in self.unsure_runs if s not in self.again]
        for s in self.again:
            whole: dict[ox.NamedNode, set[ox.Term]] = {}
            for _s, p, o, _g in self.store.quads_for_pattern(s, None, None):
                whole.setdefault(p, set()).add(o)
            plans = targets(self.plans, self.types.get(s, _NONE), whole, self.hierarchy)
            focus += bool(plans) - self.met[s]  # the verdict on all its triples replaces the first run's
            if plans and not conforms(plans, whole, self.hierarchy):
                unsure.append(s)
        unsure.sort(key=str)
        return focus, unsure

    def typed(self, picked: list[tuple[Node, ox.NamedNode, ox.Term, ox.Term]]) -> Iterator[ox.Quad]:
        """Each picked quad, then the rdf:type quads of its subject and object."""
        for s, p, o, g in picked:
            yield ox.Quad(s, p, o, g)  # type: ignore[arg-type]
            for node in (s, o):
                if not isinstance(node, ox.Literal):
                    yield from self.store.quads_for_pattern(node, _RDF_TYPE, None)  # type: ignore[arg-type]


def scan(store: ox.Store, plans: list[ShapePlan], sample: bool = True) -> Scan:
    """The screen of ``plans`` (none: no screen) and, if ``sample``, the type sample, in one pass."""
    work = _Pass(store, plans)
    picked = work.walk(sample)
    focus, unsure = work.settle() if plans else (0, [])
    return Scan(focus, unsure, list(work.typed(picked)))
