"""The saved-query library: headers match the queries, and each query answers on real data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg import querylib, sparqlsyntax
from citykg.store import memory_store, open_store

FIXTURES = Path(__file__).parent / "fixtures"
LIBRARY = querylib.catalogue()
CHECKS = querylib.catalogue(qc=True)
ALL = [*LIBRARY.values(), *CHECKS.values()]
# Saved queries that need data the bundled seed articles may legitimately lack.
MAY_BE_EMPTY: set[str] = set()


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
    for p in saved.params:
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
    assert store.select(saved.text, querylib.bind_params(saved, given, store)), saved.name


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
