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
from rdflib.namespace import RDF, XSD

from citykg.graph.adoption.cues import load
from citykg.graph.adoption.detect import Step, read_step
from citykg.graph.kb import KnowledgeBase
from citykg.graph.rdf import nt
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
    """The predicates and class of an event, as IRI strings (events are rows of ``rdf.nt``)."""

    type, Adoption = str(RDF.type), nt.iri(str(CK.Adoption))
    adopter, concept = str(CK.adopter), str(CK.adoptedConcept)
    initiative, stage = str(CK.throughInitiative), str(CK.stage)
    driven, date = str(CK.drivenBy), str(CK.eventDate)
    upper, evidence = str(CK.dateIsUpperBound), str(CK.evidence)


_DATE_TYPES = {10: str(XSD.date), 7: str(XSD.gYearMonth), 4: str(XSD.gYear)}


def adoption_quads(ex: Extraction, kb: KnowledgeBase, graph: ox.NamedNode) -> list[ox.Quad]:
    """The adoption events of one extraction as pyoxigraph quads in ``graph`` (none if skipped)."""
    return nt.rows_to_quads(list(adoption_rows(ex, kb)), graph.value)


def adoption_rows(ex: Extraction, kb: KnowledgeBase) -> Iterator[nt.Row]:
    """The adoption events of one extraction, as rows of its document graph (none if skipped).

    Rows of strings (``rdf.nt``), as ``rdf.emit`` emits the rest of the graph: no pyoxigraph
    object is made per statement."""
    if os.environ.get(SKIP_ENV):
        return
    stages, drivers = load()
    doc = ex.document
    done: set[str] = set()
    linked: set[nt.Row] = set()
    for e in ex.entities:
        concept = reform_concept(e)
        city = city_of(kb, e.city or ex.city)
        if concept is None or city is None:
            continue
        node_init = nt.iri(str(initiative_iri(e.city or ex.city, e.cls, e.label)))
        for m in e.mentions:
            if not 0 <= m.sentence < len(doc.sentences):
                continue
            sent = doc.sentences[m.sentence]
            ev = nt.iri(str(evidence_iri(doc.content_hash, m.start, m.end)))
            node = adoption_iri(doc.content_hash, f"{concept} {city}", m.sentence)
            if node not in done:
                done.add(node)
                text = doc.text[sent.start : max(sent.end, m.end)]
                step = read_step(text, m.start - sent.start, m.end - sent.start, doc.date, stages, drivers)
                yield from _event(node, city, concept, step)
            for link in ((node, _P.initiative, node_init), (node, _P.evidence, ev)):
                if link not in linked:  # two records of one initiative, or one mention twice: one statement
                    linked.add(link)
                    yield link


def _event(node: str, city: str, concept: str, step: Step) -> Iterator[nt.Row]:
    yield node, _P.type, _P.Adoption
    yield node, _P.adopter, nt.iri(str(area_iri(city)))
    yield node, _P.concept, nt.iri(str(concept))
    yield node, _P.stage, nt.iri(step.stage.iri)
    yield node, _P.driven, nt.iri(step.driver.iri)
    if step.date and len(step.date) in _DATE_TYPES:
        yield node, _P.date, nt.typed(step.date, _DATE_TYPES[len(step.date)])
        yield node, _P.upper, nt.typed("false" if step.stated else "true", nt.XSD_BOOLEAN)
