"""RDF emission: an ``Extraction`` -> the quads of its document graph (and of the schemes graph).

The model is the one of design/ontology-core.md: initiatives keyed by (city,
class, label) so repeated mentions and other articles of the same city meet on
one node; one ck:Evidence per mention (document, sentence, offsets); one
ck:Observation per number; the ck:SourceDocument described inside its own
graph. Everything is an IRI or a literal (no blank nodes), so a rebuild is
isomorphic. Concepts and indicators a record mints (uncurated) go to the
schemes graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from citykg.graph.extract.metrics.units import default_units
from citykg.graph.kb import KnowledgeBase
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

_QUOTES = "“”\"'‘’《》「」『』〈〉()（）[]【】"
#: the class whose entity a shared label links to, most preferred first (all six classes)
_PREFERRED_TARGET = (EntityClass.Platform, EntityClass.Project, EntityClass.Reform, EntityClass.Organization,
                     EntityClass.PolicyDocument, EntityClass.Award)  # fmt: skip


def N(term: object) -> ox.NamedNode:
    """A pyoxigraph IRI from an rdflib term, a string or a pyoxigraph IRI."""
    if isinstance(term, ox.NamedNode):
        return term
    return _named(str(term))


@lru_cache(maxsize=4096)
def _named(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE, LABEL = N(RDF.type), N(RDFS.label)
ZH = "zh"


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language=ZH)


def typed(value: str, dt: object) -> ox.Literal:
    return ox.Literal(value, datatype=N(dt))


def decimal_lexical(value: Decimal) -> str:
    """xsd:decimal lexical form without exponent or trailing zeros.

    >>> decimal_lexical(Decimal("1.746E+9")), decimal_lexical(Decimal("99.70")), decimal_lexical(Decimal("0"))
    ('1746000000', '99.7', '0')
    """
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def date_literal(text: str) -> ox.Literal | None:
    """xsd:date / gYearMonth / gYear by lexical shape; None for anything else."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return typed(text, XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return typed(text, XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", text):
        return typed(text, XSD.gYear)
    return None


@dataclass
class DocQuads:
    """What one document contributes: its graph, minted concepts, and the areas it uses."""

    graph: ox.NamedNode
    quads: list[ox.Quad] = field(default_factory=list)
    scheme_quads: list[ox.Quad] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)  # adcodes

    def all_quads(self) -> list[ox.Quad]:
        return [*self.quads, *self.scheme_quads]


class P:
    """Predicates and classes as pyoxigraph IRIs, made once (rdflib attribute access is slow)."""

    Evidence = N(CK.Evidence)
    Indicator = N(CK.Indicator)
    Observation = N(CK.Observation)
    Ranking = N(CK.Ranking)
    ReformConcept = N(CK.ReformConcept)
    SourceDocument = N(CK.SourceDocument)
    aboutCity = N(CK.aboutCity)
    adcode = N(CK.adcode)
    asOf = N(CK.asOf)
    asOfText = N(CK.asOfText)
    changeRole = N(CK.changeRole)
    comparableUnit = N(CK.comparableUnit)
    comparableValue = N(CK.comparableValue)
    measureWord = N(CK.measureWord)
    charEnd = N(CK.charEnd)
    charLength = N(CK.charLength)
    charStart = N(CK.charStart)
    contentHash = N(CK.contentHash)
    curated = N(CK.curated)
    domain = N(CK.domain)
    evidence = N(CK.evidence)
    expectedUnit = N(CK.expectedUnit)
    fileName = N(CK.fileName)
    inArea = N(CK.inArea)
    inCity = N(CK.inCity)
    inDocument = N(CK.inDocument)
    indicator = N(CK.indicator)
    isTarget = N(CK.isTarget)
    mention = N(CK.mention)
    mentionsArea = N(CK.mentionsArea)
    partOf = N(CK.partOf)
    previousValue = N(CK.previousValue)
    qualifier = N(CK.qualifier)
    quote = N(CK.quote)
    rawText = N(CK.rawText)
    realizes = N(CK.realizes)
    refersTo = N(CK.refersTo)
    runBy = N(CK.runBy)
    unit = N(CK.unit)
    value = N(CK.value)
    valueMax = N(CK.valueMax)
    dcterms_date = N(DCTERMS.date)
    dcterms_publisher = N(DCTERMS.publisher)
    dcterms_source = N(DCTERMS.source)
    dcterms_title = N(DCTERMS.title)
    rdf_type = N(RDF.type)
    skos_Concept = N(SKOS.Concept)
    skos_altLabel = N(SKOS.altLabel)
    skos_inScheme = N(SKOS.inScheme)
    skos_prefLabel = N(SKOS.prefLabel)


class _Emitter:
    def __init__(self, ex: Extraction, kb: KnowledgeBase) -> None:
        self.ex, self.kb, self.doc = ex, kb, ex.document
        self.out = DocQuads(graph=N(document_iri(self.doc.content_hash)))
        self.doc_node = self.out.graph
        self.city_node = N(area_iri(ex.city)) if ex.city else None
        self.seen: set[tuple] = set()

    def add(self, s: ox.NamedNode, p: object, o: ox.NamedNode | ox.Literal) -> None:
        self.out.quads.append(ox.Quad(s, p if isinstance(p, ox.NamedNode) else N(p), o, self.out.graph))

    def add_scheme(self, s: ox.NamedNode, p: object, o: ox.NamedNode | ox.Literal) -> None:
        self.out.scheme_quads.append(ox.Quad(s, N(p), o, N(GRAPH_SCHEMES)))

    # ------------------------------------------------------------ document

    def document(self) -> None:
        d, doc = self.doc_node, self.doc
        self.add(d, P.rdf_type, P.SourceDocument)
        self.add(d, P.fileName, ox.Literal(doc.file_name))
        self.add(d, P.contentHash, ox.Literal(doc.content_hash))
        self.add(d, P.charLength, typed(str(len(doc.text)), XSD.integer))
        if doc.title:
            self.add(d, P.dcterms_title, zh(doc.title))
        if doc.date and (lit := date_literal(doc.date)) is not None:
            self.add(d, P.dcterms_date, lit)
        if doc.outlet:
            self.add(d, P.dcterms_publisher, zh(doc.outlet))
        if doc.url and re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", doc.url):
            self.add(d, P.dcterms_source, ox.NamedNode(doc.url))
        if self.city_node is not None:
            self.add(d, P.aboutCity, self.city_node)
            self.out.areas.add(self.ex.city or "")
        for code in sorted({a.adcode for a in self.ex.areas}):
            self.add(d, P.mentionsArea, N(area_iri(code)))
            self.out.areas.add(code)

    # ------------------------------------------------------------ evidence

    def evidence(self, node: ox.NamedNode, m: Mention) -> None:
        ev = N(evidence_iri(self.doc.content_hash, m.start, m.end))
        self.add(node, P.evidence, ev)
        if ev.value in self.seen:
            return
        self.seen.add(ev.value)
        self.add(ev, P.rdf_type, P.Evidence)
        self.add(ev, P.inDocument, self.doc_node)
        self.add(ev, P.quote, zh(self._quote(m)))
        self.add(ev, P.mention, zh(self.doc.text[m.start : m.end]))
        self.add(ev, P.charStart, typed(str(m.start), XSD.integer))
        self.add(ev, P.charEnd, typed(str(m.end), XSD.integer))

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

    def entity_node(self, e: EntityRecord) -> ox.NamedNode:
        body = self._body(e)
        if body is not None:
            return N(body_iri(body, e.area))
        return N(initiative_iri(e.city or self.ex.city, e.cls, e.label))

    def _body(self, e: EntityRecord) -> str | None:
        """The bodies-scheme concept of an organization named by it (工信部, 省大数据局), else None:
        such a body is one node for every article that names it, not one per city."""
        if e.cls != EntityClass.Organization or not e.concept:
            return None
        c = self.kb.concepts.get(e.concept)
        return e.concept if c is not None and c.scheme == "bodies" else None

    def entity(self, e: EntityRecord, by_label: dict[tuple[str, str], ox.NamedNode]) -> None:
        node = self.entity_node(e)
        self.add(node, P.rdf_type, N(CK[e.cls]))
        self.add(node, LABEL, zh(e.label))
        city = (e.city or self.ex.city) if self._body(e) is None else None  # a body is above the city
        if city:
            self.add(node, P.inCity, N(area_iri(city)))
            self.out.areas.add(city)
        if e.area:
            self.add(node, P.inArea, N(area_iri(e.area)))
            self.out.areas.add(e.area)
        concept = e.concept
        if e.new_concept:
            segment = "reform" if e.cls == EntityClass.Reform else "other"
            concept = concept or str(uncurated_concept_iri(segment, e.concept_label or e.label))
            scheme = concept_scheme(concept) or segment + "s"
            self.mint_concept(
                N(concept), scheme, e.concept_label or e.label, e.domain, reform=e.cls == EntityClass.Reform
            )
        if concept:
            self.add(node, P.realizes, N(concept))
        if e.domain:
            self.add(node, P.domain, N(e.domain))
        for org in e.run_by:
            target = by_label.get((EntityClass.Organization, org))
            if target is not None and target != node:
                self.add(node, P.runBy, target)
        for m in e.mentions:
            self.evidence(node, m)

    def mint_concept(self, c: ox.NamedNode, scheme: str, label: str, domain: str | None, reform: bool = False,
                     indicator: bool = False, unit: str | None = None) -> None:  # fmt: skip
        key = ("concept", c.value)
        if key in self.seen:
            return
        self.seen.add(key)
        self.add_scheme(c, P.rdf_type, P.skos_Concept)
        if reform:
            self.add_scheme(c, P.rdf_type, P.ReformConcept)
        if indicator:
            self.add_scheme(c, P.rdf_type, P.Indicator)
        self.add_scheme(c, P.skos_inScheme, N(CKR[f"scheme/{scheme}"]))
        self.add_scheme(c, P.skos_prefLabel, zh(label))
        self.add_scheme(c, P.curated, typed("false", XSD.boolean))
        if domain:
            self.add_scheme(c, P.domain, N(domain))
        if unit:
            self.add_scheme(c, P.expectedUnit, ox.Literal(unit))

    # ------------------------------------------------------------ observations

    def observations(self, targets: dict[str, ox.NamedNode]) -> None:
        used: set[str] = set()
        last_before: dict[tuple[int, str], ox.NamedNode] = {}
        for o in self.ex.observations:
            m = o.mention
            iri = observation_iri(self.doc.content_hash, m.start, m.end, o.change_role)
            node, n = N(iri), 2
            while node.value in used:
                node, n = N(f"{iri}-{n}"), n + 1
            used.add(node.value)
            self.observation(node, o, targets)
            key = (m.sentence, o.indicator_label)
            if o.change_role == ChangeRole.before:
                last_before[key] = node
            elif o.change_role == ChangeRole.after and key in last_before:
                self.add(node, P.previousValue, last_before.pop(key))

    def comparable(self, node: ox.NamedNode, o: ObservationRecord) -> None:
        """The unit a figure compares in, from units.ttl (every measure word is one count)."""
        terms = default_units().comparable_terms(o.unit, o.value, ranking=o.kind == "rank")
        if terms is not None:
            if terms.measure_word:
                self.add(node, P.measureWord, ox.Literal(terms.measure_word))
            self.add(node, P.comparableUnit, N(terms.unit_iri))
            self.add(node, P.comparableValue, typed(decimal_lexical(terms.value), XSD.decimal))

    def observation(self, node: ox.NamedNode, o: ObservationRecord, targets: dict[str, ox.NamedNode]) -> None:
        self.add(node, P.rdf_type, P.Observation)
        if o.kind == "rank":
            self.add(node, P.rdf_type, P.Ranking)
        indicator = o.indicator
        if o.indicator_label and (o.new_indicator or not indicator):
            indicator = indicator or str(uncurated_concept_iri("indicator", o.indicator_label))
            self.mint_concept(
                N(indicator), "indicators", o.indicator_label, None, indicator=True, unit=o.unit
            )
        if indicator:  # a figure no noun phrase names keeps its sentence, not a minted indicator
            self.add(node, P.indicator, N(indicator))
        self.add(node, P.value, typed(decimal_lexical(o.value), XSD.decimal))
        if o.value_max is not None:
            self.add(node, P.valueMax, typed(decimal_lexical(o.value_max), XSD.decimal))
        self.add(node, P.unit, ox.Literal(o.unit))
        self.comparable(node, o)
        self.add(node, P.qualifier, ox.Literal(o.qualifier))
        target = targets.get(o.refers_to) if o.refers_to else None
        if target is None:
            target = self.city_node
        if target is not None:
            self.add(node, P.refersTo, target)
        as_of = date_literal(o.as_of) if o.as_of else None
        if as_of is None and self.doc.date and not o.target:
            as_of = date_literal(self.doc.date)
        if as_of is not None:
            self.add(node, P.asOf, as_of)
        if o.as_of_text:
            self.add(node, P.asOfText, zh(o.as_of_text))
        if o.change_role:
            self.add(node, P.changeRole, ox.Literal(o.change_role))
        if o.target:
            self.add(node, P.isTarget, typed("true", XSD.boolean))
        self.add(node, P.rawText, zh(o.mention.text))
        self.evidence(node, o.mention)


def rdfize(ex: Extraction, kb: KnowledgeBase) -> DocQuads:
    """The quads of one document's extraction (document graph + minted concepts)."""
    em = _Emitter(ex, kb)
    em.document()
    by_label: dict[tuple[str, str], ox.NamedNode] = {}
    for e in ex.entities:
        by_label.setdefault((e.cls, e.label), em.entity_node(e))
    for e in ex.entities:
        em.entity(e, by_label)
    targets: dict[str, ox.NamedNode] = {}
    for cls in reversed(_PREFERRED_TARGET):  # the preferred class wins a shared label
        for e in ex.entities:
            if e.cls == cls:
                targets[e.label] = em.entity_node(e)
                targets.setdefault(e.label.strip(_QUOTES), em.entity_node(e))
    em.observations(targets)
    from citykg.graph.adoption.events import adoption_quads  # issue 18: ck:Adoption events of this document

    em.out.quads.extend(adoption_quads(ex, kb, em.out.graph))
    return em.out
