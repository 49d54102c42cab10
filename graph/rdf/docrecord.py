"""The analogue record and the summary part of a document graph, read from its rows.

``analogues.index.doc_record`` and ``rdf.summaryparts.part_of`` read pyoxigraph quads
(the build's other graphs, a finished store). The worker has the document graph as
rows of strings (``nt``), so it reads both from those instead, with no pyoxigraph
object per quad; the results are equal (tests/graph/test_textrig.py compares them
with the two readers on the pyoxigraph quads of real documents).
"""

from __future__ import annotations

from collections.abc import Iterable

from citykg.graph.analogues.index import (
    _ENTITY_TYPES,
    _OBSERVATION,
    _READ,
    _SOURCE_DOCUMENT,
    DocRecord,
    ItemRecord,
)
from citykg.graph.rdf.nt import Row, value
from citykg.graph.rdf.summaryparts import (
    _MAP_OF,
    CITY,
    DOCUMENT,
    EVIDENCE,
    IN_DOCUMENT,
    MAPS,
    PREDICATES,
    SummaryPart,
    _namespace,
)
from citykg.namespaces import CK_IRI

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DCT = "http://purl.org/dc/terms/"
_CITY_TERM, _DOCUMENT_TERM = f"<{CITY}>", f"<{DOCUMENT}>"
_SOURCE_DOCUMENT_TERM, _OBSERVATION_TERM = f"<{_SOURCE_DOCUMENT}>", f"<{_OBSERVATION}>"
_ENTITY_TERMS = frozenset(f"<{t}>" for t in _ENTITY_TYPES)
_REFERS_TO, _INDICATOR = CK_IRI + "refersTo", CK_IRI + "indicator"
_EVIDENCE, _IN_DOCUMENT = CK_IRI + "evidence", CK_IRI + "inDocument"
#: the predicates either reader reads (rows of other predicates are skipped unread)
_GROUPED = _READ | frozenset(PREDICATES)

Objects = dict[str, list[str]]  # predicate -> object terms of one subject


def _values(ps: Objects, pred: str) -> list[str]:
    return sorted({value(o) for o in ps.get(pred, ())})


def _iris(ps: Objects, pred: str) -> list[str]:
    return sorted({o[1:-1] for o in ps.get(pred, ()) if o[0] == "<"})


def _group(rows: Iterable[Row], read: frozenset[str]) -> dict[str, Objects]:
    """subject -> predicate -> object terms, of the rows whose predicate is in ``read``."""
    by_s: dict[str, Objects] = {}
    for s, p, o in rows:
        if p in read:
            ps = by_s.get(s)
            if ps is None:
                by_s[s] = {p: [o]}
            elif p in ps:
                ps[p].append(o)
            else:
                ps[p] = [o]
    return by_s


def doc_record(rows: Iterable[Row]) -> DocRecord:
    """``analogues.index.doc_record`` of the rows' quads."""
    return _record(_group(rows, _READ))


def _record(by_s: dict[str, Objects]) -> DocRecord:
    rec = DocRecord()
    named: list[str] = []  # subjects typed with an entity class
    for s, ps in by_s.items():
        ts = ps.get(_RDF_TYPE)
        if ts is None:
            continue
        if _SOURCE_DOCUMENT_TERM in ts:
            rec.documents[s] = [_values(ps, CK_IRI + "fileName"), _values(ps, _DCT + "title"), _values(ps, _DCT + "date")]
            rec.doc_cities[s] = _values(ps, CK_IRI + "aboutCity")
        rec.observations += _OBSERVATION_TERM in ts
        if not _ENTITY_TERMS.isdisjoint(ts):
            named.append(s)
    indicators: dict[str, set[str]] = {}
    for ps in by_s.values():
        if _REFERS_TO in ps:
            found = {value(i) for i in ps.get(_INDICATOR, ())}
            for x in ps[_REFERS_TO]:
                indicators.setdefault(value(x), set()).update(found)
    for s in sorted({*named, *(x for x, i in indicators.items() if i)}):
        ps = by_s.get(s, {})
        types = {value(t) for t in ps.get(_RDF_TYPE, ())}
        classes = sorted(_ENTITY_TYPES[t] for t in types if t in _ENTITY_TYPES)
        it = ItemRecord(s, classes, _values(ps, _LABEL), _values(ps, CK_IRI + "inCity"),
                        _iris(ps, CK_IRI + "realizes"), _iris(ps, CK_IRI + "domain"),
                        indicators=sorted(indicators.get(s, ())))  # fmt: skip
        evs = ps.get(_EVIDENCE, ())
        it.evidenced = bool(evs)
        cities: set[str] = set()
        for ev in sorted({value(e) for e in evs}):
            docs = _values(by_s.get(ev, {}), _IN_DOCUMENT)
            if not docs:
                continue
            files = sorted({f for d in docs for f in _values(by_s.get(d, {}), CK_IRI + "fileName")})
            it.evidence.append((files, _values(by_s.get(ev, {}), CK_IRI + "quote")))
            cities.update(c for d in docs for c in _values(by_s.get(d, {}), CK_IRI + "aboutCity"))
        it.doc_cities = sorted(cities)
        rec.items.append(it)
    return rec


def summary_part(rows: Iterable[Row]) -> SummaryPart:
    """``rdf.summaryparts.part_of`` of the rows' quads (subjects are IRIs: no blank node)."""
    return _summary(_group(rows, _GROUPED))


def read_rows(rows: Iterable[Row]) -> tuple[DocRecord, SummaryPart]:
    """``doc_record`` and ``summary_part`` of the rows, from one pass over them."""
    by_s = _group(rows, _GROUPED)
    return _record(by_s), _summary(by_s)


def _summary(by_s: dict[str, Objects]) -> SummaryPart:
    maps: dict[str, dict[str, set[str]]] = {m: {} for m in MAPS}
    cities, documents, exact = set(), set(), True
    ev_docs: dict[str, set[str]] = {}
    ev_nodes: dict[str, set[str]] = {}
    for s, ps in by_s.items():
        term = f"<{s}>"
        for pred, name in _MAP_OF.items():
            objects = ps.get(pred)
            if objects is not None:
                exact = exact and not any(o.startswith("_:") for o in objects)
                maps[name].setdefault(term, set()).update(objects)
        for o in ps.get(EVIDENCE, ()):
            exact = exact and not o.startswith("_:")
            if o[0] == "<":
                ev_nodes.setdefault(o[1:-1], set()).add(term)
        docs = ps.get(IN_DOCUMENT)
        if docs is not None:
            exact = exact and not any(o.startswith("_:") for o in docs)
            ev_docs.setdefault(s, set()).update(docs)
        types = ps.get(_RDF_TYPE, ())
        if _CITY_TERM in types:
            cities.add(term)
        if _DOCUMENT_TERM in types:
            documents.add(term)
    nodes: dict[str, set[str]] = {}
    for ev, docs in ev_docs.items():
        for doc in docs:
            nodes.setdefault(doc, set()).update(ev_nodes.get(ev, ()))
    return SummaryPart(
        maps={m: {s: sorted(os) for s, os in sorted(d.items())} for m, d in maps.items() if d},
        cities=sorted(cities), documents=sorted(documents),
        nodes={d: sorted(ns) for d, ns in sorted(nodes.items())},
        namespaces=sorted({_namespace(ev) for ev in (*ev_docs, *ev_nodes)}), exact=exact,
    )  # fmt: skip
