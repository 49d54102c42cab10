"""The records of a few resources read from the store by their IRIs, exactly as ``load_model`` reads them.

An incremental site step (``viz.incsite``) keeps the previous build's ``Model`` and
replaces only the records of the resources whose statements changed. Those are read
here by pattern lookups on the store's indexes (subject -> its quads, evidence node ->
its quads), not by SPARQL: a lookup costs what the resource holds, and no term is
ever written into a query. Each function applies the same rules as the bulk reads of
``viz.data._load`` (the first class in ``INITIATIVE_CLASSES`` order, the preferred
label, the smallest city IRI, sorted concepts and domains, evidence sorted when there
is more than one), so a patched model equals a freshly loaded one; a test compares them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TypeAlias

import pyoxigraph as ox

from citykg.namespaces import CK_IRI
from citykg.viz.data import (
    INITIATIVE_CLASSES,
    Analogy,
    Evidence,
    Initiative,
    Observation,
    _float,
    _int,
    _local,
    _pick,
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EVIDENCE = ox.NamedNode(CK_IRI + "evidence")
#: observation fields read as in ``viz.data.Q_OBS`` (one value: the smallest, deterministically)
OBS_FIELDS = {"value": "value", "unit": "unit", "qualifier": "qualifier", "refersTo": "refers_to",
              "asOf": "as_of", "rawText": "raw"}  # fmt: skip
#: sparse observation fields read as in ``viz.data._OBS_SPARSE``
OBS_SPARSE = {"valueMax": "value_max", "changeRole": "role", "isTarget": "is_target"}


def _props(store: ox.Store, iri: str) -> dict[str, list[ox.Term]]:
    """Predicate IRI -> objects of every quad with subject ``iri`` (in any graph, each once)."""
    out: dict[str, list[ox.Term]] = defaultdict(list)
    seen: set[tuple[str, ox.Term]] = set()
    for q in store.quads_for_pattern(ox.NamedNode(iri), None, None):
        key = (q.predicate.value, q.object)
        if key not in seen:
            seen.add(key)
            out[q.predicate.value].append(q.object)
    return out


def _values(terms: Iterable[ox.Term]) -> list[str]:
    """Lexical values of IRIs and literals (blank nodes have none here)."""
    return [t.value for t in terms if not isinstance(t, ox.BlankNode)]


def _evidence(store: ox.Store, props: dict[str, list[ox.Term]]) -> list[Evidence]:
    """The resource's evidence, as ``viz.data.Q_EVIDENCE`` joins it (quote x document x start)."""
    found: set[Evidence] = set()
    for ev in props.get(EVIDENCE.value, ()):
        if isinstance(ev, ox.BlankNode):
            continue
        p = _props(store, ev.value)
        starts = _values(p.get(CK_IRI + "charStart", ())) or [None]
        for quote in _values(p.get(CK_IRI + "quote", ())):
            for doc in _values(p.get(CK_IRI + "inDocument", ())):
                found.update(Evidence(quote, doc, _int(s)) for s in starts)
    return sorted(found, key=lambda e: (e.doc, e.start or 0, e.quote))


Props: TypeAlias = "dict[str, dict[str, list[ox.Term]]]"  # IRI -> its ``_props`` (shared by the readers of one step)


def _cached(store: ox.Store, iri: str, cache: Props | None) -> dict[str, list[ox.Term]]:
    if cache is None:
        return _props(store, iri)
    props = cache.get(iri)
    if props is None:
        props = cache[iri] = _props(store, iri)
    return props


def read_records(store: ox.Store, iris: Iterable[str], cache: Props | None = None,
                 ) -> tuple[dict[str, Initiative], dict[str, Observation]]:  # fmt: skip
    """The initiatives and observations among ``iris`` (others are ignored), as ``load_model`` reads them
    (``cache``: the resources' statements read so far, shared with ``read_analogies``)."""
    inits: dict[str, Initiative] = {}
    obs: dict[str, Observation] = {}
    for iri in sorted(set(iris)):
        props = _cached(store, iri, cache)
        types = set(_values(props.get(RDF_TYPE, ())))
        cls = next((c for c in INITIATIVE_CLASSES if CK_IRI + c in types), None)
        if cls is not None:
            inits[iri] = _initiative(store, iri, cls, props)
        o = _observation(store, iri, types, props, with_evidence=cls is None)
        if o is not None:
            obs[iri] = o
    return inits, obs


def _initiative(store: ox.Store, iri: str, cls: str, props: dict[str, list[ox.Term]]) -> Initiative:
    labels = [(t.value, t.language or "") for t in props.get(RDFS_LABEL, ()) if isinstance(t, ox.Literal)]
    cities = _values(props.get(CK_IRI + "inCity", ()))
    return Initiative(
        iri,
        cls,
        _pick(labels) or _local(iri),
        min(cities) if cities else None,
        sorted(set(_values(props.get(CK_IRI + "realizes", ())))),
        sorted(set(_values(props.get(CK_IRI + "domain", ())))),
        _evidence(store, props),
    )


def _observation(
    store: ox.Store, iri: str, types: set[str], props: dict[str, list[ox.Term]], with_evidence: bool
) -> Observation | None:
    """An observation needs its class and an indicator (``Q_OBS`` joins both); evidence goes to the
    initiative when the resource is both (``load_model`` looks initiatives up first)."""
    indicators = sorted(_values(props.get(CK_IRI + "indicator", ())))
    if CK_IRI + "Observation" not in types or not indicators:
        return None
    o = Observation(iri, indicators[0])
    for prop, attr in OBS_FIELDS.items():
        values = sorted(_values(props.get(CK_IRI + prop, ())))
        if values:
            setattr(o, attr, values[0])
    for prop, attr in OBS_SPARSE.items():
        for value in sorted(_values(props.get(CK_IRI + prop, ()))):
            setattr(o, attr, value in ("true", "1") if attr == "is_target" else value)
    o.ranking = CK_IRI + "Ranking" in types
    if with_evidence:
        o.evidence = _evidence(store, props)
    return o


def read_analogies(store: ox.Store, iris: Iterable[str], cache: Props | None = None) -> dict[str, Analogy]:
    """The analogies among ``iris``, as ``viz.data.Q_ANALOGIES`` and the basis query read them."""
    out: dict[str, Analogy] = {}
    for iri in sorted(set(iris)):
        props = _cached(store, iri, cache)
        sources, targets = _values(props.get(CK_IRI + "source", ())), _values(props.get(CK_IRI + "target", ()))
        if CK_IRI + "Analogy" not in _values(props.get(RDF_TYPE, ())) or not sources or not targets:
            continue
        scores = sorted(_values(props.get(CK_IRI + "score", ())))
        basis = sorted(set(_values(props.get(CK_IRI + "basis", ()))))
        out[iri] = Analogy(iri, min(sources), min(targets), _float(scores[0] if scores else None), basis)
    return out


def holders_of(store: ox.Store, nodes: Iterable[str]) -> set[str]:
    """The subjects whose ``ck:evidence`` is one of ``nodes`` (an evidence node's quote changed: its holder's record did)."""
    out: set[str] = set()
    for iri in nodes:
        for q in store.quads_for_pattern(None, EVIDENCE, ox.NamedNode(iri)):
            if isinstance(q.subject, ox.NamedNode):
                out.add(q.subject.value)
    return out
