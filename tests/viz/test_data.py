"""``load_model`` and the page-size rules, on the built seed corpus.

The model is read with grouped bulk SELECTs (``viz/data.py``); these tests check it
against plain SPARQL over the same store, so nothing is lost in the grouping.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citykg.store.core import open_store
from citykg.viz import views
from citykg.viz.data import Evidence, Model, load_model
from citykg.viz.graphview import GraphView, VEdge, VNode, aggregate
from citykg.viz.source import ViewSource


@pytest.fixture(scope="module")
def model(built: Path) -> Model:
    return load_model(ViewSource(built))


def test_every_evidence_row_reaches_its_node(built: Path, model: Model) -> None:
    rows = open_store(built).select(
        """SELECT ?x ?quote ?doc ?start WHERE { ?x ck:evidence ?ev .
             ?ev ck:quote ?quote ; ck:inDocument ?doc ; ck:charStart ?start }"""
    )
    expected = {(r["x"], r["quote"], r["doc"], int(r["start"])) for r in rows}
    got = {
        (item.iri, ev.quote, ev.doc, ev.start)
        for table in (model.initiatives, model.observations)
        for item in table.values()
        for ev in item.evidence
    }
    assert (
        expected and {e for e in expected if e[0] in model.initiatives or e[0] in model.observations} == got
    )


def test_initiatives_keep_their_city_concepts_and_domains(built: Path, model: Model) -> None:
    store = open_store(built)
    realizes = {(r["x"], r["c"]) for r in store.select("SELECT ?x ?c WHERE { ?x ck:realizes ?c }")}
    assert realizes == {(i.iri, c) for i in model.initiatives.values() for c in i.concepts}
    in_city = {(r["x"], r["c"]) for r in store.select("SELECT ?x ?c WHERE { ?x ck:inCity ?c }")}
    assert {(i.iri, i.city) for i in model.initiatives.values() if i.city} <= in_city
    assert {x for x, _ in in_city} == {i.iri for i in model.initiatives.values() if i.city}
    domains = store.select("SELECT ?x ?d WHERE { ?x ck:domain ?d FILTER NOT EXISTS { ?x skos:inScheme ?s } }")
    assert {(r["x"], r["d"]) for r in domains} == {
        (i.iri, d) for i in model.initiatives.values() for d in i.domains
    }
    labels = store.select("SELECT ?x ?l WHERE { ?x a ck:Reform ; rdfs:label ?l }")
    assert labels and all(model.initiatives[r["x"]].label == r["l"] for r in labels)


def test_observations_and_analogies_are_complete(built: Path, model: Model) -> None:
    store = open_store(built)
    obs = store.select(
        """SELECT ?o ?ind ?value ?unit ?ref WHERE { ?o a ck:Observation ; ck:indicator ?ind ;
             ck:value ?value ; ck:unit ?unit ; ck:refersTo ?ref }"""
    )
    assert len(obs) == len(model.observations)
    for r in obs:
        o = model.observations[r["o"]]
        assert (o.indicator, o.value, o.unit, o.refers_to) == (r["ind"], r["value"], r["unit"], r["ref"])
    targets = store.select("SELECT ?o WHERE { ?o ck:isTarget true }")
    assert {r["o"] for r in targets} == {o.iri for o in model.observations.values() if o.is_target}
    basis = store.select("SELECT ?a ?b WHERE { ?a a ck:Analogy ; ck:basis ?b }")
    assert basis and {(r["a"], r["b"]) for r in basis} == {
        (a.iri, b) for a in model.analogies for b in a.basis
    }


def test_reform_page_shows_the_metrics_of_its_initiatives_not_the_cities_others(model: Model) -> None:
    def metrics_of(concept: str) -> list:
        return [o for o in model.observations.values() if concept in getattr(
            model.initiatives.get(o.refers_to), "concepts", ())]  # fmt: skip

    concept = max((c.iri for c in model.concepts_in_use("reforms")), key=lambda c: len(metrics_of(c)))
    runs = [i for i in model.initiatives.values() if concept in i.concepts]
    cities = {i.city for i in runs if i.city}
    city_metrics = [o for o in model.observations.values() if o.refers_to in cities]
    local_metrics = metrics_of(concept)
    assert city_metrics and local_metrics, "seed cities and some local initiatives report metrics"

    page = views.reform_view(model, concept)
    assert {n.id for n in page.nodes if n.cls == "Observation"} == {o.iri for o in local_metrics}
    assert {n.id for n in page.nodes} == {concept} | cities | {i.iri for i in runs} | {
        o.iri for o in local_metrics
    }


def test_a_collapsed_node_never_builds_its_tooltip() -> None:
    def boom() -> list[tuple[str, str]]:
        raise AssertionError("tooltip of a collapsed node was built")

    nodes = [VNode("hub", "hub", "City")] + [
        VNode(f"n{i}", f"n{i}", "Reform", detail=boom, agg=("g", "group", "ReformConcept")) for i in range(5)
    ]
    view = GraphView("t", nodes, [VEdge("hub", f"n{i}", tip=[("k", str(i))]) for i in range(5)])
    small = aggregate(view, 3)
    assert [n.id for n in small.nodes] == ["hub", "g"]
    assert small.nodes[1].rows()[0] == ("聚合 / aggregated", "5 个节点")
    assert [len(e.tip) for e in small.edges] == [5]  # five merged edges, five distinct rows


def test_a_sentence_naming_a_node_twice_is_one_evidence_row(model: Model) -> None:
    item = next(i for i in model.initiatives.values() if i.evidence)
    ev = item.evidence[0]
    twice = [ev, Evidence(ev.quote, ev.doc, (ev.start or 0) + 5)]
    rows = views.evidence_rows(model, twice)
    assert [r[1] for r in rows if r[0] == "quote"] == [ev.quote]
    assert (
        rows[0][2] == f"{ev.doc} {ev.start if ev.start is not None else ''}"
    )  # the reader link of the first
