"""The small tables of a build (areas, concepts, documents), read in full by every view.

Shared by ``load_model`` (the whole build, for the site) and ``load_city_model``
(one city, for ``citykg viz city``): a few thousand rows each, plain OPTIONAL joins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from citykg.viz.data import Area, Concept, Doc, _local, _pick

# Small tables: plain OPTIONAL joins are fine (hundreds to a few thousand rows).
Q_AREAS = """SELECT ?a ?level ?label ?lang ?adcode ?parent WHERE {
  ?a a ?level . VALUES ?level { ck:Province ck:City ck:County }
  OPTIONAL { ?a rdfs:label ?label BIND(LANG(?label) AS ?lang) }
  OPTIONAL { ?a ck:adcode ?adcode } OPTIONAL { ?a ck:partOf ?parent } }"""
Q_AREA_ALTS = """SELECT ?a ?alt WHERE { ?a ck:adcode ?code ; skos:altLabel ?alt }"""
Q_CONCEPTS = """SELECT ?c ?scheme ?label ?lang WHERE { ?c skos:inScheme ?scheme .
  OPTIONAL { ?c skos:prefLabel ?label BIND(LANG(?label) AS ?lang) } }"""
Q_CONCEPT_ALTS = """SELECT ?c ?alt WHERE { ?c skos:inScheme ?s ; skos:altLabel ?alt }"""
Q_CONCEPT_DOMAINS = """SELECT ?c ?d WHERE { ?c skos:inScheme ?s ; ck:domain ?d }"""
Q_MINTED = """SELECT ?c WHERE { ?c ck:curated false }"""
Q_DOCS = """SELECT ?d ?title ?date ?file ?publisher ?about WHERE { ?d a ck:SourceDocument .
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date }
  OPTIONAL { ?d ck:fileName ?file } OPTIONAL { ?d dcterms:publisher ?publisher }
  OPTIONAL { ?d ck:aboutCity ?about } }"""


Rows = Callable[[str], Iterator[tuple[Any, ...]]]  # a query body -> its rows of lexical values


def read_areas(q: Rows) -> dict[str, Area]:
    """Every province, city and county with label, adcode, parent and other names (a small table)."""
    area_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    areas: dict[str, Area] = {}
    for a_iri, level, label, lang, adcode, parent in q(Q_AREAS):
        a = areas.setdefault(a_iri, Area(a_iri, "", _local(level)))
        a.adcode = adcode if adcode is not None else a.adcode
        a.parent = parent if parent is not None else a.parent
        if label is not None:
            area_labels[a_iri].append((label, lang or ""))
    for iri, a in areas.items():
        a.label = _pick(area_labels[iri]) or a.adcode or _local(iri)
    for a_iri, alt in q(Q_AREA_ALTS):
        if a_iri in areas and alt not in areas[a_iri].alts:
            areas[a_iri].alts.append(alt)
    return areas


def read_concepts(q: Rows) -> dict[str, Concept]:
    """Every concept of every scheme with labels, other names, domains and curation (a small table)."""
    c_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    concepts: dict[str, Concept] = {}
    for c_iri, scheme, label, lang in q(Q_CONCEPTS):
        concepts.setdefault(c_iri, Concept(c_iri, _local(scheme)))
        if label is not None:
            c_labels[c_iri].append((label, lang or ""))
    for iri, c in concepts.items():
        c.label = _pick(c_labels[iri]) or _local(iri)
        c.label_en = _pick(c_labels[iri], "en")
    for c_iri, alt in q(Q_CONCEPT_ALTS):
        if c_iri in concepts:
            concepts[c_iri].alts.append(alt)
    for c_iri, d in q(Q_CONCEPT_DOMAINS):
        if c_iri in concepts and d not in concepts[c_iri].domains:
            concepts[c_iri].domains.append(d)
    for (c_iri,) in q(Q_MINTED):
        if c_iri in concepts:
            concepts[c_iri].curated = False
    return concepts


def read_docs(q: Rows) -> dict[str, Doc]:
    """Every source document with title, date, file, publisher and cities."""
    docs: dict[str, Doc] = {}
    for d_iri, title, date, file, publisher, about in q(Q_DOCS):
        d = docs.setdefault(d_iri, Doc(d_iri))
        d.title = d.title or title or ""
        d.date = d.date or date or ""
        d.file = d.file or file or ""
        d.publisher = d.publisher or publisher or ""
        if about and about not in d.about:
            d.about.append(about)
    return docs
