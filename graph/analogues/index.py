"""The analogue finder's input read from records, not from a store: one small record per document.

The worker reads, from the quads of the document graph it just made (or took
from the cache), what the analogue finder and the build's summary counts need
(``doc_record``): the initiatives with their classes, labels, city, concepts,
domains, evidence sentences and the files they come from, the indicators
reported about them, and the document's file name, title, date and city. The
build merges the records of every document (``AnalogueIndex.add``: an
initiative named in several articles is one IRI, so its facts are unions, as a
SPARQL query over the union of the document graphs sees them) and turns them
into the finder's ``AnalogueInput`` with the concepts, facets and places of the
knowledge graphs (schemes, divisions) the build writes anyway (``analogue_input``).

This replaces the in-memory working store of document quads and its dozen
SPARQL queries; ``data.load_input`` (SPARQL over a finished build) stays for
``citykg analogues``, and a test checks both give the same input
(tests/graph/test_analogue_index.py).
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

import pyoxigraph as ox

from citykg.gcpause import no_cyclic_gc
from citykg.graph.analogues.data import (
    ANALOGUE_CLASSES,
    AnalogueInput,
    DocInfo,
    Item,
    with_knowledge,
)
from citykg.graph.records import ENTITY_CLASSES
from citykg.namespaces import CK_IRI

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DCT = "http://purl.org/dc/terms/"
_ENTITY_TYPES = {CK_IRI + c: c for c in ENTITY_CLASSES}
_SOURCE_DOCUMENT = CK_IRI + "SourceDocument"
_OBSERVATION = CK_IRI + "Observation"
#: the predicates ``doc_record`` reads (the others are skipped before their subject is looked at)
_CK_READ = ("fileName", "aboutCity", "refersTo", "indicator", "inCity", "realizes", "domain", "evidence",
            "inDocument", "quote")  # fmt: skip
_READ = frozenset([_RDF_TYPE, _LABEL, _DCT + "title", _DCT + "date", *(CK_IRI + p for p in _CK_READ)])


@dataclass
class ItemRecord:
    """One initiative (or other entity) as one document states it; lists are sorted, no repeats."""

    iri: str
    classes: list[str] = field(default_factory=list)  # entity class local names (Reform ...)
    labels: list[str] = field(default_factory=list)  # rdfs:label values
    cities: list[str] = field(default_factory=list)  # ck:inCity
    concepts: list[str] = field(default_factory=list)  # ck:realizes (IRIs only)
    domains: list[str] = field(default_factory=list)  # ck:domain (IRIs only)
    evidence: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (files, quotes) per evidence
    evidenced: bool = False  # has any ck:evidence (the summary counts read it)
    doc_cities: list[str] = field(default_factory=list)  # ck:aboutCity of its evidence's documents
    indicators: list[str] = field(default_factory=list)  # ck:indicator of what ck:refersTo it


@dataclass
class DocRecord:
    """What one document contributes to the analogue finder and the summary counts."""

    documents: dict[str, list[list[str]]] = field(default_factory=dict)  # doc IRI -> [files, titles, dates]
    doc_cities: dict[str, list[str]] = field(default_factory=dict)  # doc IRI -> ck:aboutCity
    items: list[ItemRecord] = field(default_factory=list)
    observations: int = 0  # nodes typed ck:Observation

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the cache keeps it beside the document's quads)."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DocRecord:
        """The inverse of ``to_json``; raises ``TypeError``/``KeyError`` on a malformed dict."""
        items = [
            ItemRecord(**{**it, "evidence": [(list(f), list(q)) for f, q in it["evidence"]]})
            for it in raw["items"]
        ]
        return cls(dict(raw["documents"]), dict(raw["doc_cities"]), items, int(raw["observations"]))


def doc_record(quads: Iterable[ox.Quad]) -> DocRecord:
    """The record of one document graph's quads (what the SPARQL of ``data.load_input`` reads)."""
    by_s: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
    read = _READ
    for q in quads:  # most quads (values, provenance, adoption events) are not read: skip them first
        p = q.predicate.value
        if p in read:
            by_s[q.subject.value][p].append(q.object)
    types = {s: {o.value for o in ps.get(_RDF_TYPE, ())} for s, ps in by_s.items()}
    rec = DocRecord()
    for s, ts in types.items():
        if _SOURCE_DOCUMENT in ts:
            ps = by_s[s]
            rec.documents[s] = [_values(ps, CK_IRI + p) for p in ("fileName",)] + [
                _values(ps, _DCT + "title"), _values(ps, _DCT + "date")]  # fmt: skip
            rec.doc_cities[s] = _values(ps, CK_IRI + "aboutCity")
        rec.observations += _OBSERVATION in ts
    indicators: dict[str, set[str]] = defaultdict(set)
    for ps in by_s.values():
        for x in ps.get(CK_IRI + "refersTo", ()):
            indicators[x.value].update(i.value for i in ps.get(CK_IRI + "indicator", ()))
    for s in sorted(set(types) | {x for x, i in indicators.items() if i}):
        classes = sorted(_ENTITY_TYPES[t] for t in types.get(s, ()) if t in _ENTITY_TYPES)
        if not classes and not indicators.get(s):
            continue
        ps = by_s.get(s, {})
        it = ItemRecord(s, classes, _values(ps, _LABEL), _values(ps, CK_IRI + "inCity"),
                        _iris(ps, CK_IRI + "realizes"), _iris(ps, CK_IRI + "domain"),
                        indicators=sorted(indicators.get(s, ())))  # fmt: skip
        evs = ps.get(CK_IRI + "evidence", ())
        it.evidenced = bool(evs)
        cities: set[str] = set()
        for ev in sorted({e.value for e in evs}):
            docs = _values(by_s.get(ev, {}), CK_IRI + "inDocument")
            if not docs:
                continue
            files = sorted({f for d in docs for f in _values(by_s.get(d, {}), CK_IRI + "fileName")})
            it.evidence.append((files, _values(by_s.get(ev, {}), CK_IRI + "quote")))
            cities.update(c for d in docs for c in _values(by_s.get(d, {}), CK_IRI + "aboutCity"))
        it.doc_cities = sorted(cities)
        rec.items.append(it)
    return rec


def _values(ps: dict[str, list[ox.Term]], pred: str) -> list[str]:
    return sorted({o.value for o in ps.get(pred, ())})


def _iris(ps: dict[str, list[ox.Term]], pred: str) -> list[str]:
    return sorted({o.value for o in ps.get(pred, ()) if isinstance(o, ox.NamedNode)})


@dataclass
class _Merged:
    """An entity's facts over every document that states it (sets: the union of the graphs)."""

    classes: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)
    quote_files: dict[str, str] = field(default_factory=dict)
    evidenced: bool = False
    doc_cities: set[str] = field(default_factory=set)
    indicators: set[str] = field(default_factory=set)


class AnalogueIndex:
    """The merged records of a build's documents: the finder's items and the summary counts."""

    def __init__(self) -> None:
        self.entities: dict[str, _Merged] = {}
        self.documents: dict[str, list[set[str]]] = {}
        self.doc_cities: dict[str, set[str]] = defaultdict(set)
        self.observations = 0

    def add(self, rec: DocRecord) -> None:
        """Merge one document's record."""
        for d, parts in rec.documents.items():
            have = self.documents.setdefault(d, [set(), set(), set()])
            for mine, theirs in zip(have, parts, strict=True):
                mine.update(theirs)
        for d, cities in rec.doc_cities.items():
            self.doc_cities[d].update(cities)
        self.observations += rec.observations
        for it in rec.items:
            m = self.entities.get(it.iri)
            if m is None:
                m = self.entities[it.iri] = _Merged()
            m.classes.update(it.classes)
            m.labels.update(it.labels)
            m.cities.update(it.cities)
            m.concepts.update(it.concepts)
            m.domains.update(it.domains)
            m.indicators.update(it.indicators)
            m.doc_cities.update(it.doc_cities)
            m.evidenced |= it.evidenced
            for files, quotes in it.evidence:
                m.files.update(files)
                m.quotes.update(quotes)
                for q in quotes:
                    for f in files:
                        m.quote_files[q] = min(m.quote_files.get(q, f), f)

    def clear(self) -> None:
        """Drop the merged records (their memory), once the finder's input is made."""
        self.entities.clear()
        self.documents.clear()
        self.doc_cities.clear()

    def stats(self) -> dict[str, int]:
        """The summary counts (what ``build.stats`` counted with SPARQL): classes with evidence only."""
        out: dict[str, int] = {}
        for m in self.entities.values():
            if m.evidenced:
                for c in m.classes:
                    out[c] = out.get(c, 0) + 1
        if self.documents:
            out["documents"] = len(self.documents)
            cities = {c for d in self.documents for c in self.doc_cities.get(d, ())}
            if cities:
                out["cities"] = len(cities)
        if self.observations:
            out["observations"] = self.observations
        return out

    def doc_infos(self) -> dict[str, DocInfo]:
        """File name -> title and date (``data._load_documents``: a titled reading wins)."""
        out: dict[str, DocInfo] = {}
        for files, titles, dates in self.documents.values():
            for f in files:
                for title in titles or {""}:
                    for date in dates or {""}:
                        doc, old = DocInfo(f, title, date), out.get(f)
                        out[f] = doc if old is None else min(old, doc, key=lambda x: (x.title == "", x.title, x.date))
        return out

    def items(self, city_labels: dict[str, str], take: bool = False) -> list[Item]:
        """The finder's items (``data._load_items``): most specific class, first label, a city.

        ``take``: the items take the merged sets instead of copies of them (the finder changes its
        items' sets): the index is not to be read again, only cleared."""
        rank = {c: i for i, c in enumerate(ANALOGUE_CLASSES)}
        items = []
        for x in sorted(self.entities):
            m = self.entities[x]
            classes = [c for c in m.classes if c in rank]
            if not classes or not m.labels:
                continue
            city = min(m.cities) if m.cities else min(m.doc_cities, default="")
            if not city:
                continue  # no city, no comparison
            cls = min(classes, key=rank.__getitem__)
            it = Item(x, min(m.labels), cls, city, city_labels.get(city, ""))
            if take:
                it.files, it.concepts, it.domains, it.quote_files = m.files, m.concepts, m.domains, m.quote_files
                it.indicators = m.indicators
            else:
                it.files, it.concepts, it.domains = set(m.files), set(m.concepts), set(m.domains)
                it.quote_files, it.indicators = dict(m.quote_files), set(m.indicators)
            it.quotes = sorted(m.quotes)
            items.append(it)
        return items


def analogue_input(index: AnalogueIndex, knowledge: ox.Store, *, take: bool = False) -> AnalogueInput:
    """The finder's input: items and documents from ``index``; concepts, facets and places from
    ``knowledge`` (the build's schemes and divisions graphs, a few thousand quads, no document).
    ``take``: the items take the index's sets (``AnalogueIndex.items``); clear it afterwards."""
    with no_cyclic_gc():  # 80,000 items of new sets and lists at 2,000 articles, no cycles
        data = with_knowledge(knowledge, lambda labels: index.items(labels, take), index.doc_infos())
        gc.freeze()  # else the first collection after the pause walks all of them once (~0.2 s)
        return data


def input_digest(data: AnalogueInput) -> str:
    """A digest of everything in ``data`` (sets and dicts in sorted order): equal inputs, equal
    digests, in any process. The build reuses the previous analogies when it is unchanged.

    >>> a = AnalogueInput([Item("x", "改革", "Reform", "c", concepts={"k1", "k2"})], {}, {}, {}, {}, [])
    >>> b = AnalogueInput([Item("x", "改革", "Reform", "c", concepts={"k2", "k1"})], {}, {}, {}, {}, [])
    >>> input_digest(a) == input_digest(b), input_digest(a) == input_digest(AnalogueInput([], {}, {}, {}, {}, []))
    (True, False)
    """
    h = hashlib.sha256()
    for part in (data.items, *(getattr(data, f.name) for f in fields(data) if f.name != "items")):
        for x in part if isinstance(part, list) else [part]:
            h.update(json.dumps(_canonical(x), ensure_ascii=False).encode())
            h.update(b"\n")
        h.update(b"\0")
    return h.hexdigest()


def _canonical(x: object) -> object:
    """``x`` as JSON-ready lists and dicts whose order does not depend on hashing."""
    if is_dataclass(x) and not isinstance(x, type):
        return [type(x).__name__, [_canonical(getattr(x, f.name)) for f in fields(x)]]
    if isinstance(x, dict):
        return sorted([k, _canonical(v)] for k, v in x.items())
    if isinstance(x, (set, frozenset)):
        return sorted(x)
    if isinstance(x, (list, tuple)):
        return [_canonical(v) for v in x]
    return x
