"""citykg.validate.checks: batched SHACL and the reasoner's type sample agree with the whole-graph checks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from test_validate import BROKEN, Mutation, shacl
from test_validate import good_graph as good_graph  # the fixture, re-exported for these tests

from citykg.namespaces import CK, CKR
from citykg.ontofiles import shapes_file
from citykg.paths import queries_dir
from citykg.store.core import memory_store, refresh_store
from citykg.testing import require_tool
from citykg.validate import run
from citykg.validate.checks import (
    Report,
    ensure_ontology,
    load_store,
    run_shacl_store,
    type_sample,
    union_graph,
)
from citykg.validate.reasoning import check_consistency, explain_clashes
from citykg.validate.run import run_validation, summary
from citykg.validate.screen import plan_shapes

GOOD = Path(__file__).parent / "fixtures" / "validate" / "good.trig"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def node(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


@pytest.fixture
def store() -> ox.Store:
    s = load_store(GOOD)
    assert ensure_ontology(s) is True
    assert ensure_ontology(s) is False  # only once
    return s


def broken(s: ox.Store) -> ox.Store:
    """Three defects in three different documents' nodes."""
    obs = node(CKR["obs/aaaa1111/40-46"])
    for q in list(s.quads_for_pattern(obs, node(CK.unit), None)):
        s.remove(q)
    org = node(CKR["initiative/440300/o1"])
    for q in list(s.quads_for_pattern(org, node(CK.evidence), None)):
        s.remove(q)
    area = node(CKR["area/330100"])
    for q in list(s.quads_for_pattern(area, node(CK.adcode), None)):
        s.remove(q)
        s.add(ox.Quad(area, q.predicate, ox.Literal("3301"), q.graph_name))
    return s


@pytest.mark.parametrize("batch", [50, 300, 10**9])
def test_batched_shacl_finds_what_the_whole_graph_finds(store: ox.Store, batch: int) -> None:
    broken(store)
    whole, parts, screened = Report(data="x"), Report(data="x"), Report(data="x")
    run_shacl_store(store, whole, engine="pyshacl")
    run_shacl_store(store, parts, batch_triples=batch, engine="pyshacl")
    run_shacl_store(store, screened, batch_triples=batch)
    assert len(whole.problems) == 3
    assert sorted(p.line() for p in parts.problems) == sorted(p.line() for p in whole.problems)
    assert [p.line() for p in screened.problems] == [p.line() for p in whole.problems]
    assert screened.shacl_rechecked == 3  # only the three broken nodes went to pySHACL
    if batch == 50:
        assert parts.shacl_batches > 5


def as_store(graph: Graph) -> ox.Store:
    out = ox.Store()
    out.bulk_load(input=graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return out


def test_the_screen_clears_every_node_of_good_data(good_graph: Graph) -> None:
    report = Report(data="x")
    run_shacl_store(as_store(good_graph), report)
    assert report.problems == []
    assert report.shacl_screened > 20 and report.shacl_rechecked == 0
    assert report.shacl_shapes == shacl(good_graph).shacl_shapes


@pytest.mark.parametrize("shape,mutate,node,words", BROKEN, ids=[b[0] for b in BROKEN])
def test_screened_shacl_reports_what_pyshacl_reports(
    good_graph: Graph, shape: str, mutate: Mutation, node: URIRef, words: str
) -> None:
    """Each broken shape of test_validate: the screen + pySHACL on the unsure nodes gives pySHACL's
    whole-graph problems, line for line and in order, and sends few nodes to pySHACL."""
    g = Graph()
    g += good_graph
    mutate(g)
    reference = shacl(g)
    screened = Report(data="x")
    run_shacl_store(as_store(g), screened)
    assert reference.problems, shape
    assert [p.line() for p in screened.problems] == [p.line() for p in reference.problems]
    assert 1 <= screened.shacl_rechecked <= 3


def test_a_shape_feature_the_screen_does_not_know_means_pyshacl_for_all() -> None:
    shapes = Graph().parse(shapes_file(), format="turtle")
    assert plan_shapes(shapes) is not None
    shape = next(iter(shapes.subjects(RDF.type, SH.PropertyShape)))
    shapes.add((shape, SH.flags, Literal("i")))
    assert plan_shapes(shapes) is None


def test_type_sample_is_small_and_a_subset(store: ox.Store) -> None:
    sample = type_sample(store)
    whole = union_graph(store)
    assert len(sample) < len(whole)
    assert all(t in whole for t in sample)
    # every predicate the data uses is represented
    assert set(sample.predicates()) == set(whole.predicates())


def test_type_sample_keeps_a_disjointness_clash(store: ox.Store) -> None:
    require_tool("java")
    reform = node(CKR["initiative/330100/r1"])
    store.add(ox.Quad(reform, RDF_TYPE, node(CK.Platform), node(CKR["graph/test"])))
    sample = type_sample(store)
    result = check_consistency(sample)
    assert result.consistent is False
    assert any(
        c.startswith("ckr:initiative/330100/r1 is both a ck:Platform") for c in explain_clashes(sample)
    )


# --- the QC queries: rewrites that answer at 2,000 articles, and where they run ------------------------

FIXTURES = Path(__file__).parent / "fixtures"
QC_BEFORE = sorted((FIXTURES / "validate" / "qc-before").glob("*-violation.rq"))


def _rows(store: object, text: str) -> Counter[tuple[tuple[str, str | None], ...]]:
    return Counter(tuple(sorted(r.items())) for r in store.select(text))  # type: ignore[attr-defined]


@pytest.mark.parametrize("before", QC_BEFORE, ids=lambda p: p.stem)
def test_rewritten_qc_query_reports_what_the_old_one_reported(before: Path) -> None:
    """Each rewritten check (MINUS, sub-SELECTs; queries/qc) against the query it replaced
    (tests/fixtures/validate/qc-before), row for row, on a build broken in the ways the check
    looks for (tests/fixtures/sparql-qc-broken.trig + validate/qc-edges.trig)."""
    store = memory_store(
        FIXTURES / "sparql-mini.trig", FIXTURES / "sparql-qc-broken.trig", FIXTURES / "validate" / "qc-edges.trig"
    )
    now = queries_dir() / "qc" / before.name
    old, new = _rows(store, before.read_text(encoding="utf-8")), _rows(store, now.read_text(encoding="utf-8"))
    assert old == new
    assert sum(new.values()) >= 3  # the edge cases are found, not just the one broken node
    edge = {v for row in new for _, v in row if v and "edge" in v}  # edge/... nodes, .../edge-none concepts
    assert len(edge) >= 2, edge


def _break(out: Path) -> None:
    """Append an article graph with three QC defects to OUT/citykg.trig and refresh OUT/store."""
    bad = (
        "\n<https://w3id.org/citykg/resource/doc/qc-test> {\n"
        "  <https://w3id.org/citykg/resource/qc-test/r> a <https://w3id.org/citykg/ontology#Reform> .\n"
        "  <https://w3id.org/citykg/resource/qc-test/e> a <https://w3id.org/citykg/ontology#Evidence> ;\n"
        '    <https://w3id.org/citykg/ontology#quote> "一句自拟的话。" ;\n'
        '    <https://w3id.org/citykg/ontology#mention> "不在句中" .\n}\n'
    )
    with (out / "citykg.trig").open("a", encoding="utf-8") as fh:
        fh.write(bad)
    refresh_store(out)


def test_qc_in_a_second_process_reports_what_it_reports_here(
    out_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large build runs the QC queries on OUT/store in a second process; same problems, same order."""
    _break(out_copy)
    here = run_validation(out_copy, reasoner=False)
    monkeypatch.setattr(run, "PARALLEL_QC_BYTES", 0)
    there = run_validation(out_copy, reasoner=False)
    assert here.qc_where == "on OUT/store" and there.qc_where == "on OUT/store, in a second process"
    assert "in a second process" in summary(there)
    qc = [p.line() for p in there.problems if p.check.startswith("qc:")]
    assert {p.split("  ")[1] for p in qc} >= {
        "[qc:initiative-without-city]",
        "[qc:evidence-without-document]",
        "[qc:mention-not-in-quote]",
    }
    assert [p.line() for p in there.problems] == [p.line() for p in here.problems]


def test_a_stale_store_is_not_read_or_rebuilt(out_copy: Path) -> None:
    """After the TriG changed, validate checks the TriG (in memory) and leaves OUT/store alone."""
    marker = (out_copy / "store" / "citykg-store.json").read_text()
    with (out_copy / "citykg.trig").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    report = run_validation(out_copy, reasoner=False)
    assert report.ok and report.qc_where == "in memory"
    assert (out_copy / "store" / "citykg-store.json").read_text() == marker
