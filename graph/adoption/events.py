"""``ck:Adoption`` quads of one document: one event per city, reform concept and sentence.

Called once per document by ``citykg.graph.rdf.emit.rdfize`` (after the entities), so the
events live in the document's named graph next to the initiatives and evidence they
point to, are cached with them and cost one regex pass per reform mention. Set
``CITYKG_NO_ADOPTION=1`` to skip the step (the benchmark measures the build with and
without it in the same run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib.namespace import RDF, SKOS, XSD

from citykg.graph.adoption.cues import load
from citykg.graph.adoption.detect import Step, read_step
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import EntityClass, EntityRecord, Extraction
from citykg.namespaces import (
    CK,
    CKR,
    area_iri,
    concept_scheme,
    evidence_iri,
    initiative_iri,
    short_hash,
    uncurated_concept_iri,
)

SKIP_ENV = "CITYKG_NO_ADOPTION"
#: the classes whose realised reform concepts count as adoptions (ck:Initiative and below)
ADOPTING_CLASSES = (EntityClass.Reform, EntityClass.Platform, EntityClass.Project)
REFORM_SCHEME = "reforms"
#: hex characters of the concept hash in an adoption IRI (one article names few concepts)
_CONCEPT_HASH_CHARS = 8


def adoption_iri(content_hash: str, concept: str, sentence: int) -> str:
    """ckr:adoption/<doc-hash>/<concept hash>/<sentence index> (deterministic).

    >>> adoption_iri("abc", "https://w3id.org/citykg/resource/concept/reform/one-network", 4)[-24:]
    'adoption/abc/bf3a0b65/s4'
    """
    return f"{CKR}adoption/{content_hash}/{short_hash(concept, n=_CONCEPT_HASH_CHARS)}/s{sentence}"


def city_of(kb: KnowledgeBase, code: str | None) -> str | None:
    """The city an area belongs to (a county rolls up to its city; a city is itself)."""
    area = kb.areas.get(code) if code else None
    while area is not None and "City" not in (area.levels or (area.level,)):
        area = kb.areas.get(area.parent) if area.parent else None
    return area.adcode if area is not None else None


def reform_concept(e: EntityRecord) -> str | None:
    """The reform concept an initiative realizes (curated or minted as emit mints it), else None."""
    if e.cls not in ADOPTING_CLASSES:
        return None
    concept = e.concept
    if concept is None and e.new_concept and e.cls == EntityClass.Reform:
        concept = str(uncurated_concept_iri("reform", e.concept_label or e.label))
    return concept if concept and concept_scheme(concept) == REFORM_SCHEME else None


class _P:
    type, Adoption = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(CK.Adoption))
    adopter, concept = ox.NamedNode(str(CK.adopter)), ox.NamedNode(str(CK.adoptedConcept))
    initiative, stage = ox.NamedNode(str(CK.throughInitiative)), ox.NamedNode(str(CK.stage))
    driven, date = ox.NamedNode(str(CK.drivenBy)), ox.NamedNode(str(CK.eventDate))
    upper, evidence = ox.NamedNode(str(CK.dateIsUpperBound)), ox.NamedNode(str(CK.evidence))
    notation = ox.NamedNode(str(SKOS.notation))


_DATE_TYPES = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}


def adoption_quads(ex: Extraction, kb: KnowledgeBase, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The adoption events of one extraction, in the document's ``graph`` (none if skipped)."""
    if os.environ.get(SKIP_ENV):
        return
    stages, drivers = load()
    doc = ex.document
    done: dict[str, ox.NamedNode] = {}
    linked: set[ox.Quad] = set()
    for e in ex.entities:
        concept = reform_concept(e)
        city = city_of(kb, e.city or ex.city)
        if concept is None or city is None:
            continue
        node_init = ox.NamedNode(str(initiative_iri(e.city or ex.city, e.cls, e.label)))
        for m in e.mentions:
            if not 0 <= m.sentence < len(doc.sentences):
                continue
            sent = doc.sentences[m.sentence]
            ev = ox.NamedNode(str(evidence_iri(doc.content_hash, m.start, m.end)))
            iri = adoption_iri(doc.content_hash, f"{concept} {city}", m.sentence)
            node = done.get(iri)
            if node is None:
                node = done[iri] = ox.NamedNode(iri)
                text = doc.text[sent.start : max(sent.end, m.end)]
                step = read_step(text, m.start - sent.start, m.end - sent.start, doc.date, stages, drivers)
                yield from _event(node, graph, city, concept, step)
            for link in (
                ox.Quad(node, _P.initiative, node_init, graph),
                ox.Quad(node, _P.evidence, ev, graph),
            ):
                if link not in linked:  # two records of one initiative, or one mention twice: one quad
                    linked.add(link)
                    yield link


def _event(node: ox.NamedNode, g: ox.NamedNode, city: str, concept: str, step: Step) -> Iterator[ox.Quad]:
    yield ox.Quad(node, _P.type, _P.Adoption, g)
    yield ox.Quad(node, _P.adopter, ox.NamedNode(str(area_iri(city))), g)
    yield ox.Quad(node, _P.concept, ox.NamedNode(concept), g)
    yield ox.Quad(node, _P.stage, ox.NamedNode(step.stage.iri), g)
    yield ox.Quad(node, _P.driven, ox.NamedNode(step.driver.iri), g)
    if step.date and len(step.date) in _DATE_TYPES:
        yield ox.Quad(
            node, _P.date, ox.Literal(step.date, datatype=ox.NamedNode(str(_DATE_TYPES[len(step.date)]))), g
        )
        upper = "false" if step.stated else "true"
        yield ox.Quad(node, _P.upper, ox.Literal(upper, datatype=ox.NamedNode(str(XSD.boolean))), g)
