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
    SummaryPart,
    assemble,
)
from citykg.namespaces import CK_IRI

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DCT = "http://purl.org/dc/terms/"
_CITY_TERM, _DOCUMENT_TERM = f"<{CITY}>", f"<{DOCUMENT}>"
_SOURCE_DOCUMENT_TERM, _OBSERVATION_TERM = f"<{_SOURCE_DOCUMENT}>", f"<{_OBSERVATION}>"
_ENTITY_TERMS = frozenset(f"<{t}>" for t in _ENTITY_TYPES)
_REFERS_TO, _INDICATOR = CK_IRI + "refersTo", CK_IRI + "indicator"
_EVIDENCE, _IN_DOCUMENT, _QUOTE = CK_IRI + "evidence", CK_IRI + "inDocument", CK_IRI + "quote"

Objects = dict[str, list[str]]  # predicate -> object terms of one subject


def _values(ps: Objects, pred: str) -> list[str]:
    objects = ps.get(pred)
    if not objects:
        return []
    if len(objects) == 1:  # the common case: no set to make and sort
        return [value(objects[0])]
    return sorted({value(o) for o in objects})


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
    per_doc: dict[str, tuple[list[str], list[str]]] = {}
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
            eps = by_s.get(ev, {})
            docs = _values(eps, _IN_DOCUMENT)
            if not docs:
                continue
            facts = [_doc_facts(by_s, d, per_doc) for d in docs]
            files = facts[0][0] if len(facts) == 1 else sorted({f for fs, _ in facts for f in fs})
            it.evidence.append((files, _values(eps, _QUOTE)))
            for _, cs in facts:
                cities.update(cs)
        it.doc_cities = sorted(cities)
        rec.items.append(it)
    return rec


def _doc_facts(by_s: dict[str, Objects], doc: str, known: dict[str, tuple[list[str], list[str]]]
               ) -> tuple[list[str], list[str]]:  # fmt: skip
    """A document's file names and cities (each looked up once per record)."""
    facts = known.get(doc)
    if facts is None:
        ps = by_s.get(doc, {})
        facts = known[doc] = (_values(ps, CK_IRI + "fileName"), _values(ps, CK_IRI + "aboutCity"))
    return facts


def summary_part(rows: Iterable[Row]) -> SummaryPart:
    """``rdf.summaryparts.part_of`` of the rows' quads (subjects are IRIs: no blank node)."""
    maps: dict[str, dict[str, set[str]]] = {m: {} for m in MAPS}
    cities, documents, exact = set(), set(), True
    ev_docs: dict[str, set[str]] = {}
    ev_nodes: dict[str, set[str]] = {}
    for s, p, o in rows:
        name = _MAP_OF.get(p)
        if name is not None:
            exact = exact and not o.startswith("_:")
            maps[name].setdefault(f"<{s}>", set()).add(o)
        elif p == EVIDENCE:
            exact = exact and not o.startswith("_:")
            if o[0] == "<":
                ev_nodes.setdefault(o[1:-1], set()).add(f"<{s}>")
        elif p == IN_DOCUMENT:
            exact = exact and not o.startswith("_:")
            ev_docs.setdefault(s, set()).add(o)
        elif p == _RDF_TYPE and o in (_CITY_TERM, _DOCUMENT_TERM):
            (cities if o == _CITY_TERM else documents).add(f"<{s}>")
    return assemble(maps, cities, documents, ev_docs, ev_nodes, exact)


def read_rows(rows: list[Row]) -> tuple[DocRecord, SummaryPart]:
    """``doc_record`` and ``summary_part`` of the rows (what the worker keeps of a document graph)."""
    return doc_record(rows), summary_part(rows)

