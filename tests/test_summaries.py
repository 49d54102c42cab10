"""citykg.store.summaries: the derived graph ckr:graph/summaries agrees with the data it summarises."""

from __future__ import annotations

import json
import marshal
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.rdf import summaryparts
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


def test_the_builds_trig_holds_the_summaries_and_every_store_the_same(built: Path) -> None:
    """The build writes the summaries graph into its TriG; the persistent store is exactly the
    file's quads (what ``oxigraph load`` makes of it), and the in-memory loads agree."""
    trig = built / "citykg.trig"
    in_file = set(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    written = {q for q in in_file if q.graph_name == summaries.GRAPH_SUMMARIES}
    assert len(written) > 50
    rest = ox.Store()
    rest.bulk_extend(q for q in in_file if q.graph_name != summaries.GRAPH_SUMMARIES)
    assert written == reference_quads(rest)  # what the CONSTRUCTs give on the extracted data
    open_store(built)
    assert set(ox.Store.read_only(str(built / "store"))) == in_file
    q = f"SELECT ?s ?p ?o WHERE {{ {IN_SUMMARIES} {{ ?s ?p ?o }} }}"
    on_disk = {tuple(r.values()) for r in open_store(built).select(q)}
    assert len(on_disk) == len(written)
    assert {tuple(r.values()) for r in open_store(built, memory=True).select(q)} == on_disk
    assert {tuple(r.values()) for r in memory_store(trig).select(q)} == on_disk


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
    assert (
        ox.Quad(
            ox.NamedNode("urn:c"),
            ox.NamedNode(CK_REALIZED_IN),
            ox.Literal("一座城 市"),
            summaries.GRAPH_SUMMARIES,
        )
        in got
    )


# --- the summaries the build merges from per-document parts (citykg.graph.rdf.summaryparts) ---

#: graphs that exercise every join across graphs: an initiative typed in one graph and placed
#: in another, an observation split in two, literal objects, a document with no evidence, a
#: document's evidence in another graph's namespace, an "about" that is not a city
HAND_MADE = """
@prefix ck: <https://w3id.org/citykg/ontology#> .
@prefix ex: <urn:ex:> .
<urn:g:div> { ex:c1 a ck:City . ex:c2 a ck:City . ex:c3 a ck:City . ex:county a ck:County . }
<urn:g:a> {
  ex:i1 ck:realizes ex:k1 , ex:k2 , "a literal concept" ; ck:domain ex:d1 .
  ex:o1 ck:indicator ex:ind1 ; ck:refersTo ex:i1 .
  ex:o2 ck:indicator ex:ind2 , "raw indicator" ; ck:refersTo ex:c2 .
  ex:o3 ck:indicator ex:ind3 ; ck:refersTo ex:county .
  ex:o4 ck:indicator ex:ind4 ; ck:refersTo ex:c3 .
  ex:docA a ck:SourceDocument .
  ex:n1 ck:evidence <urn:ev/a/1> . <urn:ev/a/1> ck:inDocument ex:docA .
  ex:n2 ck:evidence <urn:ev/a/2> , "not a node" . <urn:ev/a/2> ck:inDocument ex:docA .
}
<urn:g:b> {
  ex:i1 ck:inCity ex:c1 , "一座城 市" .
  ex:i2 ck:realizes ex:k1 ; ck:domain ex:d2 ; ck:inCity ex:c2 .
  ex:o1 ck:refersTo ex:i2 .
  ex:c3 ck:inCity ex:c1 .
  ex:docB a ck:SourceDocument .
  ex:n1 ck:evidence <urn:ev/b/1> . <urn:ev/b/1> ck:inDocument ex:docA .
  ex:n3 ck:evidence <urn:ev/b/2> . <urn:ev/b/2> ck:inDocument ex:docA .
}
"""


def merged_quads(path: Path) -> set[ox.Quad] | None:
    """The summaries graph the parts of ``path``'s graphs merge into (None: not exactly)."""
    quads = summaryparts.merge_file(path).quads()
    return None if quads is None else set(quads)


def loaded(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


def test_merged_parts_give_the_constructs_triples_across_graphs(tmp_path: Path) -> None:
    trig = tmp_path / "hand.trig"
    trig.write_text(HAND_MADE, encoding="utf-8")
    want = reference_quads(loaded(trig))
    assert merged_quads(trig) == want
    ck = "https://w3id.org/citykg/ontology#"
    got = {(q.subject.value, q.predicate.value[len(ck) :], q.object.value) for q in want}
    assert ("urn:ex:k2", "realizedIn", "urn:ex:c1") in got  # realizes in one graph, inCity in the other
    assert ("urn:ex:k2", "realizedIn", "一座城 市") in got
    assert ("urn:ex:ind1", "reportedIn", "urn:ex:c2") in got  # the observation's halves in two graphs
    assert ("urn:ex:docA", "nodeCount", "3") in got and ("urn:ex:docB", "nodeCount", "0") in got
    assert not any(p == "reportedIn" and o == "urn:ex:county" for _, p, o in got)
    # a city placed in another city counts for that one only (COALESCE(?owner, ?about))
    assert ("urn:ex:ind4", "reportedIn", "urn:ex:c1") in got and (
        "urn:ex:ind4",
        "reportedIn",
        "urn:ex:c3",
    ) not in got


@pytest.mark.parametrize(
    "extra",
    [
        "<urn:g:c> { <urn:ex:n9> ck:evidence <urn:ev/a/9> . }",  # an evidence namespace in two graphs
        "<urn:g:c> { _:x ck:realizes <urn:ex:k3> . }",  # a blank node a join could meet
    ],
)
def test_parts_that_cannot_merge_exactly_are_left_to_the_queries(tmp_path: Path, extra: str) -> None:
    trig = tmp_path / "hand.trig"
    trig.write_text(HAND_MADE + extra, encoding="utf-8")
    assert merged_quads(trig) is None


def test_the_analogies_graph_holds_nothing_the_summaries_read(built_trig: Path) -> None:
    """Why the build needs no part of it (``summaryparts``' exactness argument)."""
    analogies = [
        q
        for q in ox.parse(path=str(built_trig), format=ox.RdfFormat.TRIG)
        if q.graph_name.value.endswith("/analogies")
    ]
    assert len(analogies) > 100
    assert summaryparts.part_of(analogies) == summaryparts.SummaryPart()


def test_a_part_survives_the_cache(built_trig: Path) -> None:
    docs = [
        q for q in ox.parse(path=str(built_trig), format=ox.RdfFormat.TRIG) if "/doc/" in q.graph_name.value
    ]
    part = summaryparts.part_of(docs)
    assert part.nodes and part.namespaces and part.maps["realizes"]
    assert summaryparts.SummaryPart.from_tuple(marshal.loads(marshal.dumps(part.to_tuple()))) == part
    with pytest.raises(ValueError):
        summaryparts.SummaryPart.from_tuple(None)  # an entry from before the parts: a cache miss


def store_summaries(out: Path) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """(the summaries graph of ``out``'s store, what the CONSTRUCTs give on its data)."""
    store = ox.Store.read_only(str(out / "store"))
    return set(store.quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES)), reference_quads(store)


def trig_quads(out: Path) -> set[ox.Quad]:
    return set(ox.parse(path=str(out / "citykg.trig"), format=ox.RdfFormat.TRIG))


def test_the_build_loads_the_summaries_it_merged_and_an_edit_patches_them(
    tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store step of a build, from scratch and patched after an edit, queries no summary:
    they are in the TriG (the merged ones, the CONSTRUCTs' triples), and the store holds
    exactly the TriG's quads; the patch's TriG difference changes only the summaries that differ."""
    from citykg.graph.build import build
    from citykg.store import loading, trigdiff

    def no_query(store: ox.Store) -> list[ox.Quad]:
        raise AssertionError("the build's store step queried the summaries")

    scratch: list[Path] = []
    real_load = loading.load
    monkeypatch.setattr(loading, "load", lambda trig, *a: scratch.append(trig) or real_load(trig, *a))
    monkeypatch.setattr(summaries, "summary_quads", no_query)
    diffs: list[trigdiff.TrigDiff] = []
    real_diff = trigdiff.trig_diff
    monkeypatch.setattr(trigdiff, "trig_diff", lambda *a: diffs.append(real_diff(*a)) or diffs[-1])
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(seed_dir, corpus)
    build([corpus], out, jobs=1)
    have, want = store_summaries(out)
    assert have == want and len(have) > 50 and len(scratch) == 1
    assert set(ox.Store.read_only(str(out / "store"))) == trig_quads(out)
    assert not list(out.glob("*summaries*")) and not list((out / "store").glob("*summaries*"))
    article = sorted(corpus.glob("*.txt"))[0]
    with article.open("a", encoding="utf-8") as fh:  # our own sentence: a new initiative and a figure
        fh.write("\n青岛市上线“智慧停车”平台，全市新增智能泊位1200个。\n")
    build([corpus], out, jobs=1, incremental=True)
    edited, want = store_summaries(out)
    assert edited == want and edited != have
    assert len(scratch) == 1  # the edit was patched into a copy of the previous store
    assert set(ox.Store.read_only(str(out / "store"))) == trig_quads(out)
    summary_changes = [q for q in diffs[-1].removed | diffs[-1].added if q.graph_name == summaries.GRAPH_SUMMARIES]
    assert 0 < len(summary_changes) < len(edited) // 2  # the summaries that differ, not the whole graph
    with article.open("a", encoding="utf-8") as fh:  # a second patch starts from a copy of the first one's store
        fh.write("\n本市推出“秒批通”审批服务平台，企业注册实现即时办结。\n")
    build([corpus], out, jobs=1, incremental=True)
    again, want = store_summaries(out)
    assert again == want and again != edited and len(scratch) == 1
    full = tmp_path / "full"
    build([corpus], full, jobs=1)
    assert store_summaries(full)[0] == again
    assert set(ox.Store.read_only(str(out / "store"))) == set(ox.Store.read_only(str(full / "store")))
    assert (out / "citykg.trig").read_bytes() == (full / "citykg.trig").read_bytes()
