"""One city's part of the build, read with queries bound to that city (``citykg viz city``).

``load_model`` reads the whole build (10-12 s and ~700 MB at 2,000 articles), which
the site needs; a single city page needs only that city's initiatives, their
evidence, the observations about the city, its counties and its initiatives, and
the small tables (areas, concepts, documents). Each query below is bound to the
city (a VALUES row of RDF terms, never string formatting), so the store answers
from its indexes and the cost follows the city, not the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from citykg.namespaces import SPARQL_PREFIXES
from citykg.viz import views
from citykg.viz.data import INITIATIVE_CLASSES, Evidence, Initiative, Model, Observation, _int, _local, _pick
from citykg.viz.source import ViewSource
from citykg.viz.tables import read_areas, read_concepts, read_docs

Q_INITIATIVES = """SELECT ?x ?cls ?label ?lang WHERE { ?x ck:inCity ?city ; a ?cls .
  OPTIONAL { ?x rdfs:label ?label BIND(LANG(?label) AS ?lang) } }"""
Q_LINKS = """SELECT ?x ?p ?o WHERE { ?x ck:inCity ?city ; ?p ?o . VALUES ?p { ck:realizes ck:domain } }"""
# the city's observations: about the city, one of its counties or one of its initiatives. A plain
# UNION the store evaluates from the bound city outwards (a DISTINCT sub-SELECT with the class
# test made it scan every evidence row: 51 s instead of 0.1 s at 2,000 articles); rows repeat
# when a subject matches twice and non-observations (no ck:indicator) come along: both dropped.
_SUBJECTS = """{ { ?o ck:refersTo ?city } UNION { ?s ck:partOf ?city . ?o ck:refersTo ?s }
  UNION { ?s ck:inCity ?city . ?o ck:refersTo ?s } }"""
Q_OBSERVATIONS = (
    "SELECT ?o ?p ?v WHERE { "
    + _SUBJECTS
    + """ ?o ?p ?v . VALUES ?p { ck:indicator ck:value ck:unit
  ck:qualifier ck:refersTo ck:asOf ck:rawText ck:valueMax ck:changeRole ck:isTarget } }"""
)
Q_OBS_EVIDENCE = (
    "SELECT ?o ?quote ?doc ?start WHERE { "
    + _SUBJECTS
    + """ ?o ck:evidence ?ev .
  ?ev ck:quote ?quote ; ck:inDocument ?doc . OPTIONAL { ?ev ck:charStart ?start } }"""
)
Q_INIT_EVIDENCE = """SELECT ?x ?quote ?doc ?start WHERE { ?x ck:inCity ?city ; ck:evidence ?ev .
  ?ev ck:quote ?quote ; ck:inDocument ?doc . OPTIONAL { ?ev ck:charStart ?start } }"""
_OBS_FIELDS = {"indicator": "indicator", "value": "value", "unit": "unit", "qualifier": "qualifier",
               "refersTo": "refers_to", "asOf": "as_of", "rawText": "raw", "valueMax": "value_max",
               "changeRole": "role", "isTarget": "is_target"}  # fmt: skip


def load_city_model(source: ViewSource, name: str) -> tuple[Model, str]:
    """A ``Model`` holding one city's records (and every area, concept and document), and the city's IRI."""

    def q(body: str) -> Iterator[tuple[Any, ...]]:
        return source.rows(SPARQL_PREFIXES + body)

    areas, concepts, docs = read_areas(q), read_concepts(q), read_docs(q)
    model = Model(areas, concepts, {}, {}, docs, [])
    city = views.find_city(model, name)
    bound = {"city": ox.NamedNode(city)}

    def rows(body: str, params: dict[str, Any] = bound) -> list[dict[str, str]]:
        return source.select(SPARQL_PREFIXES + body, params)

    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    classes: dict[str, set[str]] = defaultdict(set)
    for r in rows(Q_INITIATIVES):
        classes[r["x"]].add(_local(r["cls"]))
        if "label" in r:
            labels[r["x"]].append((r["label"], r.get("lang", "")))
    inits: dict[str, Initiative] = {}
    for x, found in classes.items():
        cls = next((c for c in INITIATIVE_CLASSES if c in found), None)
        if cls is not None:  # the first class in INITIATIVE_CLASSES wins, as in load_model
            inits[x] = Initiative(x, cls, _pick(sorted(set(labels[x]))) or _local(x), city)
    for r in rows(Q_LINKS):
        i = inits.get(r["x"])
        if i is not None:
            (i.concepts if r["p"].endswith("realizes") else i.domains).append(r["o"])
    for r in rows(Q_INIT_EVIDENCE):
        if r["x"] in inits:
            inits[r["x"]].evidence.append(Evidence(r["quote"], r["doc"], _int(r.get("start"))))
    obs: dict[str, Observation] = {}
    for r in rows(Q_OBSERVATIONS):
        o = obs.setdefault(r["o"], Observation(r["o"], ""))
        attr = _OBS_FIELDS[_local(r["p"])]
        if getattr(o, attr) in ("", None, False):  # a second value of a functional property: keep the first
            setattr(o, attr, r["v"] in ("true", "1") if attr == "is_target" else r["v"])
    for r in rows(Q_OBS_EVIDENCE):
        if r["o"] in obs:
            obs[r["o"]].evidence.append(Evidence(r["quote"], r["doc"], _int(r.get("start"))))
    for item in (*inits.values(), *obs.values()):
        if isinstance(item, Initiative):
            item.concepts, item.domains = sorted(set(item.concepts)), sorted(set(item.domains))
        item.evidence = sorted(set(item.evidence), key=lambda e: (e.doc, e.start or 0, e.quote))
    return Model(areas, concepts, inits, {o.iri: o for o in obs.values() if o.indicator}, docs, []), city
