"""A fast screen in front of pySHACL: which focus nodes *certainly* conform to the shapes.

pySHACL checks about 15k triples per CPU-second, so a 4M-triple build would need
minutes of it. Most nodes of a good build conform, and proving that for the SHACL
Core components the bundled shapes use (targets by class or subject-of, simple
property paths, counts, class, datatype, value ranges, lengths, patterns, lists and
property-pair comparisons) takes one store lookup per focus node. The screen only
ever *clears* a node when every shape that targets it is certainly met; anything
it is not sure about (an ill-typed literal, a comparison it cannot make, a shape
feature it does not know) is left to pySHACL, which then runs on those nodes alone
(with the ontology and the types of the nodes they point to,
:func:`citykg.validate.checks.run_shacl_subjects`). So the problems reported are
pySHACL's, word for word, and a clean build costs one pass over the focus nodes.

:func:`plan_shapes` returns None when the shapes use anything outside that set;
then every node goes to pySHACL, as before.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

__all__ = ["PropertyRule", "ShapePlan", "plan_shapes", "screen"]

VALUE_CACHE = 1 << 16  # literal checks remembered (units, qualifiers, offsets repeat across documents)
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
#: shape statements that do not change which nodes conform (labels, messages, severity)
_NEUTRAL = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.name, SH.description, SH.severity, SH.order}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_NODE_KEYS = {SH.targetClass, SH.targetSubjectsOf, SH.property} | _NEUTRAL
_PROPERTY_KEYS = {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.minLength, SH.pattern, SH["in"],
    SH.minInclusive, SH.maxInclusive, SH.lessThan, SH.lessThanOrEquals,
} | _NEUTRAL  # fmt: skip


@dataclass
class PropertyRule:
    """One property shape: a simple path and the constraints on its values."""

    path: str
    constraints: list[tuple[str, object]] = field(default_factory=list)  # ("minCount", 1), ...


@dataclass
class ShapePlan:
    """One node shape: its targets and its property rules."""

    classes: list[str] = field(default_factory=list)
    subjects_of: list[str] = field(default_factory=list)
    rules: list[PropertyRule] = field(default_factory=list)


def _property_rule(shapes: Graph, ps: object) -> PropertyRule | None:
    """The rule of property shape ``ps``, None when it uses something the screen does not know."""
    preds = set(shapes.predicates(ps, None))  # type: ignore[arg-type]
    path = shapes.value(ps, SH.path)  # type: ignore[arg-type]
    if (
        not preds <= _PROPERTY_KEYS
        or not isinstance(path, URIRef)
        or len(set(shapes.objects(ps, SH.path))) != 1
    ):  # type: ignore[arg-type]
        return None
    rule = PropertyRule(str(path))
    for p, o in shapes.predicate_objects(ps):  # type: ignore[arg-type]
        if p in _NEUTRAL or p == SH.path:
            continue
        if p == SH["in"]:
            o = frozenset(Collection(shapes, o))  # type: ignore[arg-type]
        elif p == SH.pattern:
            o = re.compile(str(o))
        elif p in (SH.minCount, SH.maxCount, SH.minLength):
            o = int(o)  # type: ignore[call-overload]
        elif p in (SH["class"], SH.lessThan, SH.lessThanOrEquals):
            o = str(o)
        rule.constraints.append((str(p)[len(str(SH)) :], o))  # "minCount": plain strings compare fast
    return rule


def plan_shapes(shapes: Graph) -> list[ShapePlan] | None:
    """The node shapes as plans, or None if any shape is outside what the screen can prove."""
    plans: list[ShapePlan] = []
    properties = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property))
    for ps in properties:  # a property shape with a target of its own is a node-level check
        if any((ps, p, None) in shapes for p in _TARGETS):
            return None
    for ns in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if not set(shapes.predicates(ns, None)) <= _NODE_KEYS:
            return None
        plan = ShapePlan(
            classes=[str(c) for c in shapes.objects(ns, SH.targetClass)],
            subjects_of=[str(p) for p in shapes.objects(ns, SH.targetSubjectsOf)],
        )
        for ps in shapes.objects(ns, SH.property):
            rule = _property_rule(shapes, ps)
            if rule is None:
                return None
            plan.rules.append(rule)
        plans.append(plan)
    return plans


@lru_cache(maxsize=VALUE_CACHE)
def _number(term: ox.Term | Literal) -> int | Decimal | None:
    """The value of a well-typed integer or decimal literal, else None.

    >>> _number(Literal("3", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))
    3
    >>> _number(Literal("abc")) is None
    True
    """
    lit = _literal(term) if isinstance(term, ox.Literal) else term
    if not isinstance(lit, Literal) or lit.ill_typed is not False:
        return None
    value = lit.toPython()
    return value if isinstance(value, int | Decimal) and not isinstance(value, bool) else None


def _literal(term: ox.Literal) -> Literal:
    from citykg.validate.checks import rdflib_term

    return rdflib_term(term)  # type: ignore[return-value]


class _Context:
    """Class hierarchy and node types of the store, looked up once."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        direct: dict[str, set[str]] = defaultdict(set)
        for q in store.quads_for_pattern(None, _SUBCLASS, None):
            direct[q.subject.value].add(q.object.value)
        self.direct = direct
        self._supers: dict[str, set[str]] = {}
        self._types: dict[ox.Term, frozenset[str]] = {}

    def supers(self, cls: str) -> set[str]:
        """``cls`` and every class above it (rdfs:subClassOf*)."""
        if cls not in self._supers:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in self.direct.get(todo.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self._supers[cls] = seen
        return self._supers[cls]

    def subclasses(self, cls: str) -> set[str]:
        return {c for c in set(self.direct) | {cls} if cls in self.supers(c)}

    def is_a(self, node: ox.Term, cls: str) -> bool:
        if isinstance(node, ox.Literal):
            return False
        types = self._types.get(node)
        if types is None:
            types = frozenset(q.object.value for q in self.store.quads_for_pattern(node, _RDF_TYPE, None))  # type: ignore[arg-type]
            self._types[node] = types
        return any(cls in self.supers(t) for t in types)


def _ordered(values: Iterable[ox.Term], others: Iterable[ox.Term], strict: bool) -> bool:
    nums, limits = [_number(v) for v in values], [_number(v) for v in others]
    if not limits or None in nums or None in limits:
        return False
    return all((a < b) if strict else (a <= b) for a in nums for b in limits)  # type: ignore[operator]


@lru_cache(maxsize=VALUE_CACHE)
def _value_ok(kind: str, arg: object, v: ox.Term) -> bool:
    """Does value ``v`` certainly meet constraint ``kind`` with argument ``arg``?"""
    if not isinstance(v, ox.Literal):
        return False
    lit = _literal(v)
    if kind == "datatype":
        return lit.datatype == arg and lit.ill_typed is False
    if kind == "minLength":
        return len(str(lit)) >= arg  # type: ignore[operator]
    if kind == "pattern":
        return arg.search(str(lit)) is not None  # type: ignore[attr-defined]
    if kind == "in":
        return lit in arg  # type: ignore[operator]  # pySHACL: ``v not in in_vals`` (a set)
    n, bound = _number(lit), _number(arg)  # type: ignore[arg-type]
    if n is None or bound is None:
        return False
    return n >= bound if kind == "minInclusive" else n <= bound


def _rule_ok(rule: PropertyRule, values: dict[str, set[ox.Term]], ctx: _Context) -> bool:
    """Does a focus node with predicate -> values ``values`` certainly meet ``rule``?"""
    vals = values.get(rule.path, set())
    for kind, arg in rule.constraints:
        if kind == "minCount":
            ok = len(vals) >= arg  # type: ignore[operator]
        elif kind == "maxCount":
            ok = len(vals) <= arg  # type: ignore[operator]
        elif kind == "class":
            ok = all(ctx.is_a(v, arg) for v in vals)  # type: ignore[arg-type]
        elif kind in ("lessThan", "lessThanOrEquals"):
            ok = not vals or _ordered(vals, values.get(arg, set()), kind == "lessThan")  # type: ignore[arg-type]
        else:
            ok = all(_value_ok(kind, arg, v) for v in vals)
        if not ok:
            return False
    return True


def screen(store: ox.Store, plans: list[ShapePlan]) -> tuple[int, list[ox.NamedNode | ox.BlankNode]]:
    """(number of focus nodes, the focus nodes not certainly conforming, in a stable order)."""
    ctx = _Context(store)
    targeted: dict[ox.Term, list[ShapePlan]] = defaultdict(list)
    for plan in plans:
        focus: set[ox.Term] = set()
        for cls in plan.classes:
            for sub in ctx.subclasses(cls):
                focus.update(q.subject for q in store.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(sub)))
        for p in plan.subjects_of:
            focus.update(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(p), None))
        for f in focus:
            targeted[f].append(plan)
    unsure: list[ox.NamedNode | ox.BlankNode] = []
    for f, shapes in targeted.items():
        values: dict[str, set[ox.Term]] = defaultdict(set)
        for q in store.quads_for_pattern(f, None, None):  # type: ignore[arg-type]
            values[q.predicate.value].add(q.object)
        if not all(_rule_ok(r, values, ctx) for plan in shapes for r in plan.rules):
            unsure.append(f)  # type: ignore[arg-type]
    unsure.sort(key=str)
    return len(targeted), unsure
