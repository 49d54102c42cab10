"""citykg.store.core: the persistent embedded store and the one query interface."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from citykg.errors import CitykgError, QueryError
from citykg.namespaces import CK, area_iri
from citykg.store import core as store_mod
from citykg.store.core import MARKER, StoreError, is_fresh, open_store, refresh_store, to_term

FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An OUT folder holding the hand-made mini dataset as citykg.trig."""
    shutil.copy(FIXTURE, tmp_path / "citykg.trig")
    return tmp_path


def test_open_builds_a_persistent_store_once(out: Path) -> None:
    store = open_store(out)
    assert (out / "store" / MARKER).exists()
    assert len(store.select("SELECT ?c WHERE { ?c a ck:City }")) == 4
    built = (out / "store").stat().st_ino
    open_store(out).select("ASK { ?s ?p ?o }")
    assert (out / "store").stat().st_ino == built  # not rebuilt: the TriG did not change


def test_store_is_rebuilt_when_the_trig_changes(out: Path) -> None:
    open_store(out)
    trig = out / "citykg.trig"
    trig.write_text(trig.read_text(encoding="utf-8").replace("通化市", "通化市X"), encoding="utf-8")
    assert not is_fresh(trig, out / "store")
    rows = open_store(out).select("SELECT ?l WHERE { ?a rdfs:label ?l }", {"a": area_iri("220500")})
    assert rows == [{"l": "通化市X"}]


def test_touching_the_trig_does_not_rebuild(out: Path) -> None:
    open_store(out)
    trig = out / "citykg.trig"
    os.utime(trig, ns=(trig.stat().st_atime_ns, trig.stat().st_mtime_ns + 10**9))
    assert is_fresh(trig, out / "store")  # same size and hash


def test_open_accepts_the_trig_file_itself(out: Path) -> None:
    assert open_store(out / "citykg.trig").ask("ASK { ?d a ck:SourceDocument }")


def test_missing_dataset_names_the_command_that_creates_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store(tmp_path / "nowhere")
    assert err.value.message == (
        f"No dataset at {tmp_path / 'nowhere'}: {tmp_path / 'nowhere' / 'citykg.trig'} does not exist - "
        'run "citykg build" to create it (or pass --data OUT).'
    )
    assert isinstance(err.value, CitykgError)


def test_default_graph_is_the_union_and_graphs_stay_queryable(out: Path) -> None:
    store = open_store(out)
    # the ontology lives in its own named graph; subclass reasoning over it works from the default graph
    assert store.ask("ASK { ck:Reform rdfs:subClassOf ck:Initiative }")
    rows = store.select(
        "SELECT ?doc (COUNT(?i) AS ?n) WHERE { GRAPH ?doc { ?i a ck:Reform } } GROUP BY ?doc ORDER BY ?doc"
    )
    assert [r["n"] for r in rows] == ["1", "2", "1"]


def test_params_are_bound_as_terms_not_text(out: Path) -> None:
    store = open_store(out)
    q = "SELECT ?c WHERE { ?c rdfs:label ?l }"
    assert store.select(q, {"l": ox.Literal("青岛市", language="zh")}) == [{"c": str(area_iri("370200"))}]
    assert store.select(q, {"l": Literal("青岛市", lang="zh")}) == [{"c": str(area_iri("370200"))}]
    hostile = '青岛市"@zh } ?c ?p ?o . FILTER(true'
    assert store.select(q, {"l": hostile}) == []  # one literal, no new pattern
    assert store.select("SELECT ?l WHERE { ?c rdfs:label ?l }", {"c": URIRef(area_iri("220500"))}) == [
        {"l": "通化市"}
    ]


def test_result_kinds(out: Path) -> None:
    store = open_store(out)
    result = store.query("SELECT ?c ?missing WHERE { ?c a ck:City } ORDER BY ?c LIMIT 1")
    assert result.kind == "select" and result.variables == ["c", "missing"]
    assert isinstance(result.rows[0][0], ox.NamedNode) and result.rows[0][1] is None
    assert result.dicts() == [{"c": str(area_iri("220200")), "missing": None}]
    assert store.query("ASK { ?c a ck:Province }").boolean is True
    turtle = store.construct("CONSTRUCT { ?c a ck:City } WHERE { ?c a ck:City }")
    assert "ck:City" in turtle
    graph = store.construct_graph("CONSTRUCT { ?c a ck:City } WHERE { ?c a ck:City }")
    assert len(graph) == 4 and (URIRef(area_iri("370200")), None, CK.City) in graph


def test_max_rows_stops_collecting(out: Path) -> None:
    result = open_store(out).query("SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert len(result.rows) == 5 and result.truncated


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT ?x WHERE {\n  ?x ?y\n}", "query: SPARQL syntax error at line 3, column 2: expected "),
        (
            "DELETE WHERE { ?s ?p ?o }",
            "query: SPARQL updates are not allowed - citykg queries are read-only.",
        ),
        (
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "query: SERVICE (federated query) is not allowed - citykg never reaches the network.",
        ),
    ],
)
def test_bad_queries_are_user_errors(out: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        open_store(out).select(query)
    assert err.value.message.startswith(message)


def test_to_term_types_python_values() -> None:
    import datetime
    from decimal import Decimal

    assert str(to_term(Decimal("1.50"))) == '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert str(to_term(True)) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert str(to_term(datetime.date(2024, 1, 31))).startswith('"2024-01-31"^^')


def test_refresh_store_is_what_the_build_calls(out: Path) -> None:
    path = refresh_store(out)
    assert path == out / "store" and is_fresh(out / "citykg.trig", path)
    assert store_mod.store_dir_for(out / "other.trig") == out / "other.store"


def test_memory_copy_answers_like_the_disk_store(out: Path) -> None:
    q = "SELECT ?c ?l WHERE { ?c a ck:City ; rdfs:label ?l } ORDER BY ?c"
    assert open_store(out, memory=True).select(q) == open_store(out).select(q)


def test_doctests_of_the_term_helpers() -> None:
    import doctest

    from citykg.server import formats as sparqlresults
    from citykg.store import push, sparqlterms

    for module in (sparqlterms, sparqlresults, push):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_a_touch_is_remembered(out: Path) -> None:
    open_store(out)
    trig = out / "citykg.trig"
    os.utime(trig, ns=(trig.stat().st_atime_ns, trig.stat().st_mtime_ns + 10**9))
    assert is_fresh(trig, out / "store")
    marker = json.loads((out / "store" / MARKER).read_text())
    assert marker["mtime_ns"] == trig.stat().st_mtime_ns  # next time: no hashing


def test_limit_and_offset_page_the_query_as_numbers(out: Path) -> None:
    store = open_store(out)
    q = "SELECT ?c WHERE { ?c a ck:City } ORDER BY ?c LIMIT 100"
    every = [r["c"] for r in store.select(q)]
    assert len(every) == 4
    assert [r["c"] for r in store.select(q, {"limit": 2, "offset": 1})] == every[1:3]
    assert [r["c"] for r in store.select(q, {"offset": ox.Literal("3")})] == every[3:]
    for bad in (-1, "2 } ?c ?p ?o", ox.NamedNode("http://e/x")):
        with pytest.raises(QueryError, match="limit must be a non-negative integer"):
            store.select(q, {"limit": bad})
    with pytest.raises(QueryError, match="no LIMIT clause"):
        store.select("SELECT ?c WHERE { ?c a ck:City }", {"limit": 1})


def test_the_lenient_load_the_build_asks_for_holds_the_same_quads(out: Path, tmp_path: Path) -> None:
    strict = refresh_store(out)
    quads = set(ox.Store.read_only(str(strict)))
    other = tmp_path / "lenient"
    other.mkdir()
    shutil.copy(FIXTURE, other / "citykg.trig")
    lenient = refresh_store(other, lenient=True)
    assert set(ox.Store.read_only(str(lenient))) == quads and len(quads) > 100


def test_the_lenient_load_still_refuses_a_broken_file(out: Path) -> None:
    trig = out / "citykg.trig"
    trig.write_text(
        trig.read_text(encoding="utf-8")[:-40] + "\n<urn:s> <urn:p> garbage .\n", encoding="utf-8"
    )
    with pytest.raises(StoreError) as err:
        refresh_store(out, lenient=True)
    assert "citykg.trig: not valid RDF" in err.value.message and "\n" not in err.value.message
    assert not (out / "store").exists()
