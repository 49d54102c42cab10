"""citykg.store.querylib: saved-query headers, parameter typing and label resolution."""

from __future__ import annotations

import doctest
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.errors import CitykgError
from citykg.namespaces import area_iri, concept_iri
from citykg.store import querylib
from citykg.store.core import memory_store
from citykg.store.querylib import bind_params, parse_header, resolve

FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"


@pytest.fixture(scope="module")
def mini():
    return memory_store(FIXTURE)


def test_doctests() -> None:
    assert doctest.testmod(querylib).failed == 0


def test_header_with_continuation_lines() -> None:
    text = (
        "# title: 城市 / Cities\n# description: first line\n#   second line\n"
        "# params: city (city label or IRI), n (integer, default 3)\n# columns: a, b\n"
        "# example: city=青岛\nSELECT ?a ?b WHERE { ?a ?b ?city }\n"
    )
    q = parse_header("x", Path("x.rq"), text)
    assert (q.title_zh, q.title_en) == ("城市", "Cities")
    assert q.description == "first line second line"
    assert [(p.name, p.kind, p.resolve, p.default) for p in q.params] == [
        ("city", "iri", "city", None),
        ("n", "integer", None, "3"),
    ]
    assert q.columns == ["a", "b"] and q.example == {"city": "青岛"}


@pytest.mark.parametrize(
    ("kind", "value", "iri"),
    [
        ("city", "青岛", area_iri("370200")),
        ("city", "青岛市", area_iri("370200")),
        ("city", "吉林", area_iri("220200")),  # the city, not the province of the same short name
        ("reform", "一网通办", concept_iri("reforms", "one-network-service")),
        ("reform", "一网办", concept_iri("reforms", "one-network-service")),  # altLabel
        ("reform", "silent authentication", concept_iri("reforms", "silent-authentication")),  # en, any case
        ("indicator", "5G基站", concept_iri("indicators", "5g-base-stations")),
        ("domain", "社保", concept_iri("domain", "social-security")),
        ("city", "ckr:area/371000", area_iri("371000")),
        ("node", str(area_iri("220500")), area_iri("220500")),
        ("initiative", "一网通办@青岛", "https://w3id.org/citykg/resource/initiative/370200/q0000000001"),
    ],
)
def test_labels_resolve_to_iris(mini, kind: str, value: str, iri: str) -> None:
    assert resolve(mini, kind, value) == ox.NamedNode(str(iri))


def test_ambiguous_label_lists_candidates(mini) -> None:
    with pytest.raises(CitykgError) as err:
        resolve(mini, "node", "吉林", "q", "place")
    msg = err.value.message
    assert msg.startswith('Query "q": "吉林" names 2 nodes (place): ')
    assert str(area_iri("220000")) in msg and str(area_iri("220200")) in msg
    assert msg.endswith("pass one of the IRIs, or label@city.")


def test_unknown_label_says_how_to_find_values(mini) -> None:
    with pytest.raises(CitykgError) as err:
        resolve(mini, "reform", "一网", "cities-running-reform", "reform")
    assert err.value.message == (
        'Query "cities-running-reform": no reform is labelled "一网" (reform). Close: 一网通办. '
        'Run "citykg query list-reforms" to see valid values, or pass a full IRI.'
    )


def test_bind_params_checks_declarations_and_types(mini) -> None:
    q = querylib.find("shared-reforms")
    assert bind_params(q, {}, mini) == {
        "min_cities": ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    }
    with pytest.raises(CitykgError) as err:
        bind_params(q, {"city": "青岛"}, mini)
    assert (
        err.value.message
        == 'Query "shared-reforms" does not declare parameter "city" (it takes: min_cities).'
    )
    with pytest.raises(CitykgError) as err:
        bind_params(q, {"min_cities": "two"}, mini)
    assert err.value.message == (
        "Query \"shared-reforms\": parameter min_cities='two' is not a valid integer - pass e.g. --param min_cities=2"
    )
    with pytest.raises(CitykgError) as err:
        bind_params(querylib.find("city-portfolio"), {}, mini)
    assert (
        err.value.message
        == 'Query "city-portfolio" needs --param city=… (city label or IRI); e.g. --param city=青岛'
    )


def test_unknown_saved_query_lists_names() -> None:
    with pytest.raises(CitykgError) as err:
        querylib.find("no-such-query")
    assert err.value.message.startswith(
        'Query "no-such-query" not found - saved queries are: analogues-of-initiative, '
    )
    assert err.value.message.endswith('(run "citykg queries" for titles and parameters).')


@pytest.mark.parametrize("name", ["platforms-by-city", "projects-by-city", "indicator-coverage"])
def test_optional_city_defaults_to_every_city(mini, name: str) -> None:
    saved = querylib.find(name)
    assert saved.param("in_city").default == querylib.ALL
    assert bind_params(saved, {}, mini) == {} == bind_params(saved, {"in_city": "all"}, mini)
    every = mini.select(saved.text, bind_params(saved, {}, mini))
    assert every
    for city in {r["city"] for r in every} | {"青岛市", "威海市", "通化市"}:
        one = mini.select(saved.text, bind_params(saved, {"in_city": city}, mini))
        assert one == [r for r in every if r["city"] == city]


@pytest.mark.parametrize("form", ["370200", "Qingdao", "qing dao shi", "青島", "青島市", "青岛"])
def test_city_parameters_accept_adcode_pinyin_and_traditional(form: str) -> None:
    store = memory_store(Path(__file__).parent / "fixtures" / "sparql-mini.trig")
    saved = querylib.find("platforms-by-city")
    bound = querylib.bind_params(saved, {"in_city": form}, store)
    assert bound["in_city"].value.endswith("/area/370200")
