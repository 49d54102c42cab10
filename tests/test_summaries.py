"""citykg.store.summaries: the derived graph ckr:graph/summaries agrees with the data it summarises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.namespaces import PREFIXES
from citykg.store import summaries
from citykg.store.core import MARKER, is_fresh, memory_store, open_store

FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"
IN_SUMMARIES = "GRAPH <https://w3id.org/citykg/resource/graph/summaries>"
CK_REALIZED_IN = "https://w3id.org/citykg/ontology#realizedIn"
# Each summary and the join it stands for, computed here from the extracted triples.
JOINS = {
    "realizedIn": (
        "SELECT ?s ?o WHERE { %s { ?s ck:realizedIn ?o } }",
        "SELECT DISTINCT ?s ?o WHERE { ?i ck:realizes ?s ; ck:inCity ?o }",
    ),
    "activeIn": (
        "SELECT ?s ?o WHERE { %s { ?s ck:activeIn ?o } }",
        "SELECT DISTINCT ?s ?o WHERE { ?i ck:domain ?s ; ck:inCity ?o }",
    ),
    "reportedIn": (
        "SELECT ?s ?o WHERE { %s { ?s ck:reportedIn ?o } }",
        """SELECT DISTINCT ?s ?o WHERE { ?obs ck:indicator ?s ; ck:refersTo ?about .
           OPTIONAL { ?about ck:inCity ?owner } BIND(COALESCE(?owner, ?about) AS ?o) ?o a ck:City }""",
    ),
    "nodeCount": (
        "SELECT ?s ?o WHERE { %s { ?s ck:nodeCount ?o } }",
        """SELECT ?s (COUNT(DISTINCT ?node) AS ?o) WHERE { ?s a ck:SourceDocument .
           OPTIONAL { ?ev ck:inDocument ?s . ?node ck:evidence ?ev } } GROUP BY ?s""",
    ),
}


def pairs(store, query: str) -> set[tuple[str | None, ...]]:
    return {(r["s"], r["o"]) for r in store.select(query)}


@pytest.mark.parametrize("name", sorted(JOINS))
def test_each_summary_equals_the_join_it_stands_for(built: Path, name: str) -> None:
    assert set(JOINS) == set(summaries.SUMMARIES)
    store = open_store(built)
    summary, join = JOINS[name]
    got = pairs(store, summary % IN_SUMMARIES)
    assert got == pairs(store, join)
    assert len(got) >= 5


def test_the_trig_stays_plain_data_and_every_store_adds_the_summaries(built: Path) -> None:
    graphs = {q.graph_name for q in ox.parse(path=str(built / "citykg.trig"), format=ox.RdfFormat.TRIG)}
    assert summaries.GRAPH_SUMMARIES not in graphs
    q = f"SELECT ?s ?p ?o WHERE {{ {IN_SUMMARIES} {{ ?s ?p ?o }} }}"
    on_disk = {tuple(r.values()) for r in open_store(built).select(q)}
    assert len(on_disk) > 50
    assert {tuple(r.values()) for r in open_store(built, memory=True).select(q)} == on_disk
    assert {tuple(r.values()) for r in memory_store(built / "citykg.trig").select(q)} == on_disk


def test_recomputing_replaces_the_graph() -> None:
    store = ox.Store()
    store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    first = summaries.add_summaries(store)
    assert first > 0
    assert summaries.add_summaries(store) == first
    assert len(list(store.quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES))) == first
    # the summaries follow the data, not an earlier copy of themselves: without ck:inCity, no pairs
    store.update(
        "DELETE { GRAPH ?g { ?i ck:inCity ?c } } WHERE { GRAPH ?g { ?i ck:inCity ?c } }", prefixes=PREFIXES
    )
    summaries.add_summaries(store)
    left = store.query(f"ASK {{ {IN_SUMMARIES} {{ ?concept ck:realizedIn ?city }} }}", prefixes=PREFIXES)
    assert not bool(left)


def test_a_store_from_before_the_summaries_is_rebuilt(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / "citykg.trig")
    open_store(tmp_path)
    marker_path = tmp_path / "store" / MARKER
    marker = json.loads(marker_path.read_text())
    assert marker["summaries"] == summaries.VERSION
    del marker["summaries"]  # what a store built before citykg.store.summaries carries
    marker_path.write_text(json.dumps(marker))
    assert not is_fresh(tmp_path / "citykg.trig", tmp_path / "store")
    store = open_store(tmp_path)
    assert store.ask(f"ASK {{ {IN_SUMMARIES} {{ ?c ck:realizedIn ?city }} }}")
    assert json.loads(marker_path.read_text())["summaries"] == summaries.VERSION


def reference_quads(store: ox.Store) -> set[ox.Quad]:
    """The summaries as their CONSTRUCT definitions (``SUMMARIES``) give them: the oracle of the fast path."""
    out = set()
    for query in summaries.SUMMARIES.values():
        for t in store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True):
            out.add(ox.Quad(t.subject, t.predicate, t.object, summaries.GRAPH_SUMMARIES))
    return out


def test_the_grouped_queries_give_the_constructs_triples(built_trig: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(built_trig), format=ox.RdfFormat.TRIG)
    want = reference_quads(store)
    for name in summaries.GROUPED:  # each grouped query answers on its own, and not trivially
        grouped = summaries._grouped_quads(store, name)
        assert grouped is not None and len(grouped) >= 5
        assert set(grouped) == {q for q in want if q.predicate.value.endswith("#" + name)}
    got = summaries.summary_quads(store)
    assert len(got) == len(set(got)) and set(got) == want


def test_a_non_iri_object_falls_back_to_the_construct() -> None:
    """A literal city (hand-written data) cannot ride in the grouped query's space-separated
    list: that summary comes from its CONSTRUCT, literal and all."""
    store = ox.Store()
    store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    store.update(
        'INSERT DATA { GRAPH <urn:g> { <urn:i> ck:realizes <urn:c> ; ck:inCity "一座城 市" , <urn:city> } }',
        prefixes=PREFIXES,
    )
    assert summaries._grouped_quads(store, "realizedIn") is None
    got = summaries.summary_quads(store)
    assert set(got) == reference_quads(store)
    assert ox.Quad(ox.NamedNode("urn:c"), ox.NamedNode(CK_REALIZED_IN), ox.Literal("一座城 市"), summaries.GRAPH_SUMMARIES) in got

