"""The ontology's terms as IRI strings and as pyoxigraph terms, made once.

``VOCAB`` names every predicate and class the emitter writes; ``S`` holds them as
strings (the document graphs are rows of strings, ``nt``), ``P`` as pyoxigraph IRIs
for the graphs still made of pyoxigraph quads (divisions). rdflib attribute access
is slow, so neither is looked up per quad.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from citykg.namespaces import CK

_CK_TERMS = (
    "Evidence Indicator Observation Ranking ReformConcept SourceDocument aboutCity adcode asOf asOfText changeRole "
    "comparableUnit comparableValue measureWord charEnd charLength charStart contentHash curated domain evidence "
    "expectedUnit fileName inArea inCity inDocument indicator isTarget mention mentionsArea partOf previousValue "
    "qualifier quote rawText realizes refersTo runBy unit value valueMax"
).split()
#: attribute name -> IRI of every term the emitter writes
VOCAB: dict[str, str] = {
    **{t: str(CK[t]) for t in _CK_TERMS},
    "dcterms_date": str(DCTERMS.date), "dcterms_publisher": str(DCTERMS.publisher),
    "dcterms_source": str(DCTERMS.source), "dcterms_title": str(DCTERMS.title),
    "rdf_type": str(RDF.type), "rdfs_label": str(RDFS.label), "skos_Concept": str(SKOS.Concept),
    "skos_altLabel": str(SKOS.altLabel), "skos_inScheme": str(SKOS.inScheme), "skos_prefLabel": str(SKOS.prefLabel),
}  # fmt: skip


def N(term: object) -> ox.NamedNode:
    """A pyoxigraph IRI from an rdflib term, a string or a pyoxigraph IRI."""
    if isinstance(term, ox.NamedNode):
        return term
    return _named(str(term))


@lru_cache(maxsize=4096)
def _named(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


#: the terms as strings (``S.aboutCity``) and as pyoxigraph IRIs (``P.aboutCity``)
S = SimpleNamespace(**VOCAB)
P = SimpleNamespace(**{k: N(v) for k, v in VOCAB.items()})
TYPE, LABEL = P.rdf_type, P.rdfs_label
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


_DATE_SHAPES = ((re.compile(r"\d{4}-\d{2}-\d{2}"), str(XSD.date)), (re.compile(r"\d{4}-\d{2}"), str(XSD.gYearMonth)),
                (re.compile(r"\d{4}"), str(XSD.gYear)))  # fmt: skip


def date_type(text: str) -> str | None:
    """The datatype IRI of a date by its lexical shape (xsd:date / gYearMonth / gYear), else None."""
    for shape, dt in _DATE_SHAPES:
        if shape.fullmatch(text):
            return dt
    return None
