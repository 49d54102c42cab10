"""The build's working set holds everything the later steps read: same analogue input, same counts."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.analogues.data import load_input
from citykg.graph.build import build, stats
from citykg.graph.rdf.workset import working_set
from citykg.namespaces import GRAPH_ANALOGIES, GRAPH_DIVISIONS, GRAPH_ONTOLOGY, GRAPH_SCHEMES

SHARED = {ox.NamedNode(str(g)) for g in (GRAPH_ONTOLOGY, GRAPH_SCHEMES, GRAPH_DIVISIONS, GRAPH_ANALOGIES)}


@pytest.fixture(scope="module")
def full(built_trig: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(built_trig), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def work(full: ox.Store) -> ox.Store:
    """What the build keeps: the shared graphs (bar the analogies) + each document's working set."""
    store = ox.Store()
    for g in full.named_graphs():
        quads = list(full.quads_for_pattern(None, None, None, g))
        if g not in SHARED:
            store.extend(ox.Quad(*t) for t in working_set(quads)[0])
        elif g != ox.NamedNode(str(GRAPH_ANALOGIES)):
            store.extend(quads)
    return store


def test_the_analogue_finder_reads_the_same_from_the_working_set(full: ox.Store, work: ox.Store) -> None:
    from_full, from_work = load_input(full), load_input(work)
    assert len(from_work.items) > 100
    assert from_work == from_full


def test_the_working_set_is_a_small_part(full: ox.Store, work: ox.Store) -> None:
    docs = sum(1 for g in full.named_graphs() if g not in SHARED for _ in full.quads_for_pattern(None, None, None, g))
    kept = sum(1 for _ in work.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert 0 < kept < docs / 2


def test_working_set_keeps_initiatives_not_offsets() -> None:
    ck = "https://w3id.org/citykg/ontology#"
    g, x, ev, o, d = (ox.NamedNode(f"https://e.org/{n}") for n in ("g", "x", "ev", "o", "d"))
    quads = [
        ox.Quad(x, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(ck + "Platform"), g),
        ox.Quad(x, ox.NamedNode(ck + "evidence"), ev, g),
        ox.Quad(ev, ox.NamedNode(ck + "quote"), ox.Literal("某市上线政务平台。"), g),
        ox.Quad(ev, ox.NamedNode(ck + "charStart"), ox.Literal("3"), g),
        ox.Quad(o, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(ck + "Observation"), g),
        ox.Quad(o, ox.NamedNode(ck + "refersTo"), x, g),
        ox.Quad(o, ox.NamedNode(ck + "value"), ox.Literal("7"), g),
        ox.Quad(d, ox.NamedNode(ck + "fileName"), ox.Literal("a.txt"), g),  # not typed as a document: dropped
    ]
    kept, observations = working_set(quads)
    assert observations == 1
    assert {(t.subject.value.rsplit("/", 1)[-1], t.predicate.value.rsplit("#", 1)[-1]) for t in kept} == {
        ("x", "type"), ("x", "evidence"), ("ev", "quote"), ("o", "refersTo"),
    }


def test_the_summary_counts_match_the_whole_graph(tmp_path: Path, seed_dir: Path, full: ox.Store) -> None:
    report = build([seed_dir], tmp_path / "out", jobs=1, post_steps=False)
    whole = stats(full)
    assert report.stats == whole
    assert report.stats["observations"] > 100 and report.stats["triples"] == len(full)
