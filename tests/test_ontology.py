"""The ontology (ontology/citykg.ttl + units.ttl): well-formed, complete, documented, consistent."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from citykg.namespaces import CK, CK_IRI, CKR, GRAPH_DIVISIONS, GRAPH_ONTOLOGY, GRAPH_SCHEMES
from citykg.ontofiles import (
    GENERATED_NOTE,
    ONTOLOGY_IRI,
    declared_terms,
    docs_html,
    is_known_unit,
    known_units,
    load_graph,
    ontology_file,
    ontology_graph,
    ontology_graph_files,
    scheme_files,
    strip_external_assets,
    unit_codes,
    units_file,
    write_docs,
    write_owl,
)
from citykg.paths import ontology_dir
from citykg.testing import require_tool
from citykg.validate.checks import type_sample
from citykg.validate.reasoning import check_consistency, explain_clashes

ORG = "http://www.w3.org/ns/org#"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
CONTRACT = {
    # places
    "AdministrativeArea": OWL.Class,
    "Province": OWL.Class,
    "City": OWL.Class,
    "County": OWL.Class,
    "adcode": OWL.DatatypeProperty,
    "partOf": OWL.ObjectProperty,
    # what cities do
    "Initiative": OWL.Class,
    "Reform": OWL.Class,
    "Platform": OWL.Class,
    "Project": OWL.Class,
    "PolicyDocument": OWL.Class,
    "Organization": OWL.Class,
    "Award": OWL.Class,
    "inCity": OWL.ObjectProperty,
    "realizes": OWL.ObjectProperty,
    "domain": OWL.ObjectProperty,
    "analogousTo": OWL.ObjectProperty,
    "Analogy": OWL.Class,
    "source": OWL.ObjectProperty,
    "target": OWL.ObjectProperty,
    "score": OWL.DatatypeProperty,
    "basis": OWL.DatatypeProperty,
    # metrics
    "Observation": OWL.Class,
    "Indicator": OWL.Class,
    "indicator": OWL.ObjectProperty,
    "value": OWL.DatatypeProperty,
    "unit": OWL.DatatypeProperty,
    "qualifier": OWL.DatatypeProperty,
    "refersTo": OWL.ObjectProperty,
    "asOf": OWL.DatatypeProperty,
    # provenance
    "SourceDocument": OWL.Class,
    "fileName": OWL.DatatypeProperty,
    "aboutCity": OWL.ObjectProperty,
    "evidence": OWL.ObjectProperty,
    "Evidence": OWL.Class,
    "inDocument": OWL.ObjectProperty,
    "quote": OWL.DatatypeProperty,
    "charStart": OWL.DatatypeProperty,
    "charEnd": OWL.DatatypeProperty,
}
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_graph([ontology_file()])


def ck_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(CK_IRI)}


def test_ontology_files_parse_without_blank_nodes() -> None:
    """A rebuild must be isomorphic term by term, so the ontology graph has no blank nodes."""
    assert [p.name for p in ontology_graph_files()] == ["citykg.ttl", "units.ttl"]
    for path in ontology_graph_files():
        g = Graph().parse(path, format="turtle")
        assert len(g) > 100, path
        assert not [t for t in g if any(isinstance(x, BNode) for x in t)], path


def test_header_has_version_license_and_titles(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    langs = {t.language for t in onto.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert {"zh", "en"} <= langs


def test_ck_terms_equal_the_ck_namespace(onto: Graph) -> None:
    in_code = {CK[name] for name in CK.__annotations__}
    in_ttl = ck_terms(onto)
    assert in_ttl - in_code == set(), "declared in citykg.ttl but not in citykg/namespaces.py CK"
    assert in_code - in_ttl == set(), "listed in CK but not declared in citykg.ttl"
    assert declared_terms() == in_ttl


@pytest.mark.parametrize("name,kind", sorted(CONTRACT.items()))
def test_contract_terms_have_the_right_kind(onto: Graph, name: str, kind: URIRef) -> None:
    term = CK[name]
    kinds = {k for k in onto.objects(term, RDF.type) if k in KINDS}
    assert kinds == {kind}, f"ck:{name} is {kinds}"


def test_every_term_is_documented_in_both_languages(onto: Graph) -> None:
    missing: list[str] = []
    for term in sorted(ck_terms(onto)):
        langs = {lab.language for lab in onto.objects(term, RDFS.label)}
        if not {"zh", "en"} <= langs:
            missing.append(f"{term}: labels {langs}")
        defs = [*onto.objects(term, SKOS.definition), *onto.objects(term, RDFS.comment)]
        if not any(isinstance(d, Literal) and d.language == "en" and len(d) > 10 for d in defs):
            missing.append(f"{term}: no English definition")
        kinds = {k for k in onto.objects(term, RDF.type) if k in KINDS}
        if len(kinds) != 1:
            missing.append(f"{term}: kinds {kinds}")
        if kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            if onto.value(term, RDFS.domain) is None or onto.value(term, RDFS.range) is None:
                missing.append(f"{term}: no domain or range")
    assert not missing


def test_owl2_dl_declarations(onto: Graph) -> None:
    """Every predicate and every class the ontology uses is declared (what Protégé and HermiT need)."""
    builtin = (str(RDF), str(RDFS), str(OWL))
    declared_props = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        declared_props |= set(onto.subjects(RDF.type, kind))
    undeclared = {p for p in onto.predicates() if not str(p).startswith(builtin) and p not in declared_props}
    assert not undeclared
    classes = set(onto.subjects(RDF.type, OWL.Class)) | {OWL.Thing}
    used = set(onto.objects(None, RDFS.subClassOf)) | set(onto.objects(None, OWL.disjointWith))
    for prop in onto.subjects(RDF.type, OWL.ObjectProperty):
        used |= set(onto.objects(prop, RDFS.domain)) | set(onto.objects(prop, RDFS.range))
    assert used - classes == set()
    for prop in onto.subjects(RDF.type, OWL.DatatypeProperty):
        rng = onto.value(prop, RDFS.range)
        assert rng is None or str(rng).startswith(XSD_IRI) or rng == RDFS.Literal, prop
    # a term is one kind of property only (punning a property is not OWL 2 DL)
    for term in declared_props:
        n = sum(
            (term, RDF.type, k) in onto
            for k in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        )
        assert n == 1, term


def test_hierarchy_and_alignment(onto: Graph) -> None:
    sub = set(onto.subject_objects(RDFS.subClassOf))
    for cls in (CK.Reform, CK.Platform, CK.Project):
        assert (cls, CK.Initiative) in sub
    for cls in (CK.Indicator, CK.ReformConcept, CK.Domain):
        assert (cls, SKOS.Concept) in sub
    for cls in (CK.SourceDocument, CK.Evidence):
        assert (cls, PROV.Entity) in sub
    assert (CK.Ranking, CK.Observation) in sub
    assert (CK.Organization, URIRef(ORG + "Organization")) in sub
    assert (CK.inDocument, RDFS.subPropertyOf, PROV.wasQuotedFrom) in onto
    assert (CK.analogousTo, RDF.type, OWL.SymmetricProperty) in onto
    # the entity classes the checks query must not be subclasses of one another (no double counting)
    entity = [CK.Reform, CK.Platform, CK.Project, CK.PolicyDocument, CK.Organization, CK.Award]
    assert not [(a, b) for a in entity for b in entity if (a, b) in sub]


@pytest.mark.parametrize(
    "a,b",
    [
        (CK.Observation, CK.AdministrativeArea),
        (CK.NamedEntity, CK.Observation),
        (CK.SourceDocument, CK.Evidence),
        (CK.Initiative, CK.Organization),
        (CK.Reform, CK.Platform),
        (CK.Platform, CK.Project),
        (CK.Province, CK.County),
        (CK.Indicator, CK.ReformConcept),
    ],
)
def test_disjointness_is_declared(onto: Graph, a: URIRef, b: URIRef) -> None:
    assert (a, OWL.disjointWith, b) in onto or (b, OWL.disjointWith, a) in onto


def test_municipalities_may_be_province_and_city(onto: Graph) -> None:
    """北京市 is a ck:Province and a ck:City (divisions.ttl says so), so the two cannot be disjoint."""
    for a, b in ((CK.Province, CK.City), (CK.County, CK.City)):
        assert (a, OWL.disjointWith, b) not in onto and (b, OWL.disjointWith, a) not in onto


# --- units ---------------------------------------------------------------------------------------


def test_units_map_to_ucum_and_qudt() -> None:
    g = Graph().parse(units_file(), format="turtle")
    codes = unit_codes(g)
    assert codes["%"] == "%"
    assert codes["秒"] == "s"
    assert codes["平方米"] == "m2"
    assert codes["个"] == codes["条"] == codes["家"] == "{count}"
    assert codes["公里"] == codes["千米"] == "km"
    for unit in set(g.subjects(SKOS.inScheme, CKR["scheme/units"])):
        zh = [x for x in g.objects(unit, SKOS.prefLabel) if x.language == "zh"]
        en = [x for x in g.objects(unit, SKOS.prefLabel) if x.language == "en"]
        assert len(zh) == 1 and len(en) == 1, unit
        assert g.value(unit, SKOS.definition) is not None, unit
    qudt = [o for o in g.objects(None, SKOS.exactMatch) if str(o).startswith("http://qudt.org/vocab/")]
    assert len(qudt) >= 15
    # a notation names one unit only, so a ck:unit string maps to one UCUM code
    notations = [str(n) for n in g.objects(None, SKOS.notation)]
    assert len(notations) == len(set(notations))


def test_units_cover_what_the_indicators_expect() -> None:
    """Every ck:expectedUnit of the indicator scheme is a unit units.ttl knows."""
    units = known_units()
    expected: set[str] = set()
    for path in scheme_files():
        g = Graph().parse(path, format="turtle")
        expected |= {str(u) for u in g.objects(None, CK.expectedUnit)}
    assert expected - units == set()


# --- reasoner ---------------------------------------------------------------------------------


def test_ontology_schemes_and_divisions_are_consistent() -> None:
    """HermiT on the ontology, every scheme and a type sample of divisions.ttl (all of China:
    municipalities are Province and City at once, province-governed cities County and City)."""
    require_tool("java")
    store = ox.Store()
    for path in ontology_graph_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH_ONTOLOGY)))
    for path in scheme_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH_SCHEMES)))
    divisions = ontology_dir() / "divisions.ttl"
    if divisions.exists():
        store.load(
            path=str(divisions), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH_DIVISIONS))
        )
    sample = type_sample(store)
    if divisions.exists():
        both = [CK.Province, CK.City]
        assert any(all((a, RDF.type, c) in sample for c in both) for a in sample.subjects(CK.adcode, None))
    result = check_consistency(sample)
    assert result.consistent is True, (result.message, result.clashes)
    assert result.reasoner == "HermiT"


@pytest.mark.parametrize(
    "types,words",
    [
        ((CK.Province, CK.County), "is both a ck:County (typed so) and a ck:Province (typed so)"),
        ((CK.Reform, CK.Platform), "is both a ck:Platform (typed so) and a ck:Reform (typed so)"),
        (
            (CK.Observation, CK.City),
            "is both a ck:AdministrativeArea (ck:City: typed so) and a ck:Observation",
        ),
    ],
)
def test_reasoner_reports_an_individual_of_two_disjoint_classes(
    types: tuple[URIRef, URIRef], words: str
) -> None:
    g = load_graph()
    node = CKR["area/999999"]
    for t in types:
        g.add((node, RDF.type, t))
    assert any(c.startswith("ckr:area/999999 " + words) for c in explain_clashes(g))
    if types[0] == CK.Province:  # one HermiT run (a JVM start each) proves the reasoner agrees
        require_tool("java")
        result = check_consistency(g)
        assert result.consistent is False
        assert result.message == "HermiT found the ontology and data inconsistent."
        assert result.clashes == explain_clashes(g)


def test_reasoner_finds_clashes_through_domains_and_ranges() -> None:
    """An observation used as a city (ck:inCity points at it) is inconsistent, and we say why."""
    require_tool("java")
    g = load_graph()
    obs, ent = CKR["obs/x/1-2"], CKR["initiative/1/x"]
    g.add((obs, RDF.type, CK.Observation))
    g.add((ent, RDF.type, CK.Reform))
    g.add((ent, CK.inCity, obs))
    assert check_consistency(g).consistent is False
    clashes = explain_clashes(g)
    assert any("something points to it with ck:inCity" in c for c in clashes), clashes


def test_functional_property_clash_is_explained() -> None:
    g = load_graph()
    area = CKR["area/330100"]
    g.add((area, RDF.type, CK.City))
    g.add((area, CK.adcode, Literal("330100")))
    g.add((area, CK.adcode, Literal("330200")))
    assert explain_clashes(g) == [
        "ckr:area/330100 has 2 values of ck:adcode (330100, 330200), but it allows one."
    ]


def test_no_java_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    import citykg.validate.reasoning as reasoning

    monkeypatch.setattr(reasoning.shutil, "which", lambda name: None)
    result = reasoning.check_consistency(load_graph())
    assert result.consistent is None and not result.ran
    assert "Java is not installed" in result.message


# --- generated files ------------------------------------------------------------------------


def test_owl_export_says_it_is_generated_and_loads_in_owlready2(tmp_path: Path) -> None:
    path = write_owl(tmp_path / "citykg.owl")
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert GENERATED_NOTE in first
    g = Graph().parse(path, format="xml")
    assert len(g) == len(ontology_graph())
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    names = {c.name for c in onto.classes()}
    assert {"Reform", "City", "Observation", "SourceDocument"} <= names


def test_write_docs_is_offline_html_with_labels(tmp_path: Path) -> None:
    html_path = write_docs(tmp_path)
    assert html_path == tmp_path / "ontology" / "index.html"
    html = html_path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
    assert GENERATED_NOTE in html
    for text in ("Reform", "改革", "Observation", "观测值", "administrative area", "行政区划"):
        assert text in html, text
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html, re.I)
    assert (tmp_path / "ontology" / "citykg.owl").exists()
    assert not list(tmp_path.glob("ontology/.*.tmp"))


def test_strip_external_assets_keeps_inline_content() -> None:
    page = '<style>p{}</style><script>var a=1</script><script src="http://cdn/x.js"></script>'
    assert strip_external_assets(page) == "<style>p{}</style><script>var a=1</script>"


def test_docs_do_not_change_logging() -> None:
    import logging

    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    size = len(ontology_graph())
    docs_html()
    assert (root.level, list(root.handlers)) == before
    assert len(ontology_graph()) == size  # and the shared ontology graph is left as it was


# --- OWL 2 DL profile (what Protégé and DL reasoners require), checked by the OWL API -----------


@pytest.fixture(scope="module")
def dl_checker(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A java command running tests/fixtures/ontology/DLProfile.java against the OWL API in HermiT.jar."""
    require_tool("javac")
    import owlready2

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    out = tmp_path_factory.mktemp("dlprofile")
    src = Path(__file__).parent / "fixtures" / "ontology" / "DLProfile.java"
    subprocess.run(["javac", "-cp", str(jar), "-d", str(out), str(src)], check=True, capture_output=True)
    return ["java", "-cp", f"{jar}{os.pathsep}{out}", "DLProfile"]


def dl_violations(command: list[str], path: Path) -> list[str]:
    run = subprocess.run([*command, str(path)], capture_output=True, text=True, check=True)
    lines = run.stdout.splitlines()
    assert lines[-1] in ("IN OWL 2 DL", "NOT IN OWL 2 DL"), run.stdout + run.stderr
    return [ln for ln in lines if ln.startswith("VIOLATION")]


def test_ontology_with_schemes_and_divisions_is_owl2_dl(dl_checker: list[str], tmp_path: Path) -> None:
    g = load_graph(ontology_graph_files() + scheme_files())
    divisions = ontology_dir() / "divisions.ttl"
    if divisions.exists():
        g += Graph().parse(divisions, format="turtle")
    assert dl_violations(dl_checker, write_owl(tmp_path / "all.owl", g)) == []


def test_dl_check_catches_punned_properties(dl_checker: list[str], tmp_path: Path) -> None:
    g = load_graph()
    g.add((CK.unit, RDF.type, OWL.ObjectProperty))  # ck:unit is a datatype property
    found = dl_violations(dl_checker, write_owl(tmp_path / "bad.owl", g))
    assert any("Cannot pun between properties" in v and "#unit" in v for v in found), found


def test_hermit_failure_falls_back_to_pellet_then_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Java error in HermiT (not an inconsistency) tries Pellet; if that fails too, say so plainly."""
    require_tool("java")
    import owlready2

    calls: list[str] = []

    def broken(name: str):
        def run(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise owlready2.OwlReadyJavaError(f"Java error message is:\n{name} crashed")

        return run

    monkeypatch.setattr(owlready2, "sync_reasoner_hermit", broken("hermit"))
    monkeypatch.setattr(owlready2, "sync_reasoner_pellet", broken("pellet"))
    result = check_consistency(load_graph([ontology_file()]))
    assert calls == ["hermit", "pellet"]
    assert result.consistent is None
    assert (
        result.message == "The OWL reasoner could not run (hermit: hermit crashed; pellet: pellet crashed)."
    )


def test_units_cover_what_the_quantity_parser_emits() -> None:
    """Every unit graph/quantities.py can store is in units.ttl (rates "A/B" from known parts)."""
    quantities = pytest.importorskip("citykg.graph.extract.metrics.quantities")
    emitted = set(getattr(quantities, "UNITS", {}).values())
    if not emitted:
        pytest.skip("graph/quantities.py exposes no UNITS table")
    per = list(getattr(quantities, "PER_UNITS", ()))
    unknown = {u for u in emitted if u not in known_units()}
    unknown |= {f"元/{p}" for p in per if not is_known_unit(f"元/{p}")}
    assert unknown == set()
