"""citykg.validate.checks: batched SHACL and the reasoner's type sample agree with the whole-graph checks."""

from __future__ import annotations

import json
import subprocess
import sys
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
from citykg.store.core import memory_store
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
from citykg.validate.run import run_qc, run_validation
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
#: a small build with an offender for every QC check and the edge cases of the rewritten ones
QC_BROKEN = [
    FIXTURES / "sparql-mini.trig",
    FIXTURES / "sparql-qc-broken.trig",
    FIXTURES / "validate" / "qc-edges.trig",
]


def _rows(store: object, text: str) -> Counter[tuple[tuple[str, str | None], ...]]:
    return Counter(tuple(sorted(r.items())) for r in store.select(text))  # type: ignore[attr-defined]


@pytest.mark.parametrize("before", QC_BEFORE, ids=lambda p: p.stem)
def test_rewritten_qc_query_reports_what_the_old_one_reported(before: Path) -> None:
    """Each rewritten check (MINUS, sub-SELECTs; queries/qc) against the query it replaced
    (tests/fixtures/validate/qc-before), row for row, on a build broken in the ways the check
    looks for (tests/fixtures/sparql-qc-broken.trig + validate/qc-edges.trig)."""
    store = memory_store(*QC_BROKEN)
    now = queries_dir() / "qc" / before.name
    old, new = _rows(store, before.read_text(encoding="utf-8")), _rows(store, now.read_text(encoding="utf-8"))
    assert old == new
    assert sum(new.values()) >= 3  # the edge cases are found, not just the one broken node
    edge = {v for row in new for _, v in row if v and "edge" in v}  # edge/... nodes, .../edge-none concepts
    assert len(edge) >= 2, edge


def _break(out: Path) -> None:
    """Append an article graph with QC and SHACL defects to OUT/citykg.trig (made-up text)."""
    bad = (
        "\n<https://w3id.org/citykg/resource/doc/qc-test> {\n"
        "  <https://w3id.org/citykg/resource/qc-test/r> a <https://w3id.org/citykg/ontology#Reform> .\n"
        "  <https://w3id.org/citykg/resource/qc-test/e> a <https://w3id.org/citykg/ontology#Evidence> ;\n"
        '    <https://w3id.org/citykg/ontology#quote> "一句自拟的话。" ;\n'
        '    <https://w3id.org/citykg/ontology#mention> "不在句中" .\n}\n'
    )
    with (out / "citykg.trig").open("a", encoding="utf-8") as fh:
        fh.write(bad)


#: run_validation in a fresh (single-threaded, so fork-safe) interpreter with the second process forced on
_FORCED = """
import json, sys
from citykg.validate import run
run.PARALLEL_MIN_TRIPLES = 0
if sys.argv[2] == "boom":
    def boom(*args):
        raise RuntimeError("disk on fire\\nsecond line")
    run._side_checks = boom
try:
    r = run.run_validation(sys.argv[1])
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
else:
    c = r.reasoner
    print(json.dumps({"parallel": r.parallel, "summary": run.summary(r), "notes": r.notes,
                      "lines": [p.line() for p in r.problems],
                      "reasoner": None if c is None else [c.consistent, c.triples, r.reasoner_scope]}))
"""


def _forced(out: Path, mode: str = "") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _FORCED, str(out), mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_second_process_reports_what_one_process_reports(out_copy: Path) -> None:
    """A large build runs the QC queries in a forked second process while SHACL and the reasoner
    run: the same problems, in the same order, and the summary says so."""
    _break(out_copy)
    marker = (out_copy / "store" / "citykg-store.json").read_text()
    here = run_validation(out_copy)
    there = _forced(out_copy)
    assert not here.parallel and there["parallel"] is True
    assert there["summary"].endswith("the QC queries in a second process alongside SHACL and the reasoner")
    checks = {p.check for p in here.problems}
    assert {
        "shacl",
        "qc:initiative-without-city",
        "qc:mention-not-in-quote",
        "qc:evidence-without-document",
    } <= checks
    assert there["lines"] == [p.line() for p in here.problems]
    assert there["notes"] == here.notes
    c = here.reasoner
    assert there["reasoner"] == (None if c is None else [c.consistent, c.triples, here.reasoner_scope])
    # validate reads the TriG; OUT/store is neither read nor rebuilt (its marker is untouched)
    assert (out_copy / "store" / "citykg-store.json").read_text() == marker


def test_a_failing_second_process_is_one_line(out_copy: Path) -> None:
    """If the second process fails, validate says so in one line (no traceback, no hang)."""
    answer = _forced(out_copy, "boom")
    assert answer["error"].startswith("ValidationError: ")
    assert answer["error"].endswith("the QC process failed (RuntimeError: disk on fire)")


def test_qc_queries_do_not_read_the_derived_summaries() -> None:
    """In memory, validate runs the QC queries without ckr:graph/summaries: they must not need it."""
    plain = ox.Store()
    for p in QC_BROKEN:
        plain.bulk_load(path=str(p), format=ox.RdfFormat.TRIG)
    with_summaries = memory_store(*QC_BROKEN)
    assert len(with_summaries.store) > len(plain)
    bare = Report(data="x")
    run_qc(QC_BROKEN[0], bare, plain)
    assert len(bare.problems) >= 14
    assert Counter(p.line() for p in bare.problems) == Counter(
        p.line() for p in run.qc_problems(with_summaries)[0]
    )


def test_validate_leaves_out_the_summaries_the_builds_trig_holds(built_trig: Path) -> None:
    """The build writes ckr:graph/summaries into its TriG; validate checks the data, not the derived graph."""
    from citykg.store.summaries import GRAPH_SUMMARIES

    assert any(q.graph_name == GRAPH_SUMMARIES for q in ox.parse(path=str(built_trig), format=ox.RdfFormat.TRIG))
    loaded = load_store(built_trig)
    assert not loaded.contains_named_graph(GRAPH_SUMMARIES) and len(loaded) > 1000
