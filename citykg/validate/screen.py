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
from collections.abc import Collection as Sized
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

__all__ = ["Hierarchy", "PropertyRule", "ShapePlan", "conforms", "plan_shapes", "screen", "targets"]

VALUE_CACHE = 1 << 16  # literal checks remembered (units, qualifiers, offsets repeat across documents)
#: the constraints on each value by itself (the others count values, compare two paths or climb classes)
_VALUE_KINDS = frozenset({"datatype", "minLength", "pattern", "in", "minInclusive", "maxInclusive"})
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_NO_TYPES: frozenset[str] = frozenset()
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
    key: ox.NamedNode = field(init=False)  # the path as a store term: values are looked up by it
    #: per value, does it meet every value constraint (datatype, pattern, in, ranges, length)?
    verdicts: dict[ox.Term, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    constraints_on_values: bool = field(default=False, init=False)  # any of _VALUE_KINDS

    def __post_init__(self) -> None:
        self.key = ox.NamedNode(self.path)
        self.constraints_on_values = any(kind in _VALUE_KINDS for kind, _ in self.constraints)

    def value_ok(self, v: ox.Term) -> bool:
        """Does ``v`` meet all of this rule's value constraints? (remembered per value: a value is
        looked up once per rule instead of once per constraint)."""
        ok = self.verdicts.get(v)
        if ok is None:
            ok = all(_value_ok(kind, arg, v) for kind, arg in self.constraints if kind in _VALUE_KINDS)
            if len(self.verdicts) < VALUE_CACHE:
                self.verdicts[v] = ok
        return ok


@dataclass
class ShapePlan:
    """One node shape: its targets and its property rules."""

    classes: list[str] = field(default_factory=list)
    subjects_of: list[str] = field(default_factory=list)
    rules: list[PropertyRule] = field(default_factory=list)
    subject_keys: list[ox.NamedNode] = field(init=False)  # subjects_of as store terms

    def __post_init__(self) -> None:
        self.subject_keys = [ox.NamedNode(p) for p in self.subjects_of]


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
    constraints: list[tuple[str, object]] = []
    for p, o in shapes.predicate_objects(ps):  # type: ignore[arg-type]
        if p in _NEUTRAL or p == SH.path:
            continue
        if p == SH["in"]:
            o = frozenset(Collection(shapes, o))  # type: ignore[arg-type]
        elif p == SH.pattern:
            o = re.compile(str(o))
        elif p in (SH.minCount, SH.maxCount, SH.minLength):
            o = int(o)  # type: ignore[call-overload]
        elif p == SH["class"]:
            o = str(o)
        elif p in (SH.lessThan, SH.lessThanOrEquals):
            o = ox.NamedNode(str(o))  # the other path, looked up among the node's values
        constraints.append((str(p)[len(str(SH)) :], o))  # "minCount": plain strings compare fast
    return PropertyRule(str(path), constraints)


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


class Hierarchy:
    """The class hierarchy of the store and the types of its nodes, looked up once.

    ``types`` maps every node with an rdf:type (in any graph) to its set of type IRIs
    (:func:`citykg.validate.scan.node_types`); a set of types is climbed once, then remembered."""

    def __init__(self, store: ox.Store, types: dict[ox.Term, frozenset[str]]) -> None:
        direct: dict[str, set[str]] = defaultdict(set)
        for s, _p, o, _g in store.quads_for_pattern(None, _SUBCLASS, None):
            direct[s.value].add(o.value)
        self.direct = direct
        self.types = types
        self._supers: dict[str, set[str]] = {}
        self._closures: dict[frozenset[str], frozenset[str]] = {}
        self._targets: dict[frozenset[str], tuple[ShapePlan, ...]] = {}

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

    def closure(self, types: frozenset[str]) -> frozenset[str]:
        """Every class a node of these types is in."""
        found = self._closures.get(types)
        if found is None:
            found = frozenset(c for t in types for c in self.supers(t))
            self._closures[types] = found
        return found

    def is_a(self, node: ox.Term, cls: str) -> bool:
        return not isinstance(node, ox.Literal) and cls in self.closure(self.types.get(node, _NO_TYPES))

    def class_targets(self, types: frozenset[str], plans: list[ShapePlan]) -> tuple[ShapePlan, ...]:
        """The plans whose sh:targetClass reaches a node of these types (subclasses included)."""
        found = self._targets.get(types)
        if found is None:
            within = self.closure(types)
            found = tuple(p for p in plans if any(c in within for c in p.classes))
            self._targets[types] = found
        return found


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


#: a focus node's values: predicate -> its objects (a list within one graph, where none repeats)
Values = Mapping["ox.NamedNode", Sized["ox.Term"]]


def _rule_ok(rule: PropertyRule, values: Values, hierarchy: Hierarchy) -> bool:
    """Does a focus node with predicate -> values ``values`` certainly meet ``rule``?

    Plain loops with early exits: this runs for every rule of every focus node (~5M times at
    2,000 articles)."""
    vals = values.get(rule.key, ())
    for kind, arg in rule.constraints:
        if kind == "minCount":
            if len(vals) < arg:  # type: ignore[operator]
                return False
        elif kind == "maxCount":
            if len(vals) > arg:  # type: ignore[operator]
                return False
        elif kind == "class":
            closure, types = hierarchy.closure, hierarchy.types
            for v in vals:  # a literal has no types, so it is in no class
                if arg not in closure(types.get(v, _NO_TYPES)):
                    return False
        elif kind in ("lessThan", "lessThanOrEquals"):
            if vals and not _ordered(vals, values.get(arg, ()), kind == "lessThan"):  # type: ignore[call-overload]
                return False
    if rule.constraints_on_values:
        for v in vals:
            if not rule.value_ok(v):
                return False
    return True


def conforms(plans: Iterable[ShapePlan], values: Values, hierarchy: Hierarchy) -> bool:
    """Does a node with these values certainly meet every rule of ``plans`` (the shapes targeting it)?"""
    for plan in plans:
        for rule in plan.rules:
            if not _rule_ok(rule, values, hierarchy):
                return False
    return True


def targets(
    plans: list[ShapePlan], types: frozenset[str], values: Values, hierarchy: Hierarchy
) -> list[ShapePlan]:
    """The plans that target a node of these types with these values (by class or by sh:targetSubjectsOf)."""
    found = hierarchy.class_targets(types, plans)
    more = [
        p for p in plans if p.subject_keys and p not in found and any(k in values for k in p.subject_keys)
    ]
    return [*found, *more] if more else list(found)


def screen(store: ox.Store, plans: list[ShapePlan]) -> tuple[int, list[ox.NamedNode | ox.BlankNode]]:
    """(number of focus nodes, the focus nodes not certainly conforming, in a stable order).

    One pass over the store (:func:`citykg.validate.scan.scan`), which can also collect the
    reasoner's type sample on the way."""
    from citykg.validate.scan import scan

    done = scan(store, plans, sample=False)
    return done.focus, done.unsure
