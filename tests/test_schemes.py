"""Every concept scheme (ontology/schemes/*.ttl, and the unit scheme) follows the conventions.

Parametrised over the files found at collection time, so a scheme file added later is
checked as soon as it appears. Link targets are checked against the union of all schemes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache, lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from citykg.namespaces import CK, CKR_IRI
from citykg.ontofiles import scheme_files, units_file

SCHEME_FILES = [*scheme_files(), units_file()]
IDS = [p.name for p in SCHEME_FILES]
DOMAIN_SCHEME = URIRef(CKR_IRI + "scheme/domains")
CONCEPT_IRI = re.compile(r"^" + re.escape(CKR_IRI) + r"concept/[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")
FIXED_DOMAINS = (
    "government-services city-governance health education transport social-security housing-community "
    "culture-tourism credit-finance digital-economy digital-infrastructure data-resources public-safety "
    "environment agriculture business-environment employment"
).split()
LINKS = (SKOS.broader, SKOS.narrower, SKOS.related, SKOS.closeMatch, SKOS.exactMatch, CK.domain)


@cache
def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@lru_cache(maxsize=1)
def union() -> Graph:
    g = Graph()
    for path in SCHEME_FILES:
        g += parse(path)
    return g


def concepts(g: Graph) -> set[URIRef]:
    found = set(g.subjects(RDF.type, SKOS.Concept)) | set(g.subjects(SKOS.inScheme, None))
    return {c for c in found if isinstance(c, URIRef)}


def _problems(found: list[str]) -> None:
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:40])


def test_core_schemes_exist() -> None:
    names = {p.name for p in scheme_files()}
    assert {"domains.ttl", "reforms.ttl", "indicators.ttl"} <= names


@pytest.mark.parametrize("path", SCHEME_FILES, ids=IDS)
def test_concepts_are_labelled_defined_and_in_one_scheme(path: Path) -> None:
    g, everything = parse(path), union()
    schemes = set(everything.subjects(RDF.type, SKOS.ConceptScheme))
    found: list[str] = []
    cs = concepts(g)
    assert cs, f"{path.name} defines no concept"
    for c in sorted(cs):
        pref = list(g.objects(c, SKOS.prefLabel))
        for lang in ("zh", "en"):
            n = sum(1 for x in pref if isinstance(x, Literal) and (x.language or "").split("-")[0] == lang)
            if n != 1:
                found.append(f"{c}: {n} prefLabels @{lang}")
        if not any(isinstance(d, Literal) and str(d).strip() for d in g.objects(c, SKOS.definition)):
            found.append(f"{c}: no skos:definition")
        in_scheme = set(g.objects(c, SKOS.inScheme))
        if len(in_scheme) != 1:
            found.append(f"{c}: in {len(in_scheme)} schemes")
        elif next(iter(in_scheme)) not in schemes:
            found.append(f"{c}: its scheme is not declared as a skos:ConceptScheme")
        if (c, RDF.type, SKOS.Concept) not in g:
            found.append(f"{c}: not typed skos:Concept")
        if not CONCEPT_IRI.match(str(c)):
            found.append(f"{c}: IRI is not ckr:concept/<scheme>/<ascii-kebab-slug>")
        if g.value(c, CK.curated) != Literal(True):
            found.append(f"{c}: curated concepts say ck:curated true")
    _problems(found)


@pytest.mark.parametrize("path", SCHEME_FILES, ids=IDS)
def test_no_orphan_concepts(path: Path) -> None:
    """Each concept is a top concept of its scheme or has a broader concept in that scheme."""
    g, everything = parse(path), union()
    found: list[str] = []
    for c in sorted(concepts(g)):
        scheme = g.value(c, SKOS.inScheme)
        if (c, SKOS.topConceptOf, scheme) in everything or (scheme, SKOS.hasTopConcept, c) in everything:
            continue
        broader = set(everything.objects(c, SKOS.broader)) | set(everything.subjects(SKOS.narrower, c))
        if not any((b, SKOS.inScheme, scheme) in everything for b in broader):
            found.append(f"{c}: neither a top concept nor narrower than a concept of {scheme}")
    _problems(found)


@pytest.mark.parametrize("path", SCHEME_FILES, ids=IDS)
def test_no_zh_label_shared_within_a_scheme(path: Path) -> None:
    """A Chinese pref/alt label names one concept of a scheme, or extraction cannot choose."""
    g = parse(path)
    by_label: dict[tuple[object, str], set[URIRef]] = defaultdict(set)
    for c in concepts(g):
        scheme = g.value(c, SKOS.inScheme)
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for lab in g.objects(c, prop):
                if isinstance(lab, Literal) and (lab.language or "").startswith("zh"):
                    by_label[(scheme, str(lab))].add(c)
    _problems(
        [f"{label!r} labels {sorted(cs)}" for (_s, label), cs in sorted(by_label.items()) if len(cs) > 1]
    )


@pytest.mark.parametrize("path", SCHEME_FILES, ids=IDS)
def test_links_point_to_existing_concepts(path: Path) -> None:
    g, everything = parse(path), union()
    known = concepts(everything)
    found = [
        f"{c} {prop.n3(g.namespace_manager)} {o}: no such concept"
        for prop in LINKS
        for c, o in g.subject_objects(prop)
        if isinstance(o, URIRef) and str(o).startswith(CKR_IRI) and o not in known
    ]
    found += [f"{c} skos:broader itself" for c, o in g.subject_objects(SKOS.broader) if c == o]
    _problems(found)


@pytest.mark.parametrize("path", SCHEME_FILES, ids=IDS)
def test_reform_concepts_and_indicators_have_a_domain_and_unit(path: Path) -> None:
    g, everything = parse(path), union()
    domains = set(everything.subjects(SKOS.inScheme, DOMAIN_SCHEME))
    found: list[str] = []
    for c in sorted(concepts(g)):
        scheme = str(g.value(c, SKOS.inScheme))
        is_reform = (c, RDF.type, CK.ReformConcept) in g or scheme.endswith("/scheme/reforms")
        is_indicator = (c, RDF.type, CK.Indicator) in g or scheme.endswith("/scheme/indicators")
        if is_reform or is_indicator:
            ds = set(g.objects(c, CK.domain))
            if not ds:
                found.append(f"{c}: no ck:domain")
            found += [f"{c}: ck:domain {d} is not a domain concept" for d in ds - domains]
        if is_indicator and g.value(c, CK.expectedUnit) is None:
            found.append(f"{c}: indicator without ck:expectedUnit")
        if is_reform and (c, RDF.type, CK.ReformConcept) not in g:
            found.append(f"{c}: reform concept not typed ck:ReformConcept")
        if is_indicator and (c, RDF.type, CK.Indicator) not in g:
            found.append(f"{c}: indicator not typed ck:Indicator")
    _problems(found)


def test_domain_scheme_has_the_fixed_slugs() -> None:
    domains = {str(c).rsplit("/", 1)[1] for c in union().subjects(SKOS.inScheme, DOMAIN_SCHEME)}
    assert set(FIXED_DOMAINS) <= domains
    for slug in FIXED_DOMAINS:
        assert (URIRef(f"{CKR_IRI}concept/domain/{slug}"), RDF.type, CK.Domain) in union(), slug


def test_platform_brands_name_the_area_that_runs_them() -> None:
    """platforms.ttl: every brand below a provincial/city kind says which division runs it."""
    from citykg.graph.kb import load_kb

    kb = load_kb()
    found = []
    for c in kb.platforms:
        if c.narrower or any(b.endswith("/national-service") for b in c.broader):
            continue
        if len(c.spatial) != 1 or kb.area_by_iri(c.spatial[0]) is None:
            found.append(f"{c.iri}: dcterms:spatial {c.spatial} is not one division of divisions.ttl")
    _problems(found)


def test_bodies_are_national_or_provincial() -> None:
    from citykg.graph.kb import load_kb

    bodies = load_kb().bodies
    assert len(bodies) > 30
    found = [
        f"{c.iri}: neither national nor provincial"
        for c in bodies
        if not c.narrower and not any(b.endswith(("/national", "/provincial")) for b in c.broader)
    ]
    _problems(found)
