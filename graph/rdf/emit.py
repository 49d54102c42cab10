"""RDF emission: an ``Extraction`` -> the statements of its document graph (and of the schemes graph).

The model is the one of design/ontology-core.md: initiatives keyed by (city,
class, label) so repeated mentions and other articles of the same city meet on
one node; one ck:Evidence per mention (document, sentence, offsets); one
ck:Observation per number; the ck:SourceDocument described inside its own
graph. Everything is an IRI or a literal (no blank nodes), so a rebuild is
isomorphic. Concepts and indicators a record mints (uncurated) go to the
schemes graph.

The statements are rows of strings (``nt.Row``: subject and predicate IRIs, the
object as N-Triples text), not pyoxigraph quads: the worker sorts and writes them
as TriG text (``textrig``) and reads the analogue record from them (``docrecord``)
without making a pyoxigraph object per quad. ``DocQuads.quads`` still gives
pyoxigraph quads to a caller that wants them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from citykg.graph.extract.metrics.units import default_units
from citykg.graph.kb import KnowledgeBase
from citykg.graph.rdf import nt
from citykg.graph.rdf.nt import XSD_BOOLEAN, XSD_DECIMAL, XSD_INTEGER, Row, iri, literal, typed, zh
from citykg.graph.rdf.oxterms import N, S, date_type, decimal_lexical
from citykg.graph.rdf.quotes import quote
from citykg.graph.records import ChangeRole, EntityClass, EntityRecord, Extraction, Mention, ObservationRecord
from citykg.namespaces import (
    CK,
    CKR,
    GRAPH_SCHEMES,
    area_iri,
    body_iri,
    concept_scheme,
    document_iri,
    evidence_iri,
    initiative_iri,
    observation_iri,
    uncurated_concept_iri,
)

# N and decimal_lexical are re-exported: the build and the analogue explanations import them from here
__all__ = ["DocQuads", "N", "decimal_lexical", "rdfize"]

_QUOTES = "“”\"'‘’《》「」『』〈〉()（）[]【】"
#: the class whose entity a shared label links to, most preferred first (all six classes)
_PREFERRED_TARGET = (EntityClass.Platform, EntityClass.Project, EntityClass.Reform, EntityClass.Organization,
                     EntityClass.PolicyDocument, EntityClass.Award)  # fmt: skip
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_SCHEMES = str(GRAPH_SCHEMES)
_FALSE, _TRUE = typed("false", XSD_BOOLEAN), typed("true", XSD_BOOLEAN)
_O = {name: iri(S.__dict__[name]) for name in ("Evidence", "Indicator", "Observation", "Ranking", "ReformConcept",
                                               "SourceDocument", "skos_Concept")}  # fmt: skip
#: areas, classes and schemes as IRI strings, looked up once per build
_AREA_CACHE = 4096


@lru_cache(maxsize=_AREA_CACHE)
def _area(code: str) -> str:
    return str(area_iri(code))


@lru_cache(maxsize=_AREA_CACHE)
def _class(cls: str) -> str:
    return iri(str(CK[cls]))  # CK refuses a name outside the ontology ("term 'Bare' not in namespace")


def _date(text: str) -> str | None:
    dt = date_type(text)
    return typed(text, dt) if dt is not None else None


@dataclass
class DocQuads:
    """What one document contributes: its graph's rows, the concepts it mints, and the areas it uses."""

    graph_iri: str
    rows: list[Row] = field(default_factory=list)
    scheme_rows: list[Row] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)  # adcodes

    @property
    def graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.graph_iri)

    @property
    def quads(self) -> list[ox.Quad]:
        """The document graph as pyoxigraph quads, in emission order."""
        return nt.rows_to_quads(self.rows, self.graph_iri)

    @property
    def scheme_quads(self) -> list[ox.Quad]:
        """The minted concepts as pyoxigraph quads of the schemes graph."""
        return nt.rows_to_quads(self.scheme_rows, _SCHEMES)

    def all_quads(self) -> list[ox.Quad]:
        return [*self.quads, *self.scheme_quads]


class _Emitter:
    def __init__(self, ex: Extraction, kb: KnowledgeBase) -> None:
        self.ex, self.kb, self.doc = ex, kb, ex.document
        self.out = DocQuads(graph_iri=str(document_iri(self.doc.content_hash)))
        self.doc_node = self.out.graph_iri
        self.city_node = _area(ex.city) if ex.city else None
        self.seen: set[object] = set()
        self.add = self.out.rows.append  # a row: (subject, predicate, object term)
        self.scheme = self.out.scheme_rows.append

    # ------------------------------------------------------------ document

    def document(self) -> None:
        d, doc, add = self.doc_node, self.doc, self.add
        add((d, S.rdf_type, _O["SourceDocument"]))
        add((d, S.fileName, literal(doc.file_name)))
        add((d, S.contentHash, literal(doc.content_hash)))
        add((d, S.charLength, typed(str(len(doc.text)), XSD_INTEGER)))
        if doc.title:
            add((d, S.dcterms_title, zh(doc.title)))
        if doc.date and (lit := _date(doc.date)) is not None:
            add((d, S.dcterms_date, lit))
        if doc.outlet:
            add((d, S.dcterms_publisher, zh(doc.outlet)))
        if doc.url and _URL.fullmatch(doc.url):
            add((d, S.dcterms_source, iri(ox.NamedNode(doc.url).value)))  # pyoxigraph checks the IRI
        if self.city_node is not None:
            add((d, S.aboutCity, iri(self.city_node)))
            self.out.areas.add(self.ex.city or "")
        for code in sorted({a.adcode for a in self.ex.areas}):
            add((d, S.mentionsArea, iri(_area(code))))
            self.out.areas.add(code)

    # ------------------------------------------------------------ evidence

    def evidence(self, node: str, m: Mention) -> None:
        ev = str(evidence_iri(self.doc.content_hash, m.start, m.end))
        add = self.add
        add((node, S.evidence, iri(ev)))
        if ev in self.seen:
            return
        self.seen.add(ev)
        add((ev, S.rdf_type, _O["Evidence"]))
        add((ev, S.inDocument, iri(self.doc_node)))
        add((ev, S.quote, zh(self._quote(m))))
        add((ev, S.mention, zh(self.doc.text[m.start : m.end])))
        add((ev, S.charStart, typed(str(m.start), XSD_INTEGER)))
        add((ev, S.charEnd, typed(str(m.end), XSD_INTEGER)))

    def _quote(self, m: Mention) -> str:
        """The sentence shown as evidence, without injected spam words (graph/rdf/quotes.py)."""
        start, end = self._sentence_span(m)
        return quote(self.doc.text, start, end, m.start, m.end)

    def _sentence_span(self, m: Mention) -> tuple[int, int]:
        sents = self.doc.sentences
        if 0 <= m.sentence < len(sents) and sents[m.sentence].start <= m.start < sents[m.sentence].end:
            s = sents[m.sentence]
        else:
            s = self.doc.sentence_at(m.start)
        return s.start, max(s.end, m.end)

    # ------------------------------------------------------------ entities

    def entity_node(self, e: EntityRecord) -> str:
        body = self._body(e)
        if body is not None:
            return str(body_iri(body, e.area))
        return str(initiative_iri(e.city or self.ex.city, e.cls, e.label))

    def _body(self, e: EntityRecord) -> str | None:
        """The bodies-scheme concept of an organization named by it (工信部, 省大数据局), else None:
        such a body is one node for every article that names it, not one per city."""
        if e.cls != EntityClass.Organization or not e.concept:
            return None
        c = self.kb.concepts.get(e.concept)
        return e.concept if c is not None and c.scheme == "bodies" else None

    def entity(self, e: EntityRecord, by_label: dict[tuple[str, str], str], node: str) -> None:
        add = self.add
        add((node, S.rdf_type, _class(e.cls)))
        add((node, S.rdfs_label, zh(e.label)))
        city = (e.city or self.ex.city) if self._body(e) is None else None  # a body is above the city
        if city:
            add((node, S.inCity, iri(_area(city))))
            self.out.areas.add(city)
        if e.area:
            add((node, S.inArea, iri(_area(e.area))))
            self.out.areas.add(e.area)
        concept = e.concept
        if e.new_concept:
            segment = "reform" if e.cls == EntityClass.Reform else "other"
            concept = concept or str(uncurated_concept_iri(segment, e.concept_label or e.label))
            scheme = concept_scheme(concept) or segment + "s"
            self.mint_concept(concept, scheme, e.concept_label or e.label, e.domain, reform=e.cls == EntityClass.Reform)
        if concept:
            add((node, S.realizes, iri(concept)))
        if e.domain:
            add((node, S.domain, iri(e.domain)))
        for org in e.run_by:
            target = by_label.get((EntityClass.Organization, org))
            if target is not None and target != node:
                add((node, S.runBy, iri(target)))
        for m in e.mentions:
            self.evidence(node, m)

    def mint_concept(self, c: str, scheme: str, label: str, domain: str | None, reform: bool = False,
                     indicator: bool = False, unit: str | None = None) -> None:  # fmt: skip
        c = str(c)  # a curated concept may come as an rdflib IRI
        key = ("concept", c)
        if key in self.seen:
            return
        self.seen.add(key)
        add = self.scheme
        add((c, S.rdf_type, _O["skos_Concept"]))
        if reform:
            add((c, S.rdf_type, _O["ReformConcept"]))
        if indicator:
            add((c, S.rdf_type, _O["Indicator"]))
        add((c, S.skos_inScheme, iri(f"{CKR}scheme/{scheme}")))
        add((c, S.skos_prefLabel, zh(label)))
        add((c, S.curated, _FALSE))
        if domain:
            add((c, S.domain, iri(domain)))
        if unit:
            add((c, S.expectedUnit, literal(unit)))

    # ------------------------------------------------------------ observations

    def observations(self, targets: dict[str, str]) -> None:
        used: set[str] = set()
        last_before: dict[tuple[int, str], str] = {}
        for o in self.ex.observations:
            m = o.mention
            base = str(observation_iri(self.doc.content_hash, m.start, m.end, o.change_role))
            node, n = base, 2
            while node in used:
                node, n = f"{base}-{n}", n + 1
            used.add(node)
            self.observation(node, o, targets)
            key = (m.sentence, o.indicator_label)
            if o.change_role == ChangeRole.before:
                last_before[key] = node
            elif o.change_role == ChangeRole.after and key in last_before:
                self.add((node, S.previousValue, iri(last_before.pop(key))))

    def comparable(self, node: str, o: ObservationRecord) -> None:
        """The unit a figure compares in, from units.ttl (every measure word is one count)."""
        terms = default_units().comparable_terms(o.unit, o.value, ranking=o.kind == "rank")
        if terms is not None:
            if terms.measure_word:
                self.add((node, S.measureWord, literal(terms.measure_word)))
            self.add((node, S.comparableUnit, iri(str(terms.unit_iri))))
            self.add((node, S.comparableValue, typed(decimal_lexical(terms.value), XSD_DECIMAL)))

    def observation(self, node: str, o: ObservationRecord, targets: dict[str, str]) -> None:
        add = self.add
        add((node, S.rdf_type, _O["Observation"]))
        if o.kind == "rank":
            add((node, S.rdf_type, _O["Ranking"]))
        indicator = o.indicator
        if o.indicator_label and (o.new_indicator or not indicator):
            indicator = indicator or str(uncurated_concept_iri("indicator", o.indicator_label))
            self.mint_concept(indicator, "indicators", o.indicator_label, None, indicator=True, unit=o.unit)
        if indicator:  # a figure no noun phrase names keeps its sentence, not a minted indicator
            add((node, S.indicator, iri(indicator)))
        add((node, S.value, typed(decimal_lexical(o.value), XSD_DECIMAL)))
        if o.value_max is not None:
            add((node, S.valueMax, typed(decimal_lexical(o.value_max), XSD_DECIMAL)))
        add((node, S.unit, literal(o.unit)))
        self.comparable(node, o)
        add((node, S.qualifier, literal(o.qualifier)))
        target = targets.get(o.refers_to) if o.refers_to else None
        if target is None:
            target = self.city_node
        if target is not None:
            add((node, S.refersTo, iri(target)))
        as_of = _date(o.as_of) if o.as_of else None
        if as_of is None and self.doc.date and not o.target:
            as_of = _date(self.doc.date)
        if as_of is not None:
            add((node, S.asOf, as_of))
        if o.as_of_text:
            add((node, S.asOfText, zh(o.as_of_text)))
        if o.change_role:
            add((node, S.changeRole, literal(o.change_role)))
        if o.target:
            add((node, S.isTarget, _TRUE))
        add((node, S.rawText, zh(o.mention.text)))
        self.evidence(node, o.mention)


def rdfize(ex: Extraction, kb: KnowledgeBase) -> DocQuads:
    """The rows of one document's extraction (document graph + minted concepts)."""
    em = _Emitter(ex, kb)
    em.document()
    nodes = [em.entity_node(e) for e in ex.entities]  # each IRI hashed once
    by_label: dict[tuple[str, str], str] = {}
    for e, node in zip(ex.entities, nodes, strict=True):
        by_label.setdefault((e.cls, e.label), node)
    for e, node in zip(ex.entities, nodes, strict=True):
        em.entity(e, by_label, node)
    targets: dict[str, str] = {}
    for cls in reversed(_PREFERRED_TARGET):  # the preferred class wins a shared label
        for e, node in zip(ex.entities, nodes, strict=True):
            if e.cls == cls:
                targets[e.label] = node
                targets.setdefault(e.label.strip(_QUOTES), node)
    em.observations(targets)
    from citykg.graph.adoption.events import adoption_rows  # issue 18: ck:Adoption events of this document

    em.out.rows.extend(adoption_rows(ex, kb))
    return em.out
