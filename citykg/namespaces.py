"""The one module that owns citykg's namespaces and IRI patterns.

``CK`` is a closed ``DefinedNamespace``: ``CK.Initative`` raises instead of
minting a silent new IRI. A new ontology term is added here *and* in
``ontology/citykg.ttl`` (a test checks the two agree).

IRIs of individuals are deterministic, so the same city, concept or document
gets the same IRI on every rebuild:

- areas:        ckr:area/<adcode>                       (GB/T 2260 code)
- concepts:     ckr:concept/<scheme>/<slug>             (curated, ASCII slug)
                ckr:concept/<scheme>/x-<hash>           (uncurated, from the label)
- schemes:      ckr:scheme/<scheme>
- documents:    ckr:doc/<content-hash>                  (also the named graph)
- initiatives:  ckr:initiative/<adcode>/<hash of class+label>
- evidence:     ckr:evidence/<doc-hash>/<start>-<end>
- observations: ckr:obs/<doc-hash>/<start>-<end>[-<role>]
- analogies:    ckr:analogy/<hash of the sorted pair>
- graphs:       ckr:graph/ontology, ckr:graph/schemes, ckr:graph/divisions, ckr:graph/analogies
"""

from __future__ import annotations

import hashlib
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

# plain strings, importable without rdflib (the CLI's query path uses citykg.iris directly)
from citykg.iris import CK_IRI as CK_IRI
from citykg.iris import CKR_IRI as CKR_IRI
from citykg.iris import PREFIXES as PREFIXES
from citykg.iris import SPARQL_PREFIXES as SPARQL_PREFIXES


class CK(DefinedNamespace):
    """citykg ontology terms (the contract of design/ontology-core.md plus extensions)."""

    _fail = True
    _NS = Namespace(CK_IRI)

    # places
    AdministrativeArea: URIRef
    Province: URIRef
    City: URIRef
    County: URIRef
    adcode: URIRef
    partOf: URIRef
    # what cities do
    NamedEntity: URIRef  # superclass of Initiative, PolicyDocument, Organization, Award
    Initiative: URIRef
    Reform: URIRef
    Platform: URIRef
    Project: URIRef
    PolicyDocument: URIRef
    Organization: URIRef
    Award: URIRef
    inCity: URIRef
    inArea: URIRef  # a county/district the initiative is located in, when the text says so
    realizes: URIRef
    domain: URIRef
    runBy: URIRef  # Initiative -> Organization that runs/operates/built it
    analogousTo: URIRef
    Analogy: URIRef
    source: URIRef
    target: URIRef
    score: URIRef
    basis: URIRef
    basisKind: URIRef
    # concept schemes
    ReformConcept: URIRef
    Domain: URIRef
    curated: URIRef
    expectedUnit: URIRef
    # metrics
    Observation: URIRef
    Ranking: URIRef
    Indicator: URIRef
    indicator: URIRef
    value: URIRef
    valueMax: URIRef
    unit: URIRef
    unitCode: URIRef
    qualifier: URIRef
    refersTo: URIRef
    asOf: URIRef
    asOfText: URIRef
    rawText: URIRef
    changeRole: URIRef
    previousValue: URIRef
    isTarget: URIRef
    measureWord: URIRef
    comparableUnit: URIRef
    comparableValue: URIRef
    writtenForm: URIRef
    nounForm: URIRef
    perForm: URIRef
    unitKind: URIRef
    baseUnit: URIRef
    conversionFactor: URIRef
    # provenance
    SourceDocument: URIRef
    fileName: URIRef
    contentHash: URIRef
    charLength: URIRef
    aboutCity: URIRef
    mentionsArea: URIRef
    evidence: URIRef
    Evidence: URIRef
    inDocument: URIRef
    quote: URIRef
    mention: URIRef
    charStart: URIRef
    charEnd: URIRef
    # derived summaries (ckr:graph/summaries, added when a store is loaded: citykg.store.summaries)
    realizedIn: URIRef
    activeIn: URIRef
    reportedIn: URIRef
    nodeCount: URIRef
    # adoption events (issue 18: citykg.graph.adoption)
    Adoption: URIRef
    adopter: URIRef
    adoptedConcept: URIRef
    throughInitiative: URIRef
    stage: URIRef
    drivenBy: URIRef
    eventDate: URIRef
    dateIsUpperBound: URIRef
    cue: URIRef


CKR = Namespace(CKR_IRI)

GRAPH_ONTOLOGY = CKR["graph/ontology"]
GRAPH_SCHEMES = CKR["graph/schemes"]
GRAPH_DIVISIONS = CKR["graph/divisions"]
GRAPH_ANALOGIES = CKR["graph/analogies"]
GRAPH_SUMMARIES = CKR["graph/summaries"]  # derived, written into the TriG by the build (citykg.store.summaries)

SCHEME_REFORMS = CKR["scheme/reforms"]
SCHEME_DOMAINS = CKR["scheme/domains"]
SCHEME_INDICATORS = CKR["scheme/indicators"]
SCHEME_FACETS = CKR["scheme/facets"]  # context facets that explain analogues
SCHEME_STAGES = CKR["scheme/stages"]  # stages of an adoption (ontology/schemes/stages.ttl)
SCHEME_DRIVERS = CKR["scheme/drivers"]  # who drives an adoption (same file)

def short_hash(*parts: str, n: int = 12) -> str:
    """A stable hex digest of the NFKC-folded parts.

    >>> short_hash("Reform", "一网通办")
    'bd03033d8aea'
    """
    text = "\x1f".join(unicodedata.normalize("NFKC", p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def area_iri(adcode: str) -> URIRef:
    return CKR[f"area/{adcode}"]


def concept_iri(scheme: str, slug: str) -> URIRef:
    return CKR[f"concept/{scheme}/{slug}"]


def concept_scheme(concept_iri: str) -> str | None:
    """The scheme a concept IRI belongs to; schemes are named in the plural.

    >>> concept_scheme(CKR_IRI + "concept/reform/x-1a2b"), concept_scheme(CKR_IRI + "concept/facets/elderly")
    ('reforms', 'facets')
    """
    prefix = CKR_IRI + "concept/"
    if not concept_iri.startswith(prefix):
        return None
    segment = concept_iri[len(prefix) :].split("/", 1)[0]
    return segment if segment.endswith("s") else segment + "s"


def uncurated_concept_iri(scheme: str, label: str) -> URIRef:
    return CKR[f"concept/{scheme}/x-{short_hash(scheme, label)}"]


def document_iri(content_hash: str) -> URIRef:
    return CKR[f"doc/{content_hash}"]


def body_iri(concept_iri: str, adcode: str | None = None) -> URIRef:
    """The one node of a central body (ckr:body/<slug>) or of a provincial body in one province
    (ckr:body/<slug>/<province adcode>), from its concept in ontology/schemes/bodies.ttl."""
    slug = str(concept_iri).rstrip("/").rsplit("/", 1)[-1]
    return CKR[f"body/{slug}" + (f"/{adcode}" if adcode else "")]


def initiative_iri(adcode: str | None, cls: str, label: str) -> URIRef:
    return CKR[f"initiative/{adcode or 'unknown'}/{short_hash(cls, label)}"]


def evidence_iri(content_hash: str, start: int, end: int) -> URIRef:
    return CKR[f"evidence/{content_hash}/{start}-{end}"]


def observation_iri(content_hash: str, start: int, end: int, role: str | None = None) -> URIRef:
    return CKR[f"obs/{content_hash}/{start}-{end}" + (f"-{role}" if role else "")]


def analogy_iri(a: URIRef, b: URIRef) -> URIRef:
    x, y = sorted((str(a), str(b)))
    return CKR[f"analogy/{short_hash(x, y)}"]
