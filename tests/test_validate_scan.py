"""citykg.validate.scan: one pass over the store screens SHACL focus nodes and collects the type sample.

The pass judges a subject on its run of quads (one graph) and again on all its triples when it
meets the subject in a second run; these tests split nodes over graphs on purpose and compare
with pySHACL over everything and with a plain rdflib count of what the screen and the sample cover.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from citykg.namespaces import CK, CKR, GRAPH_ONTOLOGY
from citykg.testing import require_tool
from citykg.validate.checks import (
    Report,
    _shapes,
    ensure_ontology,
    load_store,
    run_shacl_store,
    to_graph,
    type_sample,
)
from citykg.validate.reasoning import check_consistency
from citykg.validate.run import run_validation, summary
from citykg.validate.scan import scan
from citykg.validate.screen import plan_shapes

GOOD = Path(__file__).parent / "fixtures" / "validate" / "good.trig"
OBS = ox.NamedNode(str(CKR["obs/aaaa1111/40-46"]))
UNIT = ox.NamedNode(str(CK.unit))
EVIDENCE = ox.NamedNode(str(CK.evidence))
ONTOLOGY = ox.NamedNode(str(GRAPH_ONTOLOGY))


@pytest.fixture
def store() -> ox.Store:
    s = load_store(GOOD)
    ensure_ontology(s)
    return s


def _move(store: ox.Store, node: ox.NamedNode, predicate: ox.NamedNode, graph: str) -> None:
    """Move ``node``'s ``predicate`` quads into another named graph (the node now spans two)."""
    for q in list(store.quads_for_pattern(node, predicate, None)):
        store.remove(q)
        store.add(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(str(CKR[graph]))))


def _screened(store: ox.Store) -> Report:
    report = Report(data="x")
    run_shacl_store(store, report)
    return report


def _reference(store: ox.Store) -> Report:
    report = Report(data="x")
    run_shacl_store(store, report, engine="pyshacl")
    return report


def _focus_by_rdflib(store: ox.Store) -> int:
    """The focus nodes of the shapes, counted the slow way over the union graph."""
    union = to_graph(store.quads_for_pattern(None, None, None))
    focus: set[object] = set()
    for plan in plan_shapes(_shapes()) or []:
        for cls in plan.classes:
            for sub in union.transitive_subjects(RDFS.subClassOf, URIRef(cls)):
                focus.update(union.subjects(RDF.type, sub))
        for p in plan.subjects_of:
            focus.update(union.subjects(URIRef(p), None))
    return len(focus)


def test_a_node_split_over_graphs_is_judged_on_all_its_triples(store: ox.Store) -> None:
    """An observation whose unit and evidence sit in two other graphs still conforms (each run
    alone lacks something), and the count of focus nodes does not grow with its runs."""
    before = _screened(store)
    _move(store, OBS, UNIT, "graph/elsewhere-1")
    _move(store, OBS, EVIDENCE, "graph/elsewhere-2")
    after = _screened(store)
    assert after.problems == [] and after.shacl_rechecked == 0
    assert after.shacl_screened == before.shacl_screened == _focus_by_rdflib(store)


def test_a_defect_only_the_union_shows_is_found(store: ox.Store) -> None:
    """A second unit in another graph breaks sh:maxCount 1 only over all graphs together: the
    screen sends the node to pySHACL, which reports what pySHACL over everything reports."""
    store.add(ox.Quad(OBS, UNIT, ox.Literal("自拟单位"), ox.NamedNode(str(CKR["graph/elsewhere-3"]))))
    screened, reference = _screened(store), _reference(store)
    assert reference.problems
    assert [p.line() for p in screened.problems] == [p.line() for p in reference.problems]
    assert screened.shacl_rechecked == 1
    assert any("obs/aaaa1111/40-46" in p.node for p in screened.problems)


def _key(store: ox.Store, s: ox.Term, p: ox.Term, o: ox.Term) -> tuple[object, ...]:
    def types(n: ox.Term) -> frozenset[str]:
        return frozenset(
            q.object.value for q in store.quads_for_pattern(n, ox.NamedNode(str(RDF.type)), None)
        )  # type: ignore[arg-type]

    okey = ("literal", o.datatype.value, o.language) if isinstance(o, ox.Literal) else types(o)
    return types(s), p.value, okey  # type: ignore[attr-defined]


def test_the_sample_has_one_real_triple_per_combination(store: ox.Store) -> None:
    """Every (types of s, p, types or datatype of o) of the data outside the ontology graph has a
    triple in the sample, each sampled triple is a real one, and the screen's pass collects the
    same sample as a pass of its own."""
    data = [q for q in store.quads_for_pattern(None, None, None) if q.graph_name != ONTOLOGY]
    wanted = {_key(store, q.subject, q.predicate, q.object) for q in data}
    picked = scan(store, plan_shapes(_shapes()) or []).sample
    assert wanted <= {
        _key(store, q.subject, q.predicate, q.object) for q in picked
    }  # + rdf:type of each node
    real = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)}
    assert all((q.subject, q.predicate, q.object) in real for q in picked)
    alone = type_sample(store)
    assert set(type_sample(store, picked)) == set(alone)
    assert len(alone) < len(to_graph(store.quads_for_pattern(None, None, None)))


def test_validate_says_where_the_sample_came_from() -> None:
    """With the type sample asked for, the summary says the SHACL screen's pass collected it."""
    require_tool("java")
    report = run_validation(GOOD, scope="types")
    assert report.ok and report.reasoner is not None and report.reasoner.consistent is True
    assert "collected in the SHACL screen's pass" in summary(report)
    s = load_store(GOOD)
    ensure_ontology(s)
    assert report.reasoner.triples == len(type_sample(s))


@pytest.mark.parametrize("before", [None, "-Dcitykg.test=1"])
def test_hermit_options_leave_the_environment_as_it_was(
    monkeypatch: pytest.MonkeyPatch, before: str | None
) -> None:
    """HermiT's JVM options go to its process only; the user's JAVA_TOOL_OPTIONS stay as they were."""
    require_tool("java")
    if before is None:
        monkeypatch.delenv("JAVA_TOOL_OPTIONS", raising=False)
    else:
        monkeypatch.setenv("JAVA_TOOL_OPTIONS", before)
    graph = Graph()
    graph.parse(data="@prefix ex: <https://example.org/> . ex:a a ex:B .", format="turtle")
    result = check_consistency(graph)
    assert result.consistent is True
    assert os.environ.get("JAVA_TOOL_OPTIONS") == before
