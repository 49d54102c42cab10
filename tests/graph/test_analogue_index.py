"""The build's analogue input from records equals the SPARQL reading of the finished build.

The build reads no document quad back: each worker returns a small record of its
document (``analogues.index.doc_record``), the build merges them and the finder
runs on that. ``citykg analogues`` reads a finished build with SPARQL
(``data.load_input``). Both must see the same initiatives, give the same
analogies and the same summary counts.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import citykg.graph.worker as worker_mod
from citykg.graph.analogues.data import load_input
from citykg.graph.analogues.finder import analogy_quads
from citykg.graph.analogues.index import AnalogueIndex, DocRecord, analogue_input, doc_record
from citykg.graph.build import build, stats
from citykg.namespaces import GRAPH_ANALOGIES, GRAPH_DIVISIONS, GRAPH_ONTOLOGY, GRAPH_SCHEMES

KNOWLEDGE = {ox.NamedNode(str(g)) for g in (GRAPH_ONTOLOGY, GRAPH_SCHEMES, GRAPH_DIVISIONS)}
ANALOGIES = ox.NamedNode(str(GRAPH_ANALOGIES))
CK = "https://w3id.org/citykg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def full(built_dataset: ox.Store) -> ox.Store:
    return built_dataset


@pytest.fixture(scope="module")
def records(full: ox.Store) -> tuple[AnalogueIndex, ox.Store]:
    """The document records of the finished build, merged, and its knowledge graphs in a store of their own."""
    index, knowledge = AnalogueIndex(), ox.Store()
    for g in sorted(full.named_graphs(), key=lambda g: g.value):
        quads = list(full.quads_for_pattern(None, None, None, g))
        if g in KNOWLEDGE:
            knowledge.extend(quads)
        elif g != ANALOGIES:
            index.add(doc_record(quads))
    return index, knowledge


def test_the_records_give_the_finder_the_same_input_as_sparql(full: ox.Store, records) -> None:
    index, knowledge = records
    from_records, from_sparql = analogue_input(index, knowledge), load_input(full)
    assert len(from_records.items) > 100 and len(from_records.documents) == 5
    assert from_records == from_sparql


def test_the_built_analogies_are_what_sparql_over_the_finished_build_gives(full: ox.Store) -> None:
    built = {ox.Triple(q.subject, q.predicate, q.object) for q in full.quads_for_pattern(None, None, None, ANALOGIES)}
    without = ox.Store()
    without.extend(q for q in full if q.graph_name != ANALOGIES)
    again = {ox.Triple(q.subject, q.predicate, q.object) for q in analogy_quads(without)}
    assert len(built) > 100
    assert again == built


def test_the_summary_counts_are_those_of_the_finished_build(tmp_path: Path, seed_dir: Path, full: ox.Store) -> None:
    report = build([seed_dir], tmp_path / "out", jobs=1, post_steps=False)
    assert report.stats == stats(full)
    assert report.stats["observations"] > 100 and report.stats["triples"] == len(full)


def test_a_record_keeps_initiatives_their_sentences_and_indicators_not_offsets() -> None:
    g = ox.NamedNode("https://e.org/g")
    x, ev, o, d, d2 = (ox.NamedNode(f"https://e.org/{n}") for n in ("x", "ev", "o", "d", "d2"))
    quads = [
        ox.Quad(x, RDF_TYPE, ox.NamedNode(CK + "Platform"), g),
        ox.Quad(x, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("政务平台", language="zh"), g),
        ox.Quad(x, ox.NamedNode(CK + "realizes"), ox.NamedNode("https://e.org/c"), g),
        ox.Quad(x, ox.NamedNode(CK + "realizes"), ox.Literal("not an IRI"), g),
        ox.Quad(x, ox.NamedNode(CK + "evidence"), ev, g),
        ox.Quad(ev, ox.NamedNode(CK + "quote"), ox.Literal("某市上线政务平台。"), g),
        ox.Quad(ev, ox.NamedNode(CK + "charStart"), ox.Literal("3"), g),
        ox.Quad(ev, ox.NamedNode(CK + "inDocument"), d, g),
        ox.Quad(d, RDF_TYPE, ox.NamedNode(CK + "SourceDocument"), g),
        ox.Quad(d, ox.NamedNode(CK + "fileName"), ox.Literal("a.txt"), g),
        ox.Quad(d, ox.NamedNode(CK + "aboutCity"), ox.NamedNode("https://e.org/city"), g),
        ox.Quad(o, RDF_TYPE, ox.NamedNode(CK + "Observation"), g),
        ox.Quad(o, ox.NamedNode(CK + "refersTo"), x, g),
        ox.Quad(o, ox.NamedNode(CK + "indicator"), ox.NamedNode("https://e.org/i"), g),
        ox.Quad(d2, ox.NamedNode(CK + "fileName"), ox.Literal("b.txt"), g),  # not typed as a document: no row
    ]
    rec = doc_record(quads)
    assert rec.observations == 1 and list(rec.documents) == ["https://e.org/d"]
    assert rec.documents["https://e.org/d"] == [["a.txt"], [], []]
    (item,) = rec.items
    assert (item.classes, item.labels, item.concepts) == (["Platform"], ["政务平台"], ["https://e.org/c"])
    assert item.evidence == [(["a.txt"], ["某市上线政务平台。"])] and item.evidenced
    assert item.doc_cities == ["https://e.org/city"] and item.indicators == ["https://e.org/i"]
    assert DocRecord.from_json(rec.to_json()) == rec  # what the cache keeps reads back the same
    index = AnalogueIndex()
    index.add(rec)
    (it,) = index.items({"https://e.org/city": "某市"})
    assert (it.city, it.city_label, it.quote_files) == ("https://e.org/city", "某市", {"某市上线政务平台。": "a.txt"})
    assert index.stats() == {"Platform": 1, "documents": 1, "cities": 1, "observations": 1}


def test_an_initiative_named_in_two_articles_is_one_item_with_both_sentences() -> None:
    def record(file: str, quote: str) -> DocRecord:
        g, d, ev = (ox.NamedNode(f"https://e.org/{file}/{n}") for n in ("g", "d", "ev"))
        x = ox.NamedNode("https://e.org/x")
        return doc_record([
            ox.Quad(x, RDF_TYPE, ox.NamedNode(CK + "Reform"), g),
            ox.Quad(x, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("改革"), g),
            ox.Quad(x, ox.NamedNode(CK + "inCity"), ox.NamedNode("https://e.org/city"), g),
            ox.Quad(x, ox.NamedNode(CK + "evidence"), ev, g),
            ox.Quad(ev, ox.NamedNode(CK + "quote"), ox.Literal(quote), g),
            ox.Quad(ev, ox.NamedNode(CK + "inDocument"), d, g),
            ox.Quad(d, RDF_TYPE, ox.NamedNode(CK + "SourceDocument"), g),
            ox.Quad(d, ox.NamedNode(CK + "fileName"), ox.Literal(file), g),
        ])  # fmt: skip

    index = AnalogueIndex()
    index.add(record("b.txt", "同一句话。"))
    index.add(record("a.txt", "同一句话。"))
    index.add(record("c.txt", "另一句话。"))
    (it,) = index.items({})
    assert it.files == {"a.txt", "b.txt", "c.txt"} and it.quotes == ["另一句话。", "同一句话。"]
    assert it.quote_files == {"同一句话。": "a.txt", "另一句话。": "c.txt"}  # the first file by name
    assert index.stats()["Reform"] == 1 and index.stats()["documents"] == 3


def test_an_incremental_build_takes_the_records_from_the_cache(tmp_path: Path, seed_dir: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    first = build([seed_dir], out, jobs=1, post_steps=False)
    monkeypatch.setattr(worker_mod, "read_rows", lambda rows: pytest.fail("record read again from the rows"))
    again = build([seed_dir], out, jobs=1, post_steps=False, incremental=True)
    assert again.reused == 5 and again.stats == first.stats
    assert again.trig.read_bytes() == first.trig.read_bytes()


def test_an_incremental_build_with_the_same_analogue_input_reuses_the_analogies(
    tmp_path: Path, seed_dir: Path, monkeypatch
) -> None:
    import citykg.graph.analogues.finder as finder_mod

    out = tmp_path / "out"
    first = build([seed_dir], out, jobs=1, post_steps=False).trig.read_bytes()
    real = finder_mod.input_analogies
    monkeypatch.setattr(finder_mod, "input_analogies", lambda data, **kw: pytest.fail("analogies computed again"))
    again = build([seed_dir], out, jobs=1, post_steps=False, incremental=True)
    assert again.trig.read_bytes() == first and again.problems == []
    cached = out / "cache" / "analogies.trig"
    cached.write_bytes(cached.read_bytes().replace(b"ck:score", b"ck:scorf", 1))  # damaged: a miss
    calls: list[int] = []
    monkeypatch.setattr(finder_mod, "input_analogies", lambda data, **kw: calls.append(1) or real(data, **kw))
    third = build([seed_dir], out, jobs=1, post_steps=False, incremental=True)
    assert calls == [1] and third.trig.read_bytes() == first


def test_a_build_that_is_not_incremental_computes_the_analogies(tmp_path: Path, seed_dir: Path, monkeypatch) -> None:
    import citykg.graph.analogues.finder as finder_mod

    out = tmp_path / "out"
    build([seed_dir], out, jobs=1, post_steps=False, analogues=True)
    calls: list[int] = []
    real = finder_mod.input_analogies
    monkeypatch.setattr(finder_mod, "input_analogies", lambda data, **kw: calls.append(1) or real(data, **kw))
    build([seed_dir], out, jobs=1, post_steps=False)
    assert calls == [1]
