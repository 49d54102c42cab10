"""The build: RDF emission from records, named graphs, determinism, dedup, incremental, atomic write."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import citykg.graph.build as build_mod
import citykg.graph.rdf.trig as trig_mod
import citykg.graph.worker as worker_mod
from citykg.graph.build import build, write_trig
from citykg.graph.ingest.documents import document_from_text
from citykg.graph.kb import load_kb
from citykg.graph.rdf.emit import rdfize
from citykg.graph.records import EntityRecord, Extraction, Mention, ObservationRecord
from citykg.namespaces import CK, GRAPH_DIVISIONS, GRAPH_ONTOLOGY, GRAPH_SCHEMES, SPARQL_PREFIXES

CITY = "320500"  # 苏州市


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def mention(doc, text, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    return Mention(text, start, start + len(text), doc.sentence_at(start).index)


def store_of(quads) -> ox.Store:
    s = ox.Store()
    s.bulk_extend(quads)
    return s


def select(store: ox.Store, q: str) -> list[tuple[str, ...]]:
    rows = store.query(SPARQL_PREFIXES + q, use_default_graph_as_union=True)
    return sorted(tuple(t.value if t is not None else None for t in row) for row in rows)


TEXT = ("苏州市推进“一网通办”改革。\n“一网通办”平台上线“苏周到”APP。\n"
        "全市政务服务事项网上可办率从85%提升至98.5%。\n苏州位列全国第一。\n市大数据局负责运营。")  # fmt: skip


def sample_extraction(kb, file_name="a.txt", text=TEXT) -> Extraction:
    doc = document_from_text(text, file_name)
    reform = EntityRecord("Reform", "一网通办", [mention(doc, "一网通办"), mention(doc, "一网通办", 1)],
                          concept=None, concept_label="一网通办", new_concept=True, city=CITY)  # fmt: skip
    app = EntityRecord("Platform", "苏周到APP", [mention(doc, "苏周到")], city=CITY, run_by=["市大数据局"])
    org = EntityRecord("Organization", "市大数据局", [mention(doc, "市大数据局")], city=CITY)
    obs = [
        ObservationRecord(None, "网上可办率", Decimal("85"), "%", "exact", mention(doc, "85%"), change_role="before",
                          new_indicator=True),
        ObservationRecord(None, "网上可办率", Decimal("98.50"), "%", "exact", mention(doc, "98.5%"), change_role="after",
                          new_indicator=True),
        ObservationRecord(None, "排名", Decimal("1"), "名", "exact", mention(doc, "第一"), kind="rank",
                          refers_to="苏周到APP", new_indicator=True),
    ]  # fmt: skip
    return Extraction(document=doc, city=CITY, entities=[reform, app, org], observations=obs)


def test_one_node_per_entity_with_an_evidence_per_mention(kb):
    s = store_of(rdfize(sample_extraction(kb), kb).all_quads())
    rows = select(s, "SELECT ?x (COUNT(?e) AS ?n) WHERE { ?x a ck:Reform ; ck:evidence ?e } GROUP BY ?x")
    assert len(rows) == 1 and rows[0][1] == "2"
    assert select(s, "SELECT ?c WHERE { ?x a ck:Reform ; ck:inCity ?c }") == [
        ("https://w3id.org/citykg/resource/area/320500",)
    ]


def test_same_name_same_city_is_one_iri_across_documents(kb):
    a = rdfize(sample_extraction(kb, "a.txt"), kb)
    b = rdfize(sample_extraction(kb, "b.txt", TEXT + "\n补充一句话。"), kb)
    assert a.graph != b.graph
    s = store_of([*a.all_quads(), *b.all_quads()])
    rows = select(
        s,
        "SELECT ?x (COUNT(DISTINCT ?d) AS ?n) WHERE { ?x a ck:Reform ; ck:evidence/ck:inDocument ?d } GROUP BY ?x",
    )
    assert len(rows) == 1 and rows[0][1] == "2"


def test_uncurated_concepts_go_to_the_schemes_graph(kb):
    dq = rdfize(sample_extraction(kb), kb)
    assert dq.scheme_quads and all(q.graph_name.value == str(GRAPH_SCHEMES) for q in dq.scheme_quads)
    s = store_of(dq.all_quads())
    rows = select(
        s,
        """SELECT ?l ?sch WHERE { ?x ck:realizes ?c . ?c skos:prefLabel ?l ; skos:inScheme ?sch ;
                        ck:curated false }""",
    )
    assert rows == [("一网通办", "https://w3id.org/citykg/resource/scheme/reforms")]
    assert select(s, "SELECT ?l WHERE { ?c a ck:Indicator ; ck:curated false ; skos:prefLabel ?l }") == [
        ("排名",),
        ("网上可办率",),
    ]


def test_observations_change_pair_rank_and_target(kb):
    s = store_of(rdfize(sample_extraction(kb), kb).all_quads())
    rows = select(
        s,
        """SELECT ?v ?prev WHERE { ?a ck:changeRole "after" ; ck:value ?v ; ck:previousValue ?b .
                        ?b ck:changeRole "before" ; ck:value ?prev }""",
    )
    assert rows == [("98.5", "85")]
    rows = select(s, "SELECT ?t WHERE { ?o a ck:Ranking ; ck:refersTo ?x . ?x rdfs:label ?t }")
    assert rows == [("苏周到APP",)]
    rows = select(
        s,
        """SELECT (COUNT(?o) AS ?n) WHERE { ?o a ck:Observation ; ck:refersTo <https://w3id.org/citykg/resource/area/320500> }""",
    )
    assert rows == [("2",)]


def test_no_blank_nodes_and_document_described_in_its_graph(kb):
    dq = rdfize(sample_extraction(kb), kb)
    assert not any(isinstance(t, ox.BlankNode) for q in dq.all_quads() for t in (q.subject, q.object))
    described = [q for q in dq.quads if q.subject == dq.graph and q.predicate.value == str(CK.fileName)]
    assert described and all(q.graph_name == dq.graph for q in dq.quads)


# ---------------------------------------------------------------- the build


def quads_of(trig: Path) -> list[str]:
    data = ox.serialize(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS)
    return sorted(data.decode().splitlines())


def test_named_graphs_and_divisions(tmp_path, mini_corpus):
    report = build([mini_corpus], tmp_path / "out", jobs=1, post_steps=False)
    assert report.problems == [] and report.documents == 6
    ds = ox.Store()
    ds.load(path=str(report.trig), format=ox.RdfFormat.TRIG)
    graphs = {g.value for g in ds.named_graphs()}
    assert {str(GRAPH_ONTOLOGY), str(GRAPH_SCHEMES), str(GRAPH_DIVISIONS)} <= graphs
    assert sum(g.startswith("https://w3id.org/citykg/resource/doc/") for g in graphs) == 6
    # divisions graph: the areas used and their ancestors (辉南县 -> 通化市 -> 吉林省)
    rows = select(
        ds,
        f"""SELECT ?n WHERE {{ GRAPH <{GRAPH_DIVISIONS}> {{ ?a rdfs:label "辉南县"@zh ;
                      ck:partOf/rdfs:label ?c . ?a ck:partOf/ck:partOf/rdfs:label ?n }} }}""",
    )
    assert rows == [("吉林省",)]
    cities = select(
        ds, "SELECT ?f ?c WHERE { ?d ck:fileName ?f ; ck:aboutCity ?a . ?a a ck:City ; rdfs:label ?c }"
    )
    assert dict(cities) == {"000_dc9962ff8289445f.txt": "通化市", "004_d6a477be16eb06b7.txt": "菏泽市",
                            "suzhou_gbk.txt": "苏州市", "shenzhen_big5.txt": "深圳市", "chengdu.html": "成都市",
                            "hangzhou.md": "杭州市"}  # fmt: skip


def test_rebuild_is_identical(tmp_path, mini_corpus):
    a = build([mini_corpus], tmp_path / "a", jobs=1, post_steps=False)
    b = build([mini_corpus], tmp_path / "b", jobs=2, post_steps=False)
    assert quads_of(a.trig) == quads_of(b.trig)
    assert a.trig.read_bytes() == b.trig.read_bytes()  # sorted output: byte-identical too


def test_same_text_twice_is_extracted_once(tmp_path, mini_corpus, monkeypatch):
    shutil.copy(mini_corpus / "suzhou_gbk.txt", mini_corpus / "zz_copy.txt")  # the same bytes
    text = (mini_corpus / "suzhou_gbk.txt").read_bytes().decode("gbk")
    (mini_corpus / "zz_utf8.txt").write_text(text, encoding="utf-8")  # the same text, other bytes
    calls: list[str] = []
    real = worker_mod.extract
    monkeypatch.setattr(worker_mod, "extract", lambda doc, kb: calls.append(doc.file_name) or real(doc, kb))
    report = build([mini_corpus], tmp_path / "out", jobs=1, post_steps=False)
    assert report.documents == 6 and sorted(calls).count("zz_copy.txt") == 0
    assert any(
        w.endswith("zz_copy.txt: same text as suzhou_gbk.txt; extracted once") for w in report.warnings
    )


def test_incremental_reextracts_only_changed_files(tmp_path, mini_corpus, monkeypatch):
    out = tmp_path / "out"
    first = build([mini_corpus], out, jobs=1, post_steps=False)
    calls: list[str] = []
    real = worker_mod.extract
    monkeypatch.setattr(worker_mod, "extract", lambda doc, kb: calls.append(doc.file_name) or real(doc, kb))
    again = build([mini_corpus], out, jobs=1, post_steps=False, incremental=True)
    assert calls == [] and again.reused == 6
    assert quads_of(first.trig) == quads_of(again.trig)
    (mini_corpus / "hangzhou.md").write_text("---\ncity: 杭州市\n---\n杭州市上线“城市大脑”新版本。全市推广。",
                                             encoding="utf-8")  # fmt: skip
    third = build([mini_corpus], out, jobs=1, post_steps=False, incremental=True)
    assert calls == ["hangzhou.md"] and third.reused == 5 and third.extracted == 1
    full = build([mini_corpus], tmp_path / "full", jobs=1, post_steps=False)
    assert third.trig.read_bytes() == full.trig.read_bytes()  # analogies and counts included
    assert third.stats == full.stats


def test_failed_write_keeps_previous_graph(tmp_path, mini_corpus, monkeypatch):
    report = build([mini_corpus], tmp_path / "out", jobs=1, post_steps=False)
    before = report.trig.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_mod.ox, "serialize", boom)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"),
                      ox.Literal("c"), ox.NamedNode("http://example.org/g")))  # fmt: skip
    with pytest.raises(OSError):
        write_trig(store, report.trig)
    assert report.trig.read_bytes() == before
    assert [p.name for p in report.trig.parent.iterdir() if p.name.startswith(".") and not p.name.endswith((".lock", ".blocks"))] == []


def test_incremental_with_a_broken_cache_extracts_everything(tmp_path, mini_corpus):
    out = tmp_path / "out"
    first = build([mini_corpus], out, jobs=1, post_steps=False)
    (out / "cache" / "index.json").write_text("{broken", encoding="utf-8")
    again = build([mini_corpus], out, jobs=1, post_steps=False, incremental=True)
    assert again.reused == 0 and again.extracted == 6
    assert quads_of(first.trig) == quads_of(again.trig)


def test_run_by_links_the_organization(kb):
    s = store_of(rdfize(sample_extraction(kb), kb).all_quads())
    assert select(s, "SELECT ?o WHERE { ?p a ck:Platform ; ck:runBy/rdfs:label ?o }") == [("市大数据局",)]


def test_folder_readme_and_hidden_files_are_not_articles(tmp_path, mini_corpus):
    from citykg.graph.build import collect_sources

    (mini_corpus / "README.md").write_text("# 语料说明\n本文件夹收录若干城市数字政府文章。", encoding="utf-8")
    (mini_corpus / ".draft.txt").write_text("草稿:某市推进数字政府建设。", encoding="utf-8")
    (mini_corpus / "notes.json").write_text("{}", encoding="utf-8")
    sources, problems = collect_sources([mini_corpus])
    assert sorted(s.path.name for s in sources) == sorted(
        ["000_dc9962ff8289445f.txt", "004_d6a477be16eb06b7.txt", "suzhou_gbk.txt", "shenzhen_big5.txt",
         "chengdu.html", "hangzhou.md"]
    )  # fmt: skip
    assert problems == []


def test_a_graph_written_in_chunks_reads_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/citykg/resource/graph/analogies")
    p = ox.NamedNode("https://w3id.org/citykg/ontology#score")
    store.bulk_extend(
        ox.Quad(ox.NamedNode(f"https://e.org/{i:03d}"), p, ox.Literal(str(i)), g) for i in range(50)
    )
    monkeypatch.setattr(trig_mod, "WRITE_CHUNK", 7)  # 50 subjects -> 8 TriG blocks for one graph
    write_trig(store, tmp_path / "chunked.trig")
    monkeypatch.setattr(trig_mod, "WRITE_CHUNK", 1000)
    write_trig(store, tmp_path / "whole.trig")
    chunked, whole = ox.Store(), ox.Store()
    chunked.load(path=str(tmp_path / "chunked.trig"), format=ox.RdfFormat.TRIG)
    whole.load(path=str(tmp_path / "whole.trig"), format=ox.RdfFormat.TRIG)
    assert set(chunked) == set(whole) == set(store)
    assert (tmp_path / "chunked.trig").read_text().count("analogies {") == 8
    assert (tmp_path / "whole.trig").read_text().count("analogies {") == 1


def test_every_concept_of_the_build_is_in_a_declared_scheme(built_dataset: ox.Store) -> None:
    store = built_dataset
    undeclared = list(
        store.query(
            SPARQL_PREFIXES
            + """SELECT DISTINCT ?scheme WHERE { ?c skos:inScheme ?scheme
                 FILTER NOT EXISTS { ?scheme a skos:ConceptScheme } }""",
            use_default_graph_as_union=True,
        )
    )
    assert undeclared == []
    minted = list(
        store.query(
            SPARQL_PREFIXES
            + """SELECT ?c WHERE { ?c a ck:ReformConcept ; ck:curated false ;
                 skos:inScheme <https://w3id.org/citykg/resource/scheme/reforms> }""",
            use_default_graph_as_union=True,
        )
    )
    assert minted  # the seeds name reforms the curated scheme does not know
