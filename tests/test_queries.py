"""The saved-query library: headers match the queries, and each query answers on real data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.errors import CitykgError
from citykg.store import querylib, sparqlsyntax
from citykg.store.core import PAGE_PARAMS, memory_store, open_store

FIXTURES = Path(__file__).parent / "fixtures"
LIBRARY = querylib.catalogue()
CHECKS = querylib.catalogue(qc=True)
ALL = [*LIBRARY.values(), *CHECKS.values()]
# Saved queries that need data the bundled seed articles may legitimately lack.
MAY_BE_EMPTY: set[str] = {
    # the seeds and the mini fixture have one article per city: no two sources can disagree
    # (tests/test_conflicts.py checks it on a corpus with a planted conflict)
    "conflicting-claims",
}


def test_library_size() -> None:
    assert len(LIBRARY) >= 20
    assert len(CHECKS) >= 8
    assert all(name.endswith("-violation") for name in CHECKS)


@pytest.mark.parametrize("saved", ALL, ids=lambda q: q.name)
def test_header_matches_the_query(saved: querylib.SavedQuery) -> None:
    assert saved.title_zh and saved.title_en and saved.title_zh != saved.title_en, "title: 中文 / English"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in saved.title_zh)
    assert saved.description
    answer = ox.Store().query(saved.text, prefixes=querylib.PREFIXES)  # parses
    assert isinstance(answer, ox.QuerySolutions), "saved queries are SELECT queries"
    assert [v.value for v in answer.variables] == saved.columns
    mentioned = sparqlsyntax.variables(saved.text)
    pages = any(p.name in PAGE_PARAMS for p in saved.params)
    page = sparqlsyntax.slice_clause(saved.text) if pages else None
    for p in saved.params:
        if p.name in PAGE_PARAMS:  # limit/offset set the LIMIT clause; their defaults are its numbers
            assert p.kind == "integer" and page is not None, f"{p.name} needs an integer and a LIMIT clause"
            assert int(p.default or -1) == (page[0] if p.name == "limit" else page[1] or 0), p.name
        else:
            assert p.name in mentioned, f"declared param {p.name} is not a variable of the query"
        if p.default is None:
            assert p.name in saved.example, f"param {p.name} needs a default or an example"
    assert set(saved.example) <= {p.name for p in saved.params}
    sparqlsyntax.where_brace(saved.text)  # parameters can be bound


@pytest.mark.parametrize("saved", list(LIBRARY.values()), ids=lambda q: q.name)
def test_saved_query_answers_on_the_bundled_build(built: Path, saved: querylib.SavedQuery) -> None:
    store = open_store(built)
    rows = store.select(saved.text, querylib.bind_params(saved, saved.example, store))
    if saved.name not in MAY_BE_EMPTY:
        assert rows, f"{saved.name} returns nothing on the bundled build with {saved.example}"
    assert all(set(r) == set(saved.columns) for r in rows)


@pytest.mark.parametrize("saved", list(LIBRARY.values()), ids=lambda q: q.name)
def test_saved_query_answers_on_the_mini_fixture(saved: querylib.SavedQuery) -> None:
    store = memory_store(FIXTURES / "sparql-mini.trig")
    examples = {
        "city": "青岛",
        "reform": "一网通办",
        "indicator": "5G基站数量",
        "domain": "政务服务",
        "node": "一网通办@青岛",
        "initiative": "静默认证@威海",
        "text": "数字",
    }
    given = {p.name: examples[p.name] for p in saved.params if p.default is None}
    rows = store.select(saved.text, querylib.bind_params(saved, given, store))
    assert rows or saved.name in MAY_BE_EMPTY, saved.name


def test_compare_indicator_picks_the_latest_non_target_value() -> None:
    store = memory_store(FIXTURES / "sparql-mini.trig")
    saved = querylib.find("compare-indicator")
    rows = store.select(saved.text, querylib.bind_params(saved, {"indicator": "5G基站"}, store))
    assert [(r["city"], r["value"], r["as_of"]) for r in rows] == [
        ("威海市", "9800", "2024-06"),
        ("青岛市", "35000", "2024-03-05"),  # the 2022 value is older; 通化's is a target
    ]


def test_reform_gaps_and_similar_cities() -> None:
    store = memory_store(FIXTURES / "sparql-mini.trig")
    gaps = querylib.find("reform-gaps")
    rows = store.select(gaps.text, querylib.bind_params(gaps, {"city": "青岛"}, store))
    assert [(r["label"], r["peers"]) for r in rows] == [("静默认证", "2"), ("冰雪数字化", "1")]
    similar = querylib.find("similar-cities")
    rows = store.select(similar.text, querylib.bind_params(similar, {"city": "威海"}, store))
    assert [(r["name"], r["shared"]) for r in rows] == [("通化市", "1"), ("青岛市", "1")]


@pytest.mark.parametrize("check", list(CHECKS.values()), ids=lambda q: q.name)
def test_check_is_clean_on_good_data_and_finds_its_offender(built: Path, check: querylib.SavedQuery) -> None:
    assert memory_store(FIXTURES / "sparql-mini.trig").select(check.text) == []
    assert open_store(built).select(check.text) == [], f"{check.name} finds defects in the bundled build"
    broken = memory_store(FIXTURES / "sparql-mini.trig", FIXTURES / "sparql-qc-broken.trig")
    rows = broken.select(check.text)
    offender = "https://w3id.org/citykg/resource/bad/" + check.name.removesuffix("-violation")
    assert any(offender in r.values() for r in rows), rows


# What the paged listings list, as plain joins (the queries before paging, minus nodes without
# a city, which the per-city pages leave out): concatenated, the pages must give exactly these rows.
_CITY_OF_OBS = """?new ck:refersTo ?about . OPTIONAL { ?about ck:inCity ?owner }
    BIND(COALESCE(?owner, ?about) AS ?c) ?c a ck:City ; rdfs:label ?city ."""
FULL_LISTINGS = {
    "cities-running-reform": """SELECT ?city ?initiative ?label ?quote ?file WHERE {
        ?initiative ck:realizes/skos:broader* ?reform ; ck:inCity ?c ; rdfs:label ?label ; ck:evidence ?ev .
        ?ev ck:quote ?quote ; ck:inDocument ?doc . ?doc ck:fileName ?file . ?c rdfs:label ?city }""",
    "awards": """SELECT ?city ?award ?quote ?file ?initiative WHERE {
        ?initiative a ck:Award ; rdfs:label ?award ; ck:inCity ?c ; ck:evidence ?ev .
        ?c rdfs:label ?city . ?ev ck:quote ?quote ; ck:inDocument ?doc . ?doc ck:fileName ?file }""",
    "organizations": """SELECT ?city ?organization (GROUP_CONCAT(DISTINCT ?run_label; separator="、")
        AS ?runs) ?initiative WHERE {
        ?initiative a ck:Organization ; rdfs:label ?organization ; ck:inCity ?c . ?c rdfs:label ?city .
        OPTIONAL { ?run ck:runBy ?initiative ; rdfs:label ?run_label } }
        GROUP BY ?city ?organization ?initiative""",
    "policy-documents": """SELECT ?city ?document ?domain ?file ?date ?initiative WHERE {
        ?initiative a ck:PolicyDocument ; rdfs:label ?document ; ck:inCity ?c ; ck:evidence ?ev .
        ?c rdfs:label ?city . ?ev ck:inDocument ?doc . ?doc ck:fileName ?file .
        OPTIONAL { ?initiative ck:domain ?d . ?d skos:prefLabel ?domain . FILTER(LANG(?domain) = "zh") }
        OPTIONAL { ?doc dcterms:date ?date } }""",
    "initiatives-by-domain": """SELECT ?city ?type ?label ?concept ?initiative WHERE {
        ?initiative ck:domain ?domain ; a ?cls ; rdfs:label ?label ; ck:inCity ?c . ?c rdfs:label ?city .
        VALUES ?cls { ck:Reform ck:Platform ck:Project ck:PolicyDocument ck:Organization ck:Award }
        OPTIONAL { ?initiative ck:realizes ?r . ?r skos:prefLabel ?concept . FILTER(LANG(?concept) = "zh") }
        BIND(STRAFTER(STR(?cls), "#") AS ?type) }""",
    "indicator-changes": f"""SELECT ?city ?indicator ?before ?after ?unit ?quote WHERE {{
        ?new ck:previousValue ?old ; ck:indicator ?ind ; ck:value ?after ; ck:evidence ?ev .
        ?ev ck:quote ?quote . ?old ck:value ?before . OPTIONAL {{ ?new ck:unit ?unit }} {_CITY_OF_OBS}
        OPTIONAL {{ ?ind skos:prefLabel ?zh . FILTER(LANG(?zh) = "zh") }}
        BIND(COALESCE(?zh, STR(?ind)) AS ?indicator) }}""",
    "rankings": f"""SELECT ?city ?indicator ?rank ?unit ?as_of ?raw ?quote WHERE {{
        ?new a ck:Ranking ; ck:value ?rank ; ck:evidence ?ev . ?ev ck:quote ?quote .
        OPTIONAL {{ ?new ck:unit ?unit }} OPTIONAL {{ ?new ck:rawText ?raw }} OPTIONAL {{ ?new ck:asOf ?when }}
        {_CITY_OF_OBS} OPTIONAL {{ ?new ck:indicator ?ind .
            OPTIONAL {{ ?ind skos:prefLabel ?zh . FILTER(LANG(?zh) = "zh") }} }}
        BIND(COALESCE(?zh, STR(?ind)) AS ?indicator) BIND(STR(COALESCE(?when, "")) AS ?as_of) }}""",
    "targets": f"""SELECT ?city ?indicator ?value ?unit ?qualifier ?as_of ?quote WHERE {{
        ?new ck:isTarget true ; ck:indicator ?ind ; ck:value ?value ; ck:evidence ?ev . ?ev ck:quote ?quote .
        OPTIONAL {{ ?new ck:unit ?unit }} OPTIONAL {{ ?new ck:qualifier ?qualifier }}
        OPTIONAL {{ ?new ck:asOf ?when }} {_CITY_OF_OBS}
        OPTIONAL {{ ?ind skos:prefLabel ?zh . FILTER(LANG(?zh) = "zh") }}
        BIND(COALESCE(?zh, STR(?ind)) AS ?indicator) BIND(STR(COALESCE(?when, "")) AS ?as_of) }}""",
    "list-articles": """SELECT ?file ?title ?date ?publisher ?city ?nodes ?document WHERE {
        { SELECT ?document (COUNT(DISTINCT ?node) AS ?nodes) WHERE { ?document a ck:SourceDocument .
            OPTIONAL { ?ev ck:inDocument ?document . ?node ck:evidence ?ev } } GROUP BY ?document }
        ?document ck:fileName ?file . OPTIONAL { ?document dcterms:title ?title }
        OPTIONAL { ?document dcterms:date ?date } OPTIONAL { ?document dcterms:publisher ?publisher }
        OPTIONAL { ?document ck:aboutCity ?c . ?c rdfs:label ?city } }""",
}


def _rows(rows: list[dict[str, str | None]]) -> list[str]:
    """Rows as comparable strings; GROUP_CONCAT lists compared as sets (their order follows the plan)."""
    return sorted(
        repr(sorted((k, tuple(sorted(v.split("、"))) if v and "、" in v else v) for k, v in r.items()))
        for r in rows
    )


def test_every_paged_query_is_checked() -> None:
    assert {n for n, q in LIBRARY.items() if q.param("limit")} == set(FULL_LISTINGS)


@pytest.mark.parametrize("name", sorted(FULL_LISTINGS))
def test_pages_list_everything_once_in_order(built: Path, name: str) -> None:
    store = open_store(built)
    saved = LIBRARY[name]
    rows: list[dict[str, str | None]] = []
    key = "file" if name == "list-articles" else "city"
    for offset in range(100):
        given = {**saved.example, "limit": "1", "offset": str(offset)}
        page = store.select(saved.text, querylib.bind_params(saved, given, store))
        if not page:
            break
        assert len({r[key] for r in page}) == 1, "a page of limit=1 covers one city (one article)"
        assert page[0][key] not in {r[key] for r in rows}, "pages do not overlap"
        rows += page
    pages = [r[key] for r in rows]
    assert pages == sorted(pages), "pages follow the order of city names (file names)"
    assert len(set(pages)) >= (5 if name == "list-articles" else 2)
    bound = querylib.bind_params(saved, saved.example, store)
    full = store.select(FULL_LISTINGS[name], {k: v for k, v in bound.items() if k not in PAGE_PARAMS})
    assert _rows(rows) == _rows(full)


def test_page_size_and_offset_are_checked(built: Path) -> None:
    store = open_store(built)
    saved = LIBRARY["awards"]
    two = store.select(saved.text, querylib.bind_params(saved, {"limit": "2"}, store))
    assert len({r["city"] for r in two}) == 2
    assert store.select(saved.text, querylib.bind_params(saved, {"offset": "1000"}, store)) == []
    for bad in ("-1", "two", "1.5"):
        with pytest.raises(CitykgError) as err:
            querylib.bind_params(saved, {"limit": bad}, store)
        assert err.value.message == (
            f'Query "awards": parameter limit={bad!r} is not a valid non-negative integer - '
            "pass e.g. --param limit=2"
        )


def test_search_labels_is_the_head_of_the_full_search(built: Path) -> None:
    store = open_store(built)
    saved = LIBRARY["search-labels"]
    full_search = """SELECT ?label ?type ?city ?node WHERE {
        ?node rdfs:label|skos:prefLabel|skos:altLabel ?label .
        FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?text))))
        OPTIONAL { ?node a ?cls . FILTER(STRSTARTS(STR(?cls), STR(ck:))) }
        OPTIONAL { ?node ck:inCity ?c . ?c rdfs:label ?city }
        BIND(COALESCE(STRAFTER(STR(?cls), "#"), "") AS ?type) } ORDER BY ?label ?type ?node"""
    sizes = []
    for text in ("", "市", "一网通办", "no such label"):
        params = querylib.bind_params(saved, {"text": text}, store)
        full = store.select(full_search, params)
        assert store.select(saved.text, params) == full[:200], text
        sizes.append(len(full))
    assert sizes[0] > 1000 and 0 < sizes[2] < 200 and sizes[3] == 0
